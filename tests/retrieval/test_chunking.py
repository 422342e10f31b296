"""Sentences are exact spans of the file; chunks respect sections, size and overlap."""

from __future__ import annotations

import itertools

from retrieval.chunking import ChunkingSettings, chunk_document, sentence_tokenizer, split_sentences
from retrieval.cleaning import clean
from retrieval.documents import load_corpus
from retrieval.search import Retriever

TOKENIZER = sentence_tokenizer()


def _sentences(raw: str) -> list[str]:
    return [s.text for _, s in split_sentences(raw, clean(raw), TOKENIZER)]


def test_every_sentence_is_an_exact_span_of_its_document(retriever: Retriever):
    from corpus import BUNDLED_CORPUS

    corpus = load_corpus(BUNDLED_CORPUS)
    for chunk in retriever.index.chunks:
        raw = corpus.get(chunk.doc_id).raw
        for sentence in chunk.sentences:
            assert " ".join(raw[sentence.start : sentence.end].split()) == sentence.text


def test_abbreviations_do_not_end_sentences():
    text = "Ask Dr. Smith about it, e.g. at the clinic. Then rest."
    assert _sentences(text) == ["Ask Dr. Smith about it, e.g. at the clinic.", "Then rest."]


def test_trailing_reference_numbers_are_left_out():
    text = "Enteral nutrition has better outcomes 1. It is safer 2, 3."
    assert _sentences(text) == ["Enteral nutrition has better outcomes", "It is safer"]


def test_numbers_that_belong_to_the_sentence_stay():
    text = "Symptoms begin between the ages of 40 and 70. It affects about 5."
    assert _sentences(text) == [
        "Symptoms begin between the ages of 40 and 70.",
        "It affects about 5.",
    ]


def test_a_lead_in_keeps_its_short_list_items():
    raw = "Doctors may treat symptoms, including:\n\n  • Cramps\n  • Drooling\n\nNext paragraph.\n"
    assert _sentences(raw) == [
        "Doctors may treat symptoms, including: • Cramps • Drooling",
        "Next paragraph.",
    ]


def test_a_scraping_stutter_is_kept_once():
    raw = (
        "Riluzole tablets are used for ALS in adults Riluzole tablets are used for ALS in adults "
        "Riluzole tablets are used for ALS in adults The treatment is riluzole.\n"
    )
    assert _sentences(raw) == [
        "Riluzole tablets are used for ALS in adults",
        "The treatment is riluzole.",
    ]


def test_chunks_stay_in_one_section_and_overlap_by_one_sentence():
    sentences = " ".join(f"Sentence number {n} has exactly seven words." for n in range(12))
    raw = f"First Section\n\n{sentences}\n\nSecond Section\n\nShort one here.\n"
    chunks = chunk_document("d", raw, clean(raw), TOKENIZER, ChunkingSettings(max_words=30))
    first = [c for c in chunks if c.section == "First Section"]
    assert len(first) > 1
    assert all(c.words <= 30 for c in first)
    for a, b in itertools.pairwise(first):
        assert a.sentences[-1] == b.sentences[0]
    assert chunks[-1].section == "Second Section" and chunks[-1].text == "Short one here."


def test_bundled_passages_average_at_most_120_words(retriever: Retriever):
    chunks = retriever.index.chunks
    assert sum(c.words for c in chunks) / len(chunks) <= 120
