"""The Discord client: glue between discord.py and the AnswerService. It translates; the
service and ``policy`` decide.

* A mention in a channel the bot listens in opens a thread for the answer (configurable);
  messages in that thread are one conversation and need no mention.
* A direct message is answered in the DM.
* ``/ask`` defers at once (Discord allows three seconds) and answers in a follow-up.
* Crisis and emergency replies also alert the server's moderators' channel, with a link
  and nothing else.
* Nobody is ever pinged: ``allowed_mentions`` is none on the client and on every send.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
from collections.abc import Sequence

import discord
from discord import app_commands
from discord.ext import commands

from bot.answer import AnswerService
from bot.config import Settings
from bot.discord_app import policy, render
from bot.discord_app.views import FeedbackView
from bot.library import Library
from bot.models import Answer, Kind
from bot.safety import Route
from bot.store import Store

log = logging.getLogger(__name__)
NO_PINGS = discord.AllowedMentions.none()
ALERT_KINDS = (Kind.CRISIS, Kind.EMERGENCY)


class AlsBot(commands.Bot):
    def __init__(
        self,
        settings: Settings,
        service: AnswerService,
        store: Store,
        library: Library,
        **options: object,
    ) -> None:
        intents = discord.Intents.default()
        intents.message_content = settings.message_content_intent
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            allowed_mentions=NO_PINGS,
            help_command=None,
            **options,  # type: ignore[arg-type]
        )
        self.settings = settings
        self.service = service
        self.store = store
        self.library = library
        self.cooldown = policy.Cooldown(settings.cooldown_seconds)
        self._store_open = True

    # ------------------------------------------------------------------ lifecycle

    async def setup_hook(self) -> None:
        from bot.discord_app.ask import AskCog
        from bot.discord_app.moderation import ModerationCog

        self.add_view(FeedbackView(lambda: self.store if self._store_open else None))
        await self.add_cog(AskCog(self))
        await self.add_cog(ModerationCog(self))
        self.tree.on_error = self.on_app_command_error  # type: ignore[method-assign]
        await self.sync_commands()

    async def sync_commands(self) -> None:
        """Development guilds get the commands at once; globally, sync only when they changed
        (Discord rate-limits syncing, and a fresh install must still get them)."""
        if self.settings.dev_guild_ids:
            for guild_id in self.settings.dev_guild_ids:
                guild = discord.Object(id=guild_id)
                self.tree.copy_global_to(guild=guild)
                await self.tree.sync(guild=guild)
            return
        payload = json.dumps(
            [c.to_dict(self.tree) for c in self.tree.get_commands()], sort_keys=True
        )
        digest = hashlib.sha256(payload.encode()).hexdigest()
        if self.store.get_meta("commands_hash") != digest:
            await self.tree.sync()
            self.store.set_meta("commands_hash", digest)

    async def close(self) -> None:
        await super().close()
        if self._store_open:
            self._store_open = False
            self.store.close()

    async def on_ready(self) -> None:
        log.info("connected as %s to %d servers", self.user, len(self.guilds))

    # ------------------------------------------------------------------ answering

    async def answer(self, question: str, conversation: str) -> Answer:
        """The service's reply, computed off the event loop."""
        return await asyncio.to_thread(self.service.reply, question, conversation)

    def listens(self, channel: discord.abc.Messageable) -> bool:
        guild = getattr(channel, "guild", None)
        if guild is None:
            return True
        parent_id = channel.parent_id if isinstance(channel, discord.Thread) else None
        return policy.listens_in(
            self.store.settings(guild.id),
            self.store.channel_rules(guild.id),
            channel.id,  # type: ignore[attr-defined]
            parent_id,
        )

    def thread_replies(self, guild: discord.Guild) -> bool:
        chosen = self.store.settings(guild.id).thread_replies
        return self.settings.thread_replies if chosen is None else chosen

    def record(self, guild: discord.Guild | None, question: str, answer: Answer) -> int | None:
        """Count a question for statistics. Its text is kept only where the server chose to
        keep it, and only when unanswered (what moderators need to see); never a crisis."""
        if answer.kind in (Kind.COMMAND, Kind.ERROR):
            return None
        keep = (
            guild is not None
            and answer.kind is Kind.NO_ANSWER
            and self.store.settings(guild.id).store_questions
        )
        return self.store.record_question(
            guild.id if guild else None, answer.kind.value, question, keep
        )

    async def alert_moderators(
        self, guild: discord.Guild | None, kind: Kind, channel_id: int, jump_url: str
    ) -> None:
        """Tell the moderators' channel that a member may need help now: a link, no detail."""
        if guild is None or kind not in ALERT_KINDS:
            return
        settings = self.store.settings(guild.id)
        alert_id = settings.alert_channel_id or self.settings.alert_channel_id
        channel = guild.get_channel(alert_id) if alert_id else None
        if not isinstance(channel, discord.abc.Messageable):
            return
        what = (
            "a crisis (thoughts of suicide or self-harm)" if kind is Kind.CRISIS else "an emergency"
        )
        text = (
            f"A member's message in <#{channel_id}> may be about {what}. I replied with "
            f"where to get help now. Please check on them: {jump_url}"
        )
        embeds = render.notice_messages(kind, text, "A member may need help now", formatted=True)[0]
        try:
            await channel.send(embeds=embeds, allowed_mentions=NO_PINGS)
        except Exception:
            log.exception("could not send a crisis alert to channel %s", alert_id)

    def feedback_view(self, answer: Answer) -> FeedbackView | None:
        if answer.kind in (Kind.ANSWER, Kind.NO_ANSWER):
            return FeedbackView(lambda: self.store if self._store_open else None)
        return None

    async def send_answer(
        self,
        target: discord.abc.Messageable,
        answer: Answer,
        reference: discord.Message | None = None,
    ) -> list[discord.Message]:
        """Send an answer as one or more messages; feedback buttons on the last."""
        pages = render.answer_messages(answer)
        sent = []
        for n, embeds in enumerate(pages):
            last = n == len(pages) - 1
            view = self.feedback_view(answer) if last else None
            kwargs: dict = {"embeds": embeds, "allowed_mentions": NO_PINGS}
            if view is not None:
                kwargs["view"] = view
            if reference is not None and n == 0:
                kwargs["reference"] = reference
                kwargs["mention_author"] = False
            sent.append(await target.send(**kwargs))
        return sent

    # ------------------------------------------------------------------ messages

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or self.user is None:
            return
        try:
            await self._on_message(message)
        except Exception:
            log.exception("could not handle a message")
            with contextlib.suppress(discord.HTTPException):
                await message.channel.send(
                    embeds=render.notice_messages(
                        Kind.ERROR, "Something went wrong on my side. Please try again."
                    )[0],
                    allowed_mentions=NO_PINGS,
                )

    def alarming(self, text: str) -> bool:
        """A crisis or an emergency: answered at once, wherever and however often it is said."""
        return self.service.safety.assess(text).route in (Route.CRISIS, Route.EMERGENCY)

    async def _notice(
        self,
        channel: discord.abc.Messageable,
        kind: Kind,
        text: str,
        reference=None,  # noqa: ANN001
    ) -> None:
        kwargs: dict = {"allowed_mentions": NO_PINGS}
        if reference is not None:
            kwargs.update(reference=reference, mention_author=False)
        await channel.send(embeds=render.notice_messages(kind, text)[0], **kwargs)

    async def _on_message(self, message: discord.Message) -> None:
        assert self.user is not None
        channel = message.channel
        guild = message.guild
        mentioned = self.user in message.mentions and f"<@{self.user.id}>" in message.content
        mentioned = mentioned or f"<@!{self.user.id}>" in message.content
        in_our_thread = isinstance(channel, discord.Thread) and self.store.is_bot_thread(channel.id)
        if guild is not None and not (mentioned or in_our_thread):
            return
        question = policy.strip_bot_mention(message.content, self.user.id)
        if not question:
            # Only an explicit mention gets help: in our threads, an image or a message we
            # cannot read (no Message Content intent) gets nothing rather than help again.
            if mentioned or guild is None:
                await self._notice(channel, Kind.COMMAND, self.service.command("/help", "").text)
            return
        alarm = self.alarming(question)
        # Safety first: a crisis or an emergency is answered even in an excluded channel,
        # during a cooldown, and in place (never in a thread named after the message).
        if not alarm:
            if guild is not None and not self.listens(channel):
                return
            wait = self.cooldown.wait(message.author.id)
            if wait:
                await self._notice(
                    channel,
                    Kind.ERROR,
                    f"I can answer one question at a time: please ask again in {wait:.0f} seconds.",
                    reference=message,
                )
                return

        target: discord.abc.Messageable = channel
        reference: discord.Message | None = message
        if (
            not alarm
            and guild is not None
            and mentioned
            and isinstance(channel, discord.TextChannel)
            and self.thread_replies(guild)
        ):
            try:
                thread = await message.create_thread(
                    name=policy.thread_name(question), auto_archive_duration=1440
                )
                self.store.add_thread(thread.id, guild.id, channel.id)
                target, reference = thread, None
            except discord.HTTPException:
                log.warning("could not open a thread in #%s; answering in the channel", channel)
        target_id = target.id  # type: ignore[attr-defined]
        key = policy.conversation_key(guild.id if guild else None, target_id, message.author.id)
        async with target.typing():
            answer = await self.answer(question, key)
        sent = await self.send_answer(target, answer, reference)
        await self.after_answer(guild, question, answer, channel.id, message.jump_url, sent)

    async def after_answer(
        self,
        guild: discord.Guild | None,
        question: str,
        answer: Answer,
        channel_id: int,
        jump_url: str,
        sent: Sequence[discord.Message],
    ) -> None:
        """Alert the moderators first (it matters most), then keep the statistics; a failure
        in one never stops the other."""
        await self.alert_moderators(guild, answer.kind, channel_id, jump_url)
        try:
            question_id = self.record(guild, question, answer)
            if question_id is not None and sent:
                self.store.record_answer_message(
                    sent[-1].id, question_id, guild.id if guild else None
                )
        except Exception:
            log.exception("could not record a question")

    # ------------------------------------------------------------------ errors

    async def on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        if isinstance(error, app_commands.CheckFailure) and interaction.response.is_done():
            return  # the check already answered politely
        log.error("slash command failed", exc_info=error)
        embeds = render.notice_messages(
            Kind.ERROR, "Something went wrong on my side. Please try again."
        )[0]
        with contextlib.suppress(discord.HTTPException):
            if interaction.response.is_done():
                await interaction.followup.send(
                    embeds=embeds, ephemeral=True, allowed_mentions=NO_PINGS
                )
            else:
                await interaction.response.send_message(
                    embeds=embeds, ephemeral=True, allowed_mentions=NO_PINGS
                )


async def respond(
    interaction: discord.Interaction,
    pages: Sequence[Sequence[discord.Embed]],
    *,
    ephemeral: bool = False,
    view: discord.ui.View | None = None,
) -> list[discord.Message]:
    """Send pages of embeds as the interaction's response and follow-ups."""
    sent: list[discord.Message] = []
    for n, embeds in enumerate(pages):
        kwargs: dict = {
            "embeds": list(embeds),
            "ephemeral": ephemeral,
            "allowed_mentions": NO_PINGS,
        }
        if view is not None and n == len(pages) - 1:
            kwargs["view"] = view
        if not interaction.response.is_done():
            await interaction.response.send_message(**kwargs)
            message = await interaction.original_response()
        else:
            message = await interaction.followup.send(wait=True, **kwargs)
        sent.append(message)
    return sent
