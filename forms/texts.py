"""Texts of a form in several languages: a label, a hint, an option, an error message.

A ``Text`` is a ``str`` (the form's default language, so everything that reads a label
works unchanged) that also keeps every language it was given. YAML writes one as a string or
as a mapping ``{ru: …, en: …}``; XLSForm as ``label::Русский (ru)``, ``label::English (en)``
columns. ``localized`` gives the form as one person reads it: every text in the language of
their Telegram ``language_code``, else the default one.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, PlainSerializer, ValidatorFunctionWrapHandler, WrapValidator

DEFAULT_LANGUAGE = "ru"
_CODE = re.compile(r"\(([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?)\)\s*$")
_NAMES = {
    "russian": "ru",
    "русский": "ru",
    "english": "en",
    "английский": "en",
    "french": "fr",
    "français": "fr",
    "francais": "fr",
    "spanish": "es",
    "español": "es",
    "espanol": "es",
    "portuguese": "pt",
    "german": "de",
    "deutsch": "de",
    "arabic": "ar",
    "swahili": "sw",
    "hindi": "hi",
    "chinese": "zh",
    "ukrainian": "uk",
    "украинский": "uk",
    "kazakh": "kk",
    "tatar": "tt",
}


class Text(str):
    """A text in its default language, with every language's text in ``translations``
    (empty when the file gave one text)."""

    translations: dict[str, str]

    def __new__(cls, value: str, translations: Mapping[str, str] | None = None) -> Text:
        text = super().__new__(cls, value)
        text.translations = dict(translations or {})
        return text

    def in_language(self, language: str) -> str:
        return self.translations.get(language, str(self))


def language_code(name: str) -> str:
    """``English (en)`` → ``en``; ``Русский`` → ``ru``; ``default`` or an unknown name as
    written, in lower case."""
    found = _CODE.search(name)
    if found:
        return found.group(1).lower().replace("_", "-").split("-")[0]
    word = name.strip().lower()
    return _NAMES.get(word, word)


def default_of(translations: Mapping[str, str], preferred: str = "") -> str:
    """Which language a text is shown in by default: ``preferred`` (the form's
    default_language), Russian, else the first one given."""
    for language in (preferred, DEFAULT_LANGUAGE):
        if language and language in translations:
            return language
    return next(iter(translations))


def _read(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    if isinstance(value, Text) and value.translations:
        value = dict(value.translations)
    if not isinstance(value, dict) or not value:
        return handler(value)
    checked = {str(key).strip().lower(): handler(text) for key, text in value.items()}
    if len(checked) == 1:
        return next(iter(checked.values()))
    return Text(checked[default_of(checked)], checked)


def _write(value: str) -> Any:
    return dict(value.translations) if isinstance(value, Text) and value.translations else value


LocalText = Annotated[str, WrapValidator(_read), PlainSerializer(_write)]
"""A text field of a form that may be given in several languages."""

M = TypeVar("M", bound=BaseModel)


def languages(model: BaseModel) -> set[str]:
    """Every language some text of ``model`` is given in."""
    found: set[str] = set()
    for value in _values(model):
        if isinstance(value, Text):
            found.update(value.translations)
    return found


def _values(model: Any) -> Any:
    if isinstance(model, BaseModel):
        for name in type(model).model_fields:
            yield from _values(getattr(model, name))
    elif isinstance(model, tuple | list):
        for item in model:
            yield from _values(item)
    else:
        yield model


def localized(model: M, language: str) -> M:
    """``model`` with every text in ``language`` where it has one (the others as they are).
    Ids, values and conditions stay, so stored answers read the same."""
    changed = _localized(model, language)
    assert isinstance(changed, type(model))
    return changed


def _localized(value: Any, language: str) -> Any:
    if isinstance(value, Text):
        return value.in_language(language) if value.translations else value
    if isinstance(value, tuple):
        items = tuple(_localized(item, language) for item in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if not isinstance(value, BaseModel):
        return value
    changes = {}
    for name in type(value).model_fields:
        old = getattr(value, name)
        new = _localized(old, language)
        if new is not old:
            changes[name] = new
    return value.model_copy(update=changes) if changes else value


CACHE_SIZE = 256
"""Forms in a language kept at most (the least recently used go first): versions of forms
times the languages people's Telegram says."""
_CACHE: OrderedDict[tuple[int, str], tuple[BaseModel, BaseModel]] = OrderedDict()
"""An entry keeps its form alive, so an id cannot be reused by another object while it is
cached."""


def person_language(code: str | None) -> str:
    """A Telegram ``language_code`` (``en``, ``pt-br``) as a language of texts; Russian when
    Telegram says none."""
    return (code or DEFAULT_LANGUAGE).replace("_", "-").split("-")[0].lower()


def localized_for(model: M, code: str | None) -> M:
    """``localized`` for a person's Telegram ``language_code``, worked out once per form and
    language."""
    language = person_language(code)
    key = (id(model), language)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] is model:
        _CACHE.move_to_end(key)
        result = cached[1]
        assert isinstance(result, type(model))
        return result
    result = localized(model, language)
    _CACHE[key] = (model, result)
    while len(_CACHE) > CACHE_SIZE:
        _CACHE.popitem(last=False)
    return result
