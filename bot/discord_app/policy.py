"""Decisions the Discord shell makes, kept apart from Discord so they can be tested alone:
who may moderate, where the bot listens, cooldowns, thread names, conversation keys."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Mapping

from bot.discord_app.render import inert
from bot.store import GuildSettings, Stats

THREAD_NAME_LIMIT = 100


def may_moderate(manage_guild: bool, role_ids: set[int], moderator_role_id: int | None) -> bool:
    """Manage Server, or the server's moderator role. Checked on every command, at run time."""
    return manage_guild or (moderator_role_id is not None and moderator_role_id in role_ids)


def listens_in(
    settings: GuildSettings,
    rules: Mapping[int, str],
    channel_id: int,
    parent_id: int | None = None,
) -> bool:
    """Whether the bot answers mentions in a channel (a thread follows its parent channel).

    Out of the box it listens everywhere it can read; moderators can exclude channels, or
    switch to an allowlist of chosen channels.
    """
    ids = [channel_id] + ([parent_id] if parent_id else [])
    if any(rules.get(i) == "exclude" for i in ids):
        return False
    if settings.listen_mode == "allowlist":
        return any(rules.get(i) == "allow" for i in ids)
    return True


class Cooldown:
    """At most one question per ``seconds`` per user; bookkeeping only, bounded in memory."""

    def __init__(
        self, seconds: float, clock: Callable[[], float] = time.monotonic, max_users: int = 10_000
    ) -> None:
        self.seconds = seconds
        self.clock = clock
        self.max_users = max_users
        self._last: dict[int, float] = {}
        self._lock = threading.Lock()

    def wait(self, user_id: int) -> float:
        """Seconds the user must still wait (0 means go ahead, and the question is counted)."""
        now = self.clock()
        with self._lock:
            last = self._last.get(user_id)
            if last is not None and now - last < self.seconds:
                return self.seconds - (now - last)
            self._last[user_id] = now
            if len(self._last) > self.max_users:
                cutoff = now - self.seconds
                self._last = {u: t for u, t in self._last.items() if t >= cutoff}
            return 0.0


_MENTION = re.compile(r"<@!?(\d+)>")


def strip_bot_mention(content: str, bot_id: int) -> str:
    """The question without the bot's mention (other mentions stay, inert)."""
    text = _MENTION.sub(lambda m: "" if int(m.group(1)) == bot_id else m.group(0), content)
    return " ".join(text.split())


def thread_name(question: str) -> str:
    text = " ".join(question.split()) or "Question"
    if len(text) <= THREAD_NAME_LIMIT:
        return text
    return text[: THREAD_NAME_LIMIT - 1].rsplit(" ", 1)[0] + "…"


def conversation_key(guild_id: int | None, channel_id: int, user_id: int) -> str:
    """One conversation per person per channel or thread (or per person in DMs)."""
    if guild_id is None:
        return f"discord:dm:{user_id}"
    return f"discord:{guild_id}:{channel_id}:{user_id}"


def stats_text(stats: Stats) -> str:
    """Statistics for moderators; never a user id."""
    days = "\n".join(f"`{day}` {n}" for day, n in stats.days[-7:])
    lines = [
        f"Questions in the last {len(stats.days)} days: **{stats.questions}**",
        f"No-answer rate: **{stats.no_answer_rate:.0%}** ({stats.no_answers} not answered)",
        f"Feedback: **{stats.helpful}** helpful, **{stats.not_helpful}** not helpful",
        "",
        "Questions per day (last 7):",
        days,
        "",
    ]
    if not stats.unanswered_kept:
        lines.append(
            "Unanswered questions are not kept on this server. A moderator can turn that on "
            "with `/mod questions keep:True` to see which documents are missing."
        )
    elif stats.unanswered:
        lines.append("Most common unanswered questions:")
        lines += [f"{n}× {inert(q)}" for q, n in stats.unanswered]
    else:
        lines.append("No unanswered questions in this period.")
    return "\n".join(lines)
