"""Thin aiogram adapters. ``setup_routers()`` builds a fresh router tree on every call."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiogram import Router


def setup_routers() -> Router:
    """The routers in the order they are asked: groups; the questionnaire dialog first, since
    answers are most of the traffic (it takes no commands); invitations, staff tools (and their
    polite refusal), commands, fallback; errors.

    The routers are imported here, not with the package: a module of this package that needs
    no Telegram (the exporter, which ``school-bot export`` runs) must not import aiogram and
    every router, seconds and about 150 MB."""
    from aiogram import Router

    from handlers import (
        common,
        consultations,
        dialog,
        errors,
        exports,
        fallback,
        groups,
        invitations,
        privacy,
        progress,
        staff,
        waves,
    )
    from handlers.filters import PrivateChat
    from handlers.workflows import pairs

    root = Router(name="root")
    root.include_router(groups.setup())
    private = Router(name="private")
    private.message.filter(PrivateChat())
    private.callback_query.filter(PrivateChat())
    private.include_routers(
        dialog.setup(),
        invitations.setup(),
        pairs.setup(),
        staff.setup(),
        staff.denied(),
        progress.setup(),
        progress.denied(),
        exports.setup(),
        exports.denied(),
        waves.setup(),
        consultations.setup(),
        common.setup(),
        privacy.setup(),
        fallback.setup(),
    )
    root.include_routers(private, errors.setup())
    return root
