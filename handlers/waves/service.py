"""Monitoring waves as use cases: a regional coordinator opens and closes the waves of
``per_period`` forms; teachers answer once per wave. Every open and close is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from forms.i18n import Translator
from forms.values import format_date
from forms.waves import school_year, wave_kinds
from handlers.access import Scope
from handlers.clock import Clock
from handlers.ui import Button, Callback, Keyboard, Reply, quote
from storage.catalog import FormCatalog
from storage.database import Database
from storage.dto import WaveDTO


class WaveAct(StrEnum):
    choose = "c"  # which kind of wave to open
    open = "o"
    close = "x"  # ask
    close_yes = "y"
    close_no = "n"


class WaveCallback(Callback, prefix="wv"):
    a: WaveAct
    f: str = ""
    k: str = ""
    w: int = 0


@dataclass(frozen=True, slots=True)
class Pressed:
    """The answer to a press: an alert, or the pressed message's new text, or a new message."""

    alert: str | None = None
    edit: Reply | None = None
    new: Reply | None = None


@dataclass(frozen=True, slots=True)
class Waves:
    db: Database
    catalog: FormCatalog
    t: Translator
    clock: Clock

    async def overview(self) -> Reply:
        """Each ``per_period`` form with its waves, and a button to open or close one."""
        t = self.t
        forms = [entry.form for entry in self.catalog.all() if entry.form.responses == "per_period"]
        if not forms:
            return Reply(t("waves-no-forms"))
        today, lines, buttons = self.clock.today(), [t("waves-title")], []
        async with self.db.read() as uow:
            for form in forms:
                waves = await uow.waves.of_form(form.id)
                lines.append(t("waves-form", title=quote(form.title)))
                lines += [self._line(wave, today) for wave in waves] or [t("waves-none")]
                current = next((wave for wave in waves if wave.is_open(today)), None)
                if current is None:
                    data = WaveCallback(a=WaveAct.choose, f=form.id).pack()
                    buttons.append(Button(t("waves-button-open", title=form.title), data))
                else:
                    data = WaveCallback(a=WaveAct.close, w=current.id).pack()
                    buttons.append(Button(t("waves-button-close", wave=current.title), data))
        return Reply("\n".join(lines), Keyboard.grid(buttons, 1))

    def _line(self, wave: WaveDTO, today: date) -> str:
        status = "open" if wave.is_open(today) else "closed"
        return self.t(
            f"waves-line-{status}",
            wave=quote(wave.title),
            start=format_date(wave.opens_on),
            end=format_date(wave.closes_on),
        )

    async def press(self, scope: Scope, data: WaveCallback) -> Pressed:
        if data.a is WaveAct.choose:
            return self._kinds(data.f)
        if data.a is WaveAct.open:
            return await self._open(scope, data)
        if data.a is WaveAct.close:
            return await self._ask_close(data.w)
        if data.a is WaveAct.close_yes:
            return await self._close(scope, data.w)
        return Pressed(edit=Reply(self.t("waves-close-kept")))

    def _kinds(self, form_id: str) -> Pressed:
        entry, t = self.catalog.current(form_id), self.t
        if entry is None or entry.form.responses != "per_period":
            return Pressed(alert=t("stale-button"))
        today = self.clock.today()
        buttons = [
            Button(
                t("waves-button-kind", kind=kind.title, date=format_date(kind.closes_on(today))),
                WaveCallback(a=WaveAct.open, f=form_id, k=kind.id).pack(),
            )
            for kind in wave_kinds().kinds
        ]
        text = t("waves-choose-kind", title=quote(entry.form.title))
        return Pressed(new=Reply(text, Keyboard.grid(buttons, 1)))

    async def _open(self, scope: Scope, data: WaveCallback) -> Pressed:
        t, entry, kind = self.t, self.catalog.current(data.f), wave_kinds().get(data.k)
        if entry is None or kind is None or entry.form.responses != "per_period":
            return Pressed(alert=t("stale-button"))
        today = self.clock.today()
        async with self.db.transaction() as uow:
            current = await uow.waves.current(data.f, today)
            if current is not None:
                return Pressed(alert=t("waves-already-open", wave=current.title))
            wave = await uow.waves.open(
                data.f,
                kind=kind.id,
                title=f"{kind.title} {school_year(today)}",
                opens_on=today,
                closes_on=kind.closes_on(today),
                created_by=scope.user_id,
            )
            if wave is not None:
                await uow.audit.record(scope.user_id, "wave_opened", form=data.f, wave=wave.id)
        if wave is None:  # another coordinator opened one at this very moment
            return await self._already_open(data.f)
        text = t(
            "waves-opened",
            wave=quote(wave.title),
            title=quote(entry.form.title),
            date=format_date(wave.closes_on),
        )
        return Pressed(edit=Reply(text))

    async def _already_open(self, form_id: str) -> Pressed:
        async with self.db.read() as uow:
            current = await uow.waves.current(form_id, self.clock.today())
        return Pressed(alert=self.t("waves-already-open", wave=current.title if current else ""))

    async def _ask_close(self, wave_id: int) -> Pressed:
        async with self.db.read() as uow:
            wave = await uow.waves.get(wave_id)
        t = self.t
        if wave is None or wave.closed_at is not None:
            return Pressed(alert=t("stale-button"))
        yes = WaveCallback(a=WaveAct.close_yes, w=wave_id).pack()
        no = WaveCallback(a=WaveAct.close_no, w=wave_id).pack()
        keyboard = Keyboard.grid(
            [Button(t("waves-button-close-yes"), yes), Button(t("waves-button-close-no"), no)], 1
        )
        return Pressed(new=Reply(t("waves-close-confirm", wave=quote(wave.title)), keyboard))

    async def _close(self, scope: Scope, wave_id: int) -> Pressed:
        async with self.db.transaction() as uow:
            wave = await uow.waves.get(wave_id)
            closed = wave is not None and await uow.waves.close(wave_id)
            if closed:
                await uow.audit.record(scope.user_id, "wave_closed", wave=wave_id)
        if wave is None or not closed:
            return Pressed(alert=self.t("waves-already-closed"))
        return Pressed(edit=Reply(self.t("waves-closed", wave=quote(wave.title))))
