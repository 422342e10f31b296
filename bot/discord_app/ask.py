"""Slash commands for everyone: /ask, /sources, /reset, /about, /help. Glue only."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.answer import MAX_QUESTION_CHARS
from bot.discord_app import policy, render
from bot.discord_app.client import NO_PINGS, respond
from bot.models import Kind
from bot.safety import HELP_NOW

if TYPE_CHECKING:
    from bot.discord_app.client import AlsBot


def _key(interaction: discord.Interaction) -> str:
    return policy.conversation_key(
        interaction.guild_id, interaction.channel_id or 0, interaction.user.id
    )


class AskCog(commands.Cog):
    def __init__(self, bot: AlsBot) -> None:
        self.bot = bot

    async def _refuse(self, interaction: discord.Interaction, text: str) -> None:
        await respond(interaction, render.notice_messages(Kind.ERROR, text), ephemeral=True)

    @app_commands.command(name="ask", description="Ask a question about ALS treatment")
    @app_commands.describe(question="Your question, in your own words")
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, MAX_QUESTION_CHARS],
    ) -> None:
        channel = interaction.channel
        alarm = self.bot.alarming(question)  # safety first: never refused, never delayed
        guild_channel = channel is not None and interaction.guild is not None
        if not alarm and guild_channel and not self.bot.listens(channel):  # type: ignore[arg-type]
            await self._refuse(
                interaction,
                "I don't answer in this channel: this server's moderators chose other "
                "channels for me.",
            )
            return
        wait = 0.0 if alarm else self.bot.cooldown.wait(interaction.user.id)
        if wait:
            await self._refuse(
                interaction,
                f"I can answer one question at a time: please ask again in {wait:.0f} seconds.",
            )
            return
        await interaction.response.defer(thinking=True)  # answering can take over 3 seconds
        answer = await self.bot.answer(question, _key(interaction))
        pages = render.answer_messages(answer)
        sent = await respond(interaction, pages, view=self.bot.feedback_view(answer))
        jump = sent[0].jump_url if sent else ""
        await self.bot.after_answer(
            interaction.guild, question, answer, interaction.channel_id or 0, jump, sent
        )

    @app_commands.command(
        name="sources", description="The full passages behind my last answer to you here"
    )
    async def sources(self, interaction: discord.Interaction) -> None:
        answer = self.bot.service.sources(_key(interaction))
        pages = render.passages_messages(answer.passages, "The passages behind my last answer")
        await respond(interaction, pages, ephemeral=True)

    @app_commands.command(name="reset", description="Forget our conversation in this channel")
    async def reset(self, interaction: discord.Interaction) -> None:
        answer = self.bot.service.command("/reset", _key(interaction))
        await respond(interaction, render.answer_messages(answer), ephemeral=True)

    @app_commands.command(name="about", description="What this bot is, what it knows, its limits")
    async def about(self, interaction: discord.Interaction) -> None:
        pages = render.about_messages(self.bot.library.documents())
        await respond(interaction, pages, ephemeral=True)

    @app_commands.command(name="help", description="How to ask me questions")
    async def help(self, interaction: discord.Interaction) -> None:
        text = (
            "Ask with `/ask`, mention me in a channel (I answer in a thread, where you can "
            "follow up without mentioning me), or message me directly. Ask in your own words, "
            'for example "how is Radicava given?", then follow up: "what are its side '
            'effects?".\n\n`/sources` shows the full passages behind my last answer, `/reset` '
            "forgets our conversation, `/about` lists my documents.\n\n" + HELP_NOW
        )
        await respond(
            interaction, render.notice_messages(Kind.COMMAND, text, formatted=True), ephemeral=True
        )


__all__ = ["NO_PINGS", "AskCog"]
