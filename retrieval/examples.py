"""Example questions: questions people ask, each tied to the quote that answers it.

A question is often worded unlike its answer: "can he still eat normally?" against "feeding
tube", "is it in the family?" against "familial ALS". Words alone miss it; a question like one
asked before, though, usually wants the same passage. So beside BM25 over the passages, BM25
over example questions finds the few most like the one asked, and each votes for the passage
holding its answer (question-to-question matching, as FAQ retrieval does; the examples act as
extra words for the passages, as in doc2query). The passages are still what is quoted: an
example only changes which passages are looked at first.

An example counts only while its quote is in the index, so a retired document's examples
fall silent by themselves, and a moderator's new document is found by its words alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.evaluation import normalize
from retrieval.index import Bm25Settings
from retrieval.models import Chunk


def _key(question: str) -> str:
    """A question with case, punctuation and spacing set aside: what "the same" means when
    one is left out."""
    return " ".join(re.sub(r"[^\w\s]", " ", question.lower()).split())


@dataclass(frozen=True, slots=True)
class Example:
    question: str
    evidence: str  # a quote of the passage that answers it


# A quote of a word or two ("Fatigue", "Stiffness") would mark every sentence using the word
# as the answer.
MIN_QUOTE_WORDS = 3


@dataclass(frozen=True, slots=True)
class Neighbour:
    example: Example
    chunks: tuple[int, ...]  # positions of the chunks holding its quote
    similarity: float  # BM25 of the question against the example's
    match: float  # the same over the most the question's words could score (about 0..1)


@dataclass(frozen=True, slots=True)
class ExampleSettings:
    neighbours: int = 10  # how many of the most similar examples vote
    weight: float = 0.75  # their votes (best = 1) beside BM25's scores (best = 1)
    # An example matching less than this share of the question does not vote ("best pizza in
    # town" is like no question asked before). 0.2 to 0.3 measured level on alsbot eval.
    min_match: float = 0.2


class ExampleQuestions:
    """BM25 over example questions; :meth:`votes` gives each chunk its share of the votes."""

    def __init__(
        self,
        examples: Iterable[Example],
        chunks: Sequence[Chunk],
        terms: Callable[[str], Sequence[str]],
        settings: ExampleSettings | None = None,
    ) -> None:
        self.settings = settings or ExampleSettings()
        self.size = len(chunks)
        texts = [normalize(c.text).lower() for c in chunks]
        self.examples: list[Example] = []
        self.answers: list[list[int]] = []  # each example's chunks
        corpus: list[list[str]] = []
        for example in examples:
            quote = normalize(example.evidence).lower()
            if len(quote.split()) < MIN_QUOTE_WORDS:
                continue
            where = [i for i, text in enumerate(texts) if quote in text]
            words = terms(example.question)
            if where and words:
                self.examples.append(example)
                self.answers.append(where)
                corpus.append(list(words))
        # The passages' BM25 (its IDF floor keeps common words from counting against a match).
        self._bm25 = Bm25Settings().make(corpus) if corpus else None
        self._scores: dict[str, np.ndarray] = {}
        self._asked: dict[str, list[int]] = {}  # question (as _key) -> its examples
        for i, example in enumerate(self.examples):
            self._asked.setdefault(_key(example.question), []).append(i)

    def nearest(
        self, concepts: Sequence[Sequence[tuple[str, ...]]], leave_out: str | None = None
    ) -> list[Neighbour]:
        """The examples most like a question of these concepts (each its wordings, as terms),
        most similar first. A concept scores its best wording, as in the passages' search, so
        a word the glossary gives two names ("usually": "usual", "common") counts once.

        ``leave_out`` (an example's own question) is not counted: the answerability judge is
        fitted on these same questions and must see each as a new one.
        """
        if self._bm25 is None or not concepts:
            return []
        scores = np.zeros(len(self.examples))
        for alternatives in concepts:
            options = [sum(self._term_scores(t) for t in alt) for alt in alternatives if alt]
            if options:
                scores += np.max(options, axis=0)
        for i in self._asked.get(_key(leave_out), ()) if leave_out is not None else ():
            scores[i] = 0.0
        best = np.argsort(-scores, kind="stable")[: self.settings.neighbours]
        ceiling = self._ceiling(concepts)
        return [
            Neighbour(
                self.examples[i],
                tuple(self.answers[i]),
                float(scores[i]),
                float(scores[i] / ceiling),
            )
            for i in best
            if scores[i] > 0 and scores[i] / ceiling >= self.settings.min_match
        ]

    def _ceiling(self, concepts: Sequence[Sequence[tuple[str, ...]]]) -> float:
        """What an example of average length holding each concept's best wording once would
        score: the sum of their IDF (a word no example has counts as the rarest)."""
        idf = self._bm25.idf if self._bm25 is not None else {}
        rarest = max(idf.values(), default=1.0)
        return (
            sum(
                max((sum(idf.get(t, rarest) for t in alt) for alt in alternatives), default=0.0)
                for alternatives in concepts
            )
            or 1.0
        )

    def _term_scores(self, term: str) -> np.ndarray:
        """BM25 of one term against every example. Kept for the examples' own words, which
        recur across questions (so the cache is bounded by their vocabulary)."""
        scores = self._scores.get(term)
        if scores is None:
            if self._bm25 is None or term not in self._bm25.idf:
                return np.zeros(len(self.examples))
            scores = np.asarray(self._bm25.get_scores([term]), dtype=float)
            self._scores[term] = scores
        return scores

    def votes(self, neighbours: Sequence[Neighbour]) -> np.ndarray:
        """Per chunk, the summed similarity of the neighbours whose answer it holds."""
        out = np.zeros(self.size)
        for neighbour in neighbours:
            for position in neighbour.chunks:
                out[position] += neighbour.similarity / len(neighbour.chunks)
        return out
