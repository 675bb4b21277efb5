"""Settings from the environment and an optional ``.env`` file, validated once at start-up."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Field,
    HttpUrl,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

import forms
from forms.i18n import translator
from forms.targets import SHIPPED as TARGETS

LIBRARY = Path(forms.__file__).resolve().parent / "library"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/bot.db"
TOKEN_PATTERN = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{30,}$")
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


class SettingsError(Exception):
    """Settings that cannot work; the message is one line in Russian meant for the operator."""


def _refuse(message_id: str, **params: str) -> PydanticCustomError:
    """A validation error whose type is the locale message that explains it."""
    return PydanticCustomError(message_id, message_id, dict(params))


def _numbers(text: str, refusal: str, most: int | None = None) -> list[int]:
    """Whole numbers separated by commas or spaces, each at most ``most``."""
    parts = [part for part in re.split(r"[,\s]+", text.strip()) if part]
    if not all(part.isdigit() and (most is None or int(part) <= most) for part in parts):
        raise _refuse(refusal)
    return [int(part) for part in parts]


class Settings(BaseSettings):
    """Every setting of the bot. Names match the environment variables (case-insensitive)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = Field(default=None, description="Token from @BotFather")
    database_url: str = DEFAULT_DATABASE_URL
    database_pool_size: int = Field(default=15, ge=1, le=1000)  # PostgreSQL, kept open
    redis_url: str | None = None
    redis_max_connections: int = Field(default=100, ge=2, le=10_000)  # a command waits beyond
    telegram_api_url: HttpUrl | None = None
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    timezone: str = "Europe/Moscow"
    log_level: LogLevel = "INFO"
    webhook_url: HttpUrl | None = None
    webhook_secret: SecretStr | None = None
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    webhook_path: str = "/telegram/webhook"
    shutdown_timeout: float = Field(default=20.0, gt=0)
    webhook_order_ms: int = Field(default=50, ge=0, le=2000)
    single_process_lease_seconds: float = Field(default=15.0, ge=1, le=300)
    forms_dir: Path | None = None
    files_dir: Path = Path("./data/files")
    files_check_minutes: int = Field(default=10, ge=1, le=24 * 60)
    files_attempts: int = Field(default=5, ge=1, le=100)
    export_writer: Literal["process", "thread"] = "process"
    targets_file: Path = TARGETS
    invitation_days: int = Field(default=7, ge=1, le=90)
    pseudonym_key: SecretStr | None = None
    retention_check_minutes: int = Field(default=60, ge=1, le=24 * 60)
    slots_shown: int = Field(default=6, ge=1, le=20)
    reminder_hours: int = Field(default=24, ge=1, le=72)
    reminder_check_minutes: int = Field(default=10, ge=1, le=24 * 60)
    throttle_rate: float = Field(default=5.0, gt=0)
    throttle_burst: int = Field(default=20, ge=1)
    retyped_after_seconds: float = Field(default=3.0, ge=0)
    # The outbox (handlers.outbox): Telegram's limits, and how the sender works.
    send_rate: int = Field(default=30, ge=1, le=1000)  # messages a second, all chats
    send_chat_seconds: float = Field(default=1.0, ge=0)  # between two messages to one chat
    send_reserve: int = Field(default=1, ge=0)  # of send_rate kept free for replies
    outbox_batch: int = Field(default=50, ge=1, le=1000)
    outbox_concurrency: int = Field(default=8, ge=1, le=100)
    outbox_claim_seconds: float = Field(default=30.0, ge=1)
    outbox_attempts: int = Field(default=5, ge=1, le=100)
    outbox_poll_seconds: float = Field(default=2.0, gt=0, le=600)
    # /myschool: a figure built from fewer responses is «недостаточно ответов».
    picture_min_responses: int = Field(default=5, ge=1, le=100)
    # Campaigns (/campaigns): a new one's deadline, its reminders, its progress message.
    campaign_days: int = Field(default=14, ge=1, le=365)
    # The reminder plans a draft's «Напоминания» button goes through; the first is a new one's.
    campaign_reminder_plans: Annotated[tuple[tuple[int, ...], ...], NoDecode] = (
        (3, 1),
        (7, 3, 1),
        (1,),
        (),
    )
    campaign_progress_seconds: float = Field(default=3.0, gt=0, le=600)
    # Forms uploaded in the bot (/forms): the largest file taken, and how often each process
    # reads the published forms again even if no notice of a change reached it.
    form_upload_max_kb: int = Field(default=2048, ge=16, le=20 * 1024)
    forms_refresh_seconds: float = Field(default=30.0, gt=0, le=3600)

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not TOKEN_PATTERN.match(value.get_secret_value()):
            raise _refuse("settings-token-shape")
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        return frozenset(_numbers(value, "settings-ids"))

    @field_validator("campaign_reminder_plans", mode="before")
    @classmethod
    def _split_plans(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        plans = [
            tuple(sorted(set(_numbers(plan, "settings-days", most=60)), reverse=True))
            for plan in value.split("|")
        ]
        return tuple(dict.fromkeys(plans))  # each plan once, in the order given

    @field_validator("forms_dir")
    @classmethod
    def _folder_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise _refuse("settings-no-folder", path=str(value))
        return value

    @field_validator("targets_file")
    @classmethod
    def _file_exists(cls, value: Path) -> Path:
        if not value.is_file():
            raise _refuse("settings-no-file", path=str(value))
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise _refuse("settings-timezone", value=value) from None
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_chars(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram allows 1-256 characters A-Z, a-z, 0-9, _ and - in the secret token header.
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise _refuse("settings-webhook-secret")
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url is not None and self.webhook_secret is None:
            raise _refuse("settings-webhook-needs-secret")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def uses_webhook(self) -> bool:
        return self.webhook_url is not None

    def form_folders(self) -> list[Path]:
        """The built-in forms, then the coordinators' own folder (a later file wins by id)."""
        return [LIBRARY] if self.forms_dir is None else [LIBRARY, self.forms_dir]

    def token(self) -> str:
        """The bot token; only running the bot needs it (``SettingsError`` without it)."""
        if self.bot_token is None:
            raise SettingsError(_line("BOT_TOKEN", "settings-missing"))
        return self.bot_token.get_secret_value()

    def pseudonym_secret(self) -> bytes:
        """The key of stable pseudonyms; by default derived from the token (set it explicitly
        before rotating the token, or pseudonyms in new registers will differ). Without
        either, ``SettingsError``: only what writes pseudonyms needs it."""
        if self.pseudonym_key is not None:
            return self.pseudonym_key.get_secret_value().encode()
        if self.bot_token is None:
            raise SettingsError(_line("PSEUDONYM_KEY", "settings-no-pseudonym-key"))
        token = self.bot_token.get_secret_value().encode()
        return hashlib.sha256(b"school-bot pseudonyms:" + token).digest()

    def secrets(self) -> list[str]:
        """What the log filter removes from every line."""
        return [value.get_secret_value() for value in self._secret_values() if value is not None]

    def _secret_values(self) -> tuple[SecretStr | None, ...]:
        return (self.bot_token, self.webhook_secret, self.pseudonym_key)

    def webhook_endpoint(self) -> str:
        """The full public address Telegram posts updates to."""
        if self.webhook_url is None:
            raise SettingsError("WEBHOOK_URL is not set")
        return str(self.webhook_url).rstrip("/") + self.webhook_path

    def secret_token(self) -> str:
        if self.webhook_secret is None:
            raise SettingsError("WEBHOOK_SECRET is not set")
        return self.webhook_secret.get_secret_value()


class TargetsSettings(BaseSettings):
    """What ``school-bot targets check`` reads (the same variables; no token needed)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    forms_dir: Path | None = None
    targets_file: Path = TARGETS

    def form_folders(self) -> list[Path]:
        return [LIBRARY] if self.forms_dir is None else [LIBRARY, self.forms_dir]


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, or a SettingsError with one readable Russian line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        raise SettingsError("; ".join(_problem(item) for item in error.errors())) from None


# pydantic's own error types → the locale message that says the same in Russian.
BUILT_IN = {
    "missing": "settings-missing",
    "int_parsing": "settings-integer",
    "int_type": "settings-integer",
    "float_parsing": "settings-number",
    "float_type": "settings-number",
    "greater_than": "settings-greater-than",
    "greater_than_equal": "settings-at-least",
    "less_than": "settings-less-than",
    "less_than_equal": "settings-at-most",
    "literal_error": "settings-one-of",
    "url_parsing": "settings-url",
    "url_scheme": "settings-url",
    "url_type": "settings-url",
}


def _problem(item: ErrorDetails) -> str:
    name = ".".join(str(part) for part in item["loc"]).upper()
    if not name:  # a check across variables: its message names them
        return translator()(item["type"], **_params(item))
    message_id = BUILT_IN.get(item["type"], item["type"])
    if not translator().has(message_id):
        message_id = "settings-invalid"
    return _line(name, message_id, **_params(item))


def _params(item: ErrorDetails) -> dict[str, str]:
    """The error's context (limits, allowed values, a path) as message parameters; never
    the value itself, which may be a secret."""
    context = item.get("ctx") or {}
    found = {key: str(value) for key, value in context.items()}
    if "expected" in context:  # "'DEBUG', 'INFO' or 'ERROR'": the values, in Russian quotes
        values = re.findall(r"'([^']*)'", str(context["expected"]))
        found["expected"] = ", ".join(f"«{value}»" for value in values)
    limit = next((context[key] for key in ("gt", "ge", "lt", "le") if key in context), None)
    if limit is not None:
        found["limit"] = str(limit)
    return found


def _line(name: str, message_id: str, **params: str) -> str:
    return translator()("settings-problem", name=name, reason=translator()(message_id, **params))
