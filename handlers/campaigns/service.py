"""Campaign use cases. The campaign row is the state of a draft: each press changes it and
the card is drawn again from it."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta

from forms.i18n import Translator
from forms.schema import Form
from forms.vocabulary import (
    SCHOOLS_AUDIENCE,
    CampaignState,
    Delivery,
    PersonKind,
    Role,
    SchoolGroup,
)
from handlers.access import Scope
from handlers.campaigns.screens import (
    GROUPS,
    KINDS,
    Area,
    CampaignAct,
    CampaignCallback,
    announcement,
    announcement_buttons,
    areas,
    card_text,
    deadline_text,
    draft_buttons,
    pressed,
    progress_text,
    reminder_buttons,
    share,
    share_text,
)
from handlers.clock import Clock
from handlers.dialog.callbacks import StartForm
from handlers.outbox.queue import Priority, queue
from handlers.outbox.sender import Sender
from handlers.ui import Button, Keyboard, Notice, Reply, quote, split_text
from handlers.workflows.profile.service import cancel_claims
from storage.catalog import FormCatalog
from storage.database import Database
from storage.dto import CampaignDTO, MunicipalityDTO, OutboxDTO, Recipient
from storage.repositories import UnitOfWork
from storage.repositories.users import TelegramProfile

PROFILE_FORM = "profile"  # «О себе»: never announced, opened from /mydata and school links
SHOWN = 10  # campaigns listed in /campaigns
AREAS_SHOWN = 20  # municipality buttons on a board
A_DAY = timedelta(days=1)
A_WEEK = timedelta(days=7)
OPEN_STATES = (CampaignState.sending, CampaignState.sent)


@dataclass(frozen=True, slots=True)
class CampaignRules:
    """Numbers from the settings."""

    days: int = 14  # a new campaign's deadline, from today
    reminder_plans: tuple[tuple[int, ...], ...] = ((3, 1),)  # days before the deadline; the
    # first is a new campaign's, a draft's button goes through them


@dataclass(frozen=True, slots=True)
class Chart:
    """The board as a picture: its words, and each municipality's answered and expected."""

    title: str
    caption: str
    no_data: str
    bars: tuple[tuple[str, int, int], ...]


@dataclass(frozen=True, slots=True)
class SchoolLink:
    code: str  # of the deep link start=sch_<code>
    school: str  # its short name


@dataclass(frozen=True, slots=True)
class Pressed:
    alert: str | None = None
    edit: Reply | None = None
    new: tuple[Reply, ...] = ()
    chart: Chart | None = None  # send the board as a picture
    wants_text: int | None = None  # the next message is this campaign's announcement
    queued: bool = False  # the outbox has work: wake it
    progress: bool = False  # the edited message is the campaign's progress message


@dataclass(frozen=True, slots=True)
class Campaigns:
    db: Database
    catalog: FormCatalog
    t: Translator
    clock: Clock
    sender: Sender
    rules: CampaignRules = CampaignRules()
    shown: dict[int, str] = field(default_factory=dict)  # the progress texts last shown

    # --- /campaigns ---------------------------------------------------------------------

    async def overview(self, scope: Scope) -> Reply:
        async with self.db.read() as uow:
            found = [c for c in await uow.campaigns.latest(SHOWN * 3) if self._sees(scope, c)]
        t, lines = self.t, [self.t("campaigns-title")]
        buttons = [Button(t("campaigns-button-new"), pressed(CampaignAct.new))]
        for campaign in found[:SHOWN]:
            title = self._title(campaign.form_id)
            state = t(f"campaign-state-{campaign.state}")
            lines.append(t("campaigns-line", number=campaign.id, title=quote(title), state=state))
            buttons.append(
                Button(
                    t("campaigns-button-open", number=campaign.id),
                    pressed(CampaignAct.show, campaign.id),
                )
            )
        if not found:
            lines.append(t("campaigns-none"))
        return Reply("\n".join(lines), Keyboard.grid(buttons, 1))

    def _sees(self, scope: Scope, campaign: CampaignDTO) -> bool:
        if scope.regional:
            return True
        ids = campaign.municipality_ids
        return ids is not None and set(ids) <= scope.municipalities

    def _title(self, form_id: str) -> str:
        entry = self.catalog.current(form_id)
        return entry.form.title if entry is not None else form_id

    def _forms(self) -> dict[int, str]:
        """Forms a campaign may announce (not attached ones, not «О себе»), by the id of their
        current version: what a button names (a form changed meanwhile makes it stale)."""
        return {
            entry.version_id: entry.form.id
            for entry in self.catalog.all()
            if entry.form.attached_to is None and entry.form.id != PROFILE_FORM
        }

    # --- buttons ------------------------------------------------------------------------

    async def press(self, scope: Scope, data: CampaignCallback) -> Pressed:
        if data.a is CampaignAct.new:
            return self._choose_form()
        if data.a is CampaignAct.form:
            return await self._create(scope, data.v)
        async with self.db.read() as uow:
            campaign = await uow.campaigns.get(data.c)
        if campaign is None or not self._sees(scope, campaign):
            return Pressed(alert=self.t("campaign-stale"))
        step = _STEPS.get(data.a)
        if step is None:
            return Pressed(alert=self.t("campaign-stale"))
        return await step(self, scope, campaign, data)

    def _choose_form(self) -> Pressed:
        forms = self._forms()
        if not forms:
            return Pressed(alert=self.t("campaign-no-forms"))
        buttons = [
            Button(self._title(form_id), pressed(CampaignAct.form, 0, version_id))
            for version_id, form_id in forms.items()
        ]
        return Pressed(new=(Reply(self.t("campaign-choose-form"), Keyboard.grid(buttons, 1)),))

    async def _create(self, scope: Scope, version_id: int) -> Pressed:
        form_id = self._forms().get(version_id)
        entry = self.catalog.current(form_id) if form_id is not None else None
        if entry is None:
            return Pressed(alert=self.t("campaign-stale"))
        form, today = entry.form, self.clock.today()
        async with self.db.transaction() as uow:
            wave = await uow.waves.current(form.id, today)
            if form.responses == "per_period" and wave is None:
                return Pressed(alert=self.t("campaign-needs-stage", title=form.title))
            kind = _audience(form)
            campaign_id = await uow.campaigns.create(
                form_id=form.id,
                wave_id=wave.id if wave is not None else None,
                kind=kind,
                schools=SchoolGroup.all,
                municipality_ids=None if scope.regional else sorted(scope.municipalities),
                deadline=min(today + timedelta(days=self.rules.days), wave.closes_on)
                if wave
                else today + timedelta(days=self.rules.days),
                state=CampaignState.draft,
                reminder_days=list(
                    self.rules.reminder_plans[0] if self.rules.reminder_plans else ()
                ),
                reminded_days=[],
                created_by=scope.user_id,
                created_at=self.clock.now_utc(),
            )
            await uow.audit.record(
                scope.user_id, "campaign_created", campaign=campaign_id, form=form.id
            )
            campaign = await uow.campaigns.get(campaign_id)
        assert campaign is not None
        return Pressed(new=(await self.card(campaign),))

    async def card(self, campaign: CampaignDTO) -> Reply:
        """A draft's card; the board of one that was sent."""
        if campaign.state != CampaignState.draft:
            return await self.board(campaign)
        async with self.db.read() as uow:
            recipients = len(await uow.campaigns.audience(campaign))
            wave = await uow.waves.get(campaign.wave_id) if campaign.wave_id else None
            names = {m.id: m.name for m in await uow.schools.municipalities()}
        title = self._title(campaign.form_id)
        ids = campaign.municipality_ids
        areas = None if ids is None else sorted(names[i] for i in ids if i in names)
        stage = wave.title if wave else None
        text = card_text(self.t, campaign, title, recipients, stage=stage, areas=areas)
        return Reply(text, draft_buttons(self.t, campaign, recipients))

    async def _show(self, _scope: Scope, campaign: CampaignDTO, _d: CampaignCallback) -> Pressed:
        return Pressed(new=(await self.card(campaign),))

    async def _change(self, campaign: CampaignDTO, **values: object) -> Pressed:
        async with self.db.transaction() as uow:
            changed = await uow.campaigns.change(campaign.id, [CampaignState.draft], **values)
            fresh = await uow.campaigns.get(campaign.id)
        if not changed or fresh is None:
            return Pressed(alert=self.t("campaign-not-draft"))
        return Pressed(edit=await self.card(fresh))

    async def _kind(self, _s: Scope, campaign: CampaignDTO, _d: CampaignCallback) -> Pressed:
        if campaign.kind == SCHOOLS_AUDIENCE:  # a school's form is answered by schools only
            return Pressed(alert=self.t("campaign-kind-schools-only"))
        now = KINDS.index(PersonKind(campaign.kind))
        return await self._change(campaign, kind=KINDS[(now + 1) % len(KINDS)])

    async def _schools(self, _s: Scope, campaign: CampaignDTO, _d: CampaignCallback) -> Pressed:
        now = GROUPS.index(SchoolGroup(campaign.schools))
        return await self._change(campaign, schools=GROUPS[(now + 1) % len(GROUPS)])

    async def _later(self, _s: Scope, campaign: CampaignDTO, _d: CampaignCallback) -> Pressed:
        deadline = (campaign.deadline or self.clock.today()) + A_WEEK
        return await self._change(campaign, deadline=deadline)

    async def _sooner(self, _s: Scope, campaign: CampaignDTO, _d: CampaignCallback) -> Pressed:
        deadline = (campaign.deadline or self.clock.today()) - A_WEEK
        if deadline <= self.clock.today():
            return Pressed(alert=self.t("campaign-deadline-past"))
        return await self._change(campaign, deadline=deadline)

    # --- which municipalities ------------------------------------------------------------

    async def _allowed(self, scope: Scope) -> list[MunicipalityDTO]:
        async with self.db.read() as uow:
            found = await uow.schools.municipalities()
        return [m for m in found if scope.covers(m.id)]

    async def _picker(self, scope: Scope, campaign: CampaignDTO) -> Reply:
        allowed, ids = await self._allowed(scope), campaign.municipality_ids
        c, t = campaign.id, self.t
        buttons = [
            Button(
                ("✓ " if ids is None or m.id in ids else "") + m.name,
                pressed(CampaignAct.area_toggle, c, m.id),
            )
            for m in allowed
        ]
        buttons.append(Button(t("campaign-button-areas-all"), pressed(CampaignAct.areas_all, c)))
        buttons.append(Button(t("campaign-button-areas-done"), pressed(CampaignAct.show, c)))
        return Reply(t("campaign-areas-choose", number=c), Keyboard.grid(buttons, 1))

    async def _areas(self, scope: Scope, campaign: CampaignDTO, _d: CampaignCallback) -> Pressed:
        if campaign.state != CampaignState.draft:
            return Pressed(alert=self.t("campaign-not-draft"))
        return Pressed(new=(await self._picker(scope, campaign),))

    async def _toggle_area(
        self, scope: Scope, campaign: CampaignDTO, data: CampaignCallback
    ) -> Pressed:
        allowed = {m.id for m in await self._allowed(scope)}
        if data.v not in allowed:
            return Pressed(alert=self.t("campaign-stale"))
        chosen = set(allowed if campaign.municipality_ids is None else campaign.municipality_ids)
        chosen ^= {data.v}
        if not chosen:
            return Pressed(alert=self.t("campaign-areas-none"))
        everywhere = scope.regional and chosen == allowed
        return await self._repick(scope, campaign, None if everywhere else sorted(chosen))

    async def _areas_all(
        self, scope: Scope, campaign: CampaignDTO, _d: CampaignCallback
    ) -> Pressed:
        ids = None if scope.regional else sorted(scope.municipalities)
        return await self._repick(scope, campaign, ids)

    async def _repick(self, scope: Scope, campaign: CampaignDTO, ids: list[int] | None) -> Pressed:
        async with self.db.transaction() as uow:
            changed = await uow.campaigns.change(
                campaign.id, [CampaignState.draft], municipality_ids=ids
            )
        if not changed:
            return Pressed(alert=self.t("campaign-not-draft"))
        return Pressed(edit=await self._picker(scope, replace(campaign, municipality_ids=ids)))

    async def _reminders(self, _s: Scope, campaign: CampaignDTO, _d: CampaignCallback) -> Pressed:
        plans = [list(plan) for plan in self.rules.reminder_plans] or [[]]
        now = plans.index(campaign.reminder_days) if campaign.reminder_days in plans else -1
        return await self._change(campaign, reminder_days=plans[(now + 1) % len(plans)])

    async def _ask_text(self, _s: Scope, campaign: CampaignDTO, _d: CampaignCallback) -> Pressed:
        if campaign.state != CampaignState.draft:
            return Pressed(alert=self.t("campaign-not-draft"))
        return Pressed(new=(Reply(self.t("campaign-type-text")),), wants_text=campaign.id)

    async def set_text(self, scope: Scope, campaign_id: int, text: str) -> Reply:
        """The message typed after «Изменить текст»."""
        async with self.db.read() as uow:
            campaign = await uow.campaigns.get(campaign_id)
        if campaign is None or not self._sees(scope, campaign):
            return Reply(self.t("campaign-stale"))
        if not text.strip() or len(text) > TEXT_LONGEST:
            return Reply(self.t("campaign-text-length", most=TEXT_LONGEST))
        done = await self._change(campaign, text=text.strip())
        return done.edit or Reply(done.alert or "")

    async def _preview(self, _s: Scope, campaign: CampaignDTO, _d: CampaignCallback) -> Pressed:
        text = announcement(self.t, campaign, self._title(campaign.form_id))
        head = Reply(self.t("campaign-preview-head"))
        return Pressed(new=(head, Reply(text, announcement_buttons(self.t, campaign))))

    async def _drop(self, scope: Scope, campaign: CampaignDTO, _d: CampaignCallback) -> Pressed:
        async with self.db.transaction() as uow:
            dropped = await uow.campaigns.change(
                campaign.id,
                [CampaignState.draft],
                state=CampaignState.closed,
                closed_at=self.clock.now_utc(),
            )
            if dropped:
                await uow.audit.record(scope.user_id, "campaign_dropped", campaign=campaign.id)
        if not dropped:
            return Pressed(alert=self.t("campaign-not-draft"))
        return Pressed(edit=Reply(self.t("campaign-dropped", number=campaign.id)))

    # --- sending ------------------------------------------------------------------------

    async def send(
        self, scope: Scope, campaign_id: int, chat_id: int, message_id: int | None
    ) -> Pressed:
        """«Отправить»: the announcements queued in the transaction that marks the campaign
        sending; a second tap finds it sending already."""
        now = self.clock.now_utc()
        async with self.db.transaction() as uow:
            campaign = await uow.campaigns.get(campaign_id)
            if campaign is None or not self._sees(scope, campaign):
                return Pressed(alert=self.t("campaign-stale"))
            if campaign.deadline is not None and campaign.deadline < self.clock.today():
                return Pressed(alert=self.t("campaign-deadline-past"))
            started = await uow.campaigns.change(
                campaign.id,
                [CampaignState.draft],
                state=CampaignState.sending,
                sent_at=now,
                progress_chat_id=chat_id,
                progress_message_id=message_id,
            )
            if not started:
                return Pressed(alert=self.t("campaign-not-draft"))
            people = await uow.campaigns.audience(campaign)
            title = self._title(campaign.form_id)
            text = announcement(self.t, campaign, title)
            keyboard = announcement_buttons(self.t, campaign)
            count = await queue(
                uow,
                (Notice(p.user_id, text, keyboard) for p in people),
                now,
                purpose="announcement",
                priority=Priority.broadcast,
                campaign_id=campaign.id,
            )
            await uow.audit.record(
                scope.user_id, "campaign_sent", campaign=campaign.id, recipients=count
            )
        progress = self.t("campaign-progress", sent=0, total=count, lost=0)
        self.shown[campaign.id] = progress  # what the pressed message now says
        return Pressed(edit=Reply(progress), queued=count > 0, progress=True)

    async def progress(self) -> list[tuple[int, int, str, bool]]:
        """Campaigns being sent: (chat, message, the progress text, finished). A campaign
        whose announcements are all handled is marked sent."""
        found: list[tuple[int, int, str, bool]] = []
        async with self.db.read() as uow:
            if not await uow.campaigns.in_state(CampaignState.sending):
                return found  # nothing to write: no write transaction every few seconds
        async with self.db.transaction() as uow:
            for campaign in await uow.campaigns.in_state(CampaignState.sending):
                counts = await uow.outbox.counts(campaign.id, "announcement")
                waiting = sum(
                    counts.get(s, 0) for s in (Delivery.pending, Delivery.claimed, Delivery.sending)
                )
                finished = waiting == 0
                if finished:
                    await uow.campaigns.change(
                        campaign.id, [CampaignState.sending], state=CampaignState.sent
                    )
                if campaign.progress_chat_id and campaign.progress_message_id:
                    text = progress_text(self.t, counts)
                    if finished:
                        text += "\n" + self.t("campaign-progress-done", number=campaign.id)
                    if self.shown.get(campaign.id) == text:
                        continue  # unchanged: Telegram refuses an edit that changes nothing
                    self.shown[campaign.id] = text
                    where = (campaign.progress_chat_id, campaign.progress_message_id)
                    found.append((*where, text, finished))
        return found

    # --- the board ----------------------------------------------------------------------

    async def board(self, campaign: CampaignDTO) -> Reply:
        async with self.db.read() as uow:
            rows = await uow.campaigns.coverage(campaign)
            people = await uow.campaigns.audience(campaign)
        t, title = self.t, self._title(campaign.form_id)
        state = t(f"campaign-state-{campaign.state}")
        lines = [
            t("campaign-board-head", number=campaign.id, title=quote(title), state=state),
            t(
                "campaign-card-deadline",
                deadline=deadline_text(t, campaign),
            ),
            t("campaign-board-total", share=share_text(t, share(rows, campaign.kind))),
            "",
        ]
        found = areas(rows, campaign.kind)
        lines += [
            t("campaign-board-area", name=a.name, share=share_text(t, a.share)) for a in found
        ]
        if not found:
            lines.append(t("campaign-board-no-schools"))
        return Reply("\n".join(lines), self._board_buttons(campaign, found, _remindable(people)))

    def _board_buttons(self, campaign: CampaignDTO, found: list[Area], waiting: int) -> Keyboard:
        t, c = self.t, campaign.id
        area_buttons = [
            Button(area.name, pressed(CampaignAct.area, c, area.id)) for area in found[:AREAS_SHOWN]
        ]
        rows: list[list[Button]] = [[b] for b in area_buttons]
        rows.append([Button(t("campaign-button-chart"), pressed(CampaignAct.chart, c))])
        if campaign.state in OPEN_STATES:
            rows.append(
                [Button(t("campaign-button-remind", count=waiting), pressed(CampaignAct.remind, c))]
            )
            rows.append([Button(t("campaign-button-close"), pressed(CampaignAct.close, c))])
        return Keyboard.of(*rows)

    async def _area(self, _s: Scope, campaign: CampaignDTO, data: CampaignCallback) -> Pressed:
        async with self.db.read() as uow:
            rows = [
                r for r in await uow.campaigns.coverage(campaign) if r.municipality_id == data.v
            ]
        if not rows:
            return Pressed(alert=self.t("campaign-stale"))
        t = self.t
        ordered = sorted(rows, key=lambda r: (share([r], campaign.kind).percent, r.school))
        lines = [t("campaign-area-head", name=rows[0].municipality)]
        lines += [
            t("campaign-board-area", name=r.school, share=share_text(t, share([r], campaign.kind)))
            for r in ordered
        ]
        return Pressed(new=tuple(Reply(text) for text in split_text(lines)))

    async def _chart(self, _s: Scope, campaign: CampaignDTO, _d: CampaignCallback) -> Pressed:
        async with self.db.read() as uow:
            rows = await uow.campaigns.coverage(campaign)
        t, whole = self.t, share(rows, campaign.kind)
        title = t("campaign-chart-title", number=campaign.id, title=self._title(campaign.form_id))
        base = "directory" if whole.from_directory else "registered"
        caption = t("campaign-chart-caption", base=base, total=share_text(t, whole))
        bars = tuple(
            (a.name, a.share.answered, a.share.expected) for a in areas(rows, campaign.kind)
        )
        return Pressed(chart=Chart(title, caption, t("campaign-board-no-schools"), bars))

    # --- reminders ----------------------------------------------------------------------

    async def _remind(self, scope: Scope, campaign: CampaignDTO, _d: CampaignCallback) -> Pressed:
        if campaign.state not in OPEN_STATES:
            return Pressed(alert=self.t("campaign-closed-already"))
        count = await self.remind(campaign, scope.user_id)
        alert = self.t("campaign-reminded", count=count)
        return Pressed(alert=alert, queued=count > 0)  # the board itself is unchanged

    async def remind(self, campaign: CampaignDTO, actor: int | None) -> int:
        """Queue a reminder to each person of the audience who has not answered, is not
        muted and was not reminded in the last day; returns how many."""
        now = self.clock.now_utc()
        title = self._title(campaign.form_id)
        async with self.db.transaction() as uow:
            people = [p for p in await uow.campaigns.audience(campaign) if _waiting(p)]
            marked = set(
                await uow.campaigns.mark_reminded([p.user_id for p in people], now, now - A_DAY)
            )
            notices = [self._reminder(campaign, title, p) for p in people if p.user_id in marked]
            count = await queue(
                uow,
                notices,
                now,
                purpose="reminder",
                priority=Priority.reminder,
                campaign_id=campaign.id,
            )
            await uow.audit.record(
                actor, "campaign_reminded", campaign=campaign.id, recipients=count
            )
        return count

    def _reminder(self, campaign: CampaignDTO, title: str, person: Recipient) -> Notice:
        key = "campaign-reminder-draft" if person.has_draft else "campaign-reminder"
        day = deadline_text(self.t, campaign)
        text = self.t(key, title=quote(title), deadline=day)
        return Notice(person.user_id, text, reminder_buttons(self.t, campaign))

    async def scheduled(self) -> int:
        """The reminders set per campaign («за 3 дня и за 1 день до срока»), each run once."""
        today, total = self.clock.today(), 0
        async with self.db.read() as uow:
            running = await uow.campaigns.in_state(*OPEN_STATES)
        for campaign in running:
            if campaign.deadline is None or today > campaign.deadline:
                continue
            due = [
                d
                for d in campaign.reminder_days
                if d not in campaign.reminded_days
                and today >= campaign.deadline - timedelta(days=d)
            ]
            if not due:
                continue
            async with self.db.transaction() as uow:
                claimed = await uow.campaigns.change(
                    campaign.id,
                    [campaign.state],
                    reminded_days=sorted({*campaign.reminded_days, *due}),
                )
            if claimed:
                total += await self.remind(
                    replace(campaign, reminded_days=[*campaign.reminded_days, *due]), None
                )
        return total

    async def unwanted(self, uow: UnitOfWork, batch: Sequence[OutboxDTO]) -> set[int]:
        """The outbox's skip: a reminder to someone who answered (or muted) meanwhile."""
        reminders = [m for m in batch if m.purpose == "reminder" and m.campaign_id is not None]
        skipped: set[int] = set()
        for campaign_id in {m.campaign_id for m in reminders}:
            campaign = await uow.campaigns.get(campaign_id or 0)
            if campaign is None:
                continue
            done = {p.user_id for p in await uow.campaigns.audience(campaign) if not _waiting(p)}
            skipped |= {
                m.id for m in reminders if m.campaign_id == campaign_id and m.chat_id in done
            }
        return skipped

    async def _close(self, scope: Scope, campaign: CampaignDTO, _d: CampaignCallback) -> Pressed:
        async with self.db.transaction() as uow:
            closed = await uow.campaigns.change(
                campaign.id,
                list(OPEN_STATES),
                state=CampaignState.closed,
                closed_at=self.clock.now_utc(),
            )
            if closed:
                await uow.audit.record(scope.user_id, "campaign_closed", campaign=campaign.id)
            fresh = await uow.campaigns.get(campaign.id)
        if not closed or fresh is None:
            return Pressed(alert=self.t("campaign-closed-already"))
        return Pressed(edit=await self.board(fresh))

    # --- the person's side --------------------------------------------------------------

    async def mute(self, user_id: int, on: bool) -> Reply:
        async with self.db.transaction() as uow:
            await uow.users.mute(user_id, self.clock.now_utc() if on else None)
        if on:
            unmute = Button(self.t("campaign-button-unmute"), pressed(CampaignAct.unmute))
            return Reply(self.t("campaign-muted"), Keyboard.of([unmute]))
        return Reply(self.t("campaign-unmuted"))

    # --- school links -------------------------------------------------------------------

    async def school_link(self, scope: Scope, school_code: str, renew: bool) -> SchoolLink | None:
        """The school's link (a new one if ``renew``: the old one is revoked); None when the
        school is unknown or beyond the person's municipalities."""
        now = self.clock.now_utc()
        async with self.db.transaction() as uow:
            school = await uow.schools.school_by_code(school_code)
            if school is None or not scope.covers(school.municipality_id):
                return None
            if renew:
                await uow.campaigns.revoke_school_link(school.id, now)
            code = await uow.campaigns.school_link(school.id)
            if code is None:
                code = secrets.token_urlsafe(12)
                await uow.campaigns.add_school_link(code, school.id, scope.user_id, now)
                await uow.audit.record(scope.user_id, "school_link_created", school=school.code)
        return SchoolLink(code, school.short_name)

    async def joined(self, profile: TelegramProfile, code: str) -> Reply:
        """Someone opened ``start=sch_<code>``: the school goes into their profile."""
        user_id = profile.id
        async with self.db.transaction() as uow:
            await uow.users.save_profile(profile)
            school_id = await uow.campaigns.school_of_link(code)
            school = await uow.schools.school(school_id) if school_id is not None else None
            if school is None:
                return Reply(self.t("school-link-unknown"))
            before = await uow.users.get(user_id)
            if before is not None and before.role is Role.school_head:
                # A head's school changes only through «О себе», where a coordinator
                # confirms it again; a link of another school must not move their role.
                if before.school_id != school.id:
                    return Reply(self.t("school-link-head", school=quote(school.short_name)))
                return Reply(self.t("school-link-joined", school=quote(school.short_name)))
            if before is not None and before.school_id != school.id:
                await cancel_claims(uow, user_id)  # a claim of the old school is void
            await uow.users.set_profile(user_id, None, school.id)
            user = await uow.users.get(user_id)
        text = self.t("school-link-joined", school=quote(school.short_name))
        if user is not None and user.kind is None:
            about = Button(self.t("profile-button-fill"), StartForm(form=PROFILE_FORM).pack())
            return Reply(text + "\n" + self.t("school-link-ask-kind"), Keyboard.of([about]))
        return Reply(text)


def _audience(form: Form) -> str:
    """Who a new campaign of the form reaches first (the coordinator may change it)."""
    if form.respondent == "school":
        return SCHOOLS_AUDIENCE
    return PersonKind.parent if "parent" in form.roles else PersonKind.teacher


TEXT_LONGEST = 3500


def _waiting(person: Recipient) -> bool:
    return not person.answered and not person.muted


def _remindable(people: Sequence[Recipient]) -> int:
    return sum(1 for p in people if _waiting(p))


_STEPS = {
    CampaignAct.show: Campaigns._show,
    CampaignAct.kind: Campaigns._kind,
    CampaignAct.schools: Campaigns._schools,
    CampaignAct.later: Campaigns._later,
    CampaignAct.sooner: Campaigns._sooner,
    CampaignAct.text: Campaigns._ask_text,
    CampaignAct.preview: Campaigns._preview,
    CampaignAct.drop: Campaigns._drop,
    CampaignAct.reminders: Campaigns._reminders,
    CampaignAct.areas: Campaigns._areas,
    CampaignAct.area_toggle: Campaigns._toggle_area,
    CampaignAct.areas_all: Campaigns._areas_all,
    CampaignAct.area: Campaigns._area,
    CampaignAct.chart: Campaigns._chart,
    CampaignAct.remind: Campaigns._remind,
    CampaignAct.close: Campaigns._close,
}
