"""The router tree, built afresh on every call (aiogram refuses to attach a router twice)."""

from __future__ import annotations

from aiogram import Router

from handlers.telegram import (
    campaigns,
    consultations,
    dialog,
    errors,
    exports,
    fallback,
    groups,
    home,
    pairs,
    privacy,
    progress,
    publishing,
    reviews,
    schools,
    staff,
    waves,
)
from handlers.telegram.filters import PrivateChat


def setup_routers() -> Router:
    """The routers in the order they are asked: groups; the questionnaire dialog first, since
    answers are most of the traffic (it takes no commands); invitation links, staff tools
    (and their polite refusal), commands, fallback; errors."""
    root = Router(name="root")
    root.include_router(groups.setup())
    private = Router(name="private")
    private.message.filter(PrivateChat())
    private.callback_query.filter(PrivateChat())
    private.include_routers(
        dialog.setup(),
        staff.invitations(),
        pairs.setup(),
        staff.setup(),
        staff.denied(),
        progress.setup(),
        progress.denied(),
        exports.setup(),
        exports.denied(),
        publishing.setup(),
        reviews.setup(),
        waves.setup(),
        consultations.setup(),
        campaigns.setup(),
        schools.setup(),
        home.setup(),
        privacy.setup(),
        fallback.setup(),
    )
    root.include_routers(private, errors.setup())
    return root
