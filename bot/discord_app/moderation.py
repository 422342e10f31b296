"""/mod commands for a server's moderators. Glue only: decisions live in ``policy``,
storage in ``Store``, documents in ``Library``.

Hidden by default from members without Manage Server, and checked again on every use (Manage
Server or the server's moderator role), since server admins can change who sees commands.
Every change is written to the audit log: who, what, when.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_app import policy, render
from bot.discord_app.client import respond
from bot.library import DocumentError, Upload
from bot.models import Kind
from retrieval.models import DocumentInfo

if TYPE_CHECKING:
    from bot.discord_app.client import AlsBot

MODERATOR_PERMISSIONS = discord.Permissions(manage_guild=True)
T = TypeVar("T")


class ModGroup(app_commands.Group):
    """A /mod group with its run-time permission check.

    discord.py runs only a command's immediate group's check, so every group and subgroup
    (/mod, /mod documents) is a ModGroup.
    """

    def __init__(
        self,
        bot: AlsBot,
        name: str = "mod",
        description: str = "Moderator tools for alsbot",
        parent: app_commands.Group | None = None,
    ) -> None:
        if parent is None:
            super().__init__(
                name=name,
                description=description,
                guild_only=True,
                default_permissions=MODERATOR_PERMISSIONS,
            )
        else:
            super().__init__(name=name, description=description, parent=parent)
        self.bot = bot

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        member = interaction.user
        guild = interaction.guild
        if guild is None or not isinstance(member, discord.Member):
            return False
        settings = self.bot.store.settings(guild.id)
        role_id = settings.moderator_role_id or self.bot.settings.moderator_role_id
        allowed = policy.may_moderate(
            interaction.permissions.manage_guild, {r.id for r in member.roles}, role_id
        )
        if not allowed:
            await respond(
                interaction,
                render.notice_messages(
                    Kind.ERROR,
                    "Only this server's moderators (Manage Server, or the moderator role) can "
                    "use /mod commands.",
                ),
                ephemeral=True,
            )
        return allowed


async def _done(interaction: discord.Interaction, text: str, *, formatted: bool = False) -> None:
    await respond(
        interaction,
        render.notice_messages(Kind.COMMAND, text, "Done", formatted=formatted),
        ephemeral=True,
    )


class ModerationCog(commands.Cog):
    mod: ModGroup
    documents: ModGroup

    def __init__(self, bot: AlsBot) -> None:
        self.bot = bot
        self.mod = ModGroup(bot)
        self.documents = ModGroup(bot, "documents", "The documents I answer from", parent=self.mod)
        self._commands()

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.mod)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.mod.name)

    def _audit(self, interaction: discord.Interaction, action: str, detail: str) -> None:
        self.bot.store.audit(
            interaction.guild_id, interaction.user.id, str(interaction.user), action, detail
        )

    async def _set(
        self,
        interaction: discord.Interaction,
        action: str,
        detail: str,
        reply: str,
        **changes: object,
    ) -> None:
        """Change a server setting, write it to the audit log, and confirm."""
        assert interaction.guild_id is not None
        self.bot.store.update_settings(interaction.guild_id, **changes)
        self._audit(interaction, action, detail)
        await _done(interaction, reply, formatted=True)

    async def _library(
        self,
        interaction: discord.Interaction,
        action: str,
        detail: Callable[[T], str],
        change: Callable[..., T],
        *args: object,
    ) -> T | None:
        """Run a document change off the event loop and write it to the audit log; a refusal
        is told to the moderator (and changes nothing, so nothing is logged)."""
        try:
            result = await asyncio.to_thread(change, *args)
        except DocumentError as exc:
            await respond(interaction, render.notice_messages(Kind.ERROR, str(exc)), ephemeral=True)
            return None
        self._audit(interaction, action, detail(result))
        return result

    def _commands(self) -> None:
        bot = self.bot
        mod = self.mod
        documents = self.documents

        @mod.command(name="settings", description="Show where and how I answer in this server")
        async def show_settings(interaction: discord.Interaction) -> None:
            assert interaction.guild_id is not None
            s = bot.store.settings(interaction.guild_id)
            rules = bot.store.channel_rules(interaction.guild_id)
            allowed = [f"<#{c}>" for c, r in rules.items() if r == "allow"] or ["none"]
            excluded = [f"<#{c}>" for c, r in rules.items() if r == "exclude"] or ["none"]
            alert = s.alert_channel_id or bot.settings.alert_channel_id
            role = s.moderator_role_id or bot.settings.moderator_role_id
            threads = bot.thread_replies(interaction.guild) if interaction.guild else True
            mode = "every channel I can read" if s.listen_mode == "all" else "chosen channels only"
            text = "\n".join(
                [
                    f"Answering mentions in: **{mode}**",
                    f"Chosen channels: {', '.join(allowed)}",
                    f"Excluded channels: {', '.join(excluded)}",
                    f"Answers in threads: **{'on' if threads else 'off'}**",
                    f"Crisis alerts go to: {f'<#{alert}>' if alert else '**nowhere yet**'}",
                    f"Moderator role: {f'<@&{role}>' if role else 'Manage Server only'}",
                    f"Keep question text: **{'yes' if s.store_questions else 'no'}**",
                ]
            )
            await respond(
                interaction,
                render.notice_messages(Kind.COMMAND, text, "alsbot settings", formatted=True),
                ephemeral=True,
            )

        @mod.command(
            name="listen", description="Answer mentions everywhere, or only in chosen channels"
        )
        @app_commands.describe(where="everywhere: every channel I can read; chosen: an allowlist")
        async def listen(
            interaction: discord.Interaction, where: Literal["everywhere", "chosen"]
        ) -> None:
            mode = "all" if where == "everywhere" else "allowlist"
            note = "" if mode == "all" else " Add channels with `/mod channel action:allow`."
            reply = f"I now answer mentions {where}.{note}"
            await self._set(interaction, "listen", where, reply, listen_mode=mode)

        @mod.command(name="channel", description="Allow, exclude or clear a channel")
        async def channel_rule(
            interaction: discord.Interaction,
            action: Literal["allow", "exclude", "clear"],
            channel: discord.TextChannel,
        ) -> None:
            assert interaction.guild_id is not None
            rule = None if action == "clear" else action
            bot.store.set_channel_rule(interaction.guild_id, channel.id, rule)
            self._audit(interaction, f"channel {action}", f"#{channel.name} ({channel.id})")
            await _done(interaction, f"Channel <#{channel.id}>: {action}.", formatted=True)

        @mod.command(name="threads", description="Answer mentions in a new thread, or in place")
        async def threads(interaction: discord.Interaction, enabled: bool) -> None:
            state = "on" if enabled else "off"
            reply = f"Answers in threads: {state}."
            await self._set(interaction, "threads", state, reply, thread_replies=int(enabled))

        @mod.command(name="alerts", description="Where crisis and emergency alerts go")
        @app_commands.describe(channel="A moderators' channel; leave empty to turn alerts off")
        async def alerts(
            interaction: discord.Interaction, channel: discord.TextChannel | None = None
        ) -> None:
            detail = f"#{channel.name} ({channel.id})" if channel else "off"
            text = f"Crisis alerts go to <#{channel.id}>." if channel else "Crisis alerts are off."
            channel_id = channel.id if channel else None
            await self._set(interaction, "alerts", detail, text, alert_channel_id=channel_id)

        @mod.command(name="role", description="The role whose members may use /mod")
        @app_commands.describe(role="Leave empty to allow Manage Server only")
        async def role(interaction: discord.Interaction, role: discord.Role | None = None) -> None:
            detail = f"{role.name} ({role.id})" if role else "none"
            text = f"Moderator role: <@&{role.id}>." if role else "Moderators: Manage Server only."
            role_id = role.id if role else None
            await self._set(interaction, "moderator role", detail, text, moderator_role_id=role_id)

        @mod.command(
            name="questions", description="Keep question text, to see what goes unanswered"
        )
        async def questions(interaction: discord.Interaction, keep: bool) -> None:
            text = (
                "I will keep the text of unanswered questions (never who asked), so /mod stats "
                "can show which documents are missing."
                if keep
                else "I will only count questions, not keep their text."
            )
            detail = "yes" if keep else "no"
            await self._set(interaction, "keep questions", detail, text, store_questions=int(keep))

        @mod.command(name="stats", description="Questions, unanswered questions and feedback")
        async def stats(
            interaction: discord.Interaction, days: app_commands.Range[int, 1, 90] = 14
        ) -> None:
            assert interaction.guild_id is not None
            text = policy.stats_text(bot.store.stats(interaction.guild_id, days))
            await respond(
                interaction,
                render.notice_messages(Kind.COMMAND, text, "alsbot statistics", formatted=True),
                ephemeral=True,
            )

        @mod.command(name="audit", description="Recent moderator changes")
        async def audit(interaction: discord.Interaction) -> None:
            entries = bot.store.audit_log(interaction.guild_id)
            lines = [
                f"`{e.created}` {render.inert(e.actor_name)}: {render.inert(e.action)} "
                f"{render.inert(e.detail)}"
                for e in entries
            ] or ["No changes yet."]
            await respond(
                interaction,
                render.notice_messages(Kind.COMMAND, "\n".join(lines), "Audit log", formatted=True),
                ephemeral=True,
            )

        @documents.command(name="list", description="The documents, their dates and passages")
        async def list_documents(interaction: discord.Interaction) -> None:
            lines = []
            for d in bot.library.documents():
                facts = ", ".join(x for x in (d.meta.publisher, d.meta.dated) if x) or "no date"
                lines.append(
                    f"`{d.meta.id}`: {render.inert(d.title)} ({render.inert(facts)}; "
                    f"{d.chunk_count} passages)"
                )
            await respond(
                interaction,
                render.notice_messages(Kind.COMMAND, "\n".join(lines), "Documents", formatted=True),
                ephemeral=True,
            )

        @documents.command(name="add", description="Add a .txt or .md document")
        @app_commands.describe(
            file="A UTF-8 .txt or .md file", title="Its title", publisher="Who published it"
        )
        async def add_document(
            interaction: discord.Interaction,
            file: discord.Attachment,
            title: app_commands.Range[str, 1, 200],
            publisher: app_commands.Range[str, 1, 200],
        ) -> None:
            if file.size > bot.settings.max_document_bytes:
                await respond(
                    interaction,
                    render.notice_messages(
                        Kind.ERROR,
                        f"The file is larger than {bot.settings.max_document_bytes // 1000:,} kB.",
                    ),
                    ephemeral=True,
                )
                return
            await interaction.response.defer(ephemeral=True, thinking=True)
            data = await file.read()
            upload = Upload(file.filename, data, title, publisher)
            info = await self._library(
                interaction, "document add", _described, bot.library.add, upload
            )
            if info is None:
                return
            await _done(
                interaction,
                f"Added `{info.meta.id}`: {render.inert(info.title)} "
                f"({info.chunk_count} passages). It is searchable now.",
                formatted=True,
            )

        @documents.command(name="remove", description="Retire a document")
        @app_commands.describe(doc_id="The document's id, from /mod documents list")
        async def remove_document(interaction: discord.Interaction, doc_id: str) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            info = await self._library(
                interaction, "document remove", _described, bot.library.remove, doc_id
            )
            if info is None:
                return
            await _done(interaction, f"Removed `{info.meta.id}`.", formatted=True)

        @remove_document.autocomplete("doc_id")
        async def _ids(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            return [
                app_commands.Choice(name=d.title[:100], value=d.meta.id)
                for d in bot.library.documents()
                if current.lower() in d.meta.id or current.lower() in d.title.lower()
            ][:25]

        @documents.command(name="reindex", description="Rebuild the search index now")
        async def reindex(interaction: discord.Interaction) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            opened = await self._library(
                interaction,
                "reindex",
                lambda o: f"{len(o.index.chunks)} passages",
                bot.library.reindex,
            )
            if opened is None:
                return
            await _done(
                interaction,
                f"Reindexed: {len(opened.index.documents)} documents, "
                f"{len(opened.index.chunks)} passages, in {opened.seconds:.1f} s.",
            )


def _described(info: DocumentInfo) -> str:
    """A document as the audit log names it."""
    return f"{info.meta.id}: {info.title}"
