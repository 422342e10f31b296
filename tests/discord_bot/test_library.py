"""Moderators' document changes: validated uploads, atomic manifest, reindex, rollback."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot.answer import AnswerService
from bot.library import DocumentError, Library, Upload, read_upload, seed_corpus
from retrieval.documents import load_corpus
from retrieval.search import Retriever

TEXT = (
    "Cough Assist\n\nA cough assist machine helps people with weak breathing muscles clear "
    "phlegm from their airways. Respiratory therapists show families how to use it at home.\n"
)


@pytest.fixture
def library(corpus_copy: Path, safety_router) -> Library:
    retriever, _ = Retriever.open(corpus_copy, None)
    service = AnswerService(retriever, safety_router=safety_router)
    return Library(corpus_copy, None, service, max_bytes=50_000)


def test_seed_copies_the_bundled_corpus_once(tmp_path: Path):
    folder = tmp_path / "corpus"
    seed_corpus(folder)
    assert (folder / "manifest.toml").is_file() and len(load_corpus(folder).documents) == 5
    (folder / "extra.txt").write_text("kept")
    seed_corpus(folder)
    assert (folder / "extra.txt").read_text() == "kept"


def test_add_makes_the_document_answerable_at_once(library: Library):
    info = library.add(Upload("notes.txt", TEXT.encode(), "Cough Assist Basics", "Our Clinic"))
    assert info.meta.id == "cough-assist-basics" and info.meta.publisher == "Our Clinic"
    manifest = tomllib.loads((library.folder / "manifest.toml").read_text())
    entry = manifest["documents"][-1]
    assert entry == {
        "id": "cough-assist-basics",
        "file": "cough-assist-basics.txt",
        "title": "Cough Assist Basics",
        "publisher": "Our Clinic",
    }
    answer = library.service.reply("what does a cough assist machine do?")
    assert any(c.doc_id == "cough-assist-basics" for c in answer.citations)
    # The same title again gets a new id and file, never an overwrite.
    again = library.add(Upload("notes.txt", TEXT.encode(), "Cough Assist Basics", "Our Clinic"))
    assert again.meta.id == "cough-assist-basics-2"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (Upload("x.pdf", b"%PDF-1.7", "T", "P"), "Only .txt or .md"),
        (Upload("x.txt", b"   ", "T", "P"), "empty"),
        (Upload("x.txt", "caf\xe9".encode("latin-1"), "T", "P"), "not UTF-8"),
        (Upload("x.txt", b"text\x00more", "T", "P"), "control characters"),
        (Upload("x.txt", b"x" * 60_000, "T", "P"), "larger than"),
        (Upload("x.txt", b"fine text", "   ", "P"), "title is empty"),
        (Upload("x.txt", b"fine text", "T", "P" * 300), "publisher is longer"),
    ],
)
def test_bad_uploads_are_refused_with_a_reason(library: Library, upload: Upload, message: str):
    before = (library.folder / "manifest.toml").read_bytes()
    with pytest.raises(DocumentError, match=message):
        library.add(upload)
    assert (library.folder / "manifest.toml").read_bytes() == before


def test_a_file_name_cannot_escape_the_corpus(library: Library):
    info = library.add(Upload("../../etc/passwd.txt", TEXT.encode(), "../../Sneaky", "P"))
    assert (library.folder / info.meta.file).resolve().parent == library.folder.resolve()


def test_a_document_that_is_all_chrome_is_rolled_back(library: Library):
    before = (library.folder / "manifest.toml").read_bytes()
    files = set(library.folder.iterdir())
    with pytest.raises(DocumentError, match="could not be added"):
        library.add(Upload("x.txt", b"Search This Site\n\nAdvertisement\n", "Chrome", "P"))
    assert (library.folder / "manifest.toml").read_bytes() == before
    assert set(library.folder.iterdir()) == files
    assert len(library.documents()) == 5


def test_remove_retires_the_document(library: Library):
    info = library.remove("nsd-als-treatment")
    assert info.meta.id == "nsd-als-treatment"
    assert "nsd-als-treatment" not in {d.meta.id for d in library.documents()}
    [retired] = (library.folder / ".retired").glob(f"*-{info.meta.file}")
    assert retired.is_file()
    with pytest.raises(DocumentError, match="no document"):
        library.remove("nsd-als-treatment")


def test_reindex(library: Library):
    opened = library.reindex()
    assert opened.status.startswith("built") and len(opened.index.documents) == 5


def test_read_upload_accepts_markdown_with_bom():
    text = read_upload(Upload("n.md", "\ufeff# Title\n\nBody.\n".encode(), "T", "P"), 1000)
    assert text.startswith("# Title")


def test_retiring_the_same_name_twice_keeps_both(library: Library):
    for version in (b"First version of the clinic notes.", b"Second version of the notes."):
        info = library.add(Upload("n.txt", b"Clinic Notes\n\n" + version, "Clinic notes", "Us"))
        library.remove(info.meta.id)
    kept = sorted(p.read_bytes() for p in (library.folder / ".retired").glob("*clinic-notes*"))
    assert len(kept) == 2


def test_written_files_follow_the_umask_not_0600(library: Library):
    import os
    import stat

    info = library.add(Upload("n.txt", b"Clinic Notes\n\nSome text here.", "Clinic notes", "Us"))
    mask = os.umask(0)
    os.umask(mask)
    for path in (library.folder / info.meta.file, library.folder / "manifest.toml"):
        assert stat.S_IMODE(path.stat().st_mode) in (0o666 & ~mask, 0o644)
