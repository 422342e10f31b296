"""Sentence-aware chunking of cleaned blocks.

Sentences come from nltk's Punkt tokenizer with a shipped abbreviation list (no nltk_data:
untrained Punkt would split at "Dr."). A sentence is kept as an exact span of the raw file so a
quote can always be checked against the source. Two small rules make sentences read well
when quoted on their own:

* a trailing reference marker ("... better outcomes 1.") is left out of the span;
* a lead-in that ends with ":" takes the short list items that follow it ("including:
  Muscle cramps and spasms • Spasticity • ..."), since the items mean nothing alone.

Chunks pack consecutive sentences of one section up to ``max_words``; when a section needs
several chunks, each starts with the last sentence of the one before (``overlap``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from retrieval.cleaning import Block
from retrieval.models import Chunk, Sentence

# "... better outcomes 1." / "... by 2-3 months 3, 4.": a citation number after a content word.
# After a function word the number is part of the sentence ("between the ages of 40 and 70.").
_REFERENCE_MARKER = re.compile(r"(?<=[a-z)])\s+\d{1,2}(?:\s*,\s*\d{1,2})*\.?$")
_NUMBER_TAKING = re.compile(
    r"\b(?:and|or|of|to|by|than|from|at|in|on|is|are|was|were|be|about|around|under|over|"
    r"aged?|ages|stage|type|phase|grade|level|step|day|week|page|number|version|class|chapter)$",
    re.IGNORECASE,
)
#: A bullet this short with no final full stop is a list item, not a sentence.
LIST_ITEM_MAX_WORDS = 30


def _abbreviations() -> frozenset[str]:
    text = resources.files("retrieval").joinpath("data/abbreviations.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower().rstrip(".")
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


def sentence_tokenizer() -> PunktSentenceTokenizer:
    """Punkt with our abbreviation list: works without nltk_data, and is deterministic."""
    params = PunktParameters()
    params.abbrev_types = set(_abbreviations())
    return PunktSentenceTokenizer(params)


@dataclass(frozen=True, slots=True)
class ChunkingSettings:
    max_words: int = 80
    overlap: int = 1  # sentences carried into the next chunk of the same section

    def fingerprint(self) -> str:
        return f"chunking:max_words={self.max_words}:overlap={self.overlap}"


def _sentence(raw: str, start: int, end: int) -> Sentence:
    return Sentence(start, end, " ".join(raw[start:end].split()))


def _is_list_item(raw: str, block: Block) -> bool:
    text = raw[block.start : block.end].strip()
    return (
        block.kind == "bullet"
        and len(text.split()) <= LIST_ITEM_MAX_WORDS
        and not text.endswith((".", "!", "?"))
    )


def _without_stutter(raw: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of a sentence without a scraping stutter: an opening phrase of five or more
    words repeated back to back ("X is indicated ... (ALS) X is indicated ... (ALS) ...")
    is kept once, and whatever follows the repeats becomes a sentence of its own."""
    text = raw[start:end]
    for gap in re.finditer(r"\s+", text):
        head = text[: gap.start()]
        if len(head) * 2 > len(text):
            break
        if len(head.split()) < 5 or not text.startswith(head, gap.end()):
            continue
        pos = gap.end()
        while text.startswith(head, pos):
            pos += len(head)
            pos += len(text[pos:]) - len(text[pos:].lstrip())
        spans = [(start, start + len(head))]
        if text[pos:].strip():
            spans.append((start + pos, end))
        return spans
    return [(start, end)]


def split_sentences(
    raw: str, blocks: list[Block], tokenizer: PunktSentenceTokenizer
) -> list[tuple[tuple[str, ...], Sentence]]:
    """Sentences of the content blocks, each with its section, in document order."""
    out: list[tuple[tuple[str, ...], Sentence]] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        i += 1
        if block.kind == "heading":
            continue
        text = raw[block.start : block.end]
        spans = [
            piece
            for s, e in tokenizer.span_tokenize(text)
            for piece in _without_stutter(raw, block.start + s, block.start + e)
        ]
        for n, (start, end) in enumerate(spans):
            marker = _REFERENCE_MARKER.search(raw, start, end)
            if (
                marker
                and marker.start() > start
                and not _NUMBER_TAKING.search(raw, start, marker.start())
            ):
                end = marker.start()
            if block.section and raw[start:end].strip().rstrip(".:") == block.section[-1]:
                continue  # a bullet's label ("Speech therapy.") is its section, not a sentence
            last = n == len(spans) - 1
            if last and raw[start:end].rstrip().endswith(":"):
                # Gather the short list items that follow a lead-in.
                while (
                    i < len(blocks)
                    and blocks[i].section == block.section
                    and _is_list_item(raw, blocks[i])
                ):
                    end = blocks[i].end
                    i += 1
            out.append((block.section, _sentence(raw, start, end)))
    return out


def chunk_document(
    doc_id: str,
    raw: str,
    blocks: list[Block],
    tokenizer: PunktSentenceTokenizer,
    settings: ChunkingSettings,
) -> list[Chunk]:
    """Pack each section's sentences into chunks of at most ``max_words`` (one long sentence
    may exceed it), overlapping by ``overlap`` sentences within a section."""
    chunks: list[Chunk] = []
    groups: list[tuple[tuple[str, ...], list[Sentence]]] = []
    for section, sentence in split_sentences(raw, blocks, tokenizer):
        if groups and groups[-1][0] == section:
            groups[-1][1].append(sentence)
        else:
            groups.append((section, [sentence]))

    # A lead-in ("The two formal staging systems for ALS are:") whose items each carry their own
    # label would be a chunk of its own: it joins the section it introduces.
    for g in range(len(groups) - 2, -1, -1):
        lead = groups[g][1]
        if len(lead) == 1 and lead[0].text.endswith(":"):
            groups[g + 1][1].insert(0, lead[0])
            del groups[g]

    for section, sentences in groups:
        label = " › ".join(section)
        start = 0
        while start < len(sentences):
            end = start + 1
            words = len(sentences[start].text.split())
            while end < len(sentences):
                more = len(sentences[end].text.split())
                if words + more > settings.max_words:
                    break
                words += more
                end += 1
            chunks.append(
                Chunk(
                    id=f"{doc_id}#{len(chunks)}",
                    doc_id=doc_id,
                    section=label,
                    sentences=tuple(sentences[start:end]),
                )
            )
            if end >= len(sentences):
                break
            start = max(start + 1, end - settings.overlap)
    return chunks
