"""Separate a saved web page's content from its page chrome, line by line.

The rules are general (they describe kinds of chrome, not our five pages) and every one of them
is a named, testable pattern:

* ``DROP_LINE``: a whole line that is chrome (site search, ad lines, personalisation prompts,
  review-status widgets, navigation, bylines, date stamps, site disclaimers);
* ``CUT_FROM``: a heading after which the rest of the page is chrome (reference lists,
  "Featured Content" teasers, "Article sources", the publisher's legal disclaimer);
* a numbered list whose items look like citations is a reference list;
* an image credit ("Name / Getty Images") is dropped with the caption line just above it;
* a paragraph repeated word for word later in the page (a teaser and its body) is kept once.

A document may add its own exact ``drop_lines`` in the manifest. What survives is returned as
blocks (headings, paragraphs, bullets) with exact character offsets into the raw file, so
every sentence quoted later can be checked against the file itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)

# Whole lines that are chrome. Matched case-insensitively against the stripped line.
DROP_LINE: dict[str, str] = {
    "site search": r"search(?: this site)?",
    "advertising": r"(?:advertisement|advertising|sponsored(?: content)?"
    r"|inquire here about advertising.*)",
    "navigation": r"(?:done with the .{1,80} page\?|return to (?:the )?.{1,80}"
    r"|skip to (?:main )?content|back to top|table of contents|share|print|email)",
    "personalisation": r"(?:personalize|personalise|help us tailor your experience"
    r"|which best describes you\?.*)",
    "review widget": r"(?:medical advisory board.*|educational purpose only.*|article review status"
    r"|submitted|under review|approved|pending review|view editorial policy)",
    "date stamp": r"(?:(?:last )?(?:updated|published|posted|reviewed)(?: on)?:? .{0,60}"
    r"|(?:medically |fact[- ]checked |clinically )?reviewed (?:in|by|on) .{0,60}"
    rf"|{_MONTH} (?:\d{{1,2}}, )?\d{{4}})",
    "byline": r"(?:[Ww]ritten |[Rr]eviewed )?[Bb]y [A-Z][\w.'-]+(?: [A-Z][\w.'-]+){1,3}"
    r"(?:, [A-Z]{2,5})*",
    "site disclaimer": r"(?:important note|disclaimer|note):.*\bnot (?:intended|a substitute)\b.*",
}

# A line (a heading) from which the rest of the page is chrome.
CUT_FROM: dict[str, str] = {
    "reference list": r"(?:references|sources|\d+ sources|article sources.*|bibliography"
    r"|citations)",
    "teasers": r"(?:featured content|related (?:articles|content|reading)|read (?:this )?next"
    r"|you may also like|more (?:from|on) .{1,60})",
    "publisher disclaimer": r"(?:professional medical disclaimer|have a follow-up question\?)",
}

_BYLINE = "byline"  # the only case-sensitive rule: "By Aubrey Bailey" vs "by mouth"
_CREDIT = re.compile(
    r"^.{1,80} / (?:getty images|istock|shutterstock|stocksy|adobe stock|alamy)(?: plus)?$", re.I
)
_CITATION_CUE = re.compile(
    r"\baccessed\b|\bdoi\b|\bet al\b|\b(?:19|20)\d{2}\s*;|\bretrieved\b", re.I
)
_NUMBERED = re.compile(r"^\s*\d{1,3}\.\s+")
_BULLET = re.compile(r"^(\s*)(?:[•·▪◦‣*\-–]|\d{1,3}[.)])\s+")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+")
_LABEL = re.compile(r"^([A-Z][^.:—?!]{1,60}?)(?:\s+[—–]\s+|:\s+|\.\s+)")
_SENTENCE_END = re.compile(r"[.,;:!]$")


def _compile(rules: dict[str, str], name_case: str | None = None) -> dict[str, re.Pattern[str]]:
    return {
        name: re.compile(rf"^{pattern}$", 0 if name == name_case else re.IGNORECASE)
        for name, pattern in rules.items()
    }


_DROP = _compile(DROP_LINE, name_case=_BYLINE)
_CUT = _compile(CUT_FROM)

#: Bumped whenever a rule changes, so saved indexes are rebuilt (part of the index fingerprint).
RULES_VERSION = "cleaning-3"


@dataclass(frozen=True, slots=True)
class Block:
    """A run of kept text: its kind, exact offsets in the raw file and its section context."""

    kind: Literal["heading", "para", "bullet"]
    start: int
    end: int
    section: tuple[str, ...]

    def text(self, raw: str) -> str:
        return " ".join(raw[self.start : self.end].split())


@dataclass(frozen=True, slots=True)
class _Line:
    start: int  # offset of the first non-space character
    end: int  # offset after the last non-space character
    indent: int
    text: str  # stripped


def _lines(raw: str) -> list[_Line]:
    out: list[_Line] = []
    offset = 0
    for line in raw.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        stripped = body.strip()
        lead = len(body) - len(body.lstrip())
        out.append(_Line(offset + lead, offset + lead + len(stripped), lead, stripped))
        offset += len(line)
    return out


def chrome_rule(line: str) -> tuple[Literal["cut", "drop", "credit"], str] | None:
    """Which rule marks this single line as chrome: ("cut" | "drop" | "credit", rule name).

    "cut" means the rest of the page from this line is chrome; None means the line is content.
    """
    text = " ".join(line.split())
    if not text:
        return None
    for name, pattern in _CUT.items():
        if pattern.match(text):
            return ("cut", name)
    for name, pattern in _DROP.items():
        if pattern.match(text):
            return ("drop", name)
    if _CREDIT.match(text):
        return ("credit", "image credit")
    return None


def _is_heading(line: _Line) -> bool:
    if _MD_HEADING.match(line.text):
        return True
    words = line.text.split()
    if not words or len(line.text) > 100 or _BULLET.match(line.text):
        return False
    if line.text.endswith("?"):
        return len(words) <= 15
    return len(words) <= 10 and not _SENTENCE_END.search(line.text) and line.text[0].isupper()


def _drop_reference_lists(lines: list[_Line], keep: list[bool]) -> None:
    """Drop runs of two or more numbered lines that read like citations."""
    i = 0
    while i < len(lines):
        if not (keep[i] and _NUMBERED.match(lines[i].text)):
            i += 1
            continue
        j = i
        run: list[int] = []
        while j < len(lines) and (not lines[j].text or _NUMBERED.match(lines[j].text)):
            if lines[j].text:
                run.append(j)
            j += 1
        cues = sum(1 for k in run if _CITATION_CUE.search(lines[k].text))
        if len(run) >= 2 and cues * 2 >= len(run):
            for k in run:
                keep[k] = False
        i = j


def _keep_mask(lines: list[_Line], drop_exact: Iterable[str]) -> list[bool]:
    exact = {" ".join(x.split()) for x in drop_exact}
    keep = [True] * len(lines)
    previous: int | None = None
    for i, line in enumerate(lines):
        if not line.text:
            continue
        rule = (
            ("drop", "manifest") if " ".join(line.text.split()) in exact else chrome_rule(line.text)
        )
        if rule and rule[0] == "cut":
            keep[i:] = [False] * (len(lines) - i)
            break
        if rule:
            keep[i] = False
        # The caption sits just above its credit line.
        if rule and rule[0] == "credit" and previous is not None:
            keep[previous] = keep[previous] and len(lines[previous].text.split()) > 25
        previous = i
    _drop_reference_lists(lines, keep)
    return keep


def clean(raw: str, drop_lines: Iterable[str] = ()) -> list[Block]:
    """Split a raw page into content blocks, dropping page chrome.

    Headings become section context for what follows them. A bullet that opens with a short
    label ("Breathing care. ...", "Rilutek (riluzole): ...") adds that label to the section of
    the bullet and of its indented continuation paragraphs.
    """
    lines = _lines(raw)
    keep = _keep_mask(lines, drop_lines)
    blocks: list[Block] = []
    seen_paragraphs: set[str] = set()
    heading = ""
    label = ""
    label_indent = -1
    para: list[_Line] = []

    def flush() -> None:
        if not para:
            return
        text = " ".join(" ".join(x.text for x in para).split())
        if text.lower() not in seen_paragraphs:
            seen_paragraphs.add(text.lower())
            blocks.append(Block("para", para[0].start, para[-1].end, _section(heading, label)))
        para.clear()

    for line, kept in zip(lines, keep, strict=True):
        if not line.text or not kept:
            flush()
            continue
        bullet = _BULLET.match(line.text)
        if label and (bullet or line.indent <= label_indent):
            label = ""  # a label covers its bullet and the indented paragraphs under it
        if bullet:
            flush()
            start = line.start + bullet.end() - len(bullet.group(1))
            content = raw[start : line.end]
            if content.endswith("?") and len(content.split()) <= 15:
                heading, label = content, ""  # an FAQ question heads its answer
                blocks.append(Block("heading", start, line.end, (content,)))
                continue
            match = _LABEL.match(content)
            if match and len(match.group(1).split()) <= 5:
                label, label_indent = match.group(1).strip(), line.indent
            blocks.append(Block("bullet", start, line.end, _section(heading, label)))
        elif _is_heading(line):
            flush()
            md = _MD_HEADING.match(line.text)
            start = line.start + (md.end() if md else 0)
            heading, label = raw[start : line.end].strip(), ""
            blocks.append(Block("heading", start, line.end, (heading,)))
        else:
            if para and para[-1].indent != line.indent:
                flush()
            para.append(line)
    flush()
    return blocks


def _section(heading: str, label: str) -> tuple[str, ...]:
    return tuple(part for part in (heading, label) if part)
