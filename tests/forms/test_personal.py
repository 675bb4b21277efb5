from __future__ import annotations

from forms.consent import consent
from forms.loading import load_form
from forms.personal import scrub
from tests.forms.test_demo import DEMO

MARK = "(удалено)"


def test_the_consent_text_is_versioned_and_fits_a_message() -> None:
    text = consent()
    assert text.version
    assert "152-ФЗ" in text.text
    assert len(text.text) < 4000


def test_scrub_keeps_what_statistics_need_and_erases_the_rest() -> None:
    form = load_form(DEMO)
    q = {question.id: question for question in form.all_questions()}
    assert scrub(q["name"], "Анна Сергеевна", MARK) == MARK
    assert scrub(q["phone"], "+79161234567", MARK) == MARK
    assert scrub(q["email"], "anna@mail.ru", MARK) == MARK
    assert scrub(q["materials"], [{"file_id": "x"}], MARK) == MARK
    assert scrub(q["questions_to_discuss"], None, MARK) is None
    assert scrub(q["position"], "teacher", MARK) == "teacher"
    assert scrub(q["position"], {"other": "Соцпедагог Иванова"}, MARK) == {"other": MARK}
    assert scrub(q["subjects"], {"selected": ["math"], "other": "Химия"}, MARK) == {
        "selected": ["math"],
        "other": MARK,
    }
    assert scrub(q["experience"], 12, MARK) == 12
    assert (
        scrub(q["school"], {"code": "1", "name": "Школа", "municipality": "М"}, MARK)["code"] == "1"
    )
