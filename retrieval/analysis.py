"""One analyser for passages and questions: words -> glossary -> stopwords -> stems.

Everything it needs ships with the project (stopword list, glossary); the nltk parts used here
(``RegexpTokenizer``, ``SnowballStemmer``, ``edit_distance``) need no nltk_data.

Questions get one more step before the glossary: a word the index has never seen is repaired
to the closest indexed word ("edaravon" -> "edaravone", "infusoin" -> "infusion"), allowing
more edits for longer words, and only when the choice is unambiguous enough to be useful.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from importlib import resources

from nltk.metrics.distance import edit_distance
from nltk.stem.snowball import SnowballStemmer
from nltk.tokenize import RegexpTokenizer
from spellchecker import SpellChecker

ANALYZER_VERSION = "analysis-3"
_TOKENIZER = RegexpTokenizer(r"[a-z0-9]+(?:'[a-z]+)?")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
# "50mg", "3am": a number stuck to its unit reads as two words ("amx0035" stays one).
_NUMBER_UNIT = re.compile(r"\b(\d+)(mg|mcg|ml|g|kg|lbs?|am|pm|x|yo|yrs?|hrs?|h|mins?)\b")
# "US"/"U.S." is a country only in capitals; lowercased it would be the pronoun.
_US = re.compile(r"\bU\.?S\.?(?:A\.?)?(?![\w.])")
# Typed in lowercase, "us" is the country only after "the": "how many people in the us"
# ("the us" is never the pronoun).
_THE_US = re.compile(r"\bthe us\b", re.IGNORECASE)


def _data(name: str) -> str:
    return resources.files("retrieval").joinpath("data").joinpath(name).read_text("utf-8")


def _word_list(text: str) -> frozenset[str]:
    return frozenset(
        line.strip().lower()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )


@dataclass(frozen=True, slots=True)
class Concept:
    """One thing a question asks about, as alternative term sequences ("rilutek" | "riluzol").

    ``weight`` is lower for words that are common in everyday English ("keep", "way", "need"):
    rare in our pages only by chance, they say little about what is asked.
    """

    alternatives: tuple[tuple[str, ...], ...]
    words: tuple[str, ...]
    weight: float = 1.0
    frequency: float = 0.0  # how often its rarest word is used in English (0: not English)

    @property
    def rare(self) -> bool:
        """A name or a rare word ("tofersen", "marijuana"): if the index lacks it, the
        question is about something the documents don't cover."""
        return self.frequency < RARE_FREQUENCY

    @property
    def terms(self) -> frozenset[str]:
        return frozenset(t for alternative in self.alternatives for t in alternative)


@dataclass(frozen=True)
class Glossary:
    """Phrase -> canonical words. A phrase is a tuple of lowercase words."""

    phrases: Mapping[tuple[str, ...], tuple[str, ...]]
    source: str = ""
    # Variants that stand for their canonical term only: "Food and Drug Administration" is
    # the FDA, and must not make a passage about it match a question about food.
    replaced: frozenset[tuple[str, ...]] = frozenset()
    # Phrases that name a medicine (groups with `medicine = true`): "rilutek" -> "riluzole".
    medicines: Mapping[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_toml(cls, text: str) -> Glossary:
        data = tomllib.loads(text)
        phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
        replaced: set[tuple[str, ...]] = set()
        medicines: dict[tuple[str, ...], tuple[str, ...]] = {}
        for group in data.get("group", []):
            canonical = tuple(words(group["canonical"]))
            for variant in [group["canonical"], *group.get("variants", [])]:
                key = tuple(words(variant))
                # One-letter words are not words to us: "g tube" would be read as "tube",
                # and then every tube (a trach's too) would be a feeding tube.
                if not key or (len(key) == 1 and len(variant.split()) > 1):
                    raise ValueError(f"glossary: {variant!r} would be read as {key!r}")
                if key in phrases and phrases[key] != canonical:
                    raise ValueError(f"glossary: {variant!r} is in two groups")
                phrases[key] = canonical
                if group.get("replace", False) and key != canonical:
                    replaced.add(key)
                if group.get("medicine", False):
                    medicines[key] = canonical
        return cls(phrases, text, frozenset(replaced), medicines)

    @classmethod
    def bundled(cls) -> Glossary:
        return cls.from_toml(_data("glossary.toml"))

    @cached_property
    def medicine_names(self) -> frozenset[str]:
        """Every spelling of every medicine ("rilutek", "riluzole", "radicava ors")."""
        return frozenset(" ".join(p) for p in self.medicines)

    @cached_property
    def longest(self) -> int:
        return max((len(p) for p in self.phrases), default=0)

    @cached_property
    def terms(self) -> frozenset[str]:
        """Every word that appears in a glossary phrase (known words for typo repair)."""
        return frozenset(w for phrase in self.phrases for w in phrase)

    def segments(self, tokens: list[str]) -> list[tuple[tuple[str, ...], tuple[str, ...] | None]]:
        """Split tokens into (phrase, canonical) segments, longest glossary phrase first.

        ``canonical`` is None for a word outside the glossary, and equals ``phrase`` for a
        canonical term itself.
        """
        out: list[tuple[tuple[str, ...], tuple[str, ...] | None]] = []
        i = 0
        while i < len(tokens):
            for size in range(min(self.longest, len(tokens) - i), 0, -1):
                key = tuple(tokens[i : i + size])
                canonical = self.phrases.get(key)
                if canonical is not None:
                    out.append((key, canonical))
                    i += size
                    break
            else:
                out.append(((tokens[i],), None))
                i += 1
        return out

    def expand(self, tokens: list[str]) -> list[str]:
        """The tokens, with the canonical words added after each variant phrase found."""
        out: list[str] = []
        for phrase, canonical in self.segments(tokens):
            if phrase not in self.replaced:
                out.extend(phrase)
            if canonical is not None and canonical != phrase:
                out.extend(canonical)
        return out


def words(text: str) -> list[str]:
    """Lowercase word tokens. "disease's" -> "disease", "can't" -> "can" (then a stopword)."""
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)
    text = _THE_US.sub("the United States", _US.sub("United States", text))
    text = _NUMBER_UNIT.sub(r"\1 \2", text.lower())
    out = []
    for token in _TOKENIZER.tokenize(text):
        head = token.split("'", 1)[0]
        if len(head) > 1 or head.isdigit():
            out.append(head)
    return out


RELATED_PREFIX = 6


def max_edits(word: str) -> int:
    """How many edits a repair may make: none for short words, where guesses go wrong."""
    if len(word) < 5:
        return 0
    if len(word) < 8:
        return 1
    return 2 if len(word) < 12 else 3


_ENGLISH: SpellChecker | None = None


#: A word used at least this often in English (pyspellchecker's frequencies) is "common";
#: one used less often than RARE_FREQUENCY (or not English at all) is "rare".
COMMON_FREQUENCY = 1e-4
RARE_FREQUENCY = 1e-5


def _english() -> SpellChecker:
    global _ENGLISH
    if _ENGLISH is None:
        _ENGLISH = SpellChecker(language="en")
    return _ENGLISH


# British spellings the (American) dictionary lacks: "paralysed", "colour", "organise".
_BRITISH = [
    ("isation", "ization"), ("ise", "ize"), ("ising", "izing"), ("ised", "ized"),
    ("ysed", "yzed"), ("yse", "yze"), ("our", "or"), ("tre", "ter"), ("ae", "e"), ("oe", "e"),
    ("lled", "led"), ("lling", "ling"), ("ogue", "og"), ("mum", "mom"),
]  # fmt: skip


def english_dictionary_version() -> str:
    """pyspellchecker's version: word frequencies (and so concept weights) come from it."""
    from importlib.metadata import version

    return version("pyspellchecker")


def english_frequency(word: str) -> float:
    """How often ``word`` is used in English (pyspellchecker's counts; British spellings too)."""
    checker = _english()
    frequency = float(checker.word_usage_frequency(word))
    if frequency == 0.0:
        for british, american in _BRITISH:
            if british in word:
                frequency = max(
                    frequency, float(checker.word_usage_frequency(word.replace(british, american)))
                )
    return frequency


def is_english_word(word: str) -> bool:
    """True for a word in pyspellchecker's English dictionary (shipped with the package).

    Such a word is what the person meant ("worse", "mouth"), even when no passage uses it, so
    it is never "repaired" into a different word that happens to be indexed.
    """
    return word in _english() or english_frequency(word) > 0.0


@dataclass
class Analyzer:
    glossary: Glossary = field(default_factory=Glossary.bundled)
    stopwords: frozenset[str] = field(default_factory=lambda: _word_list(_data("stopwords.txt")))
    language: str = "english"
    common_weight: float = 0.5  # chosen by measurement (alsbot eval --sweep)

    def __post_init__(self) -> None:
        self._stemmer = SnowballStemmer(self.language)
        self._stems: dict[str, str] = {}

    def fingerprint(self) -> str:
        h = hashlib.sha256()
        for part in (
            ANALYZER_VERSION,
            self.language,
            self.glossary.source,
            *sorted(self.stopwords),
        ):
            h.update(part.encode())
            h.update(b"\0")
        return h.hexdigest()

    def stem(self, word: str) -> str:
        stem = self._stems.get(word)
        if stem is None:
            stem = self._stems[word] = self._stemmer.stem(word)
        return stem

    def terms_from_words(self, tokens: list[str]) -> list[str]:
        return [self.stem(w) for w in self.glossary.expand(tokens) if w not in self.stopwords]

    def concepts(self, tokens: list[str]) -> list[Concept]:
        """A question as concepts: each glossary match is one concept whose alternatives are
        the words used and the canonical term, so "Rilutek" counts once, not twice; a concept
        named twice ("stiff and spastic": both say "spasticity") also counts once."""
        out: list[Concept] = []
        for phrase, canonical in self.glossary.segments(tokens):
            alternatives: list[tuple[str, ...]] = []
            for option in (phrase, canonical):
                if option is None or option in self.glossary.replaced:
                    continue
                terms = tuple(self.stem(w) for w in option if w not in self.stopwords)
                if terms and terms not in alternatives:
                    alternatives.append(terms)
            if not alternatives:
                continue
            said = tuple(w for w in phrase if w not in self.stopwords)
            frequency = min((english_frequency(w) for w in said), default=0.0)
            weight = self.common_weight if frequency >= COMMON_FREQUENCY else 1.0
            concept = Concept(tuple(alternatives), said, weight, frequency)
            for n, seen in enumerate(out):
                if set(seen.alternatives) & set(concept.alternatives):
                    merged = seen.alternatives + tuple(
                        a for a in concept.alternatives if a not in seen.alternatives
                    )
                    out[n] = Concept(
                        merged,
                        seen.words + said,
                        max(seen.weight, concept.weight),
                        min(seen.frequency, concept.frequency),  # not 0: it is not a name
                    )
                    break
            else:
                out.append(concept)
        return out

    def analyze(self, text: str) -> list[str]:
        """Index terms for a passage (or a question, without typo repair)."""
        return self.terms_from_words(words(text))

    def content_words(self, text: str) -> list[str]:
        """The question's words that carry meaning (stopwords removed), before stemming."""
        return [w for w in words(text) if w not in self.stopwords]


@dataclass(frozen=True)
class Vocabulary:
    """Words seen in the indexed passages, with counts: what typo repair may repair towards."""

    counts: Mapping[str, int]
    extra: frozenset[str] = frozenset()

    @classmethod
    def from_texts(cls, texts: Iterable[str], glossary: Glossary) -> Vocabulary:
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(words(text))
        return cls(dict(counts), glossary.terms)

    def __contains__(self, word: object) -> bool:
        return word in self.counts or word in self.extra

    @cached_property
    def _by_length(self) -> dict[int, list[str]]:
        buckets: dict[int, list[str]] = {}
        for word in set(self.counts) | self.extra:
            if word.isalpha():
                buckets.setdefault(len(word), []).append(word)
        return buckets

    @cached_property
    def _by_prefix(self) -> dict[str, list[str]]:
        buckets: dict[str, list[str]] = {}
        for word in self.counts:
            if len(word) >= RELATED_PREFIX and word.isalpha():
                buckets.setdefault(word[:RELATED_PREFIX], []).append(word)
        return buckets

    def related(self, word: str, stem: Callable[[str], str]) -> list[str]:
        """Indexed words of the same family as an unindexed word, which the stemmer does not
        join ("diagnosed" -> "diagnos", "diagnosis" -> "diagnosi"): one stem extends the other
        by at most two letters, and the shorter has at least six ("medicare" and "medical"
        share only "medic", so they are not family)."""
        if word in self or len(word) < RELATED_PREFIX:
            return []
        mine = stem(word)
        out = []
        for other in self._by_prefix.get(word[:RELATED_PREFIX], ()):
            theirs = stem(other)
            short, long = sorted((mine, theirs), key=len)
            if (
                len(short) >= RELATED_PREFIX
                and long.startswith(short)
                and len(long) - len(short) <= 2
            ):
                out.append(other)
        return sorted(out)

    def repair(self, word: str) -> str | None:
        """The closest known word within ``max_edits(word)`` edits, or None.

        Ties on distance go to the more frequent word. A word that is indexed, an English
        word, a number or a short word is never repaired, and a repair keeps the first letter
        (people rarely get that one wrong, and it keeps guesses honest).
        """
        limit = max_edits(word)
        if limit == 0 or not word.isalpha() or word in self or is_english_word(word):
            return None
        best: tuple[int, int, str] | None = None
        for length in range(len(word) - limit, len(word) + limit + 1):
            for candidate in self._by_length.get(length, ()):
                if candidate[0] != word[0]:
                    continue
                distance = edit_distance(word, candidate, transpositions=True)
                if distance > limit:
                    continue
                key = (distance, -self.counts.get(candidate, 0), candidate)
                if best is None or key < best:
                    best = key
        return best[2] if best else None


@dataclass(frozen=True)
class AnalyzedQuery:
    text: str
    words: tuple[str, ...]  # after typo repair
    concepts: tuple[Concept, ...]
    repairs: Mapping[str, str]  # misspelled word -> repaired word

    @property
    def terms(self) -> tuple[str, ...]:
        """Every index term of every alternative, each once, in order."""
        seen: dict[str, None] = {}
        for concept in self.concepts:
            for alternative in concept.alternatives:
                seen.update(dict.fromkeys(alternative))
        return tuple(seen)


def _misspelt_stopword(word: str, stopwords: frozenset[str]) -> str | None:
    """ "actualy", "realy", "defintely": a filler word misspelt, so it is dropped like the
    word meant rather than taken for a name the documents never mention."""
    limit = max_edits(word)
    if limit == 0 or not word.isalpha() or is_english_word(word):
        return None
    close = [
        w
        for w in stopwords
        if w[:1] == word[:1]
        and abs(len(w) - len(word)) <= limit
        and edit_distance(word, w, transpositions=True) <= limit
    ]
    return min(close, key=lambda w: (edit_distance(word, w, transpositions=True), w), default=None)


def analyze_query(text: str, analyzer: Analyzer, vocabulary: Vocabulary) -> AnalyzedQuery:
    """Analyse a question the way passages are analysed, repairing unknown words first."""
    repaired: list[str] = []
    repairs: dict[str, str] = {}
    for word in words(text):
        fixed = None
        if word not in analyzer.stopwords:
            fixed = vocabulary.repair(word) or _misspelt_stopword(word, analyzer.stopwords)
        if fixed:
            repairs[word] = fixed
        repaired.append(fixed or word)
    concepts = []
    for concept in analyzer.concepts(repaired):
        family = [r for w in concept.words for r in vocabulary.related(w, analyzer.stem)]
        extra = [(analyzer.stem(r),) for r in family]
        extra = [a for a in dict.fromkeys(extra) if a not in concept.alternatives]
        if len(concept.words) == 1 and extra:
            concept = replace(concept, alternatives=concept.alternatives + tuple(extra))
        concepts.append(concept)
    return AnalyzedQuery(
        text=text, words=tuple(repaired), concepts=tuple(concepts), repairs=repairs
    )
