"""Embeds within Discord's limits, by construction (no network)."""

from __future__ import annotations

import discord
import pytest

from bot.discord_app import render
from bot.models import DISCLAIMER, Answer, Citation, Kind
from retrieval.models import Passage


def _answer(
    citations: int = 3, quote: str = "Riluzole is taken as a pill.", text: str = "A [1]"
) -> Answer:
    return Answer(
        kind=Kind.ANSWER,
        text=text,
        citations=[
            Citation(
                n=n,
                doc_id="d",
                title=f"Title {n}",
                publisher="Pub",
                date="May 1, 2020",
                quote=quote,
            )
            for n in range(1, citations + 1)
        ],
    )


def _check_limits(pages: list[list[discord.Embed]]) -> None:
    for embeds in pages:
        assert 1 <= len(embeds) <= render.EMBEDS_PER_MESSAGE
        assert sum(render.embed_size(e) for e in embeds) <= render.MESSAGE_EMBEDS_TOTAL_LIMIT
        for e in embeds:
            assert len(e.title or "") <= render.TITLE_LIMIT
            assert len(e.description or "") <= render.DESCRIPTION_LIMIT
            assert len(e.fields) <= render.FIELDS_PER_EMBED
            assert all(len(f.name) <= 256 and len(f.value) <= 1024 for f in e.fields)
            assert render.embed_size(e) <= render.EMBED_TOTAL_LIMIT
            assert e.footer.text == DISCLAIMER  # every embed carries the disclaimer


def test_an_answer_is_one_embed_with_sources_and_the_disclaimer():
    pages = render.answer_messages(_answer())
    _check_limits(pages)
    (embed,) = pages[0]
    assert embed.title == render.TITLES[Kind.ANSWER]
    assert [f.name for f in embed.fields] == ["[1] Title 1", "[2] Title 2", "[3] Title 3"]
    assert "Pub · May 1, 2020" in embed.fields[0].value
    assert "Riluzole is taken as a pill." in embed.fields[0].value


def test_long_quotes_are_trimmed_not_rejected():
    pages = render.answer_messages(_answer(quote="word " * 600))
    _check_limits(pages)
    assert pages[0][0].fields[0].value.endswith("…”")


def test_many_sources_split_across_embeds_and_messages():
    pages = render.answer_messages(_answer(citations=60, quote="q " * 400))
    _check_limits(pages)
    names = [f.name for embeds in pages for e in embeds for f in e.fields]
    assert names == [f"[{n}] Title {n}" for n in range(1, 61)]
    assert len(pages) > 1


def test_a_very_long_body_is_split_cleanly():
    body = "\n".join(f"Sentence number {n} of a very long answer. [1]" for n in range(400))
    pages = render.answer_messages(_answer(text=body))
    _check_limits(pages)
    text = "\n".join(e.description or "" for embeds in pages for e in embeds)
    assert "Sentence number 0 " in text and "Sentence number 399 " in text


def test_markdown_and_mentions_in_quotes_are_inert():
    answer = _answer(quote="Call @everyone and <@123>, it's **urgent** _now_")
    field = render.answer_messages(answer)[0][0].fields[0].value
    assert "@everyone" not in field and "@\u200beveryone" in field
    assert "<@123>" not in field
    assert "\\*\\*urgent\\*\\*" in field


@pytest.mark.parametrize("kind", list(Kind))
def test_every_kind_of_reply_carries_the_disclaimer(kind: Kind):
    pages = render.answer_messages(Answer(kind=kind, text="Some reply."))
    _check_limits(pages)
    assert pages[0][0].title == render.TITLES[kind]


def test_passages_for_sources():
    passages = [
        Passage(
            rank=1, score=1.0, doc_id="d", title="T", chunk_id="d#0", text="x " * 1500, section="S"
        )
    ]
    pages = render.passages_messages(passages, "Sources")
    _check_limits(pages)
    fields = [f for e in pages[0] for f in e.fields]
    assert fields[0].name == "T › S" and fields[1].name.endswith("(continued)")


def test_trim_and_split_helpers():
    assert render.trim("short", 10) == "short"
    assert len(render.trim("a long sentence with words", 12)) <= 12
    pieces = render.split_text("line\n" * 3000, 4096)
    assert all(len(p) <= 4096 for p in pieces) and sum(p.count("line") for p in pieces) == 3000
