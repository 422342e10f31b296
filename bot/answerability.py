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
are labelled against, and cached like the safety model (``bot.learning``).
"""

from __future__ import annotations

import functools
import logging
import sys
from pathlib import Path

import bot.compose
import bot.examples
import retrieval.analysis
import retrieval.evaluation
import retrieval.examples
import retrieval.focus
import retrieval.index
import retrieval.search
from bot.compose import Composition, compose
from bot.examples import open_retriever
from bot.learning import LinearModel, bundled_examples, fingerprint, load_or_fit, source_of
from corpus import BUNDLED_CORPUS
from retrieval.analysis import COMMON_FREQUENCY, AnalyzedQuery, english_dictionary_version
from retrieval.focus import asks
from retrieval.index import SearchIndex
from retrieval.search import NAME_FREQUENCY, Retriever, coverage, is_known

log = logging.getLogger(__name__)
MODEL_VERSION = "answerability-1"
PASSAGES = 5


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


#: The modules (besides this one) whose code computes the features.
FEATURE_MODULES = (
    bot.compose,
    bot.examples,
    retrieval.analysis,
    retrieval.evaluation,
    retrieval.examples,
    retrieval.focus,
    retrieval.index,
    retrieval.search,
)

#: The judge: a yes/no linear model over :func:`features`.
AnswerabilityModel = LinearModel
C = 3.0  # regularisation, chosen by cross-validation on the training questions


def training_questions() -> list[tuple[str, bool]]:
    """The bundled labelled questions: (text, answerable)."""
    return [(i["text"], bool(i["answerable"])) for i in bundled_examples("answerability_")]


def question_features(retriever: Retriever, text: str, leave_out: bool = False) -> dict[str, float]:
    """The judge's features for ``text``; ``leave_out`` for a training question, which must
    not find itself among the example questions."""
    query = retriever.analyze(text)
    hits = retriever.hits(query, PASSAGES, leave_out=text if leave_out else None)
    composition = compose(retriever.index, query, hits, None, retriever.analyzer)
    return features(retriever.index, query, composition)


def load_or_train(
    cache_dir: Path | None, index_dir: Path | None = None, bundled: Retriever | None = None
) -> AnswerabilityModel:
    """The judge fitted on the bundled questions against the bundled corpus's index (opened
    from ``index_dir`` unless given as ``bundled``), the one they are labelled against."""
    if bundled is None:
        bundled, _ = open_retriever(BUNDLED_CORPUS, index_dir)
    examples = training_questions()
    code = source_of(sys.modules[__name__], *FEATURE_MODULES)
    key = fingerprint(
        MODEL_VERSION,
        str(C),
        english_dictionary_version(),
        bundled.index.fingerprint,
        *code,
        *(f"{label}\t{text}" for text, label in examples),
        # The retriever's example questions (they shape the features). Those it can use follow
        # from these and the index, so the key needs no search of them at start-up.
        *(f"{e.question}\t{e.evidence}" for e in bundled.examples_given),
        repr(bundled.example_settings),
    )

    def fit() -> object:
        rows = [question_features(bundled, text, leave_out=True) for text, _ in examples]
        return LinearModel.fit(rows, [label for _, label in examples], C).pipeline

    # Only scikit-learn's pipeline is pickled, so a change to LinearModel cannot meet an old
    # pickle of it.
    return LinearModel(load_or_fit(cache_dir, "answerability", key, fit))


@functools.lru_cache(maxsize=1)
def bundled_model() -> AnswerabilityModel:
    """The judge for a service given none: fitted once per process, in memory."""
    return load_or_train(None)
