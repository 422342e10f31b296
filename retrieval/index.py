"""The BM25 index: build it from a corpus, save it, load it back, or rebuild it.

rank-bm25 defines the model. The saved file holds what is slow to recompute (cleaned chunks,
their analysed terms, the vocabulary); the BM25 statistics are recomputed from the terms on
load, which is quick and keeps the file free of pickles.

File format: one header line of JSON (format, version, fingerprint, payload length and
SHA-256) followed by the JSON payload. A file whose header, length, checksum or fingerprint
does not match is never trusted: the index is rebuilt and rewritten atomically (temporary
file in the same folder, fsync, rename).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
from rank_bm25 import BM25, BM25L, BM25Okapi, BM25Plus

from retrieval.analysis import Analyzer, Concept, Vocabulary
from retrieval.chunking import ChunkingSettings, chunk_document, sentence_tokenizer
from retrieval.cleaning import RULES_VERSION, clean
from retrieval.documents import Corpus, CorpusError
from retrieval.files import atomic_write
from retrieval.models import Chunk, DocumentInfo, DocumentMeta, Sentence

log = logging.getLogger(__name__)

INDEX_FORMAT = "alsbot-index"
INDEX_VERSION = 2


class FlooredBM25Okapi(BM25Okapi):
    """rank-bm25's BM25Okapi with a floor that stays positive on small corpora.

    BM25Okapi gives a term in more than half the chunks a negative IDF and floors it at
    ``epsilon`` times the mean IDF; on a small corpus that mean can itself be zero or negative
    (rank-bm25 issues #39, #43, #50), so matching more words would lower a score. Here the
    floor is ``epsilon`` times the mean of the *positive* IDFs (or ``epsilon`` when there are
    none): common words like "ALS" still count a little, and never against a passage.
    """

    def _calc_idf(self, nd: dict[str, int]) -> None:
        super()._calc_idf(nd)
        positive = [v for v in self.idf.values() if v > 0]
        floor = self.epsilon * (sum(positive) / len(positive) if positive else 1.0)
        for word, value in self.idf.items():
            if value < floor:
                self.idf[word] = floor


@dataclass(frozen=True, slots=True)
class Bm25Settings:
    """Which rank-bm25 variant, and its parameters (chosen by ``alsbot eval --sweep``).

    Measured on tests/data/questions.jsonl: Okapi and Plus tie within a point of MRR@10 over
    k1 0.9-2.0 and b 0.3-0.9 (a plateau; k1=1.2, b=0.5 sits in its middle), BM25L trails by
    about six points. rank-bm25's BM25Plus adds delta*IDF to every chunk, matching or not, so
    its delta never changes a ranking; Okapi with a safe IDF floor is the simpler model.
    """

    variant: Literal["okapi", "plus", "l"] = "okapi"
    k1: float = 1.2
    b: float = 0.5
    delta: float = 1.0  # BM25+ / BM25L lower bound on a matching term's contribution
    epsilon: float = 0.25  # BM25Okapi's floor for negative IDF, as a share of the mean IDF

    def make(self, corpus_terms: list[list[str]]) -> BM25:
        if self.variant == "okapi":
            return FlooredBM25Okapi(corpus_terms, k1=self.k1, b=self.b, epsilon=self.epsilon)
        if self.variant == "l":
            return BM25L(corpus_terms, k1=self.k1, b=self.b, delta=self.delta)
        return BM25Plus(corpus_terms, k1=self.k1, b=self.b, delta=self.delta)

    def fingerprint(self) -> str:
        return f"bm25:{self.variant}:{self.k1}:{self.b}:{self.delta}:{self.epsilon}"


def corpus_fingerprint(
    corpus: Corpus, analyzer: Analyzer, chunking: ChunkingSettings, bm25: Bm25Settings
) -> str:
    """Changes when any corpus file or any analysis/chunking/BM25 setting changes."""
    h = hashlib.sha256()
    parts = [f"{INDEX_FORMAT}:{INDEX_VERSION}", RULES_VERSION, analyzer.fingerprint()]
    parts += [chunking.fingerprint(), bm25.fingerprint()]
    for part in parts:
        h.update(part.encode() + b"\0")
    for path in corpus.files():
        h.update(path.name.encode() + b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


@dataclass(frozen=True, slots=True)
class ChunkTerms:
    """A chunk's analysed terms: its section heading's, and each sentence's."""

    section: tuple[str, ...]
    sentences: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, chunk: Chunk, analyzer: Analyzer) -> ChunkTerms:
        return cls(
            tuple(analyzer.analyze(chunk.section)),
            tuple(tuple(analyzer.analyze(s.text)) for s in chunk.sentences),
        )

    def all(self) -> list[str]:
        """What BM25 indexes: the heading carries the chunk's topic, so it counts too."""
        return [*self.section, *(t for sentence in self.sentences for t in sentence)]


@dataclass
class SearchIndex:
    """Chunks, their terms and the BM25 model over them; the one interface search uses."""

    documents: dict[str, DocumentInfo]
    chunks: list[Chunk]
    terms: list[ChunkTerms]
    vocabulary: Vocabulary
    settings: Bm25Settings
    fingerprint: str
    _bm25: BM25 = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._bm25 = self.settings.make([t.all() for t in self.terms])
        self._term_sets = [frozenset(t.all()) for t in self.terms]
        self._df: Counter[str] = Counter(t for s in self._term_sets for t in s)

    def weight(self, term: str) -> float:
        """How telling a term is, for coverage: log(1 + N/df), 0 for unindexed terms.

        Unlike BM25Okapi's IDF it is never negative or floored, so "als" (in most chunks)
        weighs little but not nothing.
        """
        df = self._df.get(term, 0)
        return math.log(1 + len(self.chunks) / df) if df else 0.0

    def term_set(self, position: int) -> frozenset[str]:
        return self._term_sets[position]

    def sentence_sets(self, position: int) -> list[frozenset[str]]:
        """Each sentence's terms plus the section's, for sentence-level matching."""
        terms = self.terms[position]
        return [frozenset(terms.section + s) for s in terms.sentences]

    def _together(self, terms: tuple[str, ...]) -> np.ndarray:
        """1.0 for chunks with one sentence (with its heading) holding all ``terms``, else 0."""
        mask = np.zeros(len(self.chunks))
        need = frozenset(terms)
        for i, term_set in enumerate(self._term_sets):
            if need <= term_set and any(need <= s for s in self.sentence_sets(i)):
                mask[i] = 1.0
        return mask

    def top(
        self, concepts: Sequence[Concept], k: int, apart: float = 0.5
    ) -> list[tuple[int, float]]:
        """The ``k`` best chunks (position, score) among those holding at least one term.

        A concept scores its best alternative in each chunk; an alternative scores the sum
        of its terms' BM25 contributions, times ``apart`` when a phrase's words ("side
        effects", "feeding tube") are never in one sentence of the chunk. The chunk's score
        is the sum over concepts.
        """
        wanted = {t for concept in concepts for t in concept.terms}
        if not wanted or k <= 0:
            return []
        per_term = {t: np.asarray(self._bm25.get_scores([t]), dtype=float) for t in wanted}
        scores = np.zeros(len(self.chunks))
        for concept in concepts:
            options = []
            for alt in concept.alternatives:
                score = sum(per_term[t] for t in alt)
                if len(alt) > 1:
                    together = self._together(alt)
                    score = score * (together + (1 - together) * apart)
                options.append(score)
            scores += concept.weight * np.max(options, axis=0)
        candidates = [i for i, s in enumerate(self._term_sets) if not wanted.isdisjoint(s)]
        candidates.sort(key=lambda i: (-scores[i], i))
        return [(i, float(scores[i])) for i in candidates[:k]]


def build_index(
    corpus: Corpus,
    analyzer: Analyzer,
    chunking: ChunkingSettings | None = None,
    bm25: Bm25Settings | None = None,
    fingerprint: str | None = None,
) -> SearchIndex:
    chunking = chunking or ChunkingSettings()
    bm25 = bm25 or Bm25Settings()
    tokenizer = sentence_tokenizer()
    documents: dict[str, DocumentInfo] = {}
    chunks: list[Chunk] = []
    for doc in corpus.documents:
        blocks = clean(doc.raw, doc.meta.drop_lines)
        doc_chunks = chunk_document(doc.id, doc.raw, blocks, tokenizer, chunking)
        if not doc_chunks:
            raise CorpusError(f"{doc.path}: has no text left once page chrome is removed")
        documents[doc.id] = DocumentInfo(doc.meta, doc.title, len(doc_chunks))
        chunks.extend(doc_chunks)
    return SearchIndex(
        documents=documents,
        chunks=chunks,
        terms=[ChunkTerms.of(c, analyzer) for c in chunks],
        vocabulary=Vocabulary.from_texts(
            (f"{c.section}\n{c.text}" for c in chunks), analyzer.glossary
        ),
        settings=bm25,
        fingerprint=fingerprint or corpus_fingerprint(corpus, analyzer, chunking, bm25),
    )


def _payload(index: SearchIndex) -> dict:
    return {
        "documents": [
            {"meta": info.meta.model_dump(), "title": info.title, "chunks": info.chunk_count}
            for info in index.documents.values()
        ],
        "chunks": [
            {
                "id": c.id,
                "doc": c.doc_id,
                "section": c.section,
                "sentences": [[s.start, s.end, s.text] for s in c.sentences],
            }
            for c in index.chunks
        ],
        "terms": [[list(t.section), [list(x) for x in t.sentences]] for t in index.terms],
        "vocabulary": dict(index.vocabulary.counts),
    }


def save_index(index: SearchIndex, path: Path) -> None:
    """Write the index atomically: a reader sees the old file or the new one, never half."""
    body = json.dumps(_payload(index), separators=(",", ":"), ensure_ascii=False).encode()
    header = {
        "format": INDEX_FORMAT,
        "version": INDEX_VERSION,
        "fingerprint": index.fingerprint,
        "length": len(body),
        "sha256": hashlib.sha256(body).hexdigest(),
    }
    atomic_write(path, json.dumps(header).encode() + b"\n" + body)


class IndexFileError(Exception):
    """A saved index that cannot be trusted (missing, stale, truncated or corrupt)."""


def load_index(path: Path, fingerprint: str, analyzer: Analyzer, bm25: Bm25Settings) -> SearchIndex:
    """Load a saved index, or raise :class:`IndexFileError` saying why it cannot be used."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise IndexFileError("no saved index") from exc
    except OSError as exc:
        raise IndexFileError(f"cannot read {path}: {exc.strerror}") from exc
    head, sep, body = data.partition(b"\n")
    try:
        header = json.loads(head)
        if not isinstance(header, dict) or header.get("format") != INDEX_FORMAT:
            raise ValueError("not an alsbot index")
    except ValueError as exc:
        raise IndexFileError("index file is corrupt (bad header)") from exc
    if header.get("version") != INDEX_VERSION:
        raise IndexFileError("index file is from another version")
    if header.get("fingerprint") != fingerprint:
        raise IndexFileError("corpus or settings changed")
    if not sep or header.get("length") != len(body):
        raise IndexFileError("index file is truncated")
    if header.get("sha256") != hashlib.sha256(body).hexdigest():
        raise IndexFileError("index file is corrupt (checksum mismatch)")
    try:
        payload = json.loads(body)
        documents = {}
        for d in payload["documents"]:
            meta = DocumentMeta.model_validate(d["meta"])
            documents[meta.id] = DocumentInfo(meta, d["title"], d["chunks"])
        chunks = [
            Chunk(
                id=c["id"],
                doc_id=c["doc"],
                section=c["section"],
                sentences=tuple(Sentence(s, e, t) for s, e, t in c["sentences"]),
            )
            for c in payload["chunks"]
        ]
        terms = [
            ChunkTerms(tuple(section), tuple(tuple(x) for x in sentences))
            for section, sentences in payload["terms"]
        ]
        if len(terms) != len(chunks) or not chunks:
            raise ValueError("chunks and terms differ")
        vocabulary = Vocabulary(payload["vocabulary"], analyzer.glossary.terms)
    except (ValueError, KeyError, TypeError) as exc:
        raise IndexFileError(f"index file is corrupt ({exc})") from exc
    return SearchIndex(documents, chunks, terms, vocabulary, bm25, fingerprint)


@dataclass(frozen=True)
class OpenedIndex:
    index: SearchIndex
    path: Path | None
    status: str  # "loaded", or "built (<why>)"
    seconds: float


def index_path(cache_dir: Path, corpus: Corpus) -> Path:
    """One index file per corpus folder, named by the folder's absolute path."""
    key = hashlib.sha256(str(corpus.root.resolve()).encode()).hexdigest()[:16]
    return cache_dir / f"{key}.idx"


def open_index(
    corpus: Corpus,
    cache_dir: Path | None,
    analyzer: Analyzer,
    chunking: ChunkingSettings | None = None,
    bm25: Bm25Settings | None = None,
    force: bool = False,
) -> OpenedIndex:
    """Load the saved index for this corpus if it is current, else build (and save) it.

    Without a usable ``cache_dir`` the index is built in memory and not saved.
    """
    started = time.perf_counter()
    chunking = chunking or ChunkingSettings()
    bm25 = bm25 or Bm25Settings()
    fingerprint = corpus_fingerprint(corpus, analyzer, chunking, bm25)
    path = index_path(cache_dir, corpus) if cache_dir else None
    reason = "forced" if force else "no cache folder"
    if path and not force:
        try:
            index = load_index(path, fingerprint, analyzer, bm25)
            return OpenedIndex(index, path, "loaded", time.perf_counter() - started)
        except IndexFileError as exc:
            reason = str(exc)
            if path.exists():
                log.warning("rebuilding the index: %s", reason)
    index = build_index(corpus, analyzer, chunking, bm25, fingerprint)
    if path:
        try:
            save_index(index, path)
        except OSError as exc:
            log.warning("could not save the index to %s: %s", path, exc.strerror or exc)
            path = None
    return OpenedIndex(index, path, f"built ({reason})", time.perf_counter() - started)
