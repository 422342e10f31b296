"""``alsbot eval``: retrieval (and answer) quality on the evaluation sets, and a BM25 sweep.

Retrieval is measured on the single-turn questions the documents answer (kinds factoid and
dosing), against a plain baseline in the same run. ``--sweep`` compares BM25 variants and
parameters on the same questions: how the defaults in ``Bm25Settings`` were chosen.
"""

from __future__ import annotations

import argparse
import itertools
import json
from dataclasses import replace
from pathlib import Path

from bot.cli import UsageError, open_retriever
from bot.config import Settings
from retrieval.analysis import Analyzer
from retrieval.chunking import ChunkingSettings
from retrieval.documents import load_corpus
from retrieval.evaluation import (
    EvalItem,
    PlainBaseline,
    RankingMetrics,
    evaluate_ranking,
    load_items,
    normalize,
)
from retrieval.index import Bm25Settings, SearchIndex, build_index
from retrieval.search import Retriever

DEFAULT_SETS = ("questions.jsonl", "heldout.jsonl")
SINGLE_TURN = frozenset({"factoid", "dosing"})


def default_question_files() -> list[Path]:
    for base in (
        Path.cwd() / "tests" / "data",
        Path(__file__).resolve().parents[1] / "tests" / "data",
    ):
        found = [base / name for name in DEFAULT_SETS if (base / name).is_file()]
        if found:
            return found
    raise UsageError("no evaluation set found; pass --questions FILE")


def retrieval_items(items: list[EvalItem]) -> list[tuple[str, str, list[str]]]:
    return [
        (i.id, i.question, i.gold) for i in items if i.kind in SINGLE_TURN and len(i.turns) == 1
    ]


def unreachable_gold(items: list[EvalItem], retriever: Retriever) -> list[str]:
    """Ids whose gold spans are in no indexed passage (e.g. only in page chrome)."""
    texts = [normalize(c.text) for c in retriever.index.chunks]
    return [
        i.id for i in items if i.gold and not any(normalize(g) in t for g in i.gold for t in texts)
    ]


def measure(retriever: Retriever, items: list[tuple[str, str, list[str]]]) -> RankingMetrics:
    chunks = retriever.index.chunks
    words = sum(c.words for c in chunks) / len(chunks)
    return evaluate_ranking(items, lambda q: [p.text for p in retriever.search(q, 10)], words)


def _row(name: str, m: RankingMetrics) -> str:
    return (
        f"{name:<34} {m.questions:>4} {m.mrr10:>7.3f} {m.hit1:>6.3f} {m.hit3:>6.3f} "
        f"{m.hit5:>6.3f} {m.words_per_passage:>7.1f}"
    )


HEADER = f"{'':<34} {'n':>4} {'MRR@10':>7} {'hit@1':>6} {'hit@3':>6} {'hit@5':>6} {'words':>7}"


def sweep(retriever: Retriever, items: list[tuple[str, str, list[str]]], corpus_dir: Path) -> None:
    """Print retrieval figures for BM25 variants and parameters, the weight of common English
    words in questions, and chunk sizes: how the defaults were chosen."""
    base = retriever.index
    print("BM25 variant and parameters")
    print(HEADER)
    grid: list[Bm25Settings] = []
    for k1, b in itertools.product((0.9, 1.2, 1.5, 2.0), (0.3, 0.5, 0.75, 0.9)):
        grid.append(Bm25Settings("okapi", k1, b))
        grid.append(Bm25Settings("plus", k1, b, 1.0))
        grid.append(Bm25Settings("l", k1, b, 0.5))
    for settings in grid:
        index = SearchIndex(
            base.documents, base.chunks, base.terms, base.vocabulary, settings, "sweep"
        )
        name = f"{settings.variant} k1={settings.k1} b={settings.b}"
        if settings.variant != "okapi":
            name += f" delta={settings.delta}"
        print(_row(name, measure(Retriever(index, retriever.analyzer), items)))
    print()
    print("Weight of common English words in questions (default BM25)")
    print(HEADER)
    for weight in (1.0, 0.7, 0.5, 0.3):
        analyzer = replace(retriever.analyzer, common_weight=weight)
        print(_row(f"common_weight={weight}", measure(Retriever(base, analyzer), items)))
    print()
    print("Chunk size (default BM25)")
    print(HEADER)
    corpus = load_corpus(corpus_dir)
    analyzer = Analyzer()
    for max_words in (40, 60, 80, 100, 120):
        index = build_index(corpus, analyzer, replace(ChunkingSettings(), max_words=max_words))
        print(_row(f"max_words={max_words}", measure(Retriever(index, analyzer), items)))


def run(args: argparse.Namespace, settings: Settings) -> int:
    corpus_dir = args.corpus or settings.corpus
    retriever = open_retriever(settings, args.corpus)
    baseline = PlainBaseline(load_corpus(corpus_dir))
    files = args.questions or default_question_files()
    report: dict[str, dict] = {}
    for path in files:
        items = load_items(path)
        r_items = retrieval_items(items)
        if not r_items:
            raise UsageError(f"{path}: has no single-turn answerable questions")
        ours = measure(retriever, r_items)
        plain = evaluate_ranking(r_items, baseline.search, baseline.words_per_passage)
        report[path.name] = {
            "retrieval": ours.as_dict(),
            "baseline": plain.as_dict(),
            "unreachable_gold": unreachable_gold(items, retriever),
        }
        if args.sweep:
            sweep(retriever, r_items, corpus_dir)
            continue
        if args.json:
            continue
        print(f"== {path}")
        print(HEADER)
        print(_row("alsbot (chunks, analyser, BM25)", ours))
        print(_row("baseline (paragraphs, BM25Okapi)", plain))
        unreachable = report[path.name]["unreachable_gold"]
        if unreachable:
            print(f"gold only outside indexed passages: {', '.join(unreachable)}")
        if args.details:
            for item_id in ours.misses:
                print(f"  miss (not in top 10): {item_id}")
            for item_id in ours.not_first:
                print(f"  relevant below rank 1: {item_id}")
        print()
    if args.json:
        print(json.dumps(report, indent=2))
    return 0
