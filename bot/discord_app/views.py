"""Helpful / not helpful buttons under every answer.

The view is persistent: fixed custom ids and no timeout, registered once in ``setup_hook``, so
buttons on answers sent before a restart keep working. Votes are stored by message, one per
person (a keyed hash of the user, never the id itself).
"""

from __future__ import annotations

from collections.abc import Callable

import discord

from bot.discord_app.render import notice_messages
from bot.models import Kind
from bot.store import Store

HELPFUL_ID = "alsbot:feedback:helpful"
NOT_HELPFUL_ID = "alsbot:feedback:not-helpful"


class FeedbackView(discord.ui.View):
    def __init__(self, store: Callable[[], Store | None]) -> None:
        super().__init__(timeout=None)
        self._store = store

    async def _vote(self, interaction: discord.Interaction, helpful: bool) -> None:
        store = self._store()
        if store is not None and interaction.message is not None:
            store.record_feedback(interaction.message.id, interaction.user.id, helpful)
        thanks = "Thank you: your feedback helps the moderators improve the documents."
        await interaction.response.send_message(
            embeds=notice_messages(Kind.COMMAND, thanks, "Feedback saved")[0],
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )

    @discord.ui.button(
        label="Helpful", emoji="👍", style=discord.ButtonStyle.secondary, custom_id=HELPFUL_ID
    )
    async def helpful(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._vote(interaction, True)

    @discord.ui.button(
        label="Not helpful",
        emoji="👎",
        style=discord.ButtonStyle.secondary,
        custom_id=NOT_HELPFUL_ID,
    )
    async def not_helpful(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._vote(interaction, False)
