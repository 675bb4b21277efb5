"""Opening an invitation link: ``t.me/<bot>?start=inv_<code>`` grants its role once."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import Message
from aiogram.utils.text_decorations import html_decoration

from forms.i18n import Translator
from forms.values import format_date
from handlers.access import Access
from handlers.clock import Clock
from handlers.profiles import profile_of
from handlers.staff import INVITE_PREFIX, role_name
from storage.repositories import UnitOfWork


def setup() -> Router:
    router = Router(name=__name__)
    router.message.register(
        accept, CommandStart(deep_link=True, magic=F.args.startswith(INVITE_PREFIX))
    )
    return router


async def accept(
    message: Message, command: CommandObject, access: Access, i18n: Translator, clock: Clock
) -> None:
    if message.from_user is None or command.args is None:
        return
    code = command.args.removeprefix(INVITE_PREFIX)
    async with access.db.transaction() as uow:
        await uow.users.save_profile(profile_of(message.from_user))
        text = await _claim(uow, code, message.from_user.id, i18n, clock)
    await message.answer(text)


async def _claim(uow: UnitOfWork, code: str, user_id: int, t: Translator, clock: Clock) -> str:
    invitation = await uow.invitations.get(code)
    if invitation is None:
        return t("invite-unknown")
    if not await uow.invitations.claim(code, user_id):
        if invitation.used_by is not None:
            return t("invite-used")
        return t(
            "invite-expired", date=format_date(invitation.expires_at.astimezone(clock.zone).date())
        )
    municipalities = [invitation.municipality_id] if invitation.municipality_id else []
    await uow.roles.grant(user_id, invitation.role, municipalities)
    await uow.audit.record(
        user_id,
        "invitation_used",
        role=invitation.role.value,
        municipality_id=invitation.municipality_id,
        invited_by=invitation.created_by,
    )
    place = ""
    if invitation.municipality_id:
        municipality = await uow.schools.municipality(invitation.municipality_id)
        name = html_decoration.quote(municipality.name) if municipality else ""
        place = t("invite-for-municipality", municipality=name)
    return t("invite-accepted", role=role_name(t, invitation.role), municipality=place)
