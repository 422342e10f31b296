"""Conversations: recent turns, follow-up resolution, expiry, and a bounded store.

A question has a *topic* (what it is about: "riluzole", "speech therapy") and *aspects* (what
is asked of it: "side effects", "how given", "help"). Aspect words are a small closed class,
so a topic is whatever else carries meaning. Follow-ups are resolved from the last turn:

* a pronoun and no topic of its own ("what are its side effects?") takes the last topic;
* an ellipsis with a new topic ("and occupational therapy?") takes the last aspects;
* an ellipsis without a topic ("what about at night?") takes the whole last question;
* anything else starts a new topic.

Turns expire by count and by age, so an old topic does not leak into a new conversation.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from retrieval.analysis import Analyzer, words
from retrieval.focus import CONTEXT_WORDS, PRONOUNS

ASPECT_WORDS = frozenset(
    """
    side effect effects given give giving gave taken take takes taking took dose doses dosage
    work works working worked help helps helpful helping cost costs price safe safety risk
    risks approved approval used use uses usage treat treats treating benefit benefits form
    forms available availability long often many much warning warnings interact interactions
    need needed needs done happen happens mean means know tell explain info information else
    like good bad better best kind type types way ways get gets make makes start starting stop
    stopping work last lasts does did do can could would should will
    serious dangerous harmful common rare normal permanent effective
    """.split()
)
# People and feelings: context of a question, never its topic ("my dad", "I'm scared").
_ELLIPSIS = re.compile(
    r"^\s*(?:and|or|also|plus|then|what about|how about|what of|same for|same with|but)\b",
    re.IGNORECASE,
)


_BARE_QUESTION = re.compile(
    r"^\W*(?:(?:and|so|but|ok|okay)\W+)?(?:why|why not|how|how so|how come|really|are you sure"
    r"|what do you mean|since when|when|until when|where|who|who by|by whom|from where"
    r"|is that true|is it true|says who|for how long)\W*$",
    re.IGNORECASE,
)
# "is it worth trying a feeding tube?", "is it normal to feel tired?": an "it" that points
# at nothing said before.
_EXPLETIVE = re.compile(
    r"^\W*(?:is|was|isn't|wasn't|would|will)\s+it\s+(?:be\s+)?(?:\w+\s+)?(?:to|that|if|worth"
    r"|normal|ok|okay|possible|safe|true|bad|good|common|likely|better|best|important"
    r"|necessary|too late|usual)\b|^\W*it'?s\s+(?:\w+\s+)?(?:normal|ok|okay|worth|possible"
    r"|true|hard|too late|common)\b",
    re.IGNORECASE,
)
_SUBJECTS = frozenset("it its they this that these those".split())
# "and the other one?", "what about the other kind?": the question just asked, about the
# one(s) the last answer did not name. ("what else?" is not: the next-best sentences for the
# same words were measured to be mostly beside the point.)
_OTHER = re.compile(
    r"^\W*(?:and|or|but|so|ok|okay|what about|how about)?\W*(?:what\s+about\s+)?(?:the\s+)?"
    r"other\s+(?:one|ones|kind|kinds|type|types|system|systems)\W*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Turn:
    question: str
    query: str  # the question as searched, follow-up resolved
    topic: tuple[str, ...]
    aspects: tuple[str, ...]
    at: float
    notice: bool = False  # answered with the care-team notice (a personal medicine question)


@dataclass(frozen=True)
class Resolution:
    query: str
    followup: bool
    topic: tuple[str, ...]
    aspects: tuple[str, ...]
    more: bool = False  # asks about what the last answers did not say ("and the other one?")


def split_question(question: str, analyzer: Analyzer) -> tuple[list[str], list[str]]:
    """(topic words, aspect words) of a question, stopwords and context words removed."""
    content = [
        w for w in analyzer.content_words(question) if w not in CONTEXT_WORDS and not w.isdigit()
    ]
    aspects = [w for w in content if w in ASPECT_WORDS]
    topic = [w for w in content if w not in ASPECT_WORDS]
    return topic, aspects


def resolve(
    question: str,
    history: list[Turn],
    analyzer: Analyzer,
    specific: Callable[[str], bool] = lambda word: False,
) -> Resolution:
    """The query to search for ``question`` given the recent turns (oldest first).

    ``specific`` says whether a word names something on its own ("riluzole", "tracheostomy"):
    a question with a pronoun but such a word of its own is about that, not the last topic.
    """
    topic, aspects = split_question(question, analyzer)
    last = next((t for t in reversed(history) if t.topic), None)
    if last is None:
        return Resolution(question, False, tuple(topic), tuple(aspects))
    said = set(words(question))
    tokens = words(question)
    # "can they help with the house too?", "does it hurt?": a pronoun as the subject points
    # back, whatever else the question names.
    subject_pronoun = bool(set(tokens[:5]) & _SUBJECTS) and not _EXPLETIVE.match(question)
    named = any(specific(w) for w in topic)
    # Carry what the last question named ("riluzole"), not its small talk ("breakfast").
    carried = [t for t in last.topic if t not in said and specific(t)] or [
        t for t in last.topic if t not in said
    ]
    if _OTHER.match(question) and history[-1] is last:
        return Resolution(last.query, True, last.topic, last.aspects, more=True)
    if _ELLIPSIS.match(question):
        if topic and said & PRONOUNS and (subject_pronoun or not named):
            # "and what's that got to do with ALS?": the last topic, asked about again.
            return Resolution(" ".join([question, *carried]), True, last.topic, tuple(aspects))
        if topic:
            kept = [a for a in last.aspects if a not in said]
            return Resolution(
                " ".join([question, *kept]), True, tuple(topic), tuple(aspects or last.aspects)
            )
        return Resolution(f"{question} {last.query}", True, last.topic, last.aspects)
    if (said & PRONOUNS and (subject_pronoun or not named)) or (not topic and aspects):
        return Resolution(" ".join([question, *carried]), True, last.topic, tuple(aspects))
    if _BARE_QUESTION.match(question) and history[-1] is last:
        # "why?", "how come?", "since when?": the question just asked, asked further (never
        # one from before a turn that had nothing to ask about, such as "thanks").
        return Resolution(f"{question} {last.query}", True, last.topic, last.aspects)
    return Resolution(question, False, tuple(topic), tuple(aspects))


@dataclass
class Conversation:
    max_turns: int
    max_age: float  # seconds
    turns: deque[Turn] = field(default_factory=deque)
    last_answer: object | None = None  # the last Answer, for /sources
    # (document, sentence) of every answer since the last question that was not "and the
    # other one?"
    told: frozenset[tuple[str, str]] = frozenset()

    def recent(self, now: float) -> list[Turn]:
        """Turns young enough to matter, oldest first; older ones are forgotten."""
        while self.turns and now - self.turns[0].at > self.max_age:
            self.turns.popleft()
        return list(self.turns)

    def add(self, turn: Turn) -> None:
        self.turns.append(turn)
        while len(self.turns) > self.max_turns:
            self.turns.popleft()


class ConversationStore:
    """Conversations by id (chosen by the shell), least recently used evicted past a bound."""

    def __init__(
        self,
        max_conversations: int = 1000,
        max_turns: int = 6,
        max_age: float = 30 * 60,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_conversations = max_conversations
        self.max_turns = max_turns
        self.max_age = max_age
        self.clock = clock
        self._items: OrderedDict[str, Conversation] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, conversation_id: str) -> Conversation:
        with self._lock:
            conversation = self._items.get(conversation_id)
            if conversation is None:
                conversation = Conversation(self.max_turns, self.max_age)
                self._items[conversation_id] = conversation
                while len(self._items) > self.max_conversations:
                    self._items.popitem(last=False)
            else:
                self._items.move_to_end(conversation_id)
            return conversation

    def reset(self, conversation_id: str) -> None:
        with self._lock:
            self._items.pop(conversation_id, None)

    def __len__(self) -> int:
        return len(self._items)
