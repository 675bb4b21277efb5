"""Mentoring pairs: a mentor registers a pair, the mentee confirms it by a one-time link,
either side logs meetings, and the pair is completed or dissolved with a reason.

Statuses: pending → active → completed or dissolved; a pending pair is dissolved when the
mentee declines or the mentor cancels the invitation. The case's ``assignee_id`` is the
mentee, its ``code`` the invitation's code, its ``subject`` what the mentee rule compares."""

from __future__ import annotations

import secrets
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

from aiogram import Bot
from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.deep_linking import create_start_link

from forms.i18n import Translator
from forms.vocabulary import CaseStatus
from handlers.dialog.followup import FollowUp, Sent
from handlers.dialog.render import Reply
from storage.repositories import UnitOfWork

KIND = "mentoring"
PAIR_PREFIX = "pair_"  # t.me/<bot>?start=pair_<code>
MEETING_FORM = "mentoring_meeting"
SUBJECT_LIMIT = 64  # the length of Case.subject
NO_SUBJECT = "none"  # «Не связано с предметом»: not limited by the one-mentor rule
REASONS = ("job_change", "absence", "mismatch", "mistake")  # dissolving an active pair
DECLINED, CANCELLED = "declined", "cancelled"  # dissolving a pending one


class PairAct(StrEnum):
    confirm = "c"  # the mentee, on the invitation (k = the code)
    decline = "d"  # the mentee: asks first
    decline_yes = "dy"
    cancel = "x"  # the mentor, while the pair waits: asks first
    cancel_yes = "xy"
    meeting = "m"  # either side of an active pair: the meeting form
    complete = "f"
    complete_yes = "fy"
    dissolve = "r"  # the reasons
    dissolve_ask = "ra"  # r = the reason
    dissolve_yes = "ry"
    back = "b"  # «Нет»: the pair (or the invitation) as it was


class PairCallback(CallbackData, prefix="mp"):
    """A pair's button. ``s`` is the pair (its submission); the mentee's buttons carry the
    invitation code ``k``, so only someone who has the link can answer it."""

    s: int
    a: PairAct
    k: str = ""
    r: str = ""


def new_code() -> str:
    return secrets.token_urlsafe(18)  # 24 characters; "pair_" + code fits the 64 of /start


def subject_key(value: Any) -> str | None:
    """The subject of a pair as the one-mentor rule compares it: the option's value, or the
    «Другое» text with case and spaces folded; None when the form did not ask it."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and value.get("other"):
        folded = " ".join(str(value["other"]).split()).casefold()
        return f"other:{folded}"[:SUBJECT_LIMIT]
    return None


def limits_mentee(subject: str | None) -> bool:
    """A mentee has one active mentor per subject; pairs about no one subject are free."""
    return subject is not None and subject != NO_SUBJECT


async def invitation_link(bot: Bot, code: str) -> str:
    return await create_start_link(bot, PAIR_PREFIX + code)


def share_button(t: Translator, link: str) -> InlineKeyboardButton:
    """Opens Telegram's «forward to…» with the link and a line about it."""
    query = urlencode({"url": link, "text": t("mentoring-share-text")})
    return InlineKeyboardButton(
        text=t("mentoring-button-share"), url=f"https://t.me/share/url?{query}"
    )


class MentoringWorkflow:
    """After a pair is registered: the case waits for the mentee; the mentor gets the link."""

    def __init__(self, t: Translator) -> None:
        self.t = t

    async def submitted(self, uow: UnitOfWork, sent: Sent) -> FollowUp:
        pair, code = sent.submission.id, new_code()
        subject = subject_key(sent.answers.get("subject"))
        await uow.cases.open(pair, KIND, CaseStatus.pending, code=code, subject=subject)
        await uow.audit.record(sent.submission.respondent_id, "pair_registered", pair=pair)
        return FollowUp(replies=(await self._invitation(sent.bot, pair, code),))

    async def _invitation(self, bot: Bot | None, pair: int, code: str) -> Reply:
        if bot is None:  # no bot to name in the link: /pairs shows it
            return Reply(self.t("mentoring-registered-no-link", number=pair))
        link = await invitation_link(bot, code)
        markup = InlineKeyboardMarkup(inline_keyboard=[[share_button(self.t, link)]])
        return Reply(self.t("mentoring-registered", number=pair, link=link), markup)
