"""Runtime settings from environment variables or a `.env` file, validated with pydantic."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from i18n import LOCALES


class Settings(BaseSettings):
    """Everything a network configures. Names match the environment variables."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_file_url: str | None = None
    database_path: Path = Path("data/meedoen.sqlite3")
    timezone: str = "Europe/Brussels"
    default_locale: str = "nl"
    target_hours: int = Field(40, ge=1, le=500)
    max_log_age_days: int = Field(30, ge=1, le=365)
    self_declared_counts: bool = False
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    demo_data: bool = True
    # Voice notes: Piper voices (`<lang>_<REGION>-<name>-<quality>.onnx` + `.onnx.json`) and
    # where rendered voice notes are cached (default: `voice-cache` beside the database).
    piper_voices_dir: Path | None = None
    voice_cache_dir: Path | None = None
    retention_months: int = Field(24, ge=1, le=120)
    controller_name: str = "Meedoen"
    controller_contact: str | None = None  # default: MAIL_FROM

    smtp_host: str | None = None
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    mail_from: str = "meedoen@localhost"

    imap_host: str | None = None
    imap_port: int = Field(993, ge=1, le=65535)
    imap_username: str | None = None
    imap_password: SecretStr | None = None
    imap_security: Literal["tls", "starttls", "none"] = "tls"

    uitdatabank_search_url: str = "https://search.uitdatabank.be"
    uitdatabank_client_id: SecretStr | None = None
    uitdatabank_api_key: SecretStr | None = None  # legacy; the client id is preferred
    # Delivery and operators (see README, "Delivery and alerts").
    outbox_max_age: timedelta = Field(timedelta(days=3), ge=timedelta(minutes=10))
    ops_telegram_chat_id: int | None = None
    ops_email: str | None = None

    @field_validator("ops_telegram_chat_id", "ops_email", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator(
        "telegram_bot_token", "uitdatabank_client_id", "uitdatabank_api_key", mode="before"
    )
    @classmethod
    def _empty_token_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("default_locale")
    @classmethod
    def _shipped_locale(cls, value: str) -> str:
        if value not in LOCALES:
            raise ValueError(f"not a shipped language; choose one of {', '.join(LOCALES)}")
        return value

    @field_validator("telegram_api_url", "uitdatabank_search_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class SettingsError(Exception):
    """A setting is invalid; the message names the variable and the problem in one line."""


def load_settings(**overrides: object) -> Settings:
    """Read settings; raise SettingsError with a one-line, secret-free explanation."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        message = first["msg"].removeprefix("Value error, ")
        raise SettingsError(f"{name}: {message}") from None


def settings_or_exit(**overrides: object) -> Settings:
    """Load settings or stop the program with exit code 2 and one line on stderr."""
    try:
        return load_settings(**overrides)
    except SettingsError as exc:
        print(f"meedoen: invalid setting {exc}", file=sys.stderr)
        raise SystemExit(2) from None
