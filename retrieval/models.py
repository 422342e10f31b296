"""Data shapes shared by the retrieval pipeline.

Manifest entries and passages are pydantic models (they cross a boundary: a TOML file, JSON
output). Chunks and sentences are plain frozen dataclasses: there are many of them, they are
built by our own code, and they are stored in the index file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")
_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%B %Y", "%b %Y", "%Y-%m-%d", "%Y-%m", "%Y")


def parse_stated_date(text: str) -> tuple[int, int, int] | None:
    """Turn a date as a page states it ("May 12, 2017", "January 2022") into a sortable tuple.

    Missing month or day count as 0, so a bare year sorts before any date within it.
    """
    cleaned = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
        month = parsed.month if "%m" in fmt or "%B" in fmt or "%b" in fmt else 0
        day = parsed.day if "%d" in fmt else 0
        return (parsed.year, month, day)
    return None


class DocumentMeta(BaseModel):
    """One manifest entry. Only what the page itself states; absent fields stay None."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    file: str
    title: str | None = None
    publisher: str | None = None
    author: str | None = None
    date: str | None = Field(default=None, description="The date exactly as the page shows it.")
    date_label: str | None = Field(default=None, description='e.g. "Last updated".')
    drop_lines: tuple[str, ...] = Field(
        default=(), description="Extra page-chrome lines to drop, exactly as they appear."
    )

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not _ID_RE.match(value):
            raise ValueError(
                "id must be lowercase letters, digits, '.', '_' or '-' (at most 80 characters)"
            )
        return value

    @field_validator("file")
    @classmethod
    def _check_file(cls, value: str) -> str:
        if "/" in value or "\\" in value or value.startswith(".") or not value:
            raise ValueError("file must be a plain file name inside the corpus folder")
        if not value.lower().endswith((".txt", ".md")):
            raise ValueError("file must be a .txt or .md file")
        return value

    @field_validator("date")
    @classmethod
    def _check_date(cls, value: str | None) -> str | None:
        if value is not None and parse_stated_date(value) is None:
            raise ValueError(f"date {value!r} is not a date such as 'May 12, 2017' or '2017-05-12'")
        return value

    @property
    def dated(self) -> str | None:
        """The date for display, with the page's own label: "Last updated April 28, 2025"."""
        if not self.date:
            return None
        return f"{self.date_label} {self.date}" if self.date_label else self.date


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence (or a list lead-in with its short items) as an exact span of the raw file."""

    start: int
    end: int
    text: str  # raw[start:end] with runs of whitespace collapsed to one space


@dataclass(frozen=True, slots=True)
class Chunk:
    """A passage: consecutive sentences of one section of one document."""

    id: str
    doc_id: str
    section: str
    sentences: tuple[Sentence, ...]

    @property
    def start(self) -> int:
        return self.sentences[0].start

    @property
    def end(self) -> int:
        return self.sentences[-1].end

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)

    @property
    def words(self) -> int:
        return len(self.text.split())


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """What the index keeps about a document: its metadata and display title."""

    meta: DocumentMeta
    title: str
    chunk_count: int = 0


class Passage(BaseModel):
    """A ranked search result (the JSON contract: rank, score, doc_id, title, chunk_id, text)."""

    rank: int
    score: float
    doc_id: str
    title: str
    chunk_id: str
    text: str
    section: str = ""
