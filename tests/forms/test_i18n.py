"""forms.i18n: formatted texts are kept, within a bound, and never change."""

from __future__ import annotations

from forms.i18n import MissingMessageError, Translator, translator


def fresh(cache_size: int) -> Translator:
    shared = translator()
    return Translator(shared._bundle, shared.locale, frozenset(shared.message_ids()), cache_size)


def test_a_kept_text_is_the_text_formatted_afresh() -> None:
    t = fresh(cache_size=8)
    first = t("form-progress", number=3, total=12)
    assert t("form-progress", number=3, total=12) == first
    assert t.cached() == 1
    assert first == t._format("form-progress", {"number": 3, "total": 12})
    assert t("form-progress", number=4, total=12) != first


def test_the_cache_is_bounded() -> None:
    t = fresh(cache_size=8)
    for number in range(1, 50):
        t("form-progress", number=number, total=50)
    assert t.cached() == 8
    assert "49" in t("form-progress", number=49, total=50)


def test_values_of_other_types_are_other_keys() -> None:
    t = fresh(cache_size=8)
    t("form-progress", number=1, total=2)
    t("form-progress", number=1.0, total=2)
    assert t.cached() == 2


def test_a_missing_message_still_fails() -> None:
    t = fresh(cache_size=8)
    try:
        t("no-such-message", n=1)
    except MissingMessageError:
        pass
    else:
        raise AssertionError("a missing message id must fail")
    assert t.cached() == 0
