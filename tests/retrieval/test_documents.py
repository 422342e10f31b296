"""Loading corpora: the bundled manifest, plain folders, and every kind of bad corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus import BUNDLED_CORPUS
from retrieval.documents import CorpusError, load_corpus


def test_bundled_corpus_has_five_documents_with_manifest():
    corpus = load_corpus(BUNDLED_CORPUS)
    assert corpus.manifest is not None
    assert len(corpus.documents) == 5
    assert len({d.id for d in corpus.documents}) == 5


def test_manifest_metadata_is_stated_by_each_page_itself():
    """Never invent a title, publisher, author or date: each value must be on the page."""
    corpus = load_corpus(BUNDLED_CORPUS)
    for doc in corpus.documents:
        page = " ".join(doc.raw.split())
        meta = doc.meta
        for value in (meta.title, meta.publisher, meta.author, meta.date, meta.date_label):
            if value is not None:
                assert value in page, f"{doc.id}: {value!r} is not stated on the page"


def test_document_without_stated_title_is_shown_by_its_first_line():
    corpus = load_corpus(BUNDLED_CORPUS)
    untitled = [d for d in corpus.documents if d.meta.title is None]
    assert untitled, "the bundled corpus has a page with no title"
    for doc in untitled:
        assert doc.title.rstrip("…") in doc.raw.splitlines()[0]


def test_plain_folder_without_manifest(tmp_path: Path):
    (tmp_path / "b-notes.md").write_text("# Feeding tubes\n\nA PEG tube is placed by a doctor.\n")
    (tmp_path / "a.txt").write_text("Breathing support\n\nBiPAP helps at night.\n")
    (tmp_path / "ignored.pdf").write_bytes(b"%PDF")
    corpus = load_corpus(tmp_path)
    assert [d.id for d in corpus.documents] == ["a", "b-notes"]
    assert [d.title for d in corpus.documents] == ["Breathing support", "Feeding tubes"]
    assert corpus.manifest is None


def _error(path: Path) -> str:
    with pytest.raises(CorpusError) as info:
        load_corpus(path)
    return str(info.value)


def test_empty_folder(tmp_path: Path):
    assert str(tmp_path) in _error(tmp_path)
    assert "no .txt or .md" in _error(tmp_path)


def test_missing_folder(tmp_path: Path):
    assert "no such corpus folder" in _error(tmp_path / "nope")


def test_empty_file_is_named(tmp_path: Path):
    (tmp_path / "good.txt").write_text("Some text.\n")
    (tmp_path / "blank.txt").write_text("  \n\n")
    message = _error(tmp_path)
    assert "blank.txt" in message and "empty" in message


def test_non_utf8_file_is_named(tmp_path: Path):
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 au lait".encode("latin-1"))
    message = _error(tmp_path)
    assert "latin1.txt" in message and "not UTF-8" in message and "0xe9" in message


def test_binary_file_is_refused(tmp_path: Path):
    (tmp_path / "image.txt").write_bytes(b"abc\x00def")
    assert "binary" in _error(tmp_path)


def test_duplicate_ids_without_manifest(tmp_path: Path):
    (tmp_path / "riluzole.txt").write_text("One.\n")
    (tmp_path / "riluzole.md").write_text("Two.\n")
    message = _error(tmp_path)
    assert "duplicate document id 'riluzole'" in message


def test_duplicate_ids_in_manifest(corpus_copy: Path):
    manifest = corpus_copy / "manifest.toml"
    text = manifest.read_text().replace('id = "als-treatments-2017"', 'id = "nsd-als-treatment"')
    manifest.write_text(text)
    message = _error(corpus_copy)
    assert "manifest.toml" in message and "duplicate document id 'nsd-als-treatment'" in message


def test_manifest_entry_with_missing_file(corpus_copy: Path):
    (corpus_copy / "medications-used-to-treat-als.txt").unlink()
    message = _error(corpus_copy)
    assert "medications-used-to-treat-als.txt" in message and "missing" in message


def test_manifest_that_is_not_toml(corpus_copy: Path):
    (corpus_copy / "manifest.toml").write_text("[[documents]\nid = \n")
    message = _error(corpus_copy)
    assert "manifest.toml" in message and "not valid TOML" in message


def test_manifest_entry_with_bad_field(corpus_copy: Path):
    manifest = corpus_copy / "manifest.toml"
    manifest.write_text(manifest.read_text().replace('date = "May 12, 2017"', 'date = "soon"'))
    message = _error(corpus_copy)
    assert "document 2 (als-treatments-2017)" in message and "date" in message


def test_manifest_file_outside_the_folder_is_refused(corpus_copy: Path):
    manifest = corpus_copy / "manifest.toml"
    manifest.write_text('[[documents]]\nid = "x"\nfile = "../secret.txt"\n')
    assert "plain file name" in _error(corpus_copy)


def test_a_file_instead_of_a_folder(tmp_path: Path):
    path = tmp_path / "file.txt"
    path.write_text("x")
    assert "is not a folder" in _error(path)
