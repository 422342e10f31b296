"""Search: a question in, ranked passages out. Knows nothing of terminals or Discord.

BM25 (rank-bm25) ranks every chunk holding a query term, and example questions like the one
asked vote for the chunks holding their answers (:mod:`retrieval.examples`); a chunk's score is
its BM25 score over the best one's plus its share of the votes, weighted. :func:`coverage` (how
much of the question a passage or sentence holds) serves the no-answer decision and the answer.
Re-ranking by sentence-level coverage was measured (``alsbot eval``) and did not help.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence, Set
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from retrieval.analysis import (
    COMMON_FREQUENCY,
    AnalyzedQuery,
    Analyzer,
    Concept,
    analyze_query,
)
from retrieval.chunking import ChunkingSettings
from retrieval.documents import load_corpus
from retrieval.examples import Example, ExampleQuestions, ExampleSettings
from retrieval.focus import FocusSettings, focus
from retrieval.index import Bm25Settings, OpenedIndex, SearchIndex, open_index
from retrieval.models import Chunk, DocumentInfo, Passage


@dataclass(frozen=True, slots=True)
class Hit:
    chunk: Chunk
    document: DocumentInfo
    score: float  # BM25 over the best chunk's, plus the example questions' weighted votes
    position: int  # the chunk's position in the index
    # Quotes answering similar example questions, found in this chunk, with how well their
    # question matches this one (about 0..1), for choosing sentences and judging answers.
    hints: tuple[tuple[str, float], ...] = ()

    def passage(self, rank: int) -> Passage:
        return Passage(
            rank=rank,
            score=round(self.score, 4),
            doc_id=self.chunk.doc_id,
            title=self.document.title,
            chunk_id=self.chunk.id,
            text=self.chunk.text,
            section=self.chunk.section,
        )


# How much a word the index has never seen counts, as a share of the rarest indexed word:
# a name no dictionary knows ("tofersen", "donepezil") counts fully; a word outside everyday
# English ("marijuana", "wine", "cost") mostly, when the question itself asks it (full weight:
# not said in the story around the question); an everyday word ("keeps", "want") or a word of
# the story hardly at all. Chosen with the answerability judge (cross-validated on its
# training questions) and checked with alsbot eval.
NAME_FREQUENCY = 1e-7
UNSEEN_WEIGHTS = {"name": 1.0, "uncommon": 0.6, "everyday": 0.05}


def unseen_weight(concept: Concept) -> float:
    if concept.frequency < NAME_FREQUENCY:
        return UNSEEN_WEIGHTS["name"]
    asked = concept.frequency < COMMON_FREQUENCY and concept.weight >= 1.0
    return UNSEEN_WEIGHTS["uncommon" if asked else "everyday"]


def is_known(index: SearchIndex, concept: Concept) -> bool:
    """Whether some wording of the concept is wholly in the index."""
    return any(all(index.weight(t) > 0 for t in alt) for alt in concept.alternatives)


def unknown_names(
    index: SearchIndex, concepts: Sequence[Concept], min_weight: float = 0.5
) -> list[Concept]:
    """Names no dictionary knows that the index has never seen ("tofersen", "coq10"), among
    the concepts weighing at least ``min_weight``."""
    return [
        c
        for c in concepts
        if c.frequency < NAME_FREQUENCY and c.weight >= min_weight and not is_known(index, c)
    ]


def coverage(
    index: SearchIndex, concepts: Sequence[Concept], terms: Set[str], power: float = 1.0
) -> float:
    """Share of the question's weight that ``terms`` hold (0..1).

    A concept counts as much as its cheapest wording (IDF weight, times the concept's own
    weight) and is covered as far as its best-covered wording. A word the index has never
    seen weighs a share of the rarest indexed word (:func:`unseen_weight`), so a question
    about something absent ("what is tofersen?") is never well covered, while an everyday
    word the pages happen not to use ("honest") hardly matters. ``power`` flattens the IDF
    weights (0 makes every concept count the same).
    """
    ceiling = math.log(1 + len(index.chunks))
    total = covered = 0.0
    for concept in concepts:
        unseen = ceiling * unseen_weight(concept)
        importance = math.inf
        fraction = 0.0
        for alternative in concept.alternatives:
            weights = [index.weight(t) or unseen for t in alternative]
            have = sum(w for t, w in zip(alternative, weights, strict=True) if t in terms)
            importance = min(importance, sum(weights))
            if sum(weights):
                fraction = max(fraction, have / sum(weights))
        importance **= power
        total += concept.weight * importance
        covered += concept.weight * importance * fraction
    return covered / total if total else 0.0


class Retriever:
    """Ranked passages for a question, over one :class:`SearchIndex`."""

    def __init__(
        self,
        index: SearchIndex,
        analyzer: Analyzer | None = None,
        focus: FocusSettings | None = None,
        examples: Sequence[Example] = (),
        example_settings: ExampleSettings | None = None,
    ) -> None:
        self.index = index
        self.analyzer = analyzer or Analyzer()
        self.focus = focus or FocusSettings()
        self.examples_given = tuple(examples)  # as given; `examples` holds those it can use
        self.example_settings = example_settings or ExampleSettings()

    @functools.cached_property
    def examples(self) -> ExampleQuestions:
        """The example questions whose answers this index holds (built on first use: about
        half a second for the bundled ones)."""
        return ExampleQuestions(
            self.examples_given,
            self.index.chunks,
            lambda text: self.analyze(text).terms,
            self.example_settings,
        )

    @classmethod
    def open(
        cls,
        corpus_dir: Path | str,
        cache_dir: Path | None,
        *,
        chunking: ChunkingSettings | None = None,
        bm25: Bm25Settings | None = None,
        force: bool = False,
        examples: Sequence[Example] = (),
    ) -> tuple[Retriever, OpenedIndex]:
        """Load the corpus (validating it) and its index, building the index if needed."""
        analyzer = Analyzer()
        corpus = load_corpus(corpus_dir)
        opened = open_index(corpus, cache_dir, analyzer, chunking, bm25, force=force)
        return cls(opened.index, analyzer, examples=examples), opened

    def analyze(self, query: str, message: str | None = None) -> AnalyzedQuery:
        """The query's concepts, weighted by where ``message`` (what the person typed, when
        the query adds to it) says them: the sentence that asks counts most."""
        analyzed = analyze_query(query, self.analyzer, self.index.vocabulary)
        concepts = focus(
            analyzed.concepts, message or query, self.focus, self.analyzer.glossary.terms
        )
        return replace(analyzed, concepts=concepts)

    def hits(
        self, query: str | AnalyzedQuery, k: int = 5, *, leave_out: str | None = None
    ) -> list[Hit]:
        """The ``k`` best chunks. ``leave_out``: an example question not to count (its own)."""
        analyzed = self.analyze(query) if isinstance(query, str) else query
        size = len(self.index.chunks)
        bm25 = np.zeros(size)
        for position, score in self.index.top(analyzed.concepts, size):
            bm25[position] = score
        wordings = [c.alternatives for c in analyzed.concepts]
        nearest = self.examples.nearest(wordings, leave_out)
        votes = self.examples.votes(nearest)
        scores = bm25 / (bm25.max() or 1.0)
        scores += self.example_settings.weight * votes / (votes.max() or 1.0)
        ranked = [int(i) for i in np.argsort(-scores, kind="stable") if scores[i] > 0][:k]
        hints: dict[int, list[tuple[str, float]]] = {}
        for neighbour in nearest:
            for position in neighbour.chunks:
                hints.setdefault(position, []).append((neighbour.example.evidence, neighbour.match))
        return [
            Hit(
                chunk=self.index.chunks[i],
                document=self.index.documents[self.index.chunks[i].doc_id],
                score=float(scores[i]),
                position=i,
                hints=tuple(hints.get(i, ())),
            )
            for i in ranked
        ]

    def search(self, query: str, k: int = 5) -> list[Passage]:
        return [hit.passage(rank) for rank, hit in enumerate(self.hits(query, k), start=1)]
