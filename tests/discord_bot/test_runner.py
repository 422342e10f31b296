"""`alsbot discord`: configuration errors are one line and exit 2; signals close cleanly."""

from __future__ import annotations

import asyncio
import base64
import os
import signal
import sqlite3
from pathlib import Path

import pytest
from fake_discord import FakeDiscord
from test_discord_e2e import make_bot
from tests_helpers import alsbot

from bot.discord_app.runner import serve

GOOD_SHAPE = (
    base64.urlsafe_b64encode(b"123456789012345678").decode().rstrip("=") + ".GhIjKl." + "a" * 38
)


def test_missing_token_is_one_line_and_exit_2(tmp_path: Path):
    run = alsbot("discord", cwd=tmp_path, env_extra={"ALSBOT_DATA_DIR": str(tmp_path)})
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0 and "DISCORD_TOKEN is not set" in run.stderr


@pytest.mark.parametrize("token", ["not-a-token", "123456789012345678", "a.b.c"])
def test_malformed_token_is_one_line_and_exit_2(tmp_path: Path, token: str):
    run = alsbot(
        "discord",
        cwd=tmp_path,
        env_extra={"DISCORD_TOKEN": token, "ALSBOT_DATA_DIR": str(tmp_path)},
    )
    assert run.returncode == 2
    assert "malformed" in run.stderr and token not in run.stderr
    assert "Traceback" not in run.stderr


def test_token_from_dotenv_file(tmp_path: Path):
    (tmp_path / ".env").write_text("DISCORD_TOKEN=still-not-a-token\n")
    run = alsbot("discord", cwd=tmp_path, env_extra={"ALSBOT_DATA_DIR": str(tmp_path)})
    assert run.returncode == 2 and "malformed" in run.stderr


async def test_sigterm_closes_the_client_and_the_database(
    corpus_copy: Path, tmp_path: Path, safety_router
):
    async with FakeDiscord() as fake:
        bot = make_bot(corpus_copy, tmp_path / "data", safety_router)
        task = asyncio.create_task(serve(bot, GOOD_SHAPE))
        await asyncio.wait_for(bot.wait_until_ready(), 5)
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(task, 5)
        assert bot.is_closed()
        with pytest.raises(sqlite3.ProgrammingError):
            bot.store.settings(int(fake.guild_id))


async def test_a_rejected_token_stops_with_login_failure(
    corpus_copy: Path, tmp_path: Path, safety_router
):
    import discord

    async with FakeDiscord(token=GOOD_SHAPE):
        bot = make_bot(corpus_copy, tmp_path / "data", safety_router)
        with pytest.raises(discord.LoginFailure):
            await asyncio.wait_for(serve(bot, GOOD_SHAPE[:-1] + "b"), 5)
        assert bot.is_closed()
