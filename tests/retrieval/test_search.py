"""Search on the real bundled index."""

from __future__ import annotations

import pytest

from retrieval.search import Retriever


def test_radicava_administration_ranks_the_edaravone_infusion_passage_first(retriever: Retriever):
    top = retriever.search("how is radicava given")[0]
    assert "intravenous" in top.text and "edaravone" in top.text.lower()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("edaravon infusoin", "infusion"),
        ("rilutek side effects", "dizziness"),
        ("what does a PEG do", "feeding tube"),
        ("can BiPAP help breathing", "Non-invasive ventilation"),
        ("AMX0035", "AMX0035"),
        ("relyvrio powder", "powder form"),
        ("life expectancy", "survival"),
    ],
)
def test_lay_brand_and_misspelled_queries_find_the_passage(retriever: Retriever, query, expected):
    assert any(expected in p.text for p in retriever.search(query, 3))


def test_passage_fields_follow_the_contract(retriever: Retriever):
    passages = retriever.search("speech therapy", 4)
    assert [p.rank for p in passages] == [1, 2, 3, 4]
    assert passages == sorted(passages, key=lambda p: -p.score)
    first = passages[0].model_dump()
    assert {"rank", "score", "doc_id", "title", "chunk_id", "text"} <= set(first)
    assert first["chunk_id"].startswith(first["doc_id"] + "#")


def test_only_passages_sharing_a_word_are_returned(retriever: Retriever):
    assert retriever.search("zzzz qqqq") == []
    assert retriever.search("the and of") == []


def test_search_is_deterministic(retriever: Retriever):
    assert retriever.search("breathing support at night") == retriever.search(
        "breathing support at night"
    )
