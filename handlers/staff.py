"""Coordinators' and administrators' tools: invitations, roles, the audit log.

The router admits only staff (a filter on the router); ``denied`` refuses everyone else
politely, for typed commands and for old or forged buttons alike.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from aiogram import Bot, Router
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.deep_linking import create_start_link
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.utils.text_decorations import html_decoration

from exports.audit import audit_workbook
from forms.i18n import Translator
from forms.values import format_date
from forms.vocabulary import Role
from handlers.access import (
    Access,
    CallbackPrefixes,
    Commands,
    HasRole,
    Scope,
    refuse_button,
    refuse_command,
    refused,
)
from handlers.callbacks import InviteCallback, RoleAct, RoleCallback
from handlers.clock import Clock
from storage.dto import StaffDTO
from storage.types import utcnow

STAFF_COMMANDS = ("invite", "roles", "audit")
STAFF_BUTTONS = ("iv", "rl")
GRANTS: dict[Role, tuple[Role, ...]] = {
    Role.admin: (Role.admin, Role.coordinator, Role.municipal, Role.consultant),
    Role.coordinator: (Role.municipal, Role.consultant),
    Role.municipal: (Role.consultant,),
}
MUNICIPAL_ROLES = frozenset({Role.municipal, Role.consultant})
INVITE_PREFIX = "inv_"


def setup() -> Router:
    router = Router(name=__name__)
    managers = HasRole(GRANTS)
    router.message.register(invite, Commands("invite"), managers)
    router.message.register(list_roles, Commands("roles"), managers)
    router.message.register(download_audit, Commands("audit"), HasRole({Role.admin}))
    router.callback_query.register(invite_step, InviteCallback.filter(), managers)
    router.callback_query.register(revoke_step, RoleCallback.filter(), managers)
    return router


def denied() -> Router:
    """Staff commands and buttons that the staff router did not admit."""
    router = Router(name=f"{__name__}.denied")
    router.message.register(refuse_command, Commands(*STAFF_COMMANDS))
    router.callback_query.register(refuse_button, CallbackPrefixes(*STAFF_BUTTONS))
    return router


def role_name(t: Translator, role: Role) -> str:
    return t(f"role-{role.value}")


# --- invitations ----------------------------------------------------------------------


async def invite(message: Message, scope: Scope, i18n: Translator) -> None:
    builder = InlineKeyboardBuilder()
    for role in GRANTS[scope.role]:
        builder.button(
            text=role_name(i18n, role).capitalize(), callback_data=InviteCallback(role=role)
        )
    builder.adjust(1)
    await message.answer(i18n("invite-choose-role"), reply_markup=builder.as_markup())


async def invite_step(
    query: CallbackQuery,
    callback_data: InviteCallback,
    *,
    scope: Scope,
    access: Access,
    bot: Bot,
    i18n: Translator,
    clock: Clock,
) -> None:
    role, municipality_id = callback_data.role, callback_data.m or None
    if role not in GRANTS[scope.role] or (municipality_id and not scope.covers(municipality_id)):
        refused(query, "an invitation beyond their role")
        await query.answer(i18n("access-denied"), show_alert=True)
        return
    await query.answer()
    if not isinstance(query.message, Message):
        return
    if role in MUNICIPAL_ROLES and municipality_id is None:
        await _ask_municipality(query.message, role, scope, access, i18n)
        return
    text = await _create_invitation(
        query.from_user.id, role, municipality_id, access=access, bot=bot, t=i18n, clock=clock
    )
    await query.message.answer(text)


async def _ask_municipality(
    message: Message, role: Role, scope: Scope, access: Access, t: Translator
) -> None:
    async with access.db.read() as uow:
        municipalities = [m for m in await uow.schools.municipalities() if scope.covers(m.id)]
    if not municipalities:
        await message.answer(t("invite-no-municipalities"))
        return
    builder = InlineKeyboardBuilder()
    for municipality in municipalities:
        builder.button(
            text=municipality.name, callback_data=InviteCallback(role=role, m=municipality.id)
        )
    builder.adjust(1)
    await message.answer(t("invite-choose-municipality"), reply_markup=builder.as_markup())


async def _create_invitation(
    inviter: int,
    role: Role,
    municipality_id: int | None,
    *,
    access: Access,
    bot: Bot,
    t: Translator,
    clock: Clock,
) -> str:
    code = secrets.token_urlsafe(18)
    expires = utcnow() + timedelta(days=access.invitation_days)
    async with access.db.transaction() as uow:
        municipality = await uow.schools.municipality(municipality_id) if municipality_id else None
        await uow.invitations.create(code, role, municipality_id, inviter, expires)
        await uow.audit.record(
            inviter, "invitation_created", role=role.value, municipality_id=municipality_id
        )
    link = await create_start_link(bot, INVITE_PREFIX + code)
    where = (
        t("invite-for-municipality", municipality=html_decoration.quote(municipality.name))
        if municipality
        else ""
    )
    until = format_date(expires.astimezone(clock.zone).date())
    return t("invite-created", role=role_name(t, role), municipality=where, link=link, until=until)


# --- roles ----------------------------------------------------------------------------


def manageable(scope: Scope, person: StaffDTO, admin_ids: frozenset[int]) -> bool:
    """Whose role this person may revoke: lower roles, within their municipalities."""
    if person.id in admin_ids or person.id == scope.user_id:
        return False
    if person.role not in GRANTS.get(scope.role, ()):
        return False
    return scope.regional or bool(person.municipality_ids & scope.municipalities)


async def _manageable_staff(scope: Scope, access: Access) -> list[StaffDTO]:
    async with access.db.read() as uow:
        staff = await uow.roles.staff()
    return [person for person in staff if manageable(scope, person, access.admin_ids)]


def _name(person: StaffDTO) -> str:
    return html_decoration.quote(" ".join(filter(None, [person.first_name, person.last_name])))


async def list_roles(message: Message, scope: Scope, access: Access, i18n: Translator) -> None:
    staff = await _manageable_staff(scope, access)
    if not staff:
        await message.answer(i18n("roles-empty"))
        return
    lines, builder = [i18n("roles-title")], InlineKeyboardBuilder()
    for number, person in enumerate(staff, start=1):
        places = ", ".join(person.municipalities)
        lines.append(
            i18n(
                "roles-line",
                number=number,
                name=_name(person),
                role=role_name(i18n, person.role),
                municipalities=f" ({html_decoration.quote(places)})" if places else "",
            )
        )
        builder.button(
            text=i18n("roles-button-revoke", number=number),
            callback_data=RoleCallback(u=person.id, a=RoleAct.ask),
        )
    builder.adjust(2)
    await message.answer("\n".join(lines), reply_markup=builder.as_markup())


async def revoke_step(
    query: CallbackQuery,
    callback_data: RoleCallback,
    scope: Scope,
    access: Access,
    i18n: Translator,
) -> None:
    person = next(
        (p for p in await _manageable_staff(scope, access) if p.id == callback_data.u), None
    )
    if person is None:
        refused(query, "revoking a role beyond their reach")
        await query.answer(i18n("roles-not-allowed"), show_alert=True)
        return
    await query.answer()
    if not isinstance(query.message, Message):
        return
    if callback_data.a is RoleAct.ask:
        await query.message.answer(
            i18n("roles-revoke-confirm", role=role_name(i18n, person.role), name=_name(person)),
            reply_markup=_confirm(i18n, person.id),
        )
    elif callback_data.a is RoleAct.no:
        await query.message.edit_text(i18n("roles-kept"))
    else:
        async with access.db.transaction() as uow:
            await uow.roles.grant(person.id, Role.respondent)
            await uow.audit.record(
                scope.user_id, "role_revoked", user_id=person.id, role=person.role.value
            )
        await query.message.edit_text(i18n("roles-revoked", name=_name(person)))


def _confirm(t: Translator, user_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t("roles-button-yes"), callback_data=RoleCallback(u=user_id, a=RoleAct.yes))
    builder.button(text=t("roles-button-no"), callback_data=RoleCallback(u=user_id, a=RoleAct.no))
    builder.adjust(2)
    return builder.as_markup()


# --- the audit log --------------------------------------------------------------------


async def download_audit(
    message: Message, scope: Scope, access: Access, i18n: Translator, clock: Clock
) -> None:
    async with access.db.transaction() as uow:
        await uow.audit.record(scope.user_id, "audit_downloaded")
        entries = await uow.audit.entries()
    content = audit_workbook(entries, clock.zone, i18n)
    name = f"audit-{clock.today().isoformat()}.xlsx"
    await message.answer_document(BufferedInputFile(content, name), caption=i18n("audit-caption"))
