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
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

import forms
from forms.targets import SHIPPED as TARGETS

LIBRARY = Path(forms.__file__).resolve().parent / "library"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/bot.db"
TOKEN_PATTERN = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{30,}$")
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


class SettingsError(Exception):
    """Settings that cannot work; the message is one line meant for the operator."""


class Settings(BaseSettings):
    """Every setting of the bot. Names match the environment variables (case-insensitive)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr = Field(description="Token from @BotFather")
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
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
    forms_dir: Path | None = None
    files_dir: Path = Path("./data/files")
    files_check_minutes: int = Field(default=10, ge=1, le=24 * 60)
    files_attempts: int = Field(default=5, ge=1, le=100)
    targets_file: Path = TARGETS
    invitation_days: int = Field(default=7, ge=1, le=90)
    pseudonym_key: SecretStr | None = None
    retention_check_minutes: int = Field(default=60, ge=1, le=24 * 60)
    slots_shown: int = Field(default=6, ge=1, le=20)
    reminder_hours: int = Field(default=24, ge=1, le=72)
    reminder_check_minutes: int = Field(default=10, ge=1, le=24 * 60)
    throttle_rate: float = Field(default=5.0, gt=0)
    throttle_burst: int = Field(default=20, ge=1)

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        if not TOKEN_PATTERN.match(value.get_secret_value()):
            raise ValueError("does not look like a token from @BotFather (digits:secret)")
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(int(part) for part in re.split(r"[,\s]+", value.strip()) if part)
        return value

    @field_validator("forms_dir")
    @classmethod
    def _folder_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_dir():
            raise ValueError(f"{value} is not a folder")
        return value

    @field_validator("targets_file")
    @classmethod
    def _file_exists(cls, value: Path) -> Path:
        if not value.is_file():
            raise ValueError(f"{value} is not a file")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_chars(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram allows 1-256 characters A-Z, a-z, 0-9, _ and - in the secret token header.
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url is not None and self.webhook_secret is None:
            raise ValueError("WEBHOOK_URL needs WEBHOOK_SECRET (Telegram's secret token header)")
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

    def pseudonym_secret(self) -> bytes:
        """The key of stable pseudonyms; by default derived from the token (set it explicitly
        before rotating the token, or pseudonyms in new registers will differ)."""
        if self.pseudonym_key is not None:
            return self.pseudonym_key.get_secret_value().encode()
        token = self.bot_token.get_secret_value().encode()
        return hashlib.sha256(b"school-bot pseudonyms:" + token).digest()

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
    """Settings from the environment, or a SettingsError with one readable line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        raise SettingsError(_describe(error)) from None


def _describe(error: ValidationError) -> str:
    problems = []
    for item in error.errors():
        name = ".".join(str(part) for part in item["loc"]).upper() or "settings"
        reason = "is not set" if item["type"] == "missing" else item["msg"]
        problems.append(f"{name} {reason}")
    return "; ".join(problems)
