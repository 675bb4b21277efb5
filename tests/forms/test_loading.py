from __future__ import annotations

from pathlib import Path

import pytest

from forms.loading import FormError, check_paths, form_to_yaml, load_form, load_yaml_text
from forms.problems import problem_text
from tests.forms.helpers import t

GOOD = """\
id: consult
title: Консультация
questions:
  - type: single_choice
    id: answer
    label: Вам удобно?
    options:
      - {value: yes, label: Да}
      - {value: no, label: Нет}
  - type: text
    id: why
    label: Почему?
    show_if: {question: answer, equals: no}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(FormError) as error:
        load_yaml_text(text, "anketa.yaml")
    return [problem_text(problem, t) for problem in error.value.problems]


def test_yes_and_no_stay_text() -> None:
    form = load_yaml_text(GOOD)
    why = form.question("why")
    assert why is not None
    assert why.show_if is not None
    assert why.show_if.evaluate({"answer": "no"})


def test_problem_names_file_line_and_path() -> None:
    text = GOOD.replace(
        "show_if: {question: answer, equals: no}", "show_if: {question: answr, equals: no}"
    )
    assert problems(text) == [
        "anketa.yaml, строка 13 (questions[1].show_if): "
        "Условие ссылается на вопрос «answr», которого нет в анкете."
    ]


def test_unknown_key_is_named() -> None:
    text = GOOD.replace("    label: Почему?\n", "    label: Почему?\n    requred: false\n")
    assert problems(text) == [
        "anketa.yaml, строка 13 (questions[1].requred): "
        "Неизвестное поле «requred». Проверьте написание: все поля описаны в FORMAT.md."
    ]


def test_missing_field() -> None:
    text = GOOD.replace("title: Консультация\n", "")
    assert problems(text) == [
        "anketa.yaml, строка 1 (title): Не заполнено обязательное поле «title»."
    ]


def test_yaml_syntax_error() -> None:
    [message] = problems("id: x\ntitle: [Консультация\n")
    assert message.startswith("anketa.yaml, строка 3: Ошибка разметки YAML")


def test_duplicate_key() -> None:
    [message] = problems("id: x\ntitle: A\ntitle: B\nquestions: []\n")
    assert message == "anketa.yaml, строка 3: Поле «title» указано дважды."


def test_not_a_mapping() -> None:
    assert problems("- a\n- b\n") == [
        "anketa.yaml: Файл анкеты должен начинаться с полей id, title и questions."
    ]


def test_yaml_round_trip_keeps_cyrillic() -> None:
    form = load_yaml_text(GOOD)
    text = form_to_yaml(form)
    assert "Консультация" in text
    assert load_yaml_text(text) == form


def test_multiline_text_is_written_as_a_block() -> None:
    form = load_yaml_text(
        GOOD.replace("title: Консультация", 'title: Консультация\ndescription: "Раз.\\nДва."')
    )
    text = form_to_yaml(form)
    assert "description: |-\n  Раз.\n  Два.\n" in text
    assert load_yaml_text(text) == form


def test_load_form_reads_files(tmp_path: Path) -> None:
    path = tmp_path / "consult.yml"
    path.write_text(GOOD, encoding="utf-8")
    assert load_form(path).id == "consult"


def test_file_problems(tmp_path: Path) -> None:
    wrong = tmp_path / "anketa.txt"
    wrong.write_text(GOOD, encoding="utf-8")
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("title: Консультация".encode("cp1251"))
    for path, message_id in (
        (wrong, "form-error-file-type"),
        (tmp_path / "missing.yaml", "form-error-no-file"),
        (latin1, "form-error-encoding"),
    ):
        with pytest.raises(FormError) as error:
            load_form(path)
        assert [p.message_id for p in error.value.problems] == [message_id]


def test_check_paths_reports_everything(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "b.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "c.yaml").write_text(GOOD.replace("id: consult", "id: Bad"), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("не анкета", encoding="utf-8")
    found = check_paths([tmp_path, tmp_path / "ghost.yaml"])
    assert [(p.message_id, Path(p.place.file).name if p.place else "") for p in found] == [
        ("form-error-bad-id", "c.yaml"),
        ("form-error-duplicate-form-id", "b.yaml"),
        ("form-error-no-file", "ghost.yaml"),
    ]


def test_check_paths_of_good_files_is_empty(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    assert check_paths([tmp_path / "a.yaml"]) == []


REPEAT = """\
id: results
title: Результаты
questions:
  - type: integer
    id: subjects_number
    label: Сколько предметов?
  - type: repeat
    id: subjects
    title: Предмет
    count: subjects_number
    questions:
      - type: text
        id: subject
        label: Какой предмет?
      - type: section
        title: Внутри
        questions:
          - {type: text, id: inner, label: Вопрос}
  - type: text
    id: after
    label: После
    show_if: {question: subject, answered: true}
"""


def test_repeat_problems_name_their_lines() -> None:
    assert problems(REPEAT) == [
        "anketa.yaml, строка 15 (questions[1].questions[1]): " + t("form-error-section-in-repeat")
    ]
    valid = simple_repeat()
    assert problems(valid) == [
        "anketa.yaml, строка 18 (questions[2].show_if): "
        + t("form-error-condition-in-repeat", question="subject", repeat="Предмет")
    ]


def simple_repeat() -> str:
    return REPEAT.replace(
        """      - type: section
        title: Внутри
        questions:
          - {type: text, id: inner, label: Вопрос}
""",
        "",
    )


def test_a_repeat_reads_and_round_trips() -> None:
    text = simple_repeat().replace("    show_if: {question: subject, answered: true}\n", "")
    form = load_yaml_text(text)
    assert load_yaml_text(form_to_yaml(form)) == form
    assert form.repeats()[0].count == "subjects_number"
