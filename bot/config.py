"""All configuration, from the environment and ``.env`` (pydantic-settings)."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir
from pydantic import AliasChoices, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

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

    @property
    def corpus(self) -> Path:
        return self.corpus_dir or BUNDLED_CORPUS


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
