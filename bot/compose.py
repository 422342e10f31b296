"""Extractive answers: the few sentences of the top passages that best answer the question.

Every sentence of the answer is a sentence of a document, quoted exactly, and carries its
citation. A sentence that leans on the one before it ("It does not cure the disease") brings
that one along. When two documents say the same thing, it is said once and both are cited.
When documents give different numbers for the same thing ("Two medications are approved" /
"These three medications have been approved"), both are shown with a note and their dates.
A "what is X?" question also weighs the pages' own definitions of X ("X is a ..."), wherever
they are, however much the question says around X.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace

from retrieval.analysis import AnalyzedQuery, Analyzer
from retrieval.evaluation import normalize
from retrieval.index import SearchIndex
from retrieval.models import Sentence
from retrieval.search import Hit, coverage


@dataclass(frozen=True, slots=True)
class ComposeSettings:
    max_sentences: int = 4
    max_chars: int = 1200
    relative_floor: float = 0.5  # keep sentences scoring at least this share of the best
    min_coverage: float = 0.15  # and covering at least this share of the question
    same_thing: float = 0.6  # weighted overlap above which two sentences say the same thing
    max_cites_per_sentence: int = 3
    passage_weight: float = 0.5  # how much the passage's BM25 score counts in a sentence's
    idf_power: float = 0.0  # how much rarer words of the question count in choosing sentences
    context: bool = True  # a sentence leaning on the one before is judged with it
    definition: float = 1.5  # "what is X?": a sentence that defines X ("X is a ...") counts more
    hint: float = 0.5  # a sentence answering a similar example question counts up to 1+hint times
    definitions: bool = True  # "what is X?": sentences defining X anywhere are candidates too


@dataclass(frozen=True, slots=True)
class Candidate:
    hit_rank: int
    hit: Hit
    position: int  # sentence number within the chunk
    sentence: Sentence
    terms: frozenset[str]  # the sentence's terms and its section's
    own: frozenset[str]  # the sentence's terms alone
    coverage: float
    score: float
    defines: bool = False  # defines what a "what is X?" question asks about

    @property
    def key(self) -> tuple[str, int]:
        return (self.hit.chunk.doc_id, self.sentence.start)


@dataclass
class Statement:
    """One sentence of the answer and every (document, quote) that supports it."""

    lead: Candidate
    support: list[Candidate] = field(default_factory=list)

    @property
    def all(self) -> list[Candidate]:
        return [self.lead, *self.support]


@dataclass
class Composition:
    statements: list[Statement]
    confidence: float  # how much of the question the best passage covers (0..1)
    conflicts: list[tuple[Candidate, Candidate]]


_LEANS_BACK = re.compile(
    r"^(?:it|its|it's|this|that|these|those|they|their|however|but|therefore|also|so|such)\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10,
}  # fmt: skip
_QUANTITY = re.compile(
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+(?:[\w-]+\s+)?"
    r"(medications|medicines|drugs|treatments|therapies)\b",
    re.IGNORECASE,
)


# "what is X?", "what's X?" (one word: "what's the dose" is not), "what does X mean?"
_DEFINITION_QUESTION = re.compile(
    r"\b(?:what|whats)\s+(?:even\s+|exactly\s+|actually\s+)?(?:is|are|was)\b"
    r"|^\W*what'?s\s+(?!the\b|a\b|an\b)\w+\W*$"
    r"|\bwhat\s+(?:does|do)\s+[\w ]{1,30}\bmean\b"
    r"|\bexplain\b|\bmeaning of\b",
    re.IGNORECASE,
)
_DEFINES = re.compile(r"\b(?:is|are) (?:a|an|the|one)\b|\brefers to\b|\bmeans\b")


def _defined(analyzer: Analyzer, query: AnalyzedQuery, sentence: Sentence) -> bool:
    """Whether ``sentence`` opens by defining something the question asks about:
    "Glutamate is an amino acid ...", "Amyotrophic lateral sclerosis (ALS) is a rare ..."."""
    verb = _DEFINES.search(sentence.text)
    if verb is None or len(sentence.text[: verb.start()].split()) > 8:
        return False
    subject = set(analyzer.analyze(sentence.text[: verb.start()]))
    return any(
        concept.weight >= 0.5 and any(set(alt) <= subject for alt in concept.alternatives)
        for concept in query.concepts
    )


def _defining_positions(index: SearchIndex, analyzer: Analyzer, query: AnalyzedQuery) -> list[int]:
    """The chunks anywhere in the index holding a sentence that defines something a "what is
    X?" question asks about: however the question is worded around X ("what is als exactly?
    i only know about the ice bucket thing"), the page's own definition is a candidate."""
    found: list[int] = []
    for position, chunk in enumerate(index.chunks):
        if any(_defined(analyzer, query, sentence) for sentence in chunk.sentences):
            found.append(position)
    return found


def hinted(sentence: str, hints: tuple[tuple[str, float], ...]) -> float:
    """How well the best example question whose quote is this sentence, part of it, or holds
    it, matches the question (0 when none does; at most 1)."""
    text = normalize(sentence).lower()
    strengths = [
        strength
        for quote, strength in hints
        if (q := normalize(quote).lower()) and (q in text or text in q)
    ]
    return min(1.0, max(strengths, default=0.0))


def _candidates(
    index: SearchIndex,
    query: AnalyzedQuery,
    hits: list[Hit],
    settings: ComposeSettings,
    analyzer: Analyzer | None = None,
) -> list[Candidate]:
    """Every sentence of the hits, scored by how much of the question it covers (with its
    section as context), discounted for very long sentences and for weaker passages."""
    seen: set[tuple[str, int]] = set()
    out: list[Candidate] = []
    top = max((h.score for h in hits), default=0.0) or 1.0
    defining = analyzer is not None and bool(_DEFINITION_QUESTION.search(query.text))
    for rank, hit in enumerate(hits):
        passage = 1.0 - settings.passage_weight + settings.passage_weight * hit.score / top
        section = frozenset(index.terms[hit.position].section)
        previous: frozenset[str] = frozenset()
        for n, (sentence, own) in enumerate(
            zip(hit.chunk.sentences, index.terms[hit.position].sentences, strict=True)
        ):
            key = (hit.chunk.doc_id, sentence.start)
            terms = section | frozenset(own)
            judged = terms
            if settings.context and _LEANS_BACK.match(sentence.text):
                judged = terms | previous
            previous = frozenset(own)
            if key in seen:
                continue  # chunks overlap by a sentence
            seen.add(key)
            cov = coverage(index, query.concepts, judged, settings.idf_power)
            words = len(sentence.text.split())
            length = 1.0 / (1.0 + max(0, words - 40) / 80)  # very long sentences cover by chance
            score = cov * length * passage
            defines = defining and analyzer is not None and _defined(analyzer, query, sentence)
            if defines:
                score *= settings.definition
            score *= 1.0 + settings.hint * hinted(sentence.text, hit.hints)
            out.append(
                Candidate(rank, hit, n, sentence, terms, frozenset(own), cov, score, defines)
            )
    return out


def _overlap(index: SearchIndex, a: frozenset[str], b: frozenset[str]) -> float:
    union = a | b
    if not union:
        return 0.0
    return sum(index.weight(t) for t in a & b) / sum(index.weight(t) for t in union)


def _quantities(text: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for number, noun in _QUANTITY.findall(text):
        value = int(number) if number.isdigit() else _NUMBER_WORDS[number.lower()]
        found[noun.lower().rstrip("s")] = value
    return found


def _disagree(index: SearchIndex, a: Candidate, b: Candidate) -> bool:
    """Different documents giving different counts of the same thing in the same context."""
    if a.hit.chunk.doc_id == b.hit.chunk.doc_id:
        return False
    qa, qb = _quantities(a.sentence.text), _quantities(b.sentence.text)
    if not any(noun in qb and qa[noun] != qb[noun] for noun in qa):
        return False
    shared = [t for t in a.own & b.own if index.weight(t) >= 1.0]
    return len(shared) >= 2


def compose(
    index: SearchIndex,
    query: AnalyzedQuery,
    hits: list[Hit],
    settings: ComposeSettings | None = None,
    analyzer: Analyzer | None = None,
    told: frozenset[tuple[str, str]] = frozenset(),
    avoid: frozenset[str] = frozenset(),
) -> Composition:
    """The answer's statements. With the ``analyzer``, a "what is X?" question prefers the
    sentences that define X. ``told`` (document, sentence) already given and sentences with
    a term of ``avoid`` are left out ("and the other one?"), also as what a sentence leans on.
    """
    settings = settings or ComposeSettings()
    if analyzer is not None and settings.definitions and _DEFINITION_QUESTION.search(query.text):
        have = {h.position for h in hits}
        weakest = min((h.score for h in hits), default=0.0)
        hits = hits + [
            Hit(index.chunks[p], index.documents[index.chunks[p].doc_id], weakest, p)
            for p in _defining_positions(index, analyzer, query)
            if p not in have
        ]

    def excluded(c: Candidate) -> bool:
        return (c.hit.chunk.doc_id, normalize(c.sentence.text)) in told or not avoid.isdisjoint(
            c.own
        )

    candidates = [c for c in _candidates(index, query, hits, settings, analyzer) if not excluded(c)]
    if not candidates:
        return Composition([], 0.0, [])
    confidence = max(coverage(index, query.concepts, index.term_set(h.position)) for h in hits)
    ranked = sorted(candidates, key=lambda c: (-c.score, c.hit_rank, c.position))
    # A lead-in ("The two formal staging systems for ALS are:") is never shown, so it does not
    # set the bar for the sentences that are.
    best = next((c for c in ranked if not c.sentence.text.endswith(":")), ranked[0])
    floor = max(best.score * settings.relative_floor, 1e-9)
    statements: list[Statement] = []
    by_key = {c.key: c for c in candidates}
    antecedents: dict[tuple[str, int], tuple[str, int]] = {}  # leaning sentence -> the one before

    def chars() -> int:
        return sum(len(s.lead.sentence.text) for s in statements)

    def leads() -> set[tuple[str, int]]:
        return {s.lead.key for s in statements}

    def said_already(candidate: Candidate) -> bool:
        """Already in the answer, or said there by another document (then it is cited too)."""
        for statement in statements:
            if any(c.key == candidate.key for c in statement.all):
                return True
            if _overlap(index, statement.lead.own, candidate.own) >= settings.same_thing:
                docs = {c.hit.chunk.doc_id for c in statement.all}
                if (
                    candidate.hit.chunk.doc_id not in docs
                    and len(statement.all) < settings.max_cites_per_sentence
                ):
                    statement.support.append(candidate)
                return True
        return False

    def fits(new: list[Candidate]) -> bool:
        size = sum(len(c.sentence.text) for c in new)
        return len(statements) + len(new) <= settings.max_sentences and (
            not statements or chars() + size <= settings.max_chars
        )

    for candidate in ranked:
        if candidate.score < floor or candidate.coverage < settings.min_coverage:
            break
        if candidate.sentence.text.endswith(":"):
            continue  # a lead-in whose list is not part of the sentence
        if not _LEANS_BACK.match(candidate.sentence.text):
            if not said_already(candidate) and fits([candidate]):
                statements.append(Statement(candidate))
            continue
        # "It does not cure the disease": only with the sentences it leans on, shown first.
        chain = [candidate]
        while _LEANS_BACK.match(chain[0].sentence.text) and len(chain) <= settings.max_sentences:
            before = _antecedent(index, chain[0], by_key)
            if before is None:
                break
            chain.insert(0, before)
        if (
            _LEANS_BACK.match(chain[0].sentence.text)
            or candidate.key in leads()
            or any(excluded(c) for c in chain)
        ):
            continue
        new = [c for c in chain if c.key not in leads()]
        if fits(new):
            statements.extend(Statement(c) for c in new)
            for earlier, later in itertools.pairwise(chain):
                antecedents[later.key] = earlier.key

    conflicts = [
        (mine, other)
        for mine, other in _conflicts(index, statements, ranked, floor * 0.8)
        if other.coverage >= settings.min_coverage
    ]
    for _, other in conflicts:
        if not any(other.key == c.key for s in statements for c in s.all):
            statements.append(Statement(other))
    # Disagreements must be shown: make room for them by dropping the weakest other sentence,
    # never the sentence another one leans on.
    keep = {c.key for pair in conflicts for c in pair}
    while chars() > settings.max_chars:
        needed = {antecedents[k] for k in leads() if k in antecedents}
        droppable = [
            s for s in statements[1:] if s.lead.key not in keep and s.lead.key not in needed
        ]
        if not droppable:
            break
        statements.remove(min(droppable, key=lambda s: s.lead.score))
    kept = {c.key for s in statements for c in s.all}
    conflicts = [(a, b) for a, b in conflicts if a.key in kept and b.key in kept]
    return Composition(_ordered(statements, antecedents), confidence, conflicts)


def leans_on(index: SearchIndex, candidate: Candidate) -> list[Candidate]:
    """The sentences a leaning sentence ("It does not cure the disease") leans on, nearest
    first, back to the first that does not lean; none for a sentence that does not lean."""
    chain: list[Candidate] = []
    current = candidate
    while _LEANS_BACK.match(current.sentence.text) and len(chain) < 4:
        before = _antecedent(index, current, {})
        if before is None:
            break
        chain.append(before)
        current = before
    return chain


def _antecedent(
    index: SearchIndex, candidate: Candidate, by_key: dict[tuple[str, int], Candidate]
) -> Candidate | None:
    """The sentence just before ``candidate`` in its document, across chunk boundaries."""
    position = candidate.hit.position
    chunk = candidate.hit.chunk
    if candidate.position > 0:
        n = candidate.position - 1
    else:
        position -= 1
        if position < 0 or index.chunks[position].doc_id != chunk.doc_id:
            return None
        chunk = index.chunks[position]
        earlier = [i for i, s in enumerate(chunk.sentences) if s.start < candidate.sentence.start]
        if not earlier:
            return None
        n = earlier[-1]
    sentence = chunk.sentences[n]
    found = by_key.get((chunk.doc_id, sentence.start))
    if found is not None:
        return found
    own = frozenset(index.terms[position].sentences[n])
    section = frozenset(index.terms[position].section)
    hit = replace(candidate.hit, chunk=chunk, position=position)
    return Candidate(candidate.hit_rank, hit, n, sentence, own | section, own, 0.0, 0.0)


def _conflicts(
    index: SearchIndex, statements: list[Statement], ranked: list[Candidate], floor: float
) -> list[tuple[Candidate, Candidate]]:
    chosen = [c for s in statements for c in s.all]
    found: list[tuple[Candidate, Candidate]] = []
    for candidate in ranked:
        if candidate.score < floor:
            break
        for mine in chosen:
            if _disagree(index, mine, candidate) and not any(
                {mine.key, candidate.key} == {a.key, b.key} for a, b in found
            ):
                found.append((mine, candidate))
    return found


def _ordered(
    statements: list[Statement], antecedents: dict[tuple[str, int], tuple[str, int]]
) -> list[Statement]:
    """The best sentence first, or for "what is X?" the best one defining X (with the
    sentences it leans on just before it: "One medication, called riluzole ..." then "It does
    not cure the disease"); the rest best-first by document, and within a document in reading
    order."""
    if not statements:
        return []
    doc_order: dict[str, int] = {}
    for s in statements:
        doc_order.setdefault(s.lead.hit.chunk.doc_id, len(doc_order))
    rest = sorted(
        statements, key=lambda s: (doc_order[s.lead.hit.chunk.doc_id], s.lead.sentence.start)
    )
    by_key = {s.lead.key: s for s in statements}
    first = [max(statements, key=lambda s: (s.lead.defines, s.lead.score))]
    while first[0].lead.key in antecedents and antecedents[first[0].lead.key] in by_key:
        first.insert(0, by_key[antecedents[first[0].lead.key]])
    return first + [s for s in rest if s not in first]
