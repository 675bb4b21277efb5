"""Reading typed text (numbers, dates, phones, e-mails) and writing values back for people."""

from __future__ import annotations

import math
import re
from datetime import date, timedelta

import phonenumbers
from email_validator import EmailNotValidError, validate_email

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_INTEGER = re.compile(r"[+-]?\d{1,15}")
_DECIMAL = re.compile(r"[+-]?(\d{1,15}(\.\d{0,9})?|\.\d{1,9})")
_RU_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_RELATIVE = re.compile(r"today(?:([+-])(\d{1,4}))?")


def parse_integer(text: str) -> int | None:
    """``"12"``, ``"1 200"``, ``"-3"`` → int; anything else → None."""
    compact = _SPACES.sub("", text)
    return int(compact) if _INTEGER.fullmatch(compact) else None


def parse_decimal(text: str) -> float | None:
    """``"12,5"``, ``"12.5"``, ``"7"`` → float; anything else → None."""
    compact = _SPACES.sub("", text).replace(",", ".")
    if not _DECIMAL.fullmatch(compact):
        return None
    value = float(compact)
    return value if math.isfinite(value) else None


def parse_date(text: str) -> date | None:
    """``ДД.ММ.ГГГГ``, ``Д.М.ГГГГ`` or ``ГГГГ-ММ-ДД`` → date; an impossible date → None."""
    compact = _SPACES.sub("", text)
    if match := _RU_DATE.fullmatch(compact):
        day, month, year = (int(part) for part in match.groups())
    elif match := _ISO_DATE.fullmatch(compact):
        year, month, day = (int(part) for part in match.groups())
    else:
        return None
    return _safe_date(year, month, day)


def looks_like_date(text: str) -> bool:
    """True when the text has the shape of a date, even an impossible one (31.02.2025)."""
    compact = _SPACES.sub("", text)
    return bool(_RU_DATE.fullmatch(compact) or _ISO_DATE.fullmatch(compact))


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def is_date_bound(bound: str) -> bool:
    """A date bound is ``today``, ``today+N``, ``today-N`` or an ISO date ``2025-09-01``."""
    if _RELATIVE.fullmatch(bound):
        return True
    match = _ISO_DATE.fullmatch(bound)
    if match is None:
        return False
    year, month, day = (int(part) for part in match.groups())
    return _safe_date(year, month, day) is not None


def resolve_bound(bound: str, today: date) -> date:
    """The date a bound means on ``today``."""
    match = _RELATIVE.fullmatch(bound)
    if match is None:
        return date.fromisoformat(bound)
    sign, days = match.groups()
    shift = int(days or 0) * (-1 if sign == "-" else 1)
    return today + timedelta(days=shift)


def normalize_phone(text: str) -> str | None:
    """A phone number in E.164 (``+79161234567``); Russian numbers may start with 8 or 7."""
    try:
        number = phonenumbers.parse(text, "RU")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def pretty_phone(e164: str) -> str:
    """``+79161234567`` → ``+7 916 123-45-67``; anything unreadable is returned as is."""
    try:
        number = phonenumbers.parse(e164, "RU")
    except phonenumbers.NumberParseException:
        return e164
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def normalize_email(text: str) -> str | None:
    """A checked e-mail address (the domain is not looked up), or None."""
    try:
        return validate_email(text.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def format_date(value: date) -> str:
    """``01.09.2025``."""
    return value.strftime("%d.%m.%Y")


def format_number(value: float) -> str:
    """``12,5`` with a decimal comma; ``12`` for a whole number."""
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value)).replace(".", ",")
