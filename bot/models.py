"""The reply every shell renders: one shape for answers, refusals, safety replies and errors.

The disclaimer lives here and only here: ``Answer.disclaimer`` cannot be set, and
``Answer.answer`` (the full text a person reads) always ends with it, so no code path can
produce a reply without it.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, computed_field

from retrieval.models import Passage

DISCLAIMER = (
    "General information from the cited sources, not medical advice. Talk to your doctor or "
    "care team about your own situation."
)


class Kind(StrEnum):
    ANSWER = "answer"
    NO_ANSWER = "no_answer"
    CRISIS = "crisis"
    EMERGENCY = "emergency"
    COMMAND = "command"
    ERROR = "error"


class Citation(BaseModel):
    model_config = ConfigDict(frozen=True)

    n: int
    doc_id: str
    title: str
    publisher: str | None = None
    date: str | None = Field(default=None, description="As the page states it, with its label.")
    quote: str = Field(description="An exact excerpt of the document (whitespace aside).")

    def label(self) -> str:
        """ "Title — Publisher, Last updated April 28, 2025" (only what the page states)."""
        facts = ", ".join(x for x in (self.publisher, self.date) if x)
        return f"{self.title} — {facts}" if facts else self.title


class Answer(BaseModel):
    """A reply. ``text`` is the body (with [n] markers); ``answer`` adds sources and disclaimer."""

    model_config = ConfigDict(frozen=True)

    kind: Kind
    text: str
    citations: list[Citation] = []
    passages: list[Passage] = []
    notes: list[str] = Field(default=[], description="Care-team notice, source disagreements.")
    query: str | None = Field(default=None, description="What was searched, follow-ups resolved.")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def disclaimer(self) -> str:
        return DISCLAIMER

    def sources_text(self) -> str:
        return "\n".join(f'[{c.n}] {c.label()}: "{c.quote}"' for c in self.citations)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def answer(self) -> str:
        """Everything the person reads, in order: body, notes, sources, disclaimer."""
        parts = [self.text, *self.notes]
        if self.citations:
            parts.append("Sources:\n" + self.sources_text())
        parts.append(self.disclaimer)
        return "\n\n".join(p for p in parts if p)

    def contract(self) -> dict:
        """The JSON contract: kind, answer, citations, passages, disclaimer (plus query)."""
        return {
            "kind": self.kind.value,
            "answer": self.answer,
            "citations": [c.model_dump() for c in self.citations],
            "passages": [p.model_dump() for p in self.passages],
            "disclaimer": self.disclaimer,
            "query": self.query,
        }
