"""/myschool as a message."""

from __future__ import annotations

from exports.picture import Figure, SchoolPicture, status_lines
from forms.i18n import Translator
from forms.values import format_number
from handlers.ui import quote


def picture_text(t: Translator, picture: SchoolPicture) -> str:
    lines = [t("picture-title", school=quote(picture.school))]
    lines += status_lines(picture, t)
    if picture.wave:
        lines.append(t("picture-wave", wave=quote(picture.wave)))
    if picture.expected:
        lines.append(t("picture-answered-of", answered=picture.answered, expected=picture.expected))
    else:
        lines.append(t("picture-answered", answered=picture.answered))
    if picture.areas:
        lines += ["", t("picture-areas", municipality=quote(picture.municipality))]
        lines += [_line(t, figure, "") for figure in picture.areas]
    if picture.support:
        lines += ["", t("picture-support")]
        lines += [_line(t, figure, " %") for figure in picture.support]
    lines.append("")
    if picture.requests:
        done = ", ".join(f"{status} — {count}" for status, count in picture.requests)
        lines.append(t("picture-requests", requests=done))
    else:
        lines.append(t("picture-no-requests"))
    lines += ["", t("picture-note", minimum=picture.minimum)]
    return "\n".join(lines)


def _line(t: Translator, figure: Figure, unit: str) -> str:
    return t(
        "picture-line",
        label=quote(figure.label),
        school=_value(t, figure.school, unit),
        municipality=_value(t, figure.municipality, unit),
    )


def _value(t: Translator, value: float | None, unit: str) -> str:
    return t("picture-too-few") if value is None else format_number(round(value, 1)) + unit
