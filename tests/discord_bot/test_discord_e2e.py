"""End to end: the real alsbot Discord client (discord.py) against a fake Discord on loopback.

What the bot actually sends is asserted: the deferral, the embeds with citations and the
disclaimer, ``allowed_mentions`` empty, the thread, the crisis alert to the moderators'
channel, and the refusal of moderator commands to ordinary members.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import discord
import pytest
from fake_discord import CALLBACK_DEFERRED_CHANNEL_MESSAGE, FakeDiscord

from bot.answer import AnswerService
from bot.config import Settings
from bot.discord_app.client import AlsBot
from bot.discord_app.views import HELPFUL_ID
from bot.library import Library
from bot.models import DISCLAIMER
from bot.store import Store
from retrieval.search import Retriever

NO_PINGS = {"parse": []}
FOLLOWUP = r"/webhooks/\d+/[^/]+"  # an interaction's follow-up message
EPHEMERAL = 64


@pytest.fixture(autouse=True)
def no_discord_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """discord.py logs, rather than raises, errors in handlers: fail the test on them."""
    caplog.set_level(logging.INFO)
    yield
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, "errors were logged:\n" + "\n".join(r.getMessage() for r in errors)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as server:
        yield server


def make_bot(corpus: Path, data: Path, safety_router, **settings: object) -> AlsBot:
    config = Settings(**{"data_dir": data, "corpus_dir": corpus, "cooldown_seconds": 0, **settings})
    retriever, _ = Retriever.open(corpus, None)
    service = AnswerService(retriever, safety_router=safety_router)
    store = Store(config.database)
    library = Library(corpus, None, service, config.max_document_bytes)
    return AlsBot(
        config, service, store, library, guild_ready_timeout=0.05, chunk_guilds_at_startup=False
    )


@pytest.fixture
async def alsbot(fake: FakeDiscord, corpus_copy: Path, tmp_path: Path, safety_router):
    bot = make_bot(corpus_copy, tmp_path / "data", safety_router)
    async with fake.run_bot(bot):
        yield bot
    assert bot.is_closed()


def _embeds(req) -> list[dict]:
    return req.json["embeds"]


def _text(req) -> str:
    parts = []
    for e in _embeds(req):
        parts += [e.get("title") or "", e.get("description") or ""]
        parts += [f["name"] + " " + f["value"] for f in e.get("fields", [])]
    return "\n".join(parts)


def _assert_no_pings(req) -> None:
    mentions = dict(req.json["allowed_mentions"])
    assert mentions.pop("replied_user", False) is False  # a reply does not ping either
    assert mentions == NO_PINGS


def _assert_disclaimer_and_no_pings(req) -> None:
    _assert_no_pings(req)
    assert all(e["footer"]["text"] == DISCLAIMER for e in _embeds(req))
    assert "not medical advice" in DISCLAIMER


def _mod_log(fake: FakeDiscord, bot: AlsBot) -> int:
    channel_id = int(fake.channels["mod-log"]["id"])
    bot.store.update_settings(int(fake.guild_id), alert_channel_id=channel_id)
    return channel_id


async def test_commands_are_synced_with_moderator_defaults(fake: FakeDiscord, alsbot: AlsBot):
    req = await fake.wait_for_request("PUT", r"/applications/\d+/commands")
    names = {c["name"]: c for c in req.json}
    assert {"ask", "sources", "reset", "about", "help", "mod"} <= set(names)
    assert str(names["mod"]["default_member_permissions"]) == "32"  # Manage Server
    subcommands = {o["name"] for o in names["mod"]["options"]}
    assert {"settings", "listen", "channel", "alerts", "stats", "documents"} <= subcommands


async def test_mention_opens_a_thread_and_answers_with_citations(fake: FakeDiscord, alsbot: AlsBot):
    message = fake.mention_message("how is radicava given?")
    await fake.dispatch("MESSAGE_CREATE", message)
    general = fake.channels["general"]["id"]
    thread_req = await fake.wait_for_request(
        "POST", rf"/channels/{general}/messages/{message['id']}/threads"
    )
    assert thread_req.json["name"] == "how is radicava given?"
    thread_id = next(iter(fake.threads))
    answer = await fake.wait_for_request("POST", rf"/channels/{thread_id}/messages")
    _assert_disclaimer_and_no_pings(answer)
    embed = _embeds(answer)[0]
    assert "intravenous" in embed["description"] and "[1]" in embed["description"]
    assert embed["fields"][0]["name"].startswith("[1] ")
    buttons = [c["custom_id"] for row in answer.json["components"] for c in row["components"]]
    assert HELPFUL_ID in buttons
    assert alsbot.store.is_bot_thread(int(thread_id))


async def test_follow_up_in_the_thread_needs_no_mention(fake: FakeDiscord, alsbot: AlsBot):
    await fake.dispatch("MESSAGE_CREATE", fake.mention_message("What is riluzole?"))
    thread_id = (
        await fake.wait_for_request("POST", r"/channels/\d+/messages/\d+/threads")
    ).response["id"]
    await fake.wait_for_request("POST", rf"/channels/{thread_id}/messages")
    thread = fake.threads[thread_id]
    await fake.dispatch(
        "MESSAGE_CREATE", fake.message("what are its side effects?", channel=thread)
    )
    follow = await fake.wait_for_request("POST", rf"/channels/{thread_id}/messages")
    assert "dizziness" in _text(follow) or "hepatotoxicity" in _text(follow)
    _assert_disclaimer_and_no_pings(follow)


async def test_slash_ask_defers_then_answers(fake: FakeDiscord, alsbot: AlsBot):
    interaction = fake.slash_interaction("ask", [fake.option("question", "what is relyvrio?")])
    await fake.dispatch("INTERACTION_CREATE", interaction)
    callback = await fake.wait_for_request(
        "POST", rf"/interactions/{interaction['id']}/.+/callback"
    )
    assert callback.json["type"] == CALLBACK_DEFERRED_CHANNEL_MESSAGE
    reply = await fake.wait_for_request("POST", FOLLOWUP)
    assert "powder" in _text(reply)
    _assert_disclaimer_and_no_pings(reply)


async def test_crisis_gets_help_first_and_alerts_the_moderators(fake: FakeDiscord, alsbot: AlsBot):
    alerts = _mod_log(fake, alsbot)
    message = fake.mention_message("I don't want to live anymore")
    await fake.dispatch("MESSAGE_CREATE", message)
    general = fake.channels["general"]["id"]
    reply = await fake.wait_for_request("POST", rf"/channels/{general}/messages")
    # In place, never in a public thread named after the message.
    assert not fake.find_requests("POST", r"/channels/\d+/messages/\d+/threads")
    assert "988" in _text(reply)
    _assert_disclaimer_and_no_pings(reply)
    alert = await fake.wait_for_request("POST", rf"/channels/{alerts}/messages")
    text = _text(alert)
    assert message["id"] in text  # the jump link
    assert "don't want to live" not in text  # no detail beyond the link
    _assert_disclaimer_and_no_pings(alert)


async def test_slash_emergency_alerts_too(fake: FakeDiscord, alsbot: AlsBot):
    alerts = _mod_log(fake, alsbot)
    interaction = fake.slash_interaction("ask", [fake.option("question", "he can't breathe!!")])
    await fake.dispatch("INTERACTION_CREATE", interaction)
    reply = await fake.wait_for_request("POST", FOLLOWUP)
    assert "emergency number now" in _text(reply)
    await fake.wait_for_request("POST", rf"/channels/{alerts}/messages")


async def test_moderator_commands_are_refused_to_ordinary_members(
    fake: FakeDiscord, alsbot: AlsBot
):
    interaction = fake.slash_interaction(
        "mod", [{"name": "settings", "type": 1, "options": []}], user="bob"
    )
    await fake.dispatch("INTERACTION_CREATE", interaction)
    callback = await fake.wait_for_request(
        "POST", rf"/interactions/{interaction['id']}/.+/callback"
    )
    assert callback.json["data"]["flags"] & EPHEMERAL
    assert "Only this server's moderators" in callback.json["data"]["embeds"][0]["description"]
    assert alsbot.store.audit_log(int(fake.guild_id)) == []


async def test_a_moderator_excludes_a_channel(fake: FakeDiscord, alsbot: AlsBot):
    general = fake.channels["general"]
    options = [
        {"name": "channel", "type": 1, "options": [
            fake.option("action", "exclude"), fake.option("channel", general["id"], 7),
        ]}
    ]  # fmt: skip
    resolved = {"channels": {general["id"]: {**general, "permissions": "0"}}}
    interaction = fake.slash_interaction("mod", options, user="alice", resolved=resolved)
    await fake.dispatch("INTERACTION_CREATE", interaction)
    callback = await fake.wait_for_request(
        "POST", rf"/interactions/{interaction['id']}/.+/callback"
    )
    assert callback.json["data"]["flags"] & EPHEMERAL
    assert alsbot.store.channel_rules(int(fake.guild_id)) == {int(general["id"]): "exclude"}
    [entry] = alsbot.store.audit_log(int(fake.guild_id))
    assert entry.actor_name == "alice" and entry.action == "channel exclude"
    # Now a mention there is ignored.
    await fake.dispatch("MESSAGE_CREATE", fake.mention_message("what is riluzole?"))
    await asyncio.sleep(0.3)
    assert not fake.find_requests("POST", r"/channels/\d+/messages/\d+/threads")


async def test_feedback_buttons_are_stored(fake: FakeDiscord, alsbot: AlsBot):
    await fake.dispatch("MESSAGE_CREATE", fake.mention_message("what is riluzole?"))
    sent = await fake.wait_for_request("POST", r"/channels/\d+/messages")
    message = fake.messages.get(sent.response["id"]) or sent.response
    click = fake.button_interaction(HELPFUL_ID, message=message, user="bob")
    await fake.dispatch("INTERACTION_CREATE", click)
    callback = await fake.wait_for_request("POST", rf"/interactions/{click['id']}/.+/callback")
    assert callback.json["data"]["flags"] & EPHEMERAL
    assert callback.json["data"]["embeds"][0]["footer"]["text"] == DISCLAIMER
    assert alsbot.store.feedback_counts(int(message["id"])) == (1, 0)
    stats = alsbot.store.stats(int(fake.guild_id))
    assert stats.questions == 1 and stats.helpful == 1


async def test_a_direct_message_is_answered_in_the_dm(fake: FakeDiscord, alsbot: AlsBot):
    await fake.dispatch("MESSAGE_CREATE", fake.dm_message("what can help with drooling?"))
    dm = fake.dm_channel("bob")["id"]
    reply = await fake.wait_for_request("POST", rf"/channels/{dm}/messages")
    assert "salivation" in _text(reply)
    _assert_disclaimer_and_no_pings(reply)


async def test_everyone_in_a_question_stays_inert(fake: FakeDiscord, alsbot: AlsBot):
    await fake.dispatch("MESSAGE_CREATE", fake.mention_message("@everyone what is riluzole? <@&1>"))
    reply = await fake.wait_for_request("POST", r"/channels/\d+/messages")
    _assert_no_pings(reply)
    thread = fake.find_requests("POST", r"/channels/\d+/messages/\d+/threads")[0]
    assert thread.json["name"].startswith("@everyone")  # a thread name cannot ping


async def test_sources_and_about_are_ephemeral(fake: FakeDiscord, alsbot: AlsBot):
    ask = fake.slash_interaction("ask", [fake.option("question", "how is radicava given?")])
    await fake.dispatch("INTERACTION_CREATE", ask)
    await fake.wait_for_request("POST", FOLLOWUP)
    sources = fake.slash_interaction("sources")
    await fake.dispatch("INTERACTION_CREATE", sources)
    callback = await fake.wait_for_request("POST", rf"/interactions/{sources['id']}/.+/callback")
    assert callback.json["data"]["flags"] & EPHEMERAL
    fields = callback.json["data"]["embeds"][0]["fields"]
    assert any("intravenous" in f["value"] for f in fields)
    about = fake.slash_interaction("about")
    await fake.dispatch("INTERACTION_CREATE", about)
    callback = await fake.wait_for_request("POST", rf"/interactions/{about['id']}/.+/callback")
    names = [f["name"] for f in callback.json["data"]["embeds"][0]["fields"]]
    assert "Is There a Cure for ALS?" in names


async def test_a_moderator_adds_a_document_and_it_answers(fake: FakeDiscord, alsbot: AlsBot):
    text = (
        b"Cough Assist\n\nA cough assist machine helps people with weak breathing muscles "
        b"clear phlegm from their airways.\n"
    )
    attachment = fake.attachment("cough.txt", text)
    options = [
        {"name": "documents", "type": 2, "options": [
            {"name": "add", "type": 1, "options": [
                fake.option("file", attachment["id"], 11),
                fake.option("title", "Cough Assist Basics"),
                fake.option("publisher", "Our Clinic"),
            ]},
        ]},
    ]  # fmt: skip
    interaction = fake.slash_interaction(
        "mod", options, user="alice", resolved={"attachments": {attachment["id"]: attachment}}
    )
    await fake.dispatch("INTERACTION_CREATE", interaction)
    done = await fake.wait_for_request("POST", FOLLOWUP)
    assert "cough-assist-basics" in _text(done)
    [entry] = alsbot.store.audit_log(int(fake.guild_id))
    assert entry.action == "document add"
    ask = fake.slash_interaction("ask", [fake.option("question", "what does a cough assist do?")])
    await fake.dispatch("INTERACTION_CREATE", ask)
    reply = await fake.wait_for_request("POST", FOLLOWUP)
    assert "Cough Assist Basics" in _text(reply)


async def test_cooldown_gives_a_polite_reply(
    fake: FakeDiscord, corpus_copy: Path, tmp_path: Path, safety_router
):
    bot = make_bot(corpus_copy, tmp_path / "data", safety_router, cooldown_seconds=60)
    async with fake.run_bot(bot):
        await fake.dispatch("MESSAGE_CREATE", fake.mention_message("what is riluzole?"))
        thread_id = (
            await fake.wait_for_request("POST", r"/channels/\d+/messages/\d+/threads")
        ).response["id"]
        await fake.dispatch("MESSAGE_CREATE", fake.mention_message("and relyvrio?"))
        general = fake.channels["general"]["id"]
        polite = await fake.wait_for_request("POST", rf"/channels/{general}/messages")
        assert "one question at a time" in _text(polite)
        _assert_disclaimer_and_no_pings(polite)
        # The first answer is still being sent into its thread: let it land before closing.
        await fake.wait_for_request("POST", rf"/channels/{thread_id}/messages")


async def test_settings_survive_a_restart(
    fake: FakeDiscord, corpus_copy: Path, tmp_path: Path, safety_router
):
    data = tmp_path / "data"
    first = make_bot(corpus_copy, data, safety_router)
    async with fake.run_bot(first):
        first.store.update_settings(int(fake.guild_id), thread_replies=0)
    assert first.is_closed()
    second = make_bot(corpus_copy, data, safety_router)
    async with fake.run_bot(second):
        assert second.thread_replies(second.get_guild(int(fake.guild_id))) is False
        await fake.dispatch("MESSAGE_CREATE", fake.mention_message("what is riluzole?"))
        general = fake.channels["general"]["id"]
        reply = await fake.wait_for_request("POST", rf"/channels/{general}/messages")
        assert reply.json["message_reference"]  # answered in place, as configured
        assert not fake.find_requests("POST", r"/channels/\d+/messages/\d+/threads")


async def test_bot_messages_are_ignored(fake: FakeDiscord, alsbot: AlsBot):
    message = fake.message(f"<@{fake.bot_id}> hello", author="bot", mentions=["bot"])
    await fake.dispatch("MESSAGE_CREATE", message)
    await asyncio.sleep(0.2)
    assert not fake.find_requests("POST", r"/channels/\d+/messages")


async def test_the_discord_client_refuses_to_ping_anyone(alsbot: AlsBot):
    mentions = alsbot.allowed_mentions
    assert mentions is not None
    assert mentions.to_dict() == {"parse": []}
    assert isinstance(alsbot, discord.Client)


async def test_document_commands_are_refused_to_ordinary_members(fake: FakeDiscord, alsbot: AlsBot):
    options = [
        {"name": "documents", "type": 2, "options": [
            {"name": "remove", "type": 1, "options": [
                fake.option("doc_id", "als-treatments-2017"),
            ]},
        ]},
    ]  # fmt: skip
    interaction = fake.slash_interaction("mod", options, user="bob")
    await fake.dispatch("INTERACTION_CREATE", interaction)
    callback = await fake.wait_for_request(
        "POST", rf"/interactions/{interaction['id']}/.+/callback"
    )
    assert callback.json["data"]["flags"] & EPHEMERAL
    assert "Only this server's moderators" in callback.json["data"]["embeds"][0]["description"]
    assert "als-treatments-2017" in {d.meta.id for d in alsbot.library.documents()}
    assert alsbot.store.audit_log(int(fake.guild_id)) == []


async def test_crisis_is_answered_in_place_even_in_an_excluded_channel_during_a_cooldown(
    fake: FakeDiscord, corpus_copy: Path, tmp_path: Path, safety_router
):
    bot = make_bot(corpus_copy, tmp_path / "data", safety_router, cooldown_seconds=600)
    async with fake.run_bot(bot):
        alerts = _mod_log(fake, bot)
        general = fake.channels["general"]["id"]
        bot.store.set_channel_rule(int(fake.guild_id), int(general), "exclude")
        bot.cooldown.wait(int(fake.users["bob"]["id"]))  # bob just asked something
        message = fake.mention_message("I want to kill myself")
        await fake.dispatch("MESSAGE_CREATE", message)
        reply = await fake.wait_for_request("POST", rf"/channels/{general}/messages")
        assert "988" in _text(reply)
        assert not fake.find_requests("POST", r"/channels/\d+/messages/\d+/threads")
        await fake.wait_for_request("POST", rf"/channels/{alerts}/messages")
        ask = fake.slash_interaction("ask", [fake.option("question", "he can't breathe!!")])
        await fake.dispatch("INTERACTION_CREATE", ask)
        callback = await fake.wait_for_request("POST", rf"/interactions/{ask['id']}/.+/callback")
        assert callback.json["type"] == CALLBACK_DEFERRED_CHANNEL_MESSAGE
        emergency = await fake.wait_for_request("POST", FOLLOWUP)
        assert "emergency number now" in _text(emergency)
