"""The SQLite store: WAL mode, settings that survive a restart, feedback, stats, audit."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from bot.store import Store


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "db.sqlite3")
    yield s
    s.close()


def test_wal_mode_and_schema_version(store: Store):
    db = sqlite3.connect(store.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1


def test_settings_survive_a_restart(tmp_path: Path):
    path = tmp_path / "db.sqlite3"
    first = Store(path)
    first.update_settings(1, listen_mode="allowlist", alert_channel_id=55, store_questions=1)
    first.set_channel_rule(1, 10, "allow")
    first.set_channel_rule(1, 11, "exclude")
    first.add_thread(300, 1, 10)
    first.close()
    again = Store(path)
    settings = again.settings(1)
    assert settings.listen_mode == "allowlist" and settings.alert_channel_id == 55
    assert settings.store_questions
    assert again.channel_rules(1) == {10: "allow", 11: "exclude"}
    assert again.is_bot_thread(300) and not again.is_bot_thread(301)
    again.set_channel_rule(1, 10, None)
    assert again.channel_rules(1) == {11: "exclude"}
    again.close()


def test_unknown_setting_is_refused(store: Store):
    with pytest.raises(ValueError):
        store.update_settings(1, drop_table=1)


def test_feedback_is_one_vote_per_person_and_keeps_no_user_id(store: Store):
    store.record_feedback(900, user_id=123456789, helpful=True)
    store.record_feedback(900, user_id=123456789, helpful=False)  # changed their mind
    store.record_feedback(900, user_id=42, helpful=False)
    assert store.feedback_counts(900) == (0, 2)
    dump = "\n".join(sqlite3.connect(store.path).iterdump())
    assert "123456789" not in dump


def test_stats_count_questions_and_keep_text_only_when_allowed(store: Store):
    today = date(2026, 11, 23)
    q1 = store.record_question(1, "answer", "what is riluzole?", keep_text=False, day=today)
    store.record_question(1, "no_answer", "what is tofersen?", keep_text=False, day=today)
    store.update_settings(1, store_questions=1)
    store.record_question(1, "no_answer", "What is tofersen? ", keep_text=True, day=today)
    store.record_question(1, "no_answer", "what is tofersen?", keep_text=True, day=today)
    store.record_question(2, "answer", "other server", keep_text=True, day=today)
    store.record_answer_message(700, q1, 1)
    store.record_feedback(700, 5, True)
    stats = store.stats(1, days=7, today=today)
    assert stats.questions == 4 and stats.no_answers == 3
    assert stats.days[-1] == ("2026-11-23", 4) and len(stats.days) == 7
    assert stats.unanswered == [("what is tofersen?", 2)]
    assert (stats.helpful, stats.not_helpful) == (1, 0)


def test_audit_log(store: Store):
    store.audit(1, 77, "alice", "document add", "new-doc: New")
    store.audit(2, 78, "carol", "threads", "off")
    entries = store.audit_log(1)
    assert [(e.actor_name, e.action) for e in entries] == [("alice", "document add")]
