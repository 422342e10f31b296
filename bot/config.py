"""All configuration, from the environment and ``.env`` (pydantic-settings)."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Annotated

from platformdirs import user_data_dir
from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from corpus import BUNDLED_CORPUS


class ConfigError(Exception):
    """Configuration that cannot be used; the message says which setting and why."""


def default_data_dir() -> Path:
    return Path(user_data_dir("alsbot", appauthor=False))


class Settings(BaseSettings):
    """Every setting, documented in ``.env.example``. Environment variables win over ``.env``."""

    model_config = SettingsConfigDict(
        env_prefix="ALSBOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Where the index cache and the SQLite database live.",
    )
    corpus_dir: Path | None = Field(
        default=None, description="Corpus folder; the bundled corpus when unset."
    )
    discord_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("DISCORD_TOKEN", "ALSBOT_DISCORD_TOKEN")
    )

    # Discord: defaults a server's moderators can change with /mod commands.
    moderator_role_id: int | None = Field(
        default=None, description="Role whose members may use /mod (besides Manage Server)."
    )
    alert_channel_id: int | None = Field(
        default=None, description="Channel for crisis and emergency alerts to moderators."
    )
    dev_guild_ids: Annotated[list[int], NoDecode] = Field(
        default=[], description="Guilds to sync slash commands to instantly (development)."
    )
    thread_replies: bool = Field(default=True, description="Answer mentions in a new thread.")
    cooldown_seconds: float = Field(default=10.0, ge=0, le=3600)
    message_content_intent: bool = Field(
        default=True,
        description="Read follow-ups in the bot's threads without a mention (privileged intent).",
    )
    max_document_bytes: int = Field(default=200_000, ge=1_000, le=5_000_000)

    @field_validator("dev_guild_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @property
    def corpus(self) -> Path:
        return self.corpus_dir or BUNDLED_CORPUS

    @property
    def managed_corpus(self) -> Path:
        """The corpus the Discord bot serves and its moderators edit: ALSBOT_CORPUS_DIR, or a
        copy of the bundled corpus in the data folder."""
        return self.corpus_dir or self.data_dir / "corpus"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def database(self) -> Path:
        return self.data_dir / "alsbot.sqlite3"


_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$")


def check_token(token: SecretStr | None) -> str:
    """The bot token, or a ConfigError saying what is wrong (never showing the token)."""
    if token is None or not token.get_secret_value().strip():
        raise ConfigError(
            "DISCORD_TOKEN is not set: put the bot token from the Discord Developer Portal "
            "(Bot > Reset Token) in the environment or in .env"
        )
    value = token.get_secret_value().strip()
    if value.lower().startswith("bot "):
        value = value[4:].strip()
    first = value.split(".", 1)[0]
    try:
        user_id = base64.urlsafe_b64decode(first + "=" * (-len(first) % 4)).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        user_id = ""
    if not _TOKEN.match(value) or not user_id.isdigit():
        raise ConfigError(
            "DISCORD_TOKEN is malformed: it should be the bot token from the Developer Portal "
            "(three parts separated by dots), not the application id or client secret"
        )
    return value


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with readable errors instead of a traceback."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(x) for x in err['loc']) or 'settings'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ConfigError(f"invalid configuration: {problems}") from None
