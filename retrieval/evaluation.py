"""Retrieval evaluation: MRR@10 and hit@k against gold spans, and a plain baseline.

A passage is relevant to a question when it contains one of the question's gold spans (exact
text, whitespace aside). The baseline is what a first attempt would be: rank-bm25's BM25Okapi
over the raw pages split into paragraphs at blank lines, with lowercase whitespace tokens.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError
from rank_bm25 import BM25Okapi

from retrieval.documents import Corpus

Kind = Literal["factoid", "followup", "dosing", "out_of_corpus", "crisis", "emergency"]
ANSWERABLE: frozenset[str] = frozenset({"factoid", "followup", "dosing"})


class EvalItem(BaseModel):
    id: str
    turns: list[str] = Field(min_length=1)
    kind: Kind
    gold: list[str] = []

    @property
    def question(self) -> str:
        return self.turns[-1]


class EvalDataError(Exception):
    pass


def load_items(path: Path) -> list[EvalItem]:
    items: list[EvalItem] = []
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalDataError(f"{path}: cannot be read ({exc})") from exc
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            items.append(EvalItem.model_validate(json.loads(line)))
        except (ValueError, ValidationError) as exc:
            raise EvalDataError(f"{path}:{n}: not a valid question ({exc})") from exc
    return items


def normalize(text: str) -> str:
    return " ".join(text.split())


def is_relevant(text: str, gold: Sequence[str]) -> bool:
    body = normalize(text)
    return any(normalize(g) in body for g in gold)


def first_relevant_rank(texts: Sequence[str], gold: Sequence[str]) -> int | None:
    for rank, text in enumerate(texts, start=1):
        if is_relevant(text, gold):
            return rank
    return None


@dataclass(frozen=True)
class RankingMetrics:
    questions: int
    mrr10: float
    hit1: float
    hit3: float
    hit5: float
    words_per_passage: float  # mean over every passage in the index
    misses: tuple[str, ...]  # ids with nothing relevant in the top 10
    not_first: tuple[str, ...]  # ids whose first relevant passage is below rank 1

    def as_dict(self) -> dict[str, float | int]:
        return {
            "questions": self.questions,
            "mrr@10": round(self.mrr10, 4),
            "hit@1": round(self.hit1, 4),
            "hit@3": round(self.hit3, 4),
            "hit@5": round(self.hit5, 4),
            "words_per_passage": round(self.words_per_passage, 1),
        }


def evaluate_ranking(
    items: Sequence[tuple[str, str, Sequence[str]]],
    search: Callable[[str], list[str]],
    words_per_passage: float,
) -> RankingMetrics:
    """``items`` are (id, query, gold); ``search`` returns the top-10 passage texts."""
    ranks: dict[str, int | None] = {
        item_id: first_relevant_rank(search(query)[:10], gold) for item_id, query, gold in items
    }
    n = max(len(ranks), 1)

    def hit(k: int) -> float:
        return sum(1 for r in ranks.values() if r is not None and r <= k) / n

    return RankingMetrics(
        questions=len(ranks),
        mrr10=sum(1 / r for r in ranks.values() if r is not None) / n,
        hit1=hit(1),
        hit3=hit(3),
        hit5=hit(5),
        words_per_passage=words_per_passage,
        misses=tuple(i for i, r in ranks.items() if r is None),
        not_first=tuple(i for i, r in ranks.items() if r is not None and r > 1),
    )


class PlainBaseline:
    """BM25Okapi over blank-line paragraphs of the raw pages, lowercase whitespace tokens."""

    def __init__(self, corpus: Corpus) -> None:
        self.paragraphs = [
            normalize(p) for doc in corpus.documents for p in doc.raw.split("\n\n") if p.strip()
        ]
        self.bm25 = BM25Okapi([p.lower().split() for p in self.paragraphs])

    @property
    def words_per_passage(self) -> float:
        return sum(len(p.split()) for p in self.paragraphs) / len(self.paragraphs)

    def search(self, query: str, k: int = 10) -> list[str]:
        scores = self.bm25.get_scores(query.lower().split())
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
        return [self.paragraphs[i] for i in order[:k]]
