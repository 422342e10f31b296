"""Search: a question in, ranked passages out. Knows nothing of terminals or Discord.

BM25 (rank-bm25) ranks every chunk holding a query term. Each hit also carries how much of the
question its best single sentence covers (IDF-weighted, the section heading counting as
context): the answer composer and the no-answer decision use it. Re-ranking by it was measured
(``alsbot eval``) and did not help, so ranking is BM25's alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from retrieval.analysis import AnalyzedQuery, Analyzer, analyze_query
from retrieval.chunking import ChunkingSettings
from retrieval.documents import load_corpus
from retrieval.index import Bm25Settings, OpenedIndex, SearchIndex, open_index
from retrieval.models import Chunk, DocumentInfo, Passage


@dataclass(frozen=True, slots=True)
class Hit:
    chunk: Chunk
    document: DocumentInfo
    score: float  # BM25
    coverage: float  # share of the question's term weight found in the best sentence
    position: int  # the chunk's position in the index

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


def coverage(index: SearchIndex, terms: frozenset[str], term_set: frozenset[str]) -> float:
    """The share of the question's term weight that ``term_set`` holds (0..1)."""
    total = sum(index.weight(t) for t in terms)
    return sum(index.weight(t) for t in terms & term_set) / total if total else 0.0


class Retriever:
    """Ranked passages for a question, over one :class:`SearchIndex`."""

    def __init__(self, index: SearchIndex, analyzer: Analyzer | None = None) -> None:
        self.index = index
        self.analyzer = analyzer or Analyzer()

    @classmethod
    def open(
        cls,
        corpus_dir: Path | str,
        cache_dir: Path | None,
        *,
        chunking: ChunkingSettings | None = None,
        bm25: Bm25Settings | None = None,
        force: bool = False,
    ) -> tuple[Retriever, OpenedIndex]:
        """Load the corpus (validating it) and its index, building the index if needed."""
        analyzer = Analyzer()
        corpus = load_corpus(corpus_dir)
        opened = open_index(corpus, cache_dir, analyzer, chunking, bm25, force=force)
        return cls(opened.index, analyzer), opened

    def analyze(self, query: str) -> AnalyzedQuery:
        return analyze_query(query, self.analyzer, self.index.vocabulary)

    def hits(self, query: str | AnalyzedQuery, k: int = 5) -> list[Hit]:
        analyzed = self.analyze(query) if isinstance(query, str) else query
        wanted = frozenset(analyzed.terms)
        hits = []
        for position, score in self.index.top(analyzed.concepts, k):
            cov = max(
                (coverage(self.index, wanted, s) for s in self.index.sentence_sets(position)),
                default=0.0,
            )
            chunk = self.index.chunks[position]
            hits.append(
                Hit(
                    chunk=chunk,
                    document=self.index.documents[chunk.doc_id],
                    score=score,
                    coverage=cov,
                    position=position,
                )
            )
        return hits

    def search(self, query: str, k: int = 5) -> list[Passage]:
        return [hit.passage(rank) for rank, hit in enumerate(self.hits(query, k), start=1)]
