"""`alsbot discord`: check the configuration, build the service, run the bot until stopped.

A missing or malformed token is a one-line error and exit status 2, before anything starts;
the token is never logged. SIGTERM and Ctrl-C close the Discord client and the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys

import discord

from bot.answer import AnswerService
from bot.answerability import load_or_train as answerability_model
from bot.config import ConfigError, Settings, check_token
from bot.discord_app.client import AlsBot
from bot.examples import open_retriever
from bot.library import Library, seed_corpus
from bot.safety_model import SafetyRouter, load_or_train
from bot.store import Store

log = logging.getLogger("alsbot.discord")

PRIVILEGED_HELP = (
    "Discord refused the Message Content intent. Turn on 'Message Content Intent' in the "
    "Developer Portal (Bot page), or set ALSBOT_MESSAGE_CONTENT_INTENT=false (then follow-ups "
    "in threads need a mention)."
)


def build_bot(settings: Settings, **options: object) -> AlsBot:
    """The bot and everything it stands on, from the settings (no network yet)."""
    folder = settings.managed_corpus
    if settings.corpus_dir is None:
        seed_corpus(folder)
    retriever, _ = open_retriever(folder, settings.index_dir)
    router = SafetyRouter(load_or_train(settings.models_dir))
    judge = answerability_model(settings.models_dir, settings.index_dir)
    service = AnswerService(retriever, safety_router=router, answerability=judge)
    store = Store(settings.database)
    library = Library(folder, settings.index_dir, service, settings.max_document_bytes)
    return AlsBot(settings, service, store, library, **options)


async def serve(bot: AlsBot, token: str) -> None:
    """Run until the client stops or a signal arrives, then close cleanly."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(sig, stop.set)
    async with bot:
        runner = asyncio.create_task(bot.start(token))
        stopper = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if stopper in done:
            log.info("stopping")
            await bot.close()
        stopper.cancel()
        await runner  # re-raise what stopped the client, if anything


def run(settings: Settings) -> int:
    token = check_token(settings.discord_token)  # ConfigError -> exit 2 in the CLI
    discord.utils.setup_logging(level=logging.INFO)
    bot = build_bot(settings)
    try:
        asyncio.run(serve(bot, token))
    except discord.LoginFailure:
        print(
            "alsbot: error: Discord rejected DISCORD_TOKEN (reset it in the Developer Portal)",
            file=sys.stderr,
        )
        return 2
    except discord.PrivilegedIntentsRequired:
        print(f"alsbot: error: {PRIVILEGED_HELP}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


__all__ = ["ConfigError", "build_bot", "run", "serve"]
