"""Which words of a message carry the question.

People ask the way they talk: "The neurologist mentioned a tracheostomy today and I just
nodded. What is it?", "my brother is only 38. isn't ALS something that happens to old
people??". The words of the sentence that asks count fully; the story around it, the people
in it ("my dad") and bare numbers (an age, a count of pills) count less, for ranking passages
and for judging whether the documents answer at all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from retrieval.analysis import Concept, words

#: Words about the people asking and how they feel: no document is expected to contain them.
CONTEXT_WORDS = frozenset(
    """
    husband wife mom mum mother dad father son daughter brother sister friend friends partner
    grandma grandpa grandmother grandfather grandad granddad granny nan nana aunt uncle family
    loved one wondering wonder carer caregiver
    scared afraid worried terrified confused heard read told said thinking think realistically
    honestly basically anyway yes yeah please thanks night day today now
    mentioned mention mentions explain explained
    """.split()
)

#: Words that point back at something said before: in "thinking of stopping riluzole. how long
#: are you meant to stay on it?" the question is about riluzole, named outside it.
PRONOUNS = frozenset("it its itself this that these those they them their theirs same one".split())

#: The people and places of care, as they appear in a story ("the neuro just put me on
#: baclofen", "the consultant mentioned staging at clinic"): they count a little, since a
#: question may be about them ("what does a neurologist do?").
CARE_WORDS = frozenset(
    """
    neuro neurologist neurologists consultant consultants doctor doctors dr gp nurse nurses
    clinic clinics hospital hospitals appointment appointments specialist specialists
    """.split()
)

#: Hedges: "how long do people usually live?" asks how long, not what is usual; they count
#: like an everyday word, however rare they are in English.
HEDGE_WORDS = frozenset("usually usual normally typically typical generally".split())

_SENTENCES = re.compile(r"(?<=[.?!])\s+|\n+")
_ASKING = re.compile(
    r"^\s*(?:what|how|why|when|where|which|who|whats|is|are|can|could|should|does|do|did|will"
    r"|would|has|have|any|anything|tell me)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class FocusSettings:
    """How much words outside the question count (chosen with ``alsbot eval``)."""

    story: float = 0.3  # words only in the sentences that don't ask, in a longer message
    number: float = 0.3  # a bare number ("38", "8 different meds")
    context: float = 0.0  # people and feelings ("my dad", "scared")
    care: float = 0.3  # the people and places of care ("the neuro", "at clinic")
    hedge: float = 0.5  # "usually", "normally"


# How to say it, not what to say: "in plain words", "in simple terms", "in layman's terms".
_STYLE = re.compile(
    r"\bin\s+(?:plain|simple|simpler|lay|laymans?|layman's|everyday|easy|normal)\s+"
    r"(?:terms|words|english|language)\b",
    re.IGNORECASE,
)

# "All this" points at the whole situation, not at a thing named in the story ("all these"
# and "all that" still may: "He's on riluzole and edaravone. Are all these safe together?").
_SITUATION = re.compile(r"\ball (?:of )?this\b", re.IGNORECASE)


def _asking(message: str) -> tuple[list[str], int]:
    """The sentences of ``message`` that ask, and how many sentences it has."""
    parts = [p for p in _SENTENCES.split(message) if p.strip()]
    return [p for p in parts if p.rstrip().endswith("?") or _ASKING.match(p)], len(parts)


def question_words(message: str) -> set[str] | None:
    """Words of the sentences that ask, when a message also has sentences that don't."""
    asking, total = _asking(message)
    if not asking or len(asking) == total:
        return None
    return {w for p in asking for w in words(p)}


def _refers_back(message: str) -> bool:
    """Whether the asking sentences point back at something the story named."""
    asking, _ = _asking(message)
    return bool(set(words(_SITUATION.sub(" ", " ".join(asking)))) & PRONOUNS)


def focus(
    concepts: Sequence[Concept],
    message: str,
    settings: FocusSettings | None = None,
    names: frozenset[str] = frozenset(),
) -> tuple[Concept, ...]:
    """``concepts`` reweighted by where and how ``message`` says them.

    Concepts the message does not say (words a follow-up carried over from earlier turns)
    keep their weight. When every concept is context, none is discounted for it: "my dad"
    alone is still what was asked. When the question points back ("stay on it?"), the story's
    ``names`` (glossary words: medicines, therapies, devices) are what it points at, and keep
    their weight.
    """
    settings = settings or FocusSettings()
    asked = question_words(message)
    refers_back = asked is not None and _refers_back(message)
    said = set(words(message))
    style = {w for m in _STYLE.finditer(message) for w in words(m.group())}
    only_context = all(set(c.words) <= CONTEXT_WORDS for c in concepts)
    only_care = all(set(c.words) <= CONTEXT_WORDS | CARE_WORDS for c in concepts)
    out = []
    for concept in concepts:
        factor = 1.0
        mine = set(concept.words)
        if mine <= CONTEXT_WORDS and not only_context:
            factor = settings.context
        elif mine and mine <= style:
            factor = 0.0
        elif concept.words and all(w.isdigit() for w in concept.words):
            factor = settings.number
        elif mine <= CARE_WORDS and not only_care:
            factor = settings.care
        elif mine and mine <= HEDGE_WORDS:
            factor = settings.hedge
        story = asked is not None and mine & said and not mine & asked
        if story and not (refers_back and mine & names):
            factor *= settings.story
        if factor != 1.0:
            concept = replace(concept, weight=concept.weight * factor)
        if concept.weight > 0:
            out.append(concept)
    return tuple(out)


_WH = frozenset("what whats how why when where which who".split())
_HOW = frozenset("much many long often soon far old".split())


def asks(text: str) -> str:
    """What kind of thing the question asks for: "how much", "where", "which", ... (read in
    the sentences that ask: "I didn't realise how much would change. Do we need ramps?" asks
    yes or no)."""
    asking, _ = _asking(text)
    tokens = words(" ".join(asking) or text)
    for n, word in enumerate(tokens):
        if word in _WH:
            if word == "how" and n + 1 < len(tokens) and tokens[n + 1] in _HOW:
                return f"how {tokens[n + 1]}"
            return "what" if word == "whats" else word
    return "yes/no"
