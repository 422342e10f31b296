"""The saved index: loaded when current, rebuilt when stale or damaged, written atomically."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from retrieval.analysis import Analyzer
from retrieval.chunking import ChunkingSettings
from retrieval.documents import CorpusError, load_corpus
from retrieval.index import (
    Bm25Settings,
    IndexFileError,
    build_index,
    corpus_fingerprint,
    load_index,
    open_index,
)

ANALYZER = Analyzer()


def _open(corpus_dir: Path, cache: Path, **kw):
    return open_index(load_corpus(corpus_dir), cache, ANALYZER, **kw)


def test_built_then_loaded(corpus_copy: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    first = _open(corpus_copy, cache)
    assert first.status.startswith("built") and first.path and first.path.is_file()
    second = _open(corpus_copy, cache)
    assert second.status == "loaded"
    assert [c.id for c in second.index.chunks] == [c.id for c in first.index.chunks]
    assert second.index.chunks[3] == first.index.chunks[3]
    assert second.index.terms == first.index.terms
    assert dict(second.index.vocabulary.counts) == dict(first.index.vocabulary.counts)
    assert list(cache.iterdir()) == [first.path], "no temporary files left behind"


def test_loaded_index_ranks_like_the_built_one(corpus_copy: Path, tmp_path: Path):
    from retrieval.search import Retriever

    built = Retriever(_open(corpus_copy, tmp_path).index, ANALYZER)
    loaded = Retriever(_open(corpus_copy, tmp_path).index, ANALYZER)
    for q in ("how is radicava given", "feeding tube", "riluzole side effects"):
        assert built.search(q) == loaded.search(q)


def test_changed_document_rebuilds(corpus_copy: Path, tmp_path: Path):
    _open(corpus_copy, tmp_path)
    doc = corpus_copy / "als-treatment-nervous-system-diseases.txt"
    doc.write_text(doc.read_text() + "\nA new paragraph about cough assist machines.\n")
    again = _open(corpus_copy, tmp_path)
    assert again.status == "built (corpus or settings changed)"
    assert any("cough assist" in c.text for c in again.index.chunks)
    assert _open(corpus_copy, tmp_path).status == "loaded"


def test_changed_settings_rebuild(corpus_copy: Path, tmp_path: Path):
    _open(corpus_copy, tmp_path)
    other = _open(corpus_copy, tmp_path, chunking=ChunkingSettings(max_words=40))
    assert other.status.startswith("built")
    assert _open(corpus_copy, tmp_path, bm25=Bm25Settings(k1=2.0)).status.startswith("built")


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda b: b[: len(b) // 2], "truncated"),
        (lambda b: b[:-10] + b"x" * 10, "checksum"),
        (lambda b: b"garbage\n" + b, "bad header"),
        (lambda b: b"", "bad header"),
        (lambda b: b.split(b"\n", 1)[0] + b"\n" + b"{}", "truncated"),
    ],
)
def test_damaged_index_is_rebuilt_not_trusted(
    corpus_copy: Path, tmp_path: Path, damage, reason: str, caplog
):
    first = _open(corpus_copy, tmp_path)
    first.path.write_bytes(damage(first.path.read_bytes()))
    with caplog.at_level(logging.WARNING):
        again = _open(corpus_copy, tmp_path)
    assert again.status.startswith("built") and reason in again.status
    assert "rebuilding the index" in caplog.text
    assert len(again.index.chunks) == len(first.index.chunks)
    assert _open(corpus_copy, tmp_path).status == "loaded"


def test_valid_checksum_but_bad_payload_is_rejected(corpus_copy: Path, tmp_path: Path):
    import hashlib
    import json

    first = _open(corpus_copy, tmp_path)
    body = b'{"documents": [], "chunks": [], "terms": [], "vocabulary": {}}'
    header = json.loads(first.path.read_bytes().split(b"\n", 1)[0])
    header.update(length=len(body), sha256=hashlib.sha256(body).hexdigest())
    first.path.write_bytes(json.dumps(header).encode() + b"\n" + body)
    corpus = load_corpus(corpus_copy)
    fingerprint = corpus_fingerprint(corpus, ANALYZER, ChunkingSettings(), Bm25Settings())
    with pytest.raises(IndexFileError, match="corrupt"):
        load_index(first.path, fingerprint, ANALYZER, Bm25Settings())


def test_unwritable_cache_still_searches(corpus_copy: Path, tmp_path: Path, caplog):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder should be")
    with caplog.at_level(logging.WARNING):
        opened = _open(corpus_copy, blocker / "cache")
    assert opened.path is None and opened.index.chunks
    assert "could not save the index" in caplog.text


def test_document_that_is_all_chrome_is_an_error(tmp_path: Path):
    (tmp_path / "ok.txt").write_text("Riluzole is a pill.\n")
    (tmp_path / "chrome.txt").write_text("Search This Site\n\nAdvertisement\n")
    with pytest.raises(CorpusError, match=r"chrome\.txt: has no text left"):
        build_index(load_corpus(tmp_path), ANALYZER)


def test_tiny_corpus_scores_stay_positive_and_more_matches_rank_higher(tmp_path: Path):
    """rank-bm25's Okapi floor can go negative on small corpora (its issues #39, #43, #50)."""
    from retrieval.search import Retriever

    (tmp_path / "a.txt").write_text("Cough assist machines clear phlegm from the airway.\n")
    (tmp_path / "b.txt").write_text("Phlegm can be thick.\n")
    (tmp_path / "c.txt").write_text("Suction machines also clear phlegm.\n")
    retriever = Retriever(build_index(load_corpus(tmp_path), ANALYZER), ANALYZER)
    hits = retriever.hits("cough assist machine for phlegm", 3)
    assert all(h.score > 0 for h in hits)
    assert hits[0].chunk.doc_id == "a"
