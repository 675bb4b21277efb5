"""Callback data without aiogram: a pydantic model with a short prefix, packed as
``prefix:value:value`` — the format of aiogram's ``CallbackData``, so buttons sent by earlier
releases keep working. Services build buttons with it; ``handlers.telegram.filters.Pressed``
matches presses against it.

Values are ids, enum values and short codes, never titles: Telegram allows 64 bytes.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, ClassVar, Self, get_args

from pydantic import BaseModel, ConfigDict

SEPARATOR = ":"
LIMIT = 64
"""Telegram's limit for callback data, in bytes."""


class Callback(BaseModel):
    """Subclass with ``class X(Callback, prefix="xx")``; fields in the order they are packed."""

    model_config = ConfigDict(frozen=True)
    __prefix__: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        prefix = kwargs.pop("prefix", None)
        if prefix is not None:
            if SEPARATOR in prefix:
                raise ValueError(f"{SEPARATOR!r} cannot be used in the prefix {prefix!r}")
            cls.__prefix__ = prefix
        super().__init_subclass__(**kwargs)

    def pack(self) -> str:
        return self.pack_values(*(getattr(self, name) for name in type(self).model_fields))

    @classmethod
    def pack_values(cls, *values: Any) -> str:
        """What ``pack`` gives for a callback of these field values (in the fields' order),
        without building one: for buttons the bot makes from its own values (a screen of
        dozens of buttons paid a model per button). Unchecked, as ``model_construct`` is."""
        fields = cls.model_fields
        if len(values) != len(fields):
            raise TypeError(f"{cls.__name__} packs {len(fields)} values, got {len(values)}")
        parts = [cls.__prefix__]
        for name, value in zip(fields, values, strict=True):
            encoded = _encode(value)
            if SEPARATOR in encoded:
                raise ValueError(f"{SEPARATOR!r} cannot be used in {name}={encoded!r}")
            parts.append(encoded)
        packed = SEPARATOR.join(parts)
        if len(packed.encode()) > LIMIT:
            raise ValueError(f"callback data over {LIMIT} bytes: {packed!r}")
        return packed

    @classmethod
    def unpack(cls, data: str) -> Self:
        """The callback; ``ValueError`` when the data is not of this kind or malformed."""
        prefix, *parts = data.split(SEPARATOR)
        fields = cls.model_fields
        if prefix != cls.__prefix__ or len(parts) != len(fields):
            raise ValueError(f"not {cls.__name__} data")
        payload: dict[str, Any] = {}
        for (name, field), value in zip(fields.items(), parts, strict=True):
            # An empty part is None for an optional field, as aiogram reads it.
            empty_is_none = value == "" and type(None) in get_args(field.annotation)
            payload[name] = None if empty_is_none else value
        return cls.model_validate(payload)

    @classmethod
    def parse(cls, data: str | None) -> Self | None:
        """The callback, or None for data of another kind, malformed or forged."""
        if not data:
            return None
        try:
            return cls.unpack(data)
        except ValueError:  # pydantic's ValidationError is one too
            return None


def _encode(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int | str | float):
        return str(value)
    raise ValueError(f"{value!r} cannot be packed into callback data")
