"""What every command needs: the settings (or one readable line and exit code 2), logging,
and a database for the length of one command."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import NoReturn, TypeVar

import click

from bot.logs import setup_logging
from bot.settings import Settings, SettingsError, load_settings
from forms.i18n import translator
from storage.database import Database

T = TypeVar("T")
t = translator()


def settings_or_exit(*, token: bool = False, pseudonyms: bool = False) -> Settings:
    """The settings, checked once; ``token``: the command talks to Telegram; ``pseudonyms``:
    it writes pseudonyms (PSEUDONYM_KEY, or the token it is derived from)."""
    try:
        settings = load_settings()
        if token:
            settings.token()
        if pseudonyms:
            settings.pseudonym_secret()
    except SettingsError as error:
        settings_failed(error)
    setup_logging(settings.log_level, settings.secrets())
    return settings


def settings_failed(error: SettingsError) -> NoReturn:
    click.echo(t("cli-settings-error", problems=str(error)), err=True)
    click.echo(t("cli-settings-hint"), err=True)
    raise SystemExit(2) from None


def with_database(settings: Settings, work: Callable[[Database], Awaitable[T]]) -> T:
    async def main() -> T:
        database = Database.from_url(settings.database_url)
        try:
            return await work(database)
        finally:
            await database.dispose()

    return asyncio.run(main())
