"""Callback data of the questionnaire dialog. Ids, never titles: 64 bytes at most."""

from __future__ import annotations

from enum import StrEnum

from handlers.ui import Callback


class Act(StrEnum):
    pick = "p"  # single choice, yes/no, rating: v = the value
    toggle = "t"  # multiple choice: v = the option value
    done = "d"  # multiple choice and files: finish
    skip = "s"
    keep = "k"  # keep the current answer when walking back
    default = "f"  # «Оставить: …»: the question's default becomes the answer
    next = "n"  # a note
    back = "b"
    leave = "l"  # put the form aside; the answers stay
    municipality = "m"  # school: v = municipality id
    school = "o"  # school: v = school id
    my_school = "h"  # school: the one in the person's profile; v = its id
    page = "g"  # school list: v = page number
    municipalities = "r"  # school: return to the municipalities
    month = "c"  # calendar: v = YYYY-MM
    day = "y"  # calendar: v = YYYY-MM-DD
    edit = "e"  # review: q = the question's number in the form
    remove = "x"  # review: remove an entry of a repeat; q = the number of its entry id
    submit = "u"
    contact = "a"  # phone: another person's contact card was sent; v = "y" (keep it) or "n"


class AnswerCallback(Callback, prefix="fa"):
    """A button under a question or the review. ``s`` pins the submission, ``q`` the question."""

    s: int
    q: int
    a: Act
    v: str = ""


class StartForm(Callback, prefix="fs"):
    form: str


class DraftAct(StrEnum):
    resume = "r"
    discard = "d"
    discard_yes = "y"
    discard_no = "n"


class DraftCallback(Callback, prefix="dr"):
    s: int
    a: DraftAct


class ConsentCallback(Callback, prefix="cs"):
    """The answer to the consent text shown before a form: ``y`` or ``n``."""

    form: str
    a: str
