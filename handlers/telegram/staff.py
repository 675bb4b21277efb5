"""Staff tools in Telegram: /invite, /roles, /audit, and opening an invitation link.

The router admits only staff (a filter on the router); ``denied`` refuses everyone else
politely, for typed commands and for old or forged buttons alike.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from forms.vocabulary import GRANTS, Role
from handlers.access import Scope
from handlers.container import Services
from handlers.staff.screens import INVITE_PREFIX, InviteCallback, RoleCallback
from handlers.telegram.filters import Commands, HasRole, Pressed
from handlers.telegram.markup import BotLinks, answer, edit
from handlers.telegram.profiles import profile_of
from handlers.telegram.refusals import refused, refusing
from handlers.ui import Reply

STAFF_COMMANDS = ("invite", "roles", "audit")


def setup() -> Router:
    router = Router(name=__name__)
    managers = HasRole(GRANTS)
    router.message.register(invite, Commands("invite"), managers)
    router.message.register(list_roles, Commands("roles"), managers)
    router.message.register(download_audit, Commands("audit"), HasRole({Role.admin}))
    router.callback_query.register(invite_step, Pressed(InviteCallback), managers)
    router.callback_query.register(revoke_step, Pressed(RoleCallback), managers)
    return router


def denied() -> Router:
    """Staff commands and buttons that the staff router did not admit."""
    return refusing(f"{__name__}.denied", STAFF_COMMANDS, (InviteCallback, RoleCallback))


def invitations() -> Router:
    """``t.me/<bot>?start=inv_<code>``: open to anyone, it grants its role once."""
    router = Router(name=f"{__name__}.invitations")
    router.message.register(
        accept, CommandStart(deep_link=True, magic=F.args.startswith(INVITE_PREFIX))
    )
    return router


async def invite(message: Message, scope: Scope, services: Services) -> None:
    await answer(message, [services.staff.roles_to_give(scope)])


async def invite_step(
    query: CallbackQuery,
    callback_data: InviteCallback,
    scope: Scope,
    services: Services,
    bot: Bot,
) -> None:
    staff = services.staff
    if not staff.may_invite(scope, callback_data):
        refused(query, "an invitation beyond their role")
        await query.answer(services.t("access-denied"), show_alert=True)
        return
    await query.answer()
    if isinstance(query.message, Message):
        await answer(query.message, [await staff.invite(scope, callback_data, BotLinks(bot))])


async def list_roles(message: Message, scope: Scope, services: Services) -> None:
    await answer(message, [await services.staff.roles(scope)])


async def revoke_step(
    query: CallbackQuery, callback_data: RoleCallback, scope: Scope, services: Services
) -> None:
    revoked = await services.staff.revoke(scope, callback_data)
    if revoked.denied:
        refused(query, "revoking a role beyond their reach")
        await query.answer(services.t("roles-not-allowed"), show_alert=True)
        return
    await query.answer()
    if not isinstance(query.message, Message):
        return
    if revoked.ask is not None:
        await answer(query.message, [revoked.ask])
    elif revoked.edit is not None:
        await edit(query.message, Reply(revoked.edit))


async def download_audit(message: Message, scope: Scope, services: Services) -> None:
    content, name = await services.staff.audit(scope)
    caption = services.t("audit-caption")
    await message.answer_document(BufferedInputFile(content, name), caption=caption)


async def accept(message: Message, command: CommandObject, services: Services) -> None:
    if message.from_user is None or command.args is None:
        return
    code = command.args.removeprefix(INVITE_PREFIX)
    await message.answer(await services.staff.accept(profile_of(message.from_user), code))
