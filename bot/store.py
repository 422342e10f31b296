"""Everything the Discord bot keeps: SQLite (stdlib), WAL mode, in the data folder.

Server settings, channel rules, the bot's threads, questions (text only where a server has
chosen to keep it), answers, feedback and the moderators' audit log. Statistics never show a
user id: feedback voters are stored as a keyed hash, questions without any user.

Calls are short and local, so they run on the caller's thread behind one lock; the schema is
versioned with ``PRAGMA user_version`` and migrated forward on open.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Literal

SCHEMA = [
    # version 1
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE guild_settings (
        guild_id INTEGER PRIMARY KEY,
        listen_mode TEXT NOT NULL DEFAULT 'all' CHECK (listen_mode IN ('all', 'allowlist')),
        thread_replies INTEGER,
        alert_channel_id INTEGER,
        moderator_role_id INTEGER,
        store_questions INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE channel_rules (
        guild_id INTEGER NOT NULL,
        channel_id INTEGER NOT NULL,
        rule TEXT NOT NULL CHECK (rule IN ('allow', 'exclude')),
        PRIMARY KEY (guild_id, channel_id)
    );
    CREATE TABLE threads (
        thread_id INTEGER PRIMARY KEY,
        guild_id INTEGER NOT NULL,
        parent_id INTEGER NOT NULL,
        created TEXT NOT NULL
    );
    CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        guild_id INTEGER,
        day TEXT NOT NULL,
        kind TEXT NOT NULL,
        question TEXT
    );
    CREATE INDEX questions_by_guild_day ON questions (guild_id, day);
    CREATE TABLE answers (
        message_id INTEGER PRIMARY KEY,
        question_id INTEGER REFERENCES questions (id),
        guild_id INTEGER
    );
    CREATE TABLE feedback (
        message_id INTEGER NOT NULL,
        voter TEXT NOT NULL,
        helpful INTEGER NOT NULL,
        created TEXT NOT NULL,
        PRIMARY KEY (message_id, voter)
    );
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        guild_id INTEGER,
        actor_id INTEGER NOT NULL,
        actor_name TEXT NOT NULL,
        action TEXT NOT NULL,
        detail TEXT NOT NULL,
        created TEXT NOT NULL
    );
    """,
]

ListenMode = Literal["all", "allowlist"]


@dataclass(frozen=True, slots=True)
class GuildSettings:
    guild_id: int
    listen_mode: ListenMode = "all"
    thread_replies: bool | None = None  # None: the installation's default
    alert_channel_id: int | None = None
    moderator_role_id: int | None = None
    store_questions: bool = False


@dataclass(frozen=True, slots=True)
class AuditEntry:
    created: str
    actor_name: str
    action: str
    detail: str


@dataclass(frozen=True, slots=True)
class Stats:
    days: list[tuple[str, int]]  # (day, questions) for each day of the period, oldest first
    questions: int
    no_answers: int
    unanswered: list[tuple[str, int]]  # most common unanswered questions (if kept), with counts
    unanswered_kept: bool
    helpful: int
    not_helpful: int

    @property
    def no_answer_rate(self) -> float:
        return self.no_answers / self.questions if self.questions else 0.0


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._migrate()
        self._secret = self._voter_secret()

    # ------------------------------------------------------------------ plumbing

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        for n, script in enumerate(SCHEMA[version:], start=version + 1):
            with self._tx() as db:
                for statement in script.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {n}")

    def _voter_secret(self) -> bytes:
        with self._tx() as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'voter_secret'").fetchone()
            if row:
                return bytes.fromhex(row[0])
            secret = secrets.token_bytes(32)
            db.execute("INSERT INTO meta VALUES ('voter_secret', ?)", (secret.hex(),))
            return secret

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # ------------------------------------------------------------------ guild settings

    def settings(self, guild_id: int) -> GuildSettings:
        with self._lock:
            row = self._db.execute(
                "SELECT listen_mode, thread_replies, alert_channel_id, moderator_role_id, "
                "store_questions FROM guild_settings WHERE guild_id = ?",
                (guild_id,),
            ).fetchone()
        if row is None:
            return GuildSettings(guild_id)
        mode, threads, alert, role, store = row
        return GuildSettings(
            guild_id,
            mode,
            None if threads is None else bool(threads),
            alert,
            role,
            bool(store),
        )

    _SETTING_COLUMNS = frozenset(
        {
            "listen_mode",
            "thread_replies",
            "alert_channel_id",
            "moderator_role_id",
            "store_questions",
        }
    )

    def update_settings(self, guild_id: int, **changes: object) -> GuildSettings:
        unknown = set(changes) - self._SETTING_COLUMNS
        if unknown:
            raise ValueError(f"unknown settings: {sorted(unknown)}")
        with self._tx() as db:
            db.execute("INSERT OR IGNORE INTO guild_settings (guild_id) VALUES (?)", (guild_id,))
            for column, value in changes.items():
                db.execute(  # column names come from the fixed set above
                    f"UPDATE guild_settings SET {column} = ? WHERE guild_id = ?",
                    (value, guild_id),
                )
        return self.settings(guild_id)

    def set_channel_rule(
        self, guild_id: int, channel_id: int, rule: Literal["allow", "exclude"] | None
    ) -> None:
        with self._tx() as db:
            if rule is None:
                db.execute(
                    "DELETE FROM channel_rules WHERE guild_id = ? AND channel_id = ?",
                    (guild_id, channel_id),
                )
            else:
                db.execute(
                    "INSERT OR REPLACE INTO channel_rules VALUES (?, ?, ?)",
                    (guild_id, channel_id, rule),
                )

    def channel_rules(self, guild_id: int) -> dict[int, str]:
        with self._lock:
            rows = self._db.execute(
                "SELECT channel_id, rule FROM channel_rules WHERE guild_id = ?", (guild_id,)
            ).fetchall()
        return dict(rows)

    # ------------------------------------------------------------------ threads

    def add_thread(self, thread_id: int, guild_id: int, parent_id: int) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT OR IGNORE INTO threads VALUES (?, ?, ?, ?)",
                (thread_id, guild_id, parent_id, _now()),
            )

    def is_bot_thread(self, thread_id: int) -> bool:
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM threads WHERE thread_id = ?", (thread_id,)
            ).fetchone()
        return row is not None

    # ------------------------------------------------------------------ questions, feedback

    def record_question(
        self,
        guild_id: int | None,
        kind: str,
        question: str,
        keep_text: bool,
        day: date | None = None,
    ) -> int:
        """Count a question; its text is kept only when the server has chosen to keep it."""
        day = day or datetime.now(UTC).date()
        with self._tx() as db:
            cursor = db.execute(
                "INSERT INTO questions (guild_id, day, kind, question) VALUES (?, ?, ?, ?)",
                (guild_id, day.isoformat(), kind, question if keep_text else None),
            )
            return int(cursor.lastrowid or 0)

    def record_answer_message(
        self, message_id: int, question_id: int, guild_id: int | None
    ) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?)",
                (message_id, question_id, guild_id),
            )

    def voter(self, user_id: int) -> str:
        """A user's stand-in for feedback: stable per installation, not reversible to an id."""
        return hmac.new(self._secret, str(user_id).encode(), hashlib.sha256).hexdigest()[:32]

    def record_feedback(self, message_id: int, user_id: int, helpful: bool) -> None:
        """One vote per person per answer; voting again changes the vote."""
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO feedback VALUES (?, ?, ?, ?)",
                (message_id, self.voter(user_id), int(helpful), _now()),
            )

    def feedback_counts(self, message_id: int) -> tuple[int, int]:
        with self._lock:
            rows = self._db.execute(
                "SELECT helpful, COUNT(*) FROM feedback WHERE message_id = ? GROUP BY helpful",
                (message_id,),
            ).fetchall()
        counts = dict(rows)
        return counts.get(1, 0), counts.get(0, 0)

    def stats(self, guild_id: int, days: int = 14, today: date | None = None) -> Stats:
        today = today or datetime.now(UTC).date()
        start = today - timedelta(days=days - 1)
        keep = self.settings(guild_id).store_questions
        with self._lock:
            per_day = dict(
                self._db.execute(
                    "SELECT day, COUNT(*) FROM questions WHERE guild_id = ? AND day >= ? "
                    "GROUP BY day",
                    (guild_id, start.isoformat()),
                ).fetchall()
            )
            total, unanswered = self._db.execute(
                "SELECT COUNT(*), COALESCE(SUM(kind = 'no_answer'), 0) FROM questions "
                "WHERE guild_id = ? AND day >= ?",
                (guild_id, start.isoformat()),
            ).fetchone()
            common = self._db.execute(
                "SELECT lower(trim(question)) AS q, COUNT(*) AS n FROM questions "
                "WHERE guild_id = ? AND day >= ? AND kind = 'no_answer' AND question IS NOT NULL "
                "GROUP BY q ORDER BY n DESC, q LIMIT 5",
                (guild_id, start.isoformat()),
            ).fetchall()
            votes = dict(
                self._db.execute(
                    "SELECT f.helpful, COUNT(*) FROM feedback f JOIN answers a "
                    "ON a.message_id = f.message_id WHERE a.guild_id = ? GROUP BY f.helpful",
                    (guild_id,),
                ).fetchall()
            )
        series = [
            (
                (start + timedelta(days=n)).isoformat(),
                per_day.get((start + timedelta(days=n)).isoformat(), 0),
            )
            for n in range(days)
        ]
        return Stats(
            days=series,
            questions=int(total),
            no_answers=int(unanswered),
            unanswered=[(q, int(n)) for q, n in common],
            unanswered_kept=keep,
            helpful=votes.get(1, 0),
            not_helpful=votes.get(0, 0),
        )

    # ------------------------------------------------------------------ audit log

    def audit(
        self, guild_id: int | None, actor_id: int, actor_name: str, action: str, detail: str
    ) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO audit (guild_id, actor_id, actor_name, action, detail, created) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (guild_id, actor_id, actor_name, action, detail, _now()),
            )

    def audit_log(self, guild_id: int | None, limit: int = 20) -> list[AuditEntry]:
        with self._lock:
            rows = self._db.execute(
                "SELECT created, actor_name, action, detail FROM audit "
                "WHERE guild_id IS ? OR ? IS NULL ORDER BY id DESC LIMIT ?",
                (guild_id, guild_id, limit),
            ).fetchall()
        return [AuditEntry(*row) for row in rows]
