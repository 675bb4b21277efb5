"""How campaigns are written for people: the draft's card, the board, the announcement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from forms.i18n import Translator
from forms.values import format_date
from forms.vocabulary import SCHOOLS_AUDIENCE, Delivery, PersonKind, SchoolGroup
from handlers.dialog.callbacks import StartForm
from handlers.ui import Button, Callback, Keyboard, quote
from storage.dto import CampaignDTO, Coverage


class CampaignAct(StrEnum):
    new = "n"  # choose the form of a new campaign
    form = "f"  # v: the form's number in the list
    show = "s"  # the campaign's card (a draft) or board
    kind = "k"  # next audience kind
    schools = "g"  # next group of schools
    later = "l"  # deadline a week later
    sooner = "e"  # deadline a week sooner
    text = "t"  # the next message is the announcement
    preview = "p"
    send = "y"
    drop = "d"  # delete the draft
    area = "a"  # v: a municipality: its schools
    chart = "c"
    remind = "r"
    close = "x"
    mute = "m"  # under a reminder: no more reminders
    unmute = "u"
    areas = "o"  # the municipalities a draft reaches: the picker
    area_toggle = "z"  # v: a municipality, in or out
    areas_all = "w"
    reminders = "q"  # the next reminder plan


class CampaignCallback(Callback, prefix="cp"):
    a: CampaignAct
    c: int = 0
    v: int = 0


KINDS = tuple(PersonKind)
GROUPS = tuple(SchoolGroup)


def pressed(act: CampaignAct, campaign: int = 0, value: int = 0) -> str:
    return CampaignCallback(a=act, c=campaign, v=value).pack()


@dataclass(frozen=True, slots=True)
class Share:
    """Answered of expected, and whether the expected number is the directory's."""

    answered: int
    expected: int
    from_directory: bool

    @property
    def percent(self) -> int:
        return self.answered * 100 // self.expected if self.expected else 0


def share(rows: Sequence[Coverage], kind: str) -> Share:
    """Teachers are counted against the directory's «Педагогов» where every school has it;
    otherwise against the people registered. Schools (a school's form) against the
    directory's schools: each answers once."""
    answered = sum(row.answered for row in rows)
    if kind == SCHOOLS_AUDIENCE:
        return Share(answered, len(rows), True)
    if kind == PersonKind.teacher and rows and all(row.teachers for row in rows):
        return Share(answered, sum(row.teachers or 0 for row in rows), True)
    return Share(answered, sum(row.registered for row in rows), False)


def share_text(t: Translator, value: Share) -> str:
    return t(
        "campaign-share",
        answered=value.answered,
        expected=value.expected,
        percent=value.percent,
        base="directory" if value.from_directory else "registered",
    )


AREAS_NAMED = 5  # municipalities named on a draft's card; more are counted


def areas_text(t: Translator, names: Sequence[str] | None) -> str:
    """«все», or the chosen municipalities' names."""
    if names is None:
        return t("campaign-areas-all")
    shown = ", ".join(names[:AREAS_NAMED])
    more = len(names) - AREAS_NAMED
    return shown if more <= 0 else t("campaign-areas-more", names=shown, more=more)


def card_text(
    t: Translator,
    campaign: CampaignDTO,
    title: str,
    recipients: int,
    *,
    stage: str | None = None,
    areas: Sequence[str] | None = None,
) -> str:
    lines = [
        t("campaign-card-head", number=campaign.id, state=t(f"campaign-state-{campaign.state}")),
        t("campaign-card-form", title=quote(title)),
    ]
    if stage:
        lines.append(t("campaign-card-stage", stage=quote(stage)))
    lines += [
        t("campaign-card-kind", kind=t(f"person-kind-{campaign.kind}")),
        t("campaign-card-schools", schools=t(f"school-group-{campaign.schools}")),
        t("campaign-card-areas", areas=areas_text(t, areas)),
        t("campaign-card-deadline", deadline=deadline_text(t, campaign)),
        _reminders_line(t, campaign.reminder_days),
        t("campaign-card-recipients", count=recipients),
        "",
        t("campaign-card-text"),
        announcement(t, campaign, title),
    ]
    return "\n".join(lines)


def _reminders_line(t: Translator, days: Sequence[int]) -> str:
    if not days:
        return t("campaign-card-no-reminders")
    return t("campaign-card-reminders", days=", ".join(map(str, days)))


def deadline_text(t: Translator, campaign: CampaignDTO) -> str:
    return format_date(campaign.deadline) if campaign.deadline else t("campaign-no-deadline")


def announcement(t: Translator, campaign: CampaignDTO, title: str) -> str:
    if campaign.text:  # as typed: shown as plain text, never as markup
        return quote(campaign.text)
    return t("campaign-default-text", title=quote(title), deadline=deadline_text(t, campaign))


def draft_buttons(t: Translator, campaign: CampaignDTO, recipients: int) -> Keyboard:
    c = campaign.id
    return Keyboard.of(
        [Button(t("campaign-button-kind"), pressed(CampaignAct.kind, c))],
        [Button(t("campaign-button-schools"), pressed(CampaignAct.schools, c))],
        [Button(t("campaign-button-areas"), pressed(CampaignAct.areas, c))],
        [Button(t("campaign-button-reminders"), pressed(CampaignAct.reminders, c))],
        [
            Button(t("campaign-button-sooner"), pressed(CampaignAct.sooner, c)),
            Button(t("campaign-button-later"), pressed(CampaignAct.later, c)),
        ],
        [
            Button(t("campaign-button-text"), pressed(CampaignAct.text, c)),
            Button(t("campaign-button-preview"), pressed(CampaignAct.preview, c)),
        ],
        [Button(t("campaign-button-send", count=recipients), pressed(CampaignAct.send, c))],
        [Button(t("campaign-button-drop"), pressed(CampaignAct.drop, c))],
    )


def announcement_buttons(t: Translator, campaign: CampaignDTO) -> Keyboard:
    return Keyboard.of([Button(t("campaign-button-fill"), StartForm(form=campaign.form_id).pack())])


def reminder_buttons(t: Translator, campaign: CampaignDTO) -> Keyboard:
    return Keyboard.of(
        [Button(t("campaign-button-fill"), StartForm(form=campaign.form_id).pack())],
        [Button(t("campaign-button-mute"), pressed(CampaignAct.mute, campaign.id))],
    )


def progress_text(t: Translator, counts: dict[Delivery, int]) -> str:
    total = sum(counts.values())
    done = counts.get(Delivery.sent, 0)
    lost = sum(counts.get(s, 0) for s in (Delivery.failed, Delivery.blocked, Delivery.unknown))
    return t("campaign-progress", sent=done, total=total, lost=lost)


@dataclass(frozen=True, slots=True)
class Area:
    """A municipality's line of the board."""

    id: int
    name: str
    share: Share


def areas(rows: Sequence[Coverage], kind: str) -> list[Area]:
    """Municipalities, worst first."""
    by_area: dict[int, list[Coverage]] = {}
    for row in rows:
        by_area.setdefault(row.municipality_id, []).append(row)
    found = [Area(mid, group[0].municipality, share(group, kind)) for mid, group in by_area.items()]
    return sorted(found, key=lambda area: (area.share.percent, area.name))
