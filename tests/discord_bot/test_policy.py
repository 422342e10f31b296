"""Moderation, listening, cooldown and naming rules, without Discord."""

from __future__ import annotations

from bot.discord_app import policy
from bot.store import GuildSettings, Stats


def test_moderators_are_manage_server_or_the_moderator_role():
    assert policy.may_moderate(True, set(), None)
    assert policy.may_moderate(False, {5, 7}, 7)
    assert not policy.may_moderate(False, {5}, 7)
    assert not policy.may_moderate(False, {5}, None)


def test_listens_everywhere_out_of_the_box_except_excluded_channels():
    settings = GuildSettings(1)
    assert policy.listens_in(settings, {}, 10)
    assert not policy.listens_in(settings, {10: "exclude"}, 10)
    assert not policy.listens_in(settings, {10: "exclude"}, 99, parent_id=10)  # a thread of #10


def test_allowlist_mode_listens_only_in_chosen_channels():
    settings = GuildSettings(1, listen_mode="allowlist")
    assert not policy.listens_in(settings, {}, 10)
    assert policy.listens_in(settings, {10: "allow"}, 10)
    assert policy.listens_in(settings, {10: "allow"}, 99, parent_id=10)
    assert not policy.listens_in(settings, {10: "allow", 99: "exclude"}, 99, parent_id=10)


def test_cooldown_bookkeeping():
    now = [100.0]
    cooldown = policy.Cooldown(10, clock=lambda: now[0])
    assert cooldown.wait(1) == 0
    now[0] = 104
    assert cooldown.wait(1) == 6
    assert cooldown.wait(2) == 0  # per user
    now[0] = 111
    assert cooldown.wait(1) == 0


def test_cooldown_memory_is_bounded():
    now = [0.0]
    cooldown = policy.Cooldown(1, clock=lambda: now[0], max_users=10)
    for user in range(50):
        now[0] += 2
        cooldown.wait(user)
    assert len(cooldown._last) <= 11


def test_mentions_and_thread_names():
    assert policy.strip_bot_mention("<@42> what is  riluzole? <@7>", 42) == "what is riluzole? <@7>"
    assert policy.strip_bot_mention("<@!42>", 42) == ""
    name = policy.thread_name("why " * 60)
    assert len(name) <= policy.THREAD_NAME_LIMIT and name.endswith("…")


def test_conversation_keys():
    assert policy.conversation_key(None, 5, 9) == "discord:dm:9"
    assert policy.conversation_key(1, 5, 9) == "discord:1:5:9"


def test_stats_text_never_shows_user_ids_and_makes_questions_inert():
    stats = Stats(
        days=[("2026-11-22", 3), ("2026-11-23", 1)],
        questions=4,
        no_answers=1,
        unanswered=[("@everyone what is tofersen", 1)],
        unanswered_kept=True,
        helpful=2,
        not_helpful=1,
    )
    text = policy.stats_text(stats)
    assert "25%" in text and "2** helpful" in text
    assert "@everyone" not in text and "tofersen" in text
    hidden = policy.stats_text(Stats([], 0, 0, [], False, 0, 0))
    assert "not kept" in hidden
