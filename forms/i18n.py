"""User-facing text: Fluent (.ftl) catalogues under ``forms/locales/<locale>/``.

Every string a user sees comes from here; code holds only message ids. The module
is pure (no aiogram) so the engine, the handlers and the exports share one catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from fluent.runtime import FluentBundle, FluentResource
from fluent.syntax.ast import Message

LOCALES_DIR = Path(__file__).parent / "locales"
DEFAULT_LOCALE = "ru"


class MissingMessageError(KeyError):
    """A message id that no catalogue defines: a programming error, caught by tests."""


class Translator:
    """Formats messages of one locale. Immutable and cheap to share."""

    def __init__(self, bundle: FluentBundle, locale: str, message_ids: frozenset[str]) -> None:
        self._bundle = bundle
        self.locale = locale
        self._ids = message_ids
        self._fixed: dict[str, str] = {}  # messages without parameters, formatted once

    def __call__(self, message_id: str, /, **params: Any) -> str:
        return self.get(message_id, **params)

    def get(self, message_id: str, /, **params: Any) -> str:
        if not params:
            fixed = self._fixed.get(message_id)
            if fixed is None:
                fixed = self._fixed[message_id] = self._format(message_id, {})
            return fixed
        return self._format(message_id, params)

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
