"""Staff tools as use cases: invitations (created and claimed once), roles (listed and
revoked within one's reach), and the audit log as Excel."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from exports.audit import audit_workbook
from forms.i18n import Translator
from forms.values import format_date
from forms.vocabulary import GRANTS, MUNICIPAL_ROLES, SCHOOL_ROLES, PersonKind, Role
from handlers.access import Access, Scope
from handlers.clock import Clock
from handlers.staff.screens import (
    INVITE_PREFIX,
    InviteCallback,
    RoleAct,
    RoleCallback,
    role_name,
)
from handlers.ui import Button, Keyboard, Links, Reply, quote
from storage.dto import InvitationDTO, StaffDTO
from storage.repositories import UnitOfWork
from storage.repositories.users import TelegramProfile
from storage.types import utcnow

SCHOOLS_SHOWN = 90
"""Schools of a municipality offered as buttons (Telegram shows up to 100 in a message)."""


def manageable(scope: Scope, person: StaffDTO, admin_ids: frozenset[int]) -> bool:
    """Whose role this person may revoke: lower roles, within their municipalities."""
    if person.id in admin_ids or person.id == scope.user_id:
        return False
    if person.role not in GRANTS.get(scope.role, ()):
        return False
    return scope.regional or bool(person.municipality_ids & scope.municipalities)


def _name(person: StaffDTO) -> str:
    return quote(" ".join(filter(None, [person.first_name, person.last_name])))


@dataclass(frozen=True, slots=True)
class Revoked:
    """The answer to a press under /roles: ``denied`` (logged), a new question, or the
    pressed message's new text."""

    denied: bool = False
    ask: Reply | None = None
    edit: str | None = None


@dataclass(frozen=True, slots=True)
class Staff:
    access: Access
    t: Translator
    clock: Clock

    # --- invitations --------------------------------------------------------------------

    def roles_to_give(self, scope: Scope) -> Reply:
        buttons = [
            Button(role_name(self.t, role).capitalize(), InviteCallback(role=role).pack())
            for role in GRANTS[scope.role]
        ]
        return Reply(self.t("invite-choose-role"), Keyboard.grid(buttons, 1))

    def may_invite(self, scope: Scope, data: InviteCallback) -> bool:
        municipality_id = data.m or None
        if data.role not in GRANTS.get(scope.role, ()):
            return False
        return not municipality_id or scope.covers(municipality_id)

    async def invite(self, scope: Scope, data: InviteCallback, links: Links) -> Reply:
        """The municipality to choose (municipal and school roles), the school (a school's
        head), or the new invitation's link."""
        if data.role in MUNICIPAL_ROLES | SCHOOL_ROLES and not data.m:
            return await self._municipalities(scope, data.role)
        if data.role in SCHOOL_ROLES and not data.s:
            return await self._schools(data.role, data.m)
        if data.role in SCHOOL_ROLES:
            return Reply(await self._create_for_school(scope.user_id, data, links))
        return Reply(await self._create(scope.user_id, data.role, data.m or None, links))

    async def _schools(self, role: Role, municipality_id: int) -> Reply:
        async with self.access.db.read() as uow:
            found = await uow.schools.schools_in(municipality_id)
        if not found:
            return Reply(self.t("invite-no-schools"))
        buttons = [
            Button(
                school.short_name, InviteCallback(role=role, m=municipality_id, s=school.id).pack()
            )
            for school in found[:SCHOOLS_SHOWN]
        ]
        return Reply(self.t("invite-choose-school"), Keyboard.grid(buttons, 1))

    async def _create_for_school(self, inviter: int, data: InviteCallback, links: Links) -> str:
        t, code = self.t, secrets.token_urlsafe(18)
        expires = utcnow() + timedelta(days=self.access.invitation_days)
        async with self.access.db.transaction() as uow:
            school = await uow.schools.school(data.s)
            if school is None or school.municipality_id != data.m:
                return t("invite-no-schools")
            await uow.invitations.create(
                code, data.role, data.m, inviter, expires, school_id=data.s
            )
            await uow.audit.record(
                inviter, "invitation_created", role=data.role.value, school_id=school.id
            )
        link = await links.start_link(INVITE_PREFIX + code)
        until = format_date(expires.astimezone(self.clock.zone).date())
        where = t("invite-for-school", school=quote(school.short_name))
        return t(
            "invite-created",
            role=role_name(t, data.role),
            municipality=where,
            link=link,
            until=until,
        )

    async def _municipalities(self, scope: Scope, role: Role) -> Reply:
        async with self.access.db.read() as uow:
            found = [m for m in await uow.schools.municipalities() if scope.covers(m.id)]
        if not found:
            return Reply(self.t("invite-no-municipalities"))
        buttons = [Button(m.name, InviteCallback(role=role, m=m.id).pack()) for m in found]
        return Reply(self.t("invite-choose-municipality"), Keyboard.grid(buttons, 1))

    async def _create(
        self, inviter: int, role: Role, municipality_id: int | None, links: Links
    ) -> str:
        t, code = self.t, secrets.token_urlsafe(18)
        expires = utcnow() + timedelta(days=self.access.invitation_days)
        async with self.access.db.transaction() as uow:
            municipality = (
                await uow.schools.municipality(municipality_id) if municipality_id else None
            )
            await uow.invitations.create(code, role, municipality_id, inviter, expires)
            await uow.audit.record(
                inviter, "invitation_created", role=role.value, municipality_id=municipality_id
            )
        link = await links.start_link(INVITE_PREFIX + code)
        where = (
            t("invite-for-municipality", municipality=quote(municipality.name))
            if municipality
            else ""
        )
        until = format_date(expires.astimezone(self.clock.zone).date())
        return t(
            "invite-created", role=role_name(t, role), municipality=where, link=link, until=until
        )

    async def accept(self, profile: TelegramProfile, code: str) -> str:
        """Someone opened an invitation link: the role, once; or why not."""
        async with self.access.db.transaction() as uow:
            await uow.users.save_profile(profile)
            return await self._claim(uow, code, profile.id)

    async def _claim(self, uow: UnitOfWork, code: str, user_id: int) -> str:
        t = self.t
        invitation = await uow.invitations.get(code)
        if invitation is None:
            return t("invite-unknown")
        if not await uow.invitations.claim(code, user_id):
            if invitation.used_by is not None:
                return t("invite-used")
            expired = invitation.expires_at.astimezone(self.clock.zone).date()
            return t("invite-expired", date=format_date(expired))
        if invitation.school_id is not None:
            return await self._claim_school(uow, invitation, user_id)
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
            name = quote(municipality.name) if municipality else ""
            place = t("invite-for-municipality", municipality=name)
        return t("invite-accepted", role=role_name(t, invitation.role), municipality=place)

    async def _claim_school(self, uow: UnitOfWork, invitation: InvitationDTO, user_id: int) -> str:
        """A school's head by invitation: the role, and the school in their profile."""
        t = self.t
        school = await uow.schools.school(invitation.school_id) if invitation.school_id else None
        if school is None:
            return t("invite-unknown")
        await uow.roles.grant(user_id, invitation.role)
        await uow.users.set_profile(user_id, PersonKind.head, school.id)
        await uow.audit.record(
            user_id,
            "invitation_used",
            role=invitation.role.value,
            school_id=school.id,
            invited_by=invitation.created_by,
        )
        place = t("invite-for-school", school=quote(school.short_name))
        return t("invite-accepted", role=role_name(t, invitation.role), municipality=place)

    # --- roles --------------------------------------------------------------------------

    async def _manageable(self, scope: Scope) -> list[StaffDTO]:
        async with self.access.db.read() as uow:
            staff = await uow.roles.staff()
        return [person for person in staff if manageable(scope, person, self.access.admin_ids)]

    async def roles(self, scope: Scope) -> Reply:
        t, staff = self.t, await self._manageable(scope)
        if not staff:
            return Reply(t("roles-empty"))
        lines, buttons = [t("roles-title")], []
        for number, person in enumerate(staff, start=1):
            places = ", ".join(person.municipalities)
            lines.append(
                t(
                    "roles-line",
                    number=number,
                    name=_name(person),
                    role=role_name(t, person.role),
                    municipalities=f" ({quote(places)})" if places else "",
                )
            )
            data = RoleCallback(u=person.id, a=RoleAct.ask).pack()
            buttons.append(Button(t("roles-button-revoke", number=number), data))
        return Reply("\n".join(lines), Keyboard.grid(buttons, 2))

    async def revoke(self, scope: Scope, data: RoleCallback) -> Revoked:
        t = self.t
        person = next((p for p in await self._manageable(scope) if p.id == data.u), None)
        if person is None:
            return Revoked(denied=True)
        if data.a is RoleAct.ask:
            text = t("roles-revoke-confirm", role=role_name(t, person.role), name=_name(person))
            return Revoked(ask=Reply(text, self._confirm(person.id)))
        if data.a is RoleAct.no:
            return Revoked(edit=t("roles-kept"))
        async with self.access.db.transaction() as uow:
            await uow.roles.grant(person.id, Role.respondent)
            await uow.audit.record(
                scope.user_id, "role_revoked", user_id=person.id, role=person.role.value
            )
        return Revoked(edit=t("roles-revoked", name=_name(person)))

    def _confirm(self, user_id: int) -> Keyboard:
        yes = RoleCallback(u=user_id, a=RoleAct.yes).pack()
        no = RoleCallback(u=user_id, a=RoleAct.no).pack()
        return Keyboard.of(
            [Button(self.t("roles-button-yes"), yes), Button(self.t("roles-button-no"), no)]
        )

    # --- the audit log ------------------------------------------------------------------

    async def audit(self, scope: Scope) -> tuple[bytes, str]:
        """The audit log as an Excel file (the download itself is recorded first)."""
        async with self.access.db.transaction() as uow:
            await uow.audit.record(scope.user_id, "audit_downloaded")
            entries = await uow.audit.entries()
        content = audit_workbook(entries, self.clock.zone, self.t)
        return content, f"audit-{self.clock.today().isoformat()}.xlsx"
