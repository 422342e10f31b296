"""The ``alsbot`` command line: a thin shell over retrieval and the AnswerService.

Every command takes ``--corpus DIR``. Errors in input, configuration or corpus print one
clear line to stderr and exit with status 2; nothing here prints a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path

from bot import examples, terminal
from bot.answer import AnswerService
from bot.answerability import AnswerabilityModel
from bot.answerability import load_or_train as answerability_model
from bot.config import ConfigError, Settings, load_settings
from bot.models import DISCLAIMER
from bot.safety_model import SafetyRouter, load_or_train
from retrieval.documents import CorpusError
from retrieval.evaluation import EvalDataError
from retrieval.models import Passage
from retrieval.search import Retriever

log = logging.getLogger("alsbot")

EXIT_USAGE = 2
MAX_K = 100


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""


def _positive_k(value: str) -> int:
    try:
        k = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--k must be a whole number, not {value!r}") from None
    if not 1 <= k <= MAX_K:
        raise argparse.ArgumentTypeError(f"--k must be between 1 and {MAX_K}")
    return k


def open_retriever(settings: Settings, corpus: Path | None, force: bool = False) -> Retriever:
    retriever, opened = examples.open_retriever(
        corpus or settings.corpus, _cache_dir(settings.index_dir), force=force
    )
    log.debug("index %s in %.2fs", opened.status, opened.seconds)
    return retriever


def _cache_dir(folder: Path) -> Path | None:
    """A cache folder, or None (no caching) if it can't be made."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        log.warning("%s cache disabled: cannot create %s (%s)", folder.name, folder, exc)
        return None
    return folder


# ---------------------------------------------------------------- index, search, corpus


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    corpus = args.corpus or settings.corpus
    retriever, opened = Retriever.open(corpus, _cache_dir(settings.index_dir), force=args.force)
    index = retriever.index
    print(f"corpus:    {Path(corpus).resolve()}")
    print(f"documents: {len(index.documents)}")
    print(f"chunks:    {len(index.chunks)}")
    print(f"index:     {opened.status} in {opened.seconds:.2f}s")
    if opened.path:
        print(f"file:      {opened.path}")
    return 0


def _print_passages(passages: list[Passage]) -> None:
    if not passages:
        print("No passage matches those words.")
    for p in passages:
        where = f" › {p.section}" if p.section and p.section != p.title else ""
        print(f"{p.rank}. [{p.score:.2f}] {p.title}{where}  ({p.chunk_id})")
        print(textwrap.indent(textwrap.fill(p.text, width=96), "   "))
        print()
    print(DISCLAIMER)


def _passages_json(passages: list[Passage]) -> str:
    return json.dumps([p.model_dump() for p in passages], ensure_ascii=False)


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    retriever = open_retriever(settings, args.corpus)
    if args.query is None:
        if not args.json:
            raise UsageError("give a QUERY, or use --json to read one query per stdin line")
        for line in sys.stdin:
            query = line.strip()
            print(_passages_json(retriever.search(query, args.k) if query else []), flush=True)
        return 0
    query = args.query.strip()
    if not query:
        raise UsageError("the query is empty")
    passages = retriever.search(query, args.k)
    if args.json:
        print(_passages_json(passages))
    else:
        _print_passages(passages)
    return 0


def cmd_corpus(args: argparse.Namespace, settings: Settings) -> int:
    retriever = open_retriever(settings, args.corpus)
    docs = list(retriever.index.documents.values())
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "doc_id": d.meta.id,
                        "title": d.title,
                        "publisher": d.meta.publisher,
                        "date": d.meta.dated,
                        "chunks": d.chunk_count,
                    }
                    for d in docs
                ],
                ensure_ascii=False,
            )
        )
        return 0
    for d in docs:
        facts = (
            ", ".join(x for x in (d.meta.publisher, d.meta.dated) if x)
            or "no publisher or date stated"
        )
        print(f"{d.meta.id}: {d.title} ({facts}; {d.chunk_count} passages)")
    return 0


def safety_router(settings: Settings) -> SafetyRouter:
    return SafetyRouter(load_or_train(_cache_dir(settings.models_dir)))


def answerability(settings: Settings) -> AnswerabilityModel:
    return answerability_model(_cache_dir(settings.models_dir), _cache_dir(settings.index_dir))


def _service(args: argparse.Namespace, settings: Settings) -> AnswerService:
    return AnswerService(
        open_retriever(settings, args.corpus),
        safety_router=safety_router(settings),
        answerability=answerability(settings),
    )


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    if not args.question.strip():
        raise UsageError("the question is empty")
    return terminal.ask(_service(args, settings), args.question, args.json, sys.stdout)


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    history = settings.data_dir / "chat_history"
    return terminal.chat(_service(args, settings), args.json, history)


def cmd_discord(args: argparse.Namespace, settings: Settings) -> int:
    from bot.discord_app import runner  # discord.py is only imported for this command

    if args.corpus:
        settings = settings.model_copy(update={"corpus_dir": args.corpus})
    return runner.run(settings)


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from bot import evaluate  # the evaluation harness is not needed by other commands

    return evaluate.run(args, settings)


# ---------------------------------------------------------------- parser and main


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--corpus",
        type=Path,
        metavar="DIR",
        help="corpus folder (default: ALSBOT_CORPUS_DIR, else the bundled corpus)",
    )
    common.add_argument("-v", "--verbose", action="store_true", help="log more to stderr")

    parser = argparse.ArgumentParser(
        prog="alsbot",
        description="Cited answers about ALS treatment from a curated set of documents. "
        "General information, not medical advice.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("ask", parents=[common], help="answer one question, with sources")
    p.add_argument("question", metavar="QUESTION")
    p.add_argument("--json", action="store_true", help="print the answer as JSON")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", parents=[common], help="a conversation (follow-ups welcome)")
    p.add_argument(
        "--json", action="store_true", help="one JSON answer per stdin line (for scripts)"
    )
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("discord", parents=[common], help="run the Discord bot (DISCORD_TOKEN)")
    p.set_defaults(func=cmd_discord)

    p = sub.add_parser("index", parents=[common], help="build or refresh the search index")
    p.add_argument("--force", action="store_true", help="rebuild even if the index is current")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("search", parents=[common], help="ranked passages for a query")
    p.add_argument("query", nargs="?", metavar="QUERY")
    p.add_argument("--k", type=_positive_k, default=5, metavar="N", help="passages (default 5)")
    p.add_argument(
        "--json", action="store_true", help="JSON output; without QUERY, one query per stdin line"
    )
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("corpus", parents=[common], help="list the documents in the corpus")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_corpus)

    p = sub.add_parser("eval", parents=[common], help="measure retrieval and answer quality")
    p.add_argument(
        "--questions",
        type=Path,
        action="append",
        metavar="FILE",
        help="evaluation set(s) (default: the development and held-out sets in tests/data)",
    )
    p.add_argument(
        "--safety",
        type=Path,
        metavar="FILE",
        help="labelled safety messages (default: tests/data/safety.jsonl)",
    )
    p.add_argument("--sweep", action="store_true", help="compare BM25 variants and parameters")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.add_argument("--details", action="store_true", help="list the questions that missed")
    p.set_defaults(func=cmd_eval)
    return parser


Command = Callable[[argparse.Namespace, Settings], int]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="alsbot: %(levelname)s: %(message)s",
        stream=sys.stderr,
    )
    func: Command = args.func
    try:
        settings = load_settings()
        return func(args, settings)
    except (UsageError, ConfigError, CorpusError, EvalDataError) as exc:
        print(f"alsbot: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # an unusable data folder or corpus path, a full disk
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"alsbot: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
