"""Load and validate a corpus folder.

A corpus is a folder holding either ``manifest.toml`` (which lists each document with the
metadata the page itself states) or, without a manifest, any ``.txt``/``.md`` files (a file's
id is its name and its title its first line). Every problem is a :class:`CorpusError` whose
message names the file at fault.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from retrieval.models import DocumentMeta

MANIFEST = "manifest.toml"
DOCUMENT_SUFFIXES = (".txt", ".md")
TITLE_MAX_CHARS = 90


class CorpusError(Exception):
    """A corpus that cannot be used; the message names the file and what is wrong."""


@dataclass(frozen=True, slots=True)
class Document:
    meta: DocumentMeta
    path: Path
    raw: str

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def title(self) -> str:
        """The page's stated title, else its first line (shortened on a word boundary)."""
        return self.meta.title or first_line_title(self.raw)


@dataclass(frozen=True, slots=True)
class Corpus:
    root: Path
    documents: tuple[Document, ...]
    manifest: Path | None

    def files(self) -> list[Path]:
        """Every file whose content defines the corpus (for fingerprints)."""
        paths = [d.path for d in self.documents]
        return [self.manifest, *paths] if self.manifest else paths

    def get(self, doc_id: str) -> Document | None:
        return next((d for d in self.documents if d.id == doc_id), None)


def first_line_title(raw: str) -> str:
    for line in raw.splitlines():
        text = " ".join(line.lstrip("#").split())
        if text:
            if len(text) <= TITLE_MAX_CHARS:
                return text
            cut = text[:TITLE_MAX_CHARS].rsplit(" ", 1)[0].rstrip(",;:-")
            return cut + "…"
    return ""


def read_text(path: Path) -> str:
    """Read a document as UTF-8 text, refusing empty, binary and non-UTF-8 files."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"{path}: is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8"
        ) from exc
    if "\x00" in text:
        raise CorpusError(f"{path}: looks like a binary file, not text")
    if not text.strip():
        raise CorpusError(f"{path}: is empty")
    return text


def slug(name: str) -> str:
    """A document id from a file name: lowercase, letters, digits and dashes."""
    value = re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-._")
    return value[:80] or "document"


def _format_validation(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(x) for x in err["loc"]) or "entry"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


def _read_manifest(root: Path, manifest: Path) -> list[DocumentMeta]:
    try:
        data = tomllib.loads(read_text(manifest))
    except tomllib.TOMLDecodeError as exc:
        raise CorpusError(f"{manifest}: is not valid TOML ({exc})") from exc
    entries = data.get("documents")
    if not isinstance(entries, list) or not entries:
        raise CorpusError(f"{manifest}: has no [[documents]] entries")
    metas: list[DocumentMeta] = []
    for n, entry in enumerate(entries, start=1):
        try:
            metas.append(DocumentMeta.model_validate(entry))
        except ValidationError as exc:
            name = entry.get("id") if isinstance(entry, dict) else None
            label = f"document {n}" + (f" ({name})" if name else "")
            raise CorpusError(f"{manifest}: {label}: {_format_validation(exc)}") from exc
    return metas


def _check_unique(metas: list[DocumentMeta], where: Path) -> None:
    seen_ids: dict[str, str] = {}
    seen_files: set[str] = set()
    for meta in metas:
        if meta.id in seen_ids:
            raise CorpusError(
                f"{where}: duplicate document id {meta.id!r} "
                f"(files {seen_ids[meta.id]} and {meta.file})"
            )
        if meta.file in seen_files:
            raise CorpusError(f"{where}: file {meta.file} is listed twice")
        seen_ids[meta.id] = meta.file
        seen_files.add(meta.file)


def load_corpus(root: Path | str) -> Corpus:
    """Read and validate the corpus in ``root``; raise :class:`CorpusError` on any problem."""
    root = Path(root).expanduser()
    if not root.exists():
        raise CorpusError(f"{root}: no such corpus folder")
    if not root.is_dir():
        raise CorpusError(f"{root}: is not a folder")
    manifest = root / MANIFEST
    if manifest.is_file():
        metas = _read_manifest(root, manifest)
        _check_unique(metas, manifest)
        docs = []
        for meta in metas:
            path = root / meta.file
            if not path.is_file():
                raise CorpusError(
                    f"{path}: listed in {MANIFEST} as {meta.id!r} but the file is missing"
                )
            docs.append(Document(meta, path, read_text(path)))
        return Corpus(root, tuple(docs), manifest)

    files = sorted(
        p
        for p in root.iterdir()
        if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES and not p.name.startswith(".")
    )
    if not files:
        raise CorpusError(f"{root}: has no .txt or .md documents (and no {MANIFEST})")
    metas = [DocumentMeta(id=slug(p.stem), file=p.name) for p in files]
    _check_unique(metas, root)
    return Corpus(
        root,
        tuple(Document(m, p, read_text(p)) for m, p in zip(metas, files, strict=True)),
        None,
    )
