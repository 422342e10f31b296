"""The terminal shell: `alsbot ask` and `alsbot chat`, over the one AnswerService.

Interactive chat uses prompt_toolkit (line editing, history) and rich (colours, citations as
footnotes). When stdin is not a terminal, chat reads plain lines; with ``--json`` every input
line gives exactly one JSON line out, so scripts can drive it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from bot.answer import AnswerService
from bot.models import DISCLAIMER, Answer, Kind

QUIT = frozenset({"/quit", "/exit", "/q"})
GOODBYE = "Goodbye. Take care."
KIND_STYLE = {
    Kind.ANSWER: "",
    Kind.NO_ANSWER: "yellow",
    Kind.CRISIS: "bold magenta",
    Kind.EMERGENCY: "bold red",
    Kind.COMMAND: "cyan",
    Kind.ERROR: "red",
}


def as_json(answer: Answer) -> str:
    return json.dumps(answer.contract(), ensure_ascii=False)


def print_answer(console: Console, answer: Answer) -> None:
    """The answer with its [n] markers, notes, the sources as footnotes, and the disclaimer."""
    body = Text(answer.text, style=KIND_STYLE[answer.kind])
    body.highlight_regex(r"\[\d+\]", "bold cyan")
    console.print(body)
    for note in answer.notes:
        console.print()
        console.print(Text(note, style="yellow"))
    if answer.citations:
        console.print()
        for c in answer.citations:
            console.print(
                f"[bold cyan][{c.n}][/] [bold]{escape(c.label())}[/]\n"
                f'    [dim]"{escape(c.quote)}"[/]',
                highlight=False,
            )
    console.print()
    console.print(Text(answer.disclaimer, style="italic dim"))


def ask(service: AnswerService, question: str, json_output: bool, out: TextIO) -> int:
    answer = service.reply(question, "terminal:ask")
    if json_output:
        print(as_json(answer), file=out)
    else:
        print_answer(Console(file=out, highlight=False), answer)
    return 2 if answer.kind is Kind.ERROR else 0


def chat_json(service: AnswerService, lines: Iterable[str], out: TextIO) -> int:
    """One JSON line out for every line in; /quit answers and stops."""
    conversation = "terminal:chat"
    for line in lines:
        text = line.rstrip("\n")
        if text.strip().lower() in QUIT:
            print(as_json(Answer(kind=Kind.COMMAND, text=GOODBYE)), file=out, flush=True)
            return 0
        print(as_json(service.reply(text, conversation)), file=out, flush=True)
    return 0


def chat_plain(service: AnswerService, lines: Iterable[str], out: TextIO) -> int:
    """Chat without a terminal (piped input): plain text out, one reply per line."""
    console = Console(file=out, highlight=False)
    for line in lines:
        text = line.strip()
        if not text:
            continue
        if text.lower() in QUIT:
            break
        print_answer(console, service.reply(text, "terminal:chat"))
        console.rule(style="dim")
    return 0


def chat_interactive(
    service: AnswerService,
    history_file: Path | None,
    console: Console | None = None,
    **prompt_io: object,
) -> int:
    """The REPL. ``prompt_io`` (prompt_toolkit ``input``/``output``) is for tests."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory, InMemoryHistory

    console = console or Console()
    history = InMemoryHistory()
    if history_file is not None:
        try:
            history_file.parent.mkdir(parents=True, exist_ok=True)
            history_file.touch(exist_ok=True)
            history = FileHistory(str(history_file))
        except OSError:
            pass  # history is a comfort, not a requirement
    session: PromptSession[str] = PromptSession(history=history, **prompt_io)  # type: ignore[arg-type]
    console.print(
        "[bold]alsbot[/] answers questions about ALS treatment from its documents, with "
        "sources. [dim]/help for commands, /quit or Ctrl-D to leave.[/]"
    )
    console.print(Text(DISCLAIMER, style="italic dim"))
    while True:
        try:
            text = session.prompt("\nyou › ")
        except (EOFError, KeyboardInterrupt):
            break
        if not text.strip():
            continue
        if text.strip().lower() in QUIT:
            break
        console.print()
        print_answer(console, service.reply(text, "terminal:chat"))
    console.print(GOODBYE)
    console.print(Text(DISCLAIMER, style="italic dim"))
    return 0


def chat(service: AnswerService, json_output: bool, history_file: Path | None) -> int:
    if json_output:
        return chat_json(service, sys.stdin, sys.stdout)
    if not sys.stdin.isatty():
        return chat_plain(service, sys.stdin, sys.stdout)
    return chat_interactive(service, history_file)
