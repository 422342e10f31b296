"""The learned judge of whether the composed sentences answer the question."""

from __future__ import annotations

import difflib
import json
import logging
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from bot.answerability import (
    bundled_model,
    features,
    load_or_train,
    question_features,
    training_questions,
)
from bot.compose import compose
from corpus import BUNDLED_CORPUS
from retrieval.evaluation import normalize
from retrieval.focus import asks
from retrieval.search import Retriever

DATA = Path(__file__).parents[1] / "data"
BOT_DATA = Path(__file__).parents[2] / "bot" / "data"


def test_training_questions_are_labelled_and_their_evidence_is_real():
    corpus = normalize(" ".join(p.read_text("utf-8") for p in sorted(BUNDLED_CORPUS.glob("*.txt"))))
    lines = [
        json.loads(line)
        for path in sorted(BOT_DATA.glob("answerability_*.jsonl"))
        for line in path.read_text("utf-8").splitlines()
        if line.strip()
    ]
    assert len(lines) == len(training_questions()) >= 400
    for item in lines:
        if item["answerable"]:
            assert normalize(item["evidence"]) in corpus, item["text"]
        else:
            assert item["why"].strip(), item["text"]
    labels = [item["answerable"] for item in lines]
    assert 0.3 < sum(labels) / len(labels) < 0.7


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", text.lower()).split())


def _near(a: str, b: str) -> bool:
    """The same question, or nearly: equal, one holding the other (four words or more), or
    at least 80% alike letter by letter."""
    if a == b:
        return True
    for inner, outer in ((a, b), (b, a)):
        if len(inner.split()) >= 4 and f" {inner} " in f" {outer} ":
            return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.8


def test_no_training_question_is_an_evaluation_question():
    """The evaluation sets measure questions neither the judge nor the example questions
    (retrieval.examples) have seen, not even reworded slightly."""
    turns = sorted(
        {
            _plain(turn)
            for path in DATA.glob("*.jsonl")
            if not path.name.startswith("safety")
            for line in path.read_text("utf-8").splitlines()
            for turn in json.loads(line).get("turns", [])
        }
    )
    assert len(turns) > 500
    having: dict[str, set[int]] = {}  # word -> the turns that have it
    for n, turn in enumerate(turns):
        for word in set(turn.split()):
            having.setdefault(word, set()).add(n)
    leaks = []
    for text, _ in training_questions():
        plain = _plain(text)
        mine = set(plain.split())
        shared = Counter(n for word in mine for n in having.get(word, ()))
        # Near questions share at least half the words of the shorter one.
        leaks += [
            (text, turns[n])
            for n, count in shared.items()
            if count >= 0.5 * min(len(mine), len(set(turns[n].split()))) and _near(plain, turns[n])
        ]
    assert leaks == []


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How much does it cost?", "how much"),
        ("my dad is 82. where do we find a clinic", "where"),
        ("whats riluzole", "what"),
        ("is riluzole safe", "yes/no"),
        # Read in the sentence that asks, not the story before it.
        ("I never knew how much the house would need. Where do we get ramps?", "where"),
    ],
)
def test_asks_names_the_kind_of_question(question, kind):
    assert asks(question) == kind


def test_the_judge_doubts_answers_that_leave_out_what_was_asked(retriever):
    judge = bundled_model()

    def p(question: str) -> float:
        return judge.probability(question_features(retriever, question))

    answered = p("what is a tracheostomy?")
    priced = p("how much does a tracheostomy cost?")
    assert 0.0 <= priced < answered <= 1.0
    assert answered > 0.9
    assert p("who won the super bowl last year?") < 0.5


def test_a_word_the_corpus_covers_is_not_left_out(tmp_path, retriever):
    """Features are relative to the live index: a moderator's new document about costs makes
    "cost" covered, not missing."""
    question = "how much does a tracheostomy cost?"
    before = question_features(retriever, question)
    assert any(k.startswith("left_out_word:cost") for k in before)

    folder = tmp_path / "corpus"
    folder.mkdir()
    for path in BUNDLED_CORPUS.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    (folder / "trach-costs.txt").write_text(
        "What a tracheostomy costs\n\nThe cost of a tracheostomy depends on the hospital and "
        "on insurance.\n",
        encoding="utf-8",
    )
    grown, _ = Retriever.open(folder, None)
    query = grown.analyze(question)
    after = features(grown.index, query, compose(grown.index, query, grown.hits(query, 5)))
    assert not any(k.startswith("left_out_word:cost") for k in after)
    assert after["answer"] > before["answer"]


def test_model_cache_is_reused_and_a_damaged_cache_is_refitted(tmp_path, caplog, retriever):
    first = load_or_train(tmp_path, bundled=retriever)
    cached = list(tmp_path.glob("answerability-*.pickle"))
    assert len(cached) == 1 and cached[0].with_suffix(".sha256").is_file()
    row = question_features(retriever, "how is radicava given?")
    assert load_or_train(tmp_path, bundled=retriever).probability(row) == first.probability(row)
    cached[0].write_bytes(b"not a model")
    with caplog.at_level(logging.WARNING):
        again = load_or_train(tmp_path, bundled=retriever)
    assert "damaged" in caplog.text
    assert again.probability(row) == pytest.approx(first.probability(row))


def test_training_features_leave_the_question_itself_out(retriever):
    """The judge is fitted on questions that are also example questions: fitted on features
    where each found itself, it would trust a match no new question ever gets."""
    examples = [e.question for e in retriever.examples.examples[:60]]
    # Its own vote is gone from the passages found (an example too unlike itself to vote,
    # or outvoted, finds the same) ...
    changed = [retriever.hits(q, 5, leave_out=q) != retriever.hits(q, 5) for q in examples[:10]]
    assert sum(changed) >= 5
    # ... and, where that vote chose a sentence, from the features the judge is fitted on.
    assert any(
        question_features(retriever, q, leave_out=True) != question_features(retriever, q)
        for q in examples
    )
