"""The corpus a running bot serves, and the moderators' changes to it.

Adding or removing a document writes the file and ``manifest.toml`` atomically, builds the
new index, and only then swaps it into the AnswerService, so questions keep being answered
during the change and a bad document never replaces a good index (the change is rolled back
and the error reported).
"""

from __future__ import annotations

import os
import shutil
import threading
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import tomli_w

from bot.answer import AnswerService
from bot.examples import open_retriever
from corpus import BUNDLED_CORPUS
from retrieval.documents import DOCUMENT_SUFFIXES, MANIFEST, CorpusError, load_corpus, slug
from retrieval.files import atomic_write
from retrieval.index import OpenedIndex
from retrieval.models import DocumentInfo

MAX_LABEL_CHARS = 200


class DocumentError(Exception):
    """An upload or change that cannot be made; the message is safe to show a moderator."""


@dataclass(frozen=True, slots=True)
class Upload:
    filename: str
    data: bytes
    title: str
    publisher: str


def seed_corpus(folder: Path) -> None:
    """Give a new installation its own copy of the bundled corpus to manage."""
    if folder.exists() and any(folder.iterdir()):
        return
    folder.mkdir(parents=True, exist_ok=True)
    for item in BUNDLED_CORPUS.iterdir():
        if item.suffix in (".toml", ".txt", ".md"):
            shutil.copy2(item, folder / item.name)


def _label(value: str, what: str) -> str:
    text = " ".join(value.split())
    if not text:
        raise DocumentError(f"The {what} is empty.")
    if len(text) > MAX_LABEL_CHARS:
        raise DocumentError(f"The {what} is longer than {MAX_LABEL_CHARS} characters.")
    return text


def read_upload(upload: Upload, max_bytes: int) -> str:
    """The upload's text, or a DocumentError saying why it is refused."""
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in DOCUMENT_SUFFIXES:
        raise DocumentError("Only .txt or .md files can be added.")
    if not upload.data.strip():
        raise DocumentError("The file is empty.")
    if len(upload.data) > max_bytes:
        raise DocumentError(f"The file is larger than {max_bytes // 1000:,} kB.")
    try:
        text = upload.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"The file is not UTF-8 text (byte {exc.start}).") from exc
    if any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text):
        raise DocumentError("The file contains control characters; only plain text is allowed.")
    return text


class Library:
    """The managed corpus folder and the service's index over it."""

    def __init__(
        self, folder: Path, cache_dir: Path | None, service: AnswerService, max_bytes: int
    ) -> None:
        self.folder = folder
        self.cache_dir = cache_dir
        self.service = service
        self.max_bytes = max_bytes
        self._lock = threading.Lock()

    def documents(self) -> list[DocumentInfo]:
        return list(self.service.retriever.index.documents.values())

    # ------------------------------------------------------------------ manifest

    def _entries(self) -> list[dict]:
        manifest = self.folder / MANIFEST
        if manifest.is_file():
            return list(tomllib.loads(manifest.read_text("utf-8")).get("documents", []))
        # A plain folder gets a manifest describing what it already has.
        corpus = load_corpus(self.folder)
        return [{"id": d.id, "file": d.path.name} for d in corpus.documents]

    def _write_entries(self, entries: list[dict]) -> None:
        text = "# Managed by alsbot: moderators add and remove documents with /mod documents.\n"
        text += tomli_w.dumps({"documents": entries})
        atomic_write(self.folder / MANIFEST, text.encode())

    def _swap(self, force: bool = False) -> OpenedIndex:
        retriever, opened = open_retriever(self.folder, self.cache_dir, force=force)
        self.service.retriever = retriever  # one assignment: readers see old or new
        return opened

    # ------------------------------------------------------------------ changes

    def add(self, upload: Upload) -> DocumentInfo:
        text = read_upload(upload, self.max_bytes)
        title = _label(upload.title, "title")
        publisher = _label(upload.publisher, "publisher")
        with self._lock:
            manifest = self.folder / MANIFEST
            before = manifest.read_bytes() if manifest.is_file() else None
            entries = self._entries()
            ids = {e["id"] for e in entries}
            files = {e["file"] for e in entries} | {p.name for p in self.folder.iterdir()}
            base = slug(title)[:60] or "document"
            doc_id, n = base, 2
            while doc_id in ids:
                doc_id, n = f"{base}-{n}", n + 1
            suffix = Path(upload.filename).suffix.lower()
            filename, n = f"{doc_id}{suffix}", 2
            while filename in files:
                filename, n = f"{doc_id}-{n}{suffix}", n + 1
            path = self.folder / filename
            atomic_write(path, text.encode("utf-8"))
            entries.append({"id": doc_id, "file": filename, "title": title, "publisher": publisher})
            try:
                self._write_entries(entries)
                self._swap()
            except (CorpusError, OSError) as exc:
                path.unlink(missing_ok=True)
                if before is None:
                    manifest.unlink(missing_ok=True)
                else:
                    atomic_write(manifest, before)
                raise DocumentError(f"The document could not be added: {exc}") from exc
            return self.service.retriever.index.documents[doc_id]

    def remove(self, doc_id: str) -> DocumentInfo:
        with self._lock:
            manifest = self.folder / MANIFEST
            before = manifest.read_bytes() if manifest.is_file() else None
            entries = self._entries()
            entry = next((e for e in entries if e["id"] == doc_id), None)
            if entry is None:
                raise DocumentError(f"There is no document with id {doc_id!r}.")
            if len(entries) == 1:
                raise DocumentError("That is the last document; add another one first.")
            info = self.service.retriever.index.documents[doc_id]
            self._write_entries([e for e in entries if e["id"] != doc_id])
            try:
                self._swap()
            except (CorpusError, OSError) as exc:
                if before is not None:
                    atomic_write(manifest, before)
                raise DocumentError(f"The document could not be removed: {exc}") from exc
            # Keep the file beside the corpus, retired rather than lost (never overwritten).
            retired = self.folder / ".retired"
            retired.mkdir(exist_ok=True)
            source = self.folder / entry["file"]
            if source.is_file():
                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
                target, n = retired / f"{stamp}-{entry['file']}", 2
                while target.exists():
                    target, n = retired / f"{stamp}-{n}-{entry['file']}", n + 1
                os.replace(source, target)
            return info

    def reindex(self) -> OpenedIndex:
        with self._lock:
            try:
                return self._swap(force=True)
            except CorpusError as exc:
                raise DocumentError(f"The corpus could not be indexed: {exc}") from exc
