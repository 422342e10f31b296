"""A learned safety classifier, alongside the rules in ``bot.safety``.

People in crisis rarely use the words a rule expects ("see you on the other side", "kms",
"je veux en finir"), so the rules are backed by a linear model (scikit-learn logistic
regression over word and character n-grams) trained on the labelled examples shipped in
``bot/data/safety_train_*.jsonl``. A message is a crisis when a rule says so *or* the model
gives crisis a probability above a deliberately low threshold: a helpline shown to someone
who did not need it costs little; a missed crisis costs everything.

The fitted model is cached in the data folder (``bot.learning``); a missing, stale or
damaged cache is simply retrained (about two seconds).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from bot.learning import bundled_examples, fingerprint, load_or_fit
from bot.safety import Route, acute, crisis_rule, emergency_rule, normalize, personal_rule
from retrieval.analysis import is_english_word

log = logging.getLogger(__name__)
MODEL_VERSION = "safety-model-1"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Model probabilities above which a route is taken (rules always count).

    Chosen with ``alsbot eval`` on tests/data/safety.jsonl: every crisis and emergency there
    is caught, with as few ordinary messages raised as that allows.
    """

    crisis: float = 0.45
    crisis_clause: float = 0.9  # one clause of a longer message, scored alone
    emergency: float = 0.55
    personal_medicine: float = 0.5


def training_examples() -> list[tuple[str, str]]:
    """The bundled labelled messages: (text, route)."""
    return [(i["text"], Route(i["route"]).value) for i in bundled_examples("safety_train")]


class SafetyModel:
    """Route probabilities for a message."""

    def __init__(self, pipeline: object) -> None:
        self._pipeline = pipeline

    @classmethod
    def train(cls, examples: list[tuple[str, str]]) -> SafetyModel:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline, make_union

        features = make_union(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True),
            TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True),
        )
        pipeline = make_pipeline(
            features, LogisticRegression(C=4.0, max_iter=3000, class_weight="balanced")
        )
        pipeline.fit([normalize(t) for t, _ in examples], [r for _, r in examples])
        return cls(pipeline)

    def probabilities(self, message: str) -> dict[Route, float]:
        proba = self._pipeline.predict_proba([normalize(message)])[0]  # type: ignore[attr-defined]
        classes = self._pipeline.classes_  # type: ignore[attr-defined]
        return {Route(c): float(p) for c, p in zip(classes, proba, strict=True)}


def load_or_train(cache_dir: Path | None) -> SafetyModel:
    """The cached model if it matches the bundled training data, else a freshly trained one."""
    examples = training_examples()
    key = fingerprint(MODEL_VERSION, *(f"{label}\t{text}" for text, label in examples))
    pipeline = load_or_fit(cache_dir, "safety", key, lambda: SafetyModel.train(examples)._pipeline)
    return SafetyModel(pipeline)


# "Struggling" ("he's struggling!!", "struggling to swallow right now") sounds acute;
# struggling with a task of daily life ("to get dressed", "with buttons") does not.
_DAILY_TASKS = (
    r"(?:get|getting|dress\w*|shower\w*|bath\w*|wash\w*|walk\w*|eat\w*|type|typing|write"
    r"|writing|hold\w*|use|using|cope|coping|sleep\w*|stand\w*|climb\w*|open\w*|button\w*"
    r"|zip\w*|do|doing|find\w*|keep\w*|manage|managing|remember\w*|understand\w*|pay\w*"
    r"|afford\w*|deal\w*|lift\w*|cook\w*|clean\w*|drive|driving|stairs|appointments"
    r"|paperwork|money|work)\b"
)

# A model-only emergency must mention something of the body or of an acute event: the model
# alone has raised "and occupational therapy?" as an emergency. Messages mostly not in
# English skip this check (the word list is English).
_ACUTE_WORDS = re.compile(
    r"\b(?:breath\w*|breathe\w*|brethe|breth|air|chok\w*|gag\w*|cough\w*|blue|gr[ae]y|purple"
    r"|pale|oxygen|o2|sats?|spo2|pulse|respond\w*|wake|waking|conscious|unconscious|collaps\w*"
    r"|fell|fall\w*|faint\w*|pass\w* out|seiz\w*|fit|fitting|shak\w*|jerk\w*|convuls\w*|bleed\w*"
    r"|blood|head|chest|heart|swell\w*|swollen|throat|tongue|lips?|face|allerg\w*|rash|hives"
    r"|vent\w*|bipap|trach\w*|tube|suction\w*|mask|machine|alarm\w*|fever\w*|temperature"
    r"|confus\w*|stroke|droop\w*|numb|vomit\w*|throw\w* up|limp|floor|ambulance|ambos|911|999"
    r"|000|112|emergency|dying|dead|overdos\w*|pills?|tablets?|hurt\w*|pain|screaming"
    r"|gasp\w*|wheez\w*|struggl\w*(?!\s+(?:to|with)\s+(?:the\s+)?" + _DAILY_TASKS + r")"
    r"|stopped|not moving|cold|clammy|sweat\w*|dizzy)\b"
)


_SOMEONE = re.compile(
    r"\b(?:i|me|my|we|us|our|he|him|his|she|her|they|them|their|mom|mum|dad|husband|wife"
    r"|partner|son|daughter)\b"
)


def mostly_english(text: str) -> bool:
    tokens = [w for w in text.split() if w.isalpha()]
    return not tokens or sum(is_english_word(w) for w in tokens) * 2 >= len(tokens)


@dataclass(frozen=True, slots=True)
class Assessment:
    route: Route
    by_rule: bool  # a rule matched (certain), rather than only the model (a judgement)
    # Also a personal medicine question ("should I stop my riluzole?"), whatever the route:
    # an answer shown after crisis guidance still says the decision is the care team's.
    personal: bool = False
    worry: float = 0.0  # the model's crisis probability, at its highest over the clauses


_CLAUSE = re.compile(r"[.!?;,]+|\s+-+\s+|\n+|\s+but\s+", re.IGNORECASE)


def clauses(message: str, min_words: int = 4) -> list[str]:
    """The clauses of a message of more than one, each of at least ``min_words`` words."""
    parts = [p.strip() for p in _CLAUSE.split(message) if len(p.split()) >= min_words]
    return parts if len(parts) > 1 else []


class SafetyRouter:
    """Rules first (crisis, then emergency), then the model: the route a message takes before
    anything else."""

    def __init__(self, model: SafetyModel | None, thresholds: Thresholds | None = None) -> None:
        self.model = model
        self.thresholds = thresholds or Thresholds()

    def route(self, message: str) -> Route:
        return self.assess(message).route

    def assess(self, message: str) -> Assessment:
        text = normalize(message)
        p = self.model.probabilities(message) if self.model else {}
        t = self.thresholds
        # A crisis said in one clause of a longer message ("should I stop my riluzole, I don't
        # see the point of living anymore") is diluted in the whole: score each clause too.
        # Only a clause the model is nearly sure of counts: short clauses alone are noisy.
        worry = p.get(Route.CRISIS, 0.0)
        for clause in clauses(message) if self.model else []:
            alone = self.model.probabilities(clause).get(Route.CRISIS, 0.0)  # type: ignore[union-attr]
            if alone >= t.crisis_clause:
                worry = max(worry, alone)
        personal_by_rule = personal_rule(text)
        # The model alone calls a question personal only when it is about someone: "what is
        # riluzole?" is a general question, whatever the model thinks.
        personal = personal_by_rule or (
            p.get(Route.PERSONAL_MEDICINE, 0.0) >= t.personal_medicine
            and _SOMEONE.search(text) is not None
        )
        # Rules before the model: a certain emergency ("she won't wake up") must not get the
        # crisis script because the model leans that way; a certain crisis stays a crisis.
        if crisis_rule(text):
            return Assessment(Route.CRISIS, True, personal, worry)
        if emergency_rule(text):
            return Assessment(Route.EMERGENCY, True, personal, worry)
        if worry >= t.crisis:
            return Assessment(Route.CRISIS, False, personal, worry)
        if (
            p.get(Route.EMERGENCY, 0.0) >= t.emergency
            and acute(text)
            and (_ACUTE_WORDS.search(text) is not None or not mostly_english(text))
        ):
            return Assessment(Route.EMERGENCY, False, personal, worry)
        if personal:
            return Assessment(Route.PERSONAL_MEDICINE, personal_by_rule, True, worry)
        return Assessment(Route.NONE, False, False, worry)
