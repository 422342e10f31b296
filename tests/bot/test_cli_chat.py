"""`alsbot ask` and `alsbot chat`: the JSON contract, scripted chat, and the interactive REPL."""

from __future__ import annotations

import io
import json

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console
from tests_helpers import alsbot

from bot import terminal
from bot.answer import AnswerService
from bot.models import DISCLAIMER
from retrieval.search import Retriever

CONTRACT = {"kind", "answer", "citations", "passages", "disclaimer"}


def test_ask_json_follows_the_contract():
    run = alsbot("ask", "what are the side effects of riluzole?", "--json")
    assert run.returncode == 0, run.stderr
    reply = json.loads(run.stdout)
    assert set(reply) >= CONTRACT
    assert reply["kind"] == "answer"
    assert reply["answer"].endswith(reply["disclaimer"])
    assert "not medical advice" in reply["disclaimer"]
    citation = reply["citations"][0]
    assert {"n", "doc_id", "title", "publisher", "quote"} <= set(citation)
    assert {"rank", "score", "doc_id", "title", "chunk_id", "text"} <= set(reply["passages"][0])


def test_ask_human_readable_shows_sources_and_disclaimer():
    run = alsbot("ask", "what is relyvrio?")
    assert run.returncode == 0
    assert "[1]" in run.stdout and "not medical advice" in " ".join(run.stdout.split())


def test_ask_empty_question_exits_2():
    run = alsbot("ask", "  ")
    assert run.returncode == 2 and "empty" in run.stderr and "Traceback" not in run.stderr


def test_chat_json_gives_exactly_one_line_per_input_line():
    lines = [
        "What is riluzole?",
        "what are its side effects?",
        "/reset",
        "",
        "/sources",
        "/help",
        "I don't want to live anymore",
        "what is tofersen?",
    ]
    run = alsbot("chat", "--json", stdin="\n".join(lines) + "\n")
    assert run.returncode == 0, run.stderr
    replies = [json.loads(line) for line in run.stdout.splitlines()]
    assert len(replies) == len(lines)
    assert [r["kind"] for r in replies] == [
        "answer", "answer", "command", "error", "command", "command", "crisis", "no_answer",
    ]  # fmt: skip
    assert "riluzole" in replies[1]["query"].lower()
    assert all(r["answer"].endswith(DISCLAIMER) for r in replies)


def test_chat_json_quit_answers_then_stops():
    run = alsbot("chat", "--json", stdin="/quit\nwhat is riluzole?\n")
    replies = run.stdout.splitlines()
    assert len(replies) == 1 and json.loads(replies[0])["kind"] == "command"


def test_chat_with_piped_input_prints_plain_answers():
    run = alsbot("chat", stdin="how is radicava given?\n/quit\n")
    assert run.returncode == 0
    assert "intravenous" in run.stdout and "not medical advice" in " ".join(run.stdout.split())


@pytest.fixture
def service(retriever: Retriever, safety_router) -> AnswerService:
    return AnswerService(retriever, safety_router=safety_router)


@pytest.mark.parametrize("leave", ["\x04", "\x03", "/quit\r"])
def test_interactive_chat_answers_and_exits_cleanly(service: AnswerService, tmp_path, leave):
    out = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text("What is riluzole?\r")
        pipe.send_text("what are its side effects?\r")
        pipe.send_text(leave)
        code = terminal.chat_interactive(
            service,
            tmp_path / "history",
            console=Console(file=out, width=100),
            input=pipe,
            output=DummyOutput(),
        )
    text = out.getvalue()
    assert code == 0
    assert "dizziness" in text or "hepatotoxicity" in text
    assert text.count("not medical advice") >= 4  # banner, both answers, goodbye
    assert terminal.GOODBYE in text and text.rstrip().endswith(DISCLAIMER.split()[-1])
    assert "What is riluzole?" in (tmp_path / "history").read_text()
