"""Do the retrieved sentences answer the question? A learned judge beside the coverage floor.

Coverage (how much of the question the best passage holds) cannot tell "how much does a
tracheostomy cost?" (unanswered: nothing about cost) from "can she shower by herself?"
(answered: bathing equipment): both miss one everyday word. What matters is *which* word is
missing. A logistic regression learns that from labelled questions shipped in
``bot/data/answerability_*.jsonl`` (asked the way members ask, none from the evaluation
sets), over features of the evidence: coverage of the passage, the best sentence and the
composed answer; the weight of what the answer leaves out, by kind (a name no dictionary
knows, a rare word, an everyday word, a word the documents do use elsewhere); the left-out
words themselves; and what kind of thing it asks for ("how much", "where").

Features are computed against the live index, so a word a moderator's new document covers
is no longer "left out". The model is fitted on the bundled corpus, the one the questions
are labelled against, and cached like the safety model (``bot.model_cache``).
"""

from __future__ import annotations

import functools
import inspect
import json
import logging
import sys
from importlib import resources
from pathlib import Path

from bot.compose import ComposeSettings, Composition, compose
from bot.model_cache import fingerprint, load_or_fit
from corpus import BUNDLED_CORPUS
from retrieval.analysis import COMMON_FREQUENCY, AnalyzedQuery, words
from retrieval.index import SearchIndex
from retrieval.search import NAME_FREQUENCY, Retriever, coverage, is_known

log = logging.getLogger(__name__)
MODEL_VERSION = "answerability-1"
PASSAGES = 5


_WH = frozenset("what whats how why when where which who".split())
_HOW = frozenset("much many long often soon far old".split())


def asks(text: str) -> str:
    """What kind of thing the question asks for: "how much", "where", "which", ..."""
    tokens = words(text)
    for n, word in enumerate(tokens):
        if word in _WH:
            if word == "how" and n + 1 < len(tokens) and tokens[n + 1] in _HOW:
                return f"how {tokens[n + 1]}"
            return "what" if word == "whats" else word
    return "yes/no"


def features(
    index: SearchIndex, query: AnalyzedQuery, composition: Composition
) -> dict[str, float]:
    """What the judge sees of one question and the answer composed for it."""
    out: dict[str, float] = {"asks:" + asks(query.text): 1.0}
    if not composition.statements:
        out["empty"] = 1.0
        return out
    terms: set[str] = set()
    for statement in composition.statements:
        for candidate in statement.all:
            terms |= candidate.terms
    out["confidence"] = composition.confidence
    out["answer"] = coverage(index, query.concepts, terms)
    out["sentence"] = max(s.lead.coverage for s in composition.statements)
    # The same with every concept counting alike: a word the index has never seen ("cost")
    # weighs little above, whatever it means to the question.
    out["answer_flat"] = coverage(index, query.concepts, terms, power=0.0)
    out["sentence_flat"] = max(
        coverage(index, query.concepts, s.lead.terms, power=0.0) for s in composition.statements
    )
    for concept in query.concepts:
        if any(all(t in terms for t in alt) for alt in concept.alternatives):
            continue
        if is_known(index, concept):
            kind = "known"
        elif concept.frequency < NAME_FREQUENCY:
            kind = "name"
        elif concept.rare:
            kind = "rare"
        else:
            kind = "everyday" if concept.frequency >= COMMON_FREQUENCY else "uncommon"
        out["left_out:" + kind] = out.get("left_out:" + kind, 0.0) + concept.weight
        word = concept.alternatives[0][0]
        out["left_out_word:" + word] = max(out.get("left_out_word:" + word, 0.0), concept.weight)
    return out


class AnswerabilityModel:
    def __init__(self, pipeline: object) -> None:
        self._pipeline = pipeline

    @classmethod
    def fit(cls, rows: list[dict[str, float]], labels: list[bool]) -> AnswerabilityModel:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        pipeline = make_pipeline(
            DictVectorizer(), LogisticRegression(C=C, max_iter=3000, class_weight="balanced")
        )
        pipeline.fit(rows, labels)
        return cls(pipeline)

    def probability(self, row: dict[str, float]) -> float:
        proba = self._pipeline.predict_proba([row])[0]  # type: ignore[attr-defined]
        classes = list(self._pipeline.classes_)  # type: ignore[attr-defined]
        return float(proba[classes.index(True)])


C = 1.0  # regularisation, chosen by cross-validation on the training questions


def training_questions() -> list[tuple[str, bool]]:
    """The bundled labelled questions: (text, answerable)."""
    folder = resources.files("bot").joinpath("data")
    out: list[tuple[str, bool]] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.startswith("answerability_") and entry.name.endswith(".jsonl"):
            for line in entry.read_text("utf-8").splitlines():
                if line.strip():
                    item = json.loads(line)
                    out.append((item["text"], bool(item["answerable"])))
    return out


def question_features(
    retriever: Retriever, text: str, settings: ComposeSettings | None = None
) -> dict[str, float]:
    query = retriever.analyze(text)
    hits = retriever.hits(query, PASSAGES)
    composition = compose(retriever.index, query, hits, settings, retriever.analyzer)
    return features(retriever.index, query, composition)


def _feature_code() -> list[str]:
    """The source of every module the features are computed by: a change to any of them
    (a weight, a rule) refits the model instead of loading one fitted on other features."""
    import bot.compose
    import retrieval.analysis
    import retrieval.focus
    import retrieval.search

    modules = (sys.modules[__name__], bot.compose, retrieval.analysis, retrieval.focus)
    return [inspect.getsource(m) for m in (*modules, retrieval.search)]


def load_or_train(
    cache_dir: Path | None, index_dir: Path | None = None, bundled: Retriever | None = None
) -> AnswerabilityModel:
    """The judge fitted on the bundled questions against the bundled corpus's index (opened
    from ``index_dir`` unless given as ``bundled``)."""
    if bundled is None:
        bundled, _ = Retriever.open(BUNDLED_CORPUS, index_dir)
    examples = training_questions()
    key = fingerprint(
        MODEL_VERSION,
        str(C),
        bundled.index.fingerprint,
        *_feature_code(),
        *(f"{label}\t{text}" for text, label in examples),
    )

    def fit() -> object:
        rows = [question_features(bundled, text) for text, _ in examples]
        return AnswerabilityModel.fit(rows, [label for _, label in examples])._pipeline

    return AnswerabilityModel(load_or_fit(cache_dir, "answerability", key, fit))


@functools.lru_cache(maxsize=1)
def bundled_model() -> AnswerabilityModel:
    """The judge for a service given none: fitted once per process, in memory."""
    return load_or_train(None)
