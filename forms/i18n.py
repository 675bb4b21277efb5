"""User-facing text: Fluent (.ftl) catalogues under ``forms/locales/<locale>/``.

Every string a user sees comes from here; code holds only message ids. The module
is pure (no aiogram) so the engine, the handlers and the exports share one catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from fluent.runtime import FluentBundle, FluentResource
from fluent.syntax.ast import Message

LOCALES_DIR = Path(__file__).parent / "locales"
DEFAULT_LOCALE = "ru"
FORMATTED_CACHE_SIZE = 4096
"""Texts with parameters kept, the least recently used dropped first: the same few
(«Вопрос 3 из 12», a month's name, a question's limits) are formatted on every answer."""


class MissingMessageError(KeyError):
    """A message id that no catalogue defines: a programming error, caught by tests."""


class Translator:
    """Formats messages of one locale. Immutable and cheap to share."""

    def __init__(
        self,
        bundle: FluentBundle,
        locale: str,
        message_ids: frozenset[str],
        cache_size: int = FORMATTED_CACHE_SIZE,
    ) -> None:
        self._bundle = bundle
        self.locale = locale
        self._ids = message_ids
        self._fixed: dict[str, str] = {}  # messages without parameters, formatted once
        # Formatting is a pure function of the id and the parameters: Fluent's resolver and
        # Babel's number formatting cost more than the answer's SQL, so results are kept.
        self._formatted = lru_cache(maxsize=cache_size)(self._format_items)

    def __call__(self, message_id: str, /, **params: Any) -> str:
        return self.get(message_id, **params)

    def get(self, message_id: str, /, **params: Any) -> str:
        if not params:
            fixed = self._fixed.get(message_id)
            if fixed is None:
                fixed = self._fixed[message_id] = self._format(message_id, {})
            return fixed
        # The key holds each value's type too: 1, 1.0 and True are equal as keys.
        key = tuple(sorted((k, type(v), v) for k, v in _fluent_args(params).items()))
        return self._formatted(message_id, key)

    def _format_items(self, message_id: str, key: tuple[tuple[str, type, Any], ...]) -> str:
        return self._format(message_id, {name: value for name, _, value in key})

    def cached(self) -> int:
        """How many formatted texts with parameters are kept (for tests)."""
        return int(self._formatted.cache_info().currsize)

    def _format(self, message_id: str, params: Mapping[str, Any]) -> str:
        if not self._bundle.has_message(message_id):
            raise MissingMessageError(message_id)
        message = self._bundle.get_message(message_id)
        if message.value is None:
            raise MissingMessageError(f"{message_id} has no value")
        text, errors = self._bundle.format_pattern(message.value, _fluent_args(params))
        if errors:
            raise MissingMessageError(f"{message_id}: {errors[0]}")
        return str(text)

    def has(self, message_id: str) -> bool:
        return bool(self._bundle.has_message(message_id))

    def message_ids(self) -> list[str]:
        return sorted(self._ids)


def _fluent_args(params: Mapping[str, Any]) -> dict[str, Any]:
    # Fluent formats ints and strings; anything else is shown through str().
    return {k: v if isinstance(v, int | float | str) else str(v) for k, v in params.items()}


@cache
def translator(locale: str = DEFAULT_LOCALE) -> Translator:
    """The translator of a locale, built once from every .ftl file of that locale."""
    folder = LOCALES_DIR / locale
    files = sorted(folder.glob("*.ftl"))
    if not files:
        raise FileNotFoundError(f"no .ftl files in {folder}")
    bundle = FluentBundle([locale], use_isolating=False)
    ids: set[str] = set()
    for path in files:
        resource = FluentResource(path.read_text(encoding="utf-8"))
        ids.update(entry.id.name for entry in resource.body if isinstance(entry, Message))
        bundle.add_resource(resource)
    return Translator(bundle, locale, frozenset(ids))
