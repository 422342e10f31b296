"""Example questions: similar questions asked before vote for the passages holding their answers."""

from __future__ import annotations

import tomllib
from pathlib import Path

import tomli_w

from bot.examples import example_questions, open_retriever
from retrieval.evaluation import normalize
from retrieval.examples import MIN_QUOTE_WORDS, Example
from retrieval.search import Retriever


def _holds(text: str, quote: str) -> bool:
    return normalize(quote).lower() in normalize(text).lower()


def test_every_bundled_example_is_tied_to_a_passage(retriever: Retriever):
    # A quote that is in no passage (a typo, page chrome) would silently never vote.
    tied = set(retriever.examples.examples)
    long_enough = [e for e in example_questions() if len(e.evidence.split()) >= MIN_QUOTE_WORDS]
    assert [e for e in long_enough if e not in tied] == []
    assert len(tied) > 500


def test_examples_find_passages_words_alone_miss(retriever: Retriever):
    """Each bundled example asked as a new question (itself left out): the passage holding its
    answer comes first more often with the other examples' votes than with BM25 alone. (Most
    examples ask about a fact no other example asks, so the gain here is smaller than on
    the evaluation sets: about 5 points against 20.)"""
    alone = Retriever(retriever.index, retriever.analyzer)
    sample = example_questions()
    with_votes = without = 0
    for example in sample:
        hits = retriever.hits(example.question, 1, leave_out=example.question)
        with_votes += bool(hits) and _holds(hits[0].chunk.text, example.evidence)
        hits = alone.hits(example.question, 1)
        without += bool(hits) and _holds(hits[0].chunk.text, example.evidence)
    assert with_votes / len(sample) >= without / len(sample) + 0.025, (with_votes, without)


def test_a_question_never_finds_itself_when_left_out(retriever: Retriever):
    example = example_questions()[0]
    wordings = [c.alternatives for c in retriever.analyze(example.question).concepts]
    found = [n.example for n in retriever.examples.nearest(wordings)]
    assert found[0] == example
    left = [n.example for n in retriever.examples.nearest(wordings, leave_out=example.question)]
    assert example not in left and left


def test_hints_name_the_quotes_of_similar_questions(retriever: Retriever):
    example = example_questions()[0]
    hits = retriever.hits(example.question, 5)
    hinted = [(q, m) for h in hits for q, m in h.hints if q == example.evidence]
    assert hinted and all(0 < m <= 1.5 for _, m in hinted)
    assert any(_holds(h.chunk.text, q) for h in hits for q, _ in h.hints)


def test_without_examples_ranking_is_bm25s(retriever: Retriever):
    alone = Retriever(retriever.index, retriever.analyzer)
    query = alone.analyze("what are the side effects of riluzole?")
    expected = alone.index.top(query.concepts, 5)
    assert [(h.position, round(h.score * expected[0][1], 6)) for h in alone.hits(query, 5)] == [
        (p, round(s, 6)) for p, s in expected
    ]
    assert all(h.hints == () for h in alone.hits(query, 5))


def test_a_retired_documents_examples_fall_silent(corpus_copy: Path):
    manifest = corpus_copy / "manifest.toml"
    entries = tomllib.loads(manifest.read_text("utf-8"))["documents"]
    retired = entries[0]["id"]
    manifest.write_text(tomli_w.dumps({"documents": entries[1:]}), "utf-8")
    smaller, _ = open_retriever(corpus_copy, None)
    assert retired not in smaller.index.documents
    tied = smaller.examples.examples
    assert 0 < len(tied) < len(example_questions())
    for example, chunks in zip(tied, smaller.examples.answers, strict=True):
        assert all(_holds(smaller.index.chunks[i].text, example.evidence) for i in chunks)
    # An example asked again still works where its document remains.
    example = tied[0]
    hits = smaller.hits(example.question, 3)
    assert any(_holds(h.chunk.text, example.evidence) for h in hits)


def test_an_example_whose_quote_is_nowhere_or_too_short_is_dropped(retriever: Retriever):
    odd = Example("what is the airspeed of a swallow?", "an African or European swallow")
    short = Example("is fatigue part of it?", "Fatigue")
    kept = example_questions()[0]
    fitted = Retriever(retriever.index, retriever.analyzer, examples=[odd, short, kept])
    assert fitted.examples.examples == [kept]


def test_leaving_out_ignores_case_and_punctuation(retriever: Retriever):
    example = retriever.examples.examples[0]
    wordings = [c.alternatives for c in retriever.analyze(example.question).concepts]
    retyped = "  " + example.question.upper().rstrip("?!. ") + "??"
    left = [n.example for n in retriever.examples.nearest(wordings, leave_out=retyped)]
    assert example not in left


def test_match_says_how_alike_the_questions_are(retriever: Retriever):
    def best(question: str) -> float:
        wordings = [c.alternatives for c in retriever.analyze(question).concepts]
        return max((n.match for n in retriever.examples.nearest(wordings)), default=0.0)

    assert best("what is the weather tomorrow") == 0.0  # below the floor: no votes at all
    assert best("best pizza in town") < 0.5
    own = [best(e.question) for e in retriever.examples.examples[:40]]
    assert sum(m >= 0.8 for m in own) >= 30
