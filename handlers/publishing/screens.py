"""How /forms speaks: the list of forms, a form's card, an uploaded form's summary."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from forms.i18n import Translator
from forms.schema import Form, Repeat, Section
from handlers.ui import Button, Callback, Keyboard, Reply, quote
from handlers.workflows.profile.screens import person_name
from storage.dto import FormVersionDTO, PublicationDTO, UserDTO


class FormAct(StrEnum):
    card = "c"  # a form's card
    trial = "t"  # «Пройти как респондент»: a trial of the waiting version
    publish = "p"
    discard = "d"  # the waiting version is not published
    withdraw = "w"
    reopen = "r"
    upload = "u"  # how to upload a form
    template = "x"  # the XLSForm template
    back = "b"  # the list again


class FormCallback(Callback, prefix="pf"):
    a: FormAct
    f: str = ""  # the form id
    v: int = 0  # the version (form_versions.id) the button is about


@dataclass(frozen=True, slots=True)
class Listed:
    """A form in /forms: its publication, the version shown (the live one, else the one
    waiting), its author, the responses that count and its state as this process sees it."""

    publication: PublicationDTO
    version: FormVersionDTO
    author: UserDTO | None
    responses: int
    state: str  # draft, published, withdrawn; off: a form file this process does not read


def pressed(act: FormAct, form_id: str = "", version_id: int = 0) -> str:
    return FormCallback(a=act, f=form_id, v=version_id).pack()


def listing(t: Translator, listed: list[Listed]) -> Reply:
    lines = [t("forms-admin-title")]
    for item in listed:
        lines.append(
            t(
                "forms-admin-line",
                title=quote(item.version.title),
                state=t(f"forms-state-{item.state}"),
                version=item.version.version,
                author=_author(t, item.author, item.version),
                responses=item.responses,
            )
        )
    if not listed:
        lines.append(t("forms-admin-none"))
    buttons = [Button(i.version.title, pressed(FormAct.card, i.version.form_id)) for i in listed]
    buttons += [
        Button(t("forms-button-upload"), pressed(FormAct.upload)),
        Button(t("forms-button-template"), pressed(FormAct.template)),
    ]
    return Reply("\n".join(lines), Keyboard.grid(buttons, 1))


def _author(t: Translator, author: UserDTO | None, version: FormVersionDTO) -> str:
    if version.author_id is None:
        return t("forms-author-file")
    return quote(person_name(author)) if author is not None else t("forms-author-unknown")


def card_text(t: Translator, item: Listed, draft: FormVersionDTO | None, zone: ZoneInfo) -> str:
    version = item.version
    lines = [
        t("forms-card-head", title=quote(version.title), id=version.form_id),
        t("forms-card-state", state=t(f"forms-state-{item.state}")),
    ]
    if item.publication.version_id is not None:
        lines.append(
            t(
                "forms-card-live",
                version=version.version,
                author=_author(t, item.author, version),
                date=version.created_at.astimezone(zone).strftime("%d.%m.%Y"),
            )
        )
    if draft is not None:
        lines.append(
            t(
                "forms-card-waiting",
                version=draft.version,
                file=quote(draft.file_name or "—"),
                date=draft.created_at.astimezone(zone).strftime("%d.%m.%Y %H:%M"),
            )
        )
    lines.append(t("forms-card-responses", count=item.responses))
    return "\n".join(lines)


def form_buttons(t: Translator, item: Listed, draft: FormVersionDTO | None) -> Keyboard:
    form_id = item.version.form_id
    rows: list[list[Button]] = []
    if draft is not None:
        rows += [list(row) for row in draft_buttons(t, form_id, draft.id).rows]
    if item.state == "published":
        rows.append([Button(t("forms-button-withdraw"), pressed(FormAct.withdraw, form_id))])
    elif item.state == "withdrawn":
        rows.append([Button(t("forms-button-reopen"), pressed(FormAct.reopen, form_id))])
    rows.append([Button(t("forms-button-back"), pressed(FormAct.back))])
    return Keyboard.of(*rows)


def draft_buttons(t: Translator, form_id: str, version_id: int, *, trial: bool = True) -> Keyboard:
    """Under an uploaded form's summary (and a trial's end: without the trial)."""
    rows = []
    if trial:
        rows.append([Button(t("forms-button-trial"), pressed(FormAct.trial, form_id, version_id))])
    rows.append([Button(t("forms-button-publish"), pressed(FormAct.publish, form_id, version_id))])
    rows.append([Button(t("forms-button-discard"), pressed(FormAct.discard, form_id, version_id))])
    return Keyboard.of(*rows)


def summary_lines(t: Translator, form: Form) -> list[str]:
    """What a coordinator checks before publishing: size, logic, who answers, how often."""
    questions = [q for q in form.every_question() if q.answerable]
    sections = sum(isinstance(item, Section) for item in form.questions)
    repeats = sum(isinstance(item, Repeat) for item in form.questions)
    conditional = sum(q.show_if is not None for q in form.every_question())
    conditional += sum(
        item.show_if is not None for item in form.questions if isinstance(item, Section | Repeat)
    )
    roles = ", ".join(t(f"forms-role-{role}") for role in form.roles)
    lines = [
        t("forms-summary-size", questions=len(questions), sections=sections, repeats=repeats),
        t("forms-summary-logic", count=conditional),
        t("forms-summary-school")
        if form.respondent == "school"
        else t("forms-summary-roles", roles=roles),
        t(f"forms-summary-responses-{form.responses}"),
    ]
    if form.workflow is not None:
        lines.append(t(f"forms-summary-workflow-{form.workflow.value}"))
    if form.consent:
        lines.append(t("forms-summary-consent"))
    return lines
