"""The greeting with the menu, and /help by the reader's role."""

from __future__ import annotations

from dataclasses import dataclass

from forms.i18n import Translator
from forms.vocabulary import Role
from handlers.access import Access
from handlers.home.screens import main_menu
from handlers.ui import Reply, quote
from storage.database import Database
from storage.repositories.users import TelegramProfile


@dataclass(frozen=True, slots=True)
class Home:
    db: Database
    access: Access
    t: Translator

    async def greeting(self, profile: TelegramProfile) -> Reply:
        """Greets and shows the menu; a questionnaire in progress waits under «Продолжить»."""
        async with self.db.transaction() as uow:
            user = await uow.users.save_profile(profile)
            head_of = user.school_id if user.role is Role.school_head else None
            drafts = await uow.submissions.drafts(profile.id, head_of)
        text = self.t("start-greeting", name=quote(profile.first_name))
        about = user.kind is None
        if about:
            text += "\n\n" + self.t("start-about-hint")
        return Reply(text, main_menu(self.t, drafts, about=about))

    async def help(self, user_id: int) -> Reply:
        """What everyone can do, then the commands of the person's role."""
        role = (await self.access.scope(user_id)).role
        return Reply("\n\n".join([self.t("help-text"), self.t(f"help-role-{role.value}")]))
