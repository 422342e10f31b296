"""The one answering service: safety -> conversation -> retrieval -> no-answer -> compose.

The terminal and Discord both call :meth:`AnswerService.reply`, so the same conversation gets
the same answer in both. Every reply is an :class:`~bot.models.Answer`, which carries the
disclaimer by construction.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from bot import safety
from bot.answerability import AnswerabilityModel, bundled_model, features
from bot.compose import Candidate, ComposeSettings, Composition, compose, leans_on
from bot.conversation import ConversationStore, Turn, resolve
from bot.models import Answer, Citation, Kind
from bot.safety_model import Assessment, SafetyRouter, load_or_train
from retrieval.analysis import AnalyzedQuery, Concept, words
from retrieval.evaluation import normalize
from retrieval.index import SearchIndex
from retrieval.search import Hit, Retriever, is_known, unknown_names

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000
COMMANDS = frozenset({"/reset", "/help", "/sources"})
HELP_TEXT = (
    "I answer questions about ALS treatment from a small set of documents, and I cite where "
    'every sentence comes from. Ask in your own words, for example "how is Radicava given?" '
    'or "what can help with drooling?", and follow up with "what are its side effects?".\n\n'
    "Commands: /help (this), /sources (the full passages behind my last answer), "
    "/reset (forget our conversation)."
)
NO_ANSWER_TEXT = (
    "I couldn't find an answer to that in my documents, so I won't guess. You could try "
    "rephrasing it (for example, name the medicine or therapy), or ask your doctor or care team."
)
SMALL_TALK_TEXT = (
    "I'm here to answer questions about ALS treatment from my documents. What would you like "
    "to know?"
)
NOTHING_MORE_TEXT = (
    "My documents don't say more about that than what I've already told you. You could ask "
    "your doctor or care team, or ask me something else."
)
WHICH_MEDICINE_TEXT = (
    "Which medicine do you mean? Tell me its name (for example riluzole or Radicava) and I'll "
    "say what my documents say about its dose."
)
ABOUT_TEXT = (
    "I'm alsbot, a computer program, not a doctor, nurse or person. I answer questions about "
    "ALS treatment only by quoting a small set of documents, and I cite every sentence so you "
    "can check it. I can be wrong or out of date, and I don't know your situation: your doctor "
    "or care team can. What would you like to know?"
)
# Questions to the bot about itself ("are you a real doctor?", "who made you?"): the
# documents can't answer them, and a passage about doctors would be a wrong answer. Every
# sentence of the message must be one: "what can you do about drooling?" is about drooling,
# and "are you a doctor? should I stop riluzole?" still asks about riluzole.
_ABOUT_ME_SENTENCE = re.compile(
    r"(?:hey |hi |so |ok |wait |but )?(?:"
    r"(?:are|r) (?:you|u) (?:a |an )?(?:real |actual )?(?:human|person|bot|robot|ai|machine"
    r"|computer|program|chatbot|doctor|nurse|medical professional)"
    r"(?: or (?:a |an )?(?:real )?\w+)?"
    r"|(?:are|r) (?:you|u) real"
    r"|(?:who|what) (?:made|built|created|programmed|wrote|runs|trained) (?:you|u|this bot)"
    r"|what (?:are|r) (?:you|u)|what can (?:you|u) do|what do (?:you|u) do"
    r")(?: exactly| anyway| then)?",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"\s*[?.!]+\s*")


#: log(1 + N/df) at or above which an indexed word is specific (in fewer than ~1 in 6 passages).
SPECIFIC_WEIGHT = 2.0
ALSO_ASKED = "If you were also asking about ALS care, this is what my documents say:"
_PILLS = re.compile(r"\b(?:pills?|tablets?|overdose|dose|doses|bottle)\b", re.IGNORECASE)
#: A crisis probability above which no dose is offered, whatever the route.
WORRIED = 0.2
# A personal question about taking a medicine: when, how much, with what, whether to stop.
_TAKING = re.compile(
    r"\b(?:dos(?:e|es|age|ing)|mg|how (?:much|many|often|long)|doubl\w*|miss\w*|forg[eo]t\w*"
    r"|skip\w*|stop\w*|start\w*|tak(?:e|es|ing)|took|food|meal\w*|breakfast|brekkie|dinner"
    r"|empty stomach|mix\w*|crush\w*|swallow\w*)\b",
    re.IGNORECASE,
)
_DOSE_QUESTION = re.compile(r"\bhow (?:much|many|often)\b|\bmg\b|\bdose\b", re.IGNORECASE)
_HOW_TAKEN = re.compile(
    r"\b(?:dos(?:e|es|age|ing)|mg|how (?:much|many|often)|tak(?:e|en|es|ing)|took|given|giving)\b",
    re.IGNORECASE,
)


def _medicines_named(retriever: Retriever, text: str) -> list[tuple[str, ...]]:
    """The glossary medicines ``text`` names (canonical names, in order)."""
    medicines = retriever.analyzer.glossary.medicines
    return list(
        dict.fromkeys(
            medicines[phrase]
            for phrase, _ in retriever.analyzer.glossary.segments(words(text))
            if phrase in medicines
        )
    )


def _spellings(retriever: Retriever, named: list[tuple[str, ...]]) -> frozenset[str]:
    """Every spelling (brand, generic, canonical) of the ``named`` medicines."""
    medicines = retriever.analyzer.glossary.medicines
    return frozenset(" ".join(p) for p, m in medicines.items() if m in named)


def _mentions(text: str, names: frozenset[str]) -> bool:
    said = " ".join(words(text))
    return any(re.search(rf"\b{re.escape(n)}\b", said) for n in names)


def _keeping(composition: Composition, keep: Callable[[Candidate], bool]) -> Composition:
    """The statements whose sentence ``keep`` accepts, each cited only by the quotes it
    accepts, and the disagreements left between them."""
    kept = [
        replace(s, support=[c for c in s.support if keep(c)])
        for s in composition.statements
        if keep(s.lead)
    ]
    keys = {c.key for s in kept for c in s.all}
    conflicts = [(a, b) for a, b in composition.conflicts if a.key in keys and b.key in keys]
    return replace(composition, statements=kept, conflicts=conflicts)


def _naming(
    index: SearchIndex,
    composition: Composition,
    spellings: frozenset[str],
    others: frozenset[str],
) -> Composition:
    """Only the statements about the medicine of ``spellings``: a sentence that names it, one
    leaning on a sentence that names it ("It does not cure the disease" after "One medication,
    called riluzole ..."), or one in a passage that names it and no other medicine
    (``others``), such as a list of its facts. An unnamed "The recommended dosage is 50 mg
    twice daily" must never pass for another medicine's dose."""

    def about(candidate: Candidate) -> bool:
        chunk = candidate.hit.chunk.text
        if _mentions(candidate.sentence.text, spellings):
            return True
        if _mentions(candidate.sentence.text, others):
            return False
        # Up the chain of leaning sentences only until the first that names a medicine.
        for before in leans_on(index, candidate):
            if _mentions(before.sentence.text, others):
                break
            if _mentions(before.sentence.text, spellings):
                return True
        return _mentions(chunk, spellings) and not _mentions(chunk, others)

    return _keeping(composition, about)


_AMOUNT = re.compile(r"\b\d+(?:\.\d+)?\s?(?:mg|milligrams?|ml|mcg)\b", re.IGNORECASE)


def _without_unnamed_doses(composition: Composition, medicines: frozenset[str]) -> Composition:
    """The statements, less any that gives an amount without naming a medicine."""
    return _keeping(
        composition,
        lambda c: not _AMOUNT.search(c.sentence.text) or _mentions(c.sentence.text, medicines),
    )


def _most_specific(index: SearchIndex, query: AnalyzedQuery) -> frozenset[str]:
    """The rarest indexed term of the question's concepts that count fully ("king" in "King's
    staging system"), or none."""
    terms = [t for c in query.concepts if c.weight >= 1.0 for t in c.terms if index.weight(t) > 0]
    return frozenset([max(terms, key=lambda t: (index.weight(t), t))]) if terms else frozenset()


def _told(answer: Answer) -> frozenset[tuple[str, str]]:
    """(document, sentence) of each citation of an answer."""
    return frozenset((c.doc_id, normalize(c.quote)) for c in answer.citations)


def _about_me(text: str) -> bool:
    sentences = [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]
    return bool(sentences) and all(_ABOUT_ME_SENTENCE.fullmatch(s) for s in sentences)


@dataclass(frozen=True, slots=True)
class AnswerSettings:
    passages: int = 5  # retrieved per question
    # The documents answer only when the best passage covers this much of the question, or
    # this much more when the question names something no dictionary knows and the index has
    # never seen ("tofersen").
    min_confidence: float = 0.25
    min_confidence_unknown: float = 0.6
    # And only when the learned judge (bot.answerability) finds it at least this likely that
    # the composed sentences answer the question. The pair is one point of a trade-off
    # (answer more, or refuse more of what the documents don't cover). With the example
    # questions (retrieval.examples) the judge can carry more of it: on the development sets
    # (alsbot eval) 0.25/0.4 answers as many questions as 0.3/0.35 and refuses two more
    # out-of-corpus ones.
    min_answerable: float = 0.4
    compose: ComposeSettings = field(default_factory=ComposeSettings)


class AnswerService:
    #: Room for the documents' answer after crisis or emergency guidance.
    SAFETY_ANSWER_CHARS = 500

    def __init__(
        self,
        retriever: Retriever,
        conversations: ConversationStore | None = None,
        settings: AnswerSettings | None = None,
        safety_router: SafetyRouter | None = None,
        answerability: AnswerabilityModel | None = None,
    ) -> None:
        self.retriever = retriever
        self.conversations = conversations if conversations is not None else ConversationStore()
        self.settings = settings or AnswerSettings()
        # Without a router given, train one (rules and model): safety is never optional.
        self.safety = safety_router or SafetyRouter(load_or_train(None))
        self.answerability = answerability or bundled_model()

    # ------------------------------------------------------------------ entry point

    def reply(self, message: str, conversation_id: str = "default") -> Answer:
        """The reply to one message in one conversation. Never raises."""
        try:
            return self._reply(message, conversation_id)
        except Exception:
            log.exception("could not answer a message")
            return Answer(
                kind=Kind.ERROR,
                text="Something went wrong on my side while answering. Please try again.",
            )

    def _reply(self, message: str, conversation_id: str) -> Answer:
        text = " ".join(message.split())
        if not text:
            return Answer(kind=Kind.ERROR, text="Please type a question.")
        if text.split()[0].lower() in COMMANDS:
            return self.command(text, conversation_id)
        # Safety before anything that could refuse the message (too long, unknown command).
        assessment = self.safety.assess(text)
        route = assessment.route
        if route in (safety.Route.CRISIS, safety.Route.EMERGENCY):
            # Start the conversation afresh: a short "how many?" or "why?" after a crisis
            # must never be answered from the medicine question asked before it.
            self.conversations.reset(conversation_id)
            return self._safety_reply(text[:MAX_QUESTION_CHARS], assessment)
        if len(text) > MAX_QUESTION_CHARS:
            return Answer(
                kind=Kind.ERROR,
                text=f"That message is too long for me (over {MAX_QUESTION_CHARS:,} characters). "
                "Please ask one question at a time.",
            )
        if text.startswith("/"):
            return self.command(text, conversation_id)

        if _about_me(text):
            return Answer(kind=Kind.NO_ANSWER, text=ABOUT_TEXT)
        conversation = self.conversations.get(conversation_id)
        now = self.conversations.clock()
        retriever = self.retriever
        resolution = resolve(
            text,
            conversation.recent(now),
            retriever.analyzer,
            lambda word: self._names_something(retriever, word),
        )
        personal = route is safety.Route.PERSONAL_MEDICINE
        if not (resolution.topic or resolution.aspects or resolution.followup):
            # Remembered, topic-less: a bare "why?" after "thanks" has nothing to ask further.
            conversation.add(Turn(text, text, (), (), now))
            return Answer(
                kind=Kind.NO_ANSWER, text=SMALL_TALK_TEXT, notes=self._notes(personal, [])
            )
        # A general question about how a medicine is taken or dosed ("what's the normal dose
        # of riluzole?") gets the care-team notice too: the answer gives a dose.
        named = _medicines_named(retriever, resolution.query)
        notice = personal or bool(_HOW_TAKEN.search(text) and named)
        if resolution.more:
            # "and the other one?" after a personal question is personal too.
            notice = notice or conversation.turns[-1].notice
        query = resolution.query
        dosed = personal and bool(_DOSE_QUESTION.search(text))
        if dosed:
            if not named:
                # "how much should I take?" with no medicine named: a dose found for some
                # medicine must not answer it.
                return Answer(
                    kind=Kind.NO_ANSWER, text=WHICH_MEDICINE_TEXT, notes=self._notes(True, [])
                )
            query += " dosage"  # "how much should I take" asks for the documented dose
        told = conversation.told if resolution.more else frozenset()
        answer = self.answer_query(query, notice, text, told=told)
        if told and answer.kind is Kind.NO_ANSWER:
            answer = Answer(
                kind=Kind.NO_ANSWER,
                text=NOTHING_MORE_TEXT,
                notes=self._notes(notice, []),
                query=query,
            )
        if (
            personal
            and answer.kind is Kind.NO_ANSWER
            and _TAKING.search(text)
            and assessment.worry < WORRIED
        ):
            answer = self._documented_facts(retriever, text) or answer
        if answer.kind is Kind.NO_ANSWER and dosed:
            # A schedule stated without a dose ("10-14 days in a row, once a month"), for a
            # medicine named earlier in the conversation: the question as asked finds it.
            query = resolution.query
            answer = self.answer_query(query, notice, text)
        conversation.add(Turn(text, query, resolution.topic, resolution.aspects, now, notice))
        conversation.last_answer = answer
        conversation.told = told | _told(answer)
        return answer

    # ------------------------------------------------------------------ safety

    def _safety_reply(self, text: str, assessment: Assessment) -> Answer:
        """Crisis or emergency guidance, first and always.

        When only the model (no rule) raised the alarm, the person may simply have asked about
        ALS care in words that sounded alarming ("he is struggling to get dressed"), so the
        answer from the documents follows the guidance, if they have one. Never for questions
        about doses or pills, which should not follow a crisis reply.
        """
        crisis = assessment.route is safety.Route.CRISIS
        kind = Kind.CRISIS if crisis else Kind.EMERGENCY
        guidance = safety.CRISIS_REPLY if crisis else safety.EMERGENCY_REPLY
        if assessment.by_rule or _DOSE_QUESTION.search(text) or _PILLS.search(text):
            return Answer(kind=kind, text=guidance)
        # The guidance comes first; the answer after it stays short.
        answer = self.answer_query(
            text, assessment.personal, message=text, max_chars=self.SAFETY_ANSWER_CHARS
        )
        if answer.kind is not Kind.ANSWER:
            return Answer(kind=kind, text=guidance)
        return answer.model_copy(
            update={
                "kind": kind,
                "text": f"{guidance}\n\n{ALSO_ASKED}\n{answer.text}",
            }
        )

    # ------------------------------------------------------------------ answering

    def answer_query(
        self,
        query: str,
        personal: bool = False,
        message: str = "",
        max_chars: int | None = None,
        retriever: Retriever | None = None,
        told: frozenset[tuple[str, str]] = frozenset(),
    ) -> Answer:
        """Retrieve, decide whether the documents answer, and compose (no conversation).

        ``message`` is what the person typed, when ``query`` adds to it (a follow-up).
        ``told``: (document, sentence) already given, to leave out ("and the other one?").
        """
        # One retriever for the whole answer: a moderator's reindex swaps self.retriever from
        # another thread, and hits from one index must never meet another's terms.
        retriever = retriever or self.retriever
        judged = retriever.analyze(query, message or query)
        hits = retriever.hits(judged, self.settings.passages)
        index = retriever.index
        settings = self.settings.compose
        if max_chars is not None:
            settings = replace(settings, max_chars=max_chars, max_sentences=2)
        # "The other one": not the one the question named most specifically (after "King's
        # staging system", not King's).
        named = _most_specific(index, judged) if told else frozenset()
        composition = compose(index, judged, hits, settings, retriever.analyzer, told, named)
        # A question about a medicine is answered with sentences about it only: a dose or an
        # effect stated for another medicine must never read as this one's.
        naming = _spellings(retriever, _medicines_named(retriever, query))
        medicines = retriever.analyzer.glossary.medicine_names
        if naming:
            composition = _naming(index, composition, naming, medicines - naming)
        else:
            # No medicine asked about: a dose must say whose it is ("50 mg twice daily" alone
            # is riluzole's, and would read as the answer for any medicine).
            composition = _without_unnamed_doses(composition, medicines)
        # A name the documents never mention, asked about directly ("what is tofersen?").
        unknown = unknown_names(index, judged.concepts)
        needed = self.settings.min_confidence_unknown if unknown else self.settings.min_confidence
        if (
            not composition.statements
            or composition.confidence < needed
            or self.answerability.probability(features(index, judged, composition))
            < self.settings.min_answerable
        ):
            return Answer(
                kind=Kind.NO_ANSWER,
                text=self._no_answer_text(unknown),
                notes=self._notes(personal, []),
                query=query,
            )
        # Say what the documents never mention, so a partial answer is not taken for a full one.
        missing = [
            " ".join(c.words)
            for c in judged.concepts
            if c.weight >= 0.5 and not is_known(index, c) and all(w.isalpha() for w in c.words)
        ]
        return self._answer(composition, hits, personal, query, missing)

    def _documented_facts(self, retriever: Retriever, text: str) -> Answer | None:
        """For a personal medicine question the documents don't answer as asked ("I forgot my
        morning riluzole, should I double up tonight?"): what they do say about the medicine
        named (a glossary medicine; its documented dose first), said first to be general,
        naming what they never mention ("coq10"), with the care-team notice. Only sentences
        that name the medicine count: a dose must never seem to be another medicine's."""
        named = _medicines_named(retriever, text)
        if not named:
            return None
        query = " ".join(" ".join(m) for m in named) + " dosage"
        # The query names the medicine, so only sentences about it are said.
        answer = self.answer_query(query, True, query, retriever=retriever)
        if answer.kind is not Kind.ANSWER:
            return None
        unknown = unknown_names(retriever.index, retriever.analyze(text).concepts, 1.0)
        said = (
            f'My documents don\'t mention "{" ".join(unknown[0].words)}", so'
            if unknown
            else "My documents don't answer that exactly, so"
        )
        listed = ", ".join(" ".join(m) for m in named)
        lead = f"{said} here is what they say about {listed} in general:"
        return answer.model_copy(update={"text": f"{lead}\n{answer.text}"})

    @staticmethod
    def _names_something(retriever: Retriever, word: str) -> bool:
        """A word that names a thing the documents discuss: a glossary term ("riluzole",
        "feeding tube") or an indexed word found in few passages."""
        analyzer = retriever.analyzer
        if word in analyzer.glossary.terms:
            return True
        index = retriever.index
        return word in index.vocabulary and index.weight(analyzer.stem(word)) >= SPECIFIC_WEIGHT

    def _answer(
        self,
        composition: Composition,
        hits: list[Hit],
        personal: bool,
        query: str,
        missing: list[str],
    ) -> Answer:
        citations: list[Citation] = []
        numbers: dict[tuple[str, int], int] = {}
        sentences: list[str] = []
        for statement in composition.statements:
            marks = []
            for candidate in statement.all:
                if candidate.key not in numbers:
                    numbers[candidate.key] = len(citations) + 1
                    info = candidate.hit.document
                    citations.append(
                        Citation(
                            n=numbers[candidate.key],
                            doc_id=info.meta.id,
                            title=info.title,
                            publisher=info.meta.publisher,
                            date=info.meta.dated,
                            quote=candidate.sentence.text,
                        )
                    )
                marks.append(f"[{numbers[candidate.key]}]")
            sentences.append(f"{statement.lead.sentence.text} {''.join(marks)}")
        notes = []
        if missing:
            listed = " or ".join(f'"{m}"' for m in missing[:3])
            notes.append(
                f"Note: my documents don't mention {listed}, so this may not answer exactly "
                "what you asked."
            )
        for a, b in composition.conflicts:
            if a.key in numbers and b.key in numbers:
                notes.append(self._conflict_note(numbers[a.key], a, numbers[b.key], b))
        return Answer(
            kind=Kind.ANSWER,
            text="\n".join(sentences),
            citations=citations,
            passages=[h.passage(rank) for rank, h in enumerate(hits, start=1)],
            notes=self._notes(personal, notes),
            query=query,
        )

    @staticmethod
    def _conflict_note(n_a: int, a: Candidate, n_b: int, b: Candidate) -> str:
        def when(n: int, c: Candidate) -> str:
            dated = c.hit.document.meta.dated
            return f"[{n}] is dated {dated}" if dated else f"[{n}] gives no date"

        return (
            f"Note: these sources don't agree ([{n_a}] and [{n_b}]). They may have been written "
            f"at different times: {when(n_a, a)}, and {when(n_b, b)}. "
            "Your care team can tell you what is current."
        )

    @staticmethod
    def _notes(personal: bool, notes: list[str]) -> list[str]:
        return [*notes, safety.CARE_TEAM_NOTICE] if personal else notes

    @staticmethod
    def _no_answer_text(unknown: list[Concept]) -> str:
        """Say which rare words the documents never mention, when there are any."""
        names = [" ".join(c.words) for c in unknown if any(w.isalpha() for w in c.words)]
        if names:
            listed = " or ".join(f'"{n}"' for n in names[:2])
            return f"My documents don't mention {listed}. {NO_ANSWER_TEXT}"
        return NO_ANSWER_TEXT

    # ------------------------------------------------------------------ commands

    def command(self, text: str, conversation_id: str) -> Answer:
        name = text.split()[0].lower()
        if name == "/reset":
            self.conversations.reset(conversation_id)
            return Answer(
                kind=Kind.COMMAND,
                text="Okay, I've forgotten our conversation. Ask me anything about ALS treatment.",
            )
        if name == "/help":
            return Answer(kind=Kind.COMMAND, text=HELP_TEXT)
        if name == "/sources":
            return self.sources(conversation_id)
        return Answer(kind=Kind.ERROR, text=f"I don't know the command {name}. Try /help.")

    def sources(self, conversation_id: str) -> Answer:
        last = self.conversations.get(conversation_id).last_answer
        if not isinstance(last, Answer) or not last.citations:
            return Answer(kind=Kind.COMMAND, text="There is no answer with sources yet.")
        cited = {c.doc_id for c in last.citations}
        shown = [p for p in last.passages if p.doc_id in cited] or last.passages
        blocks = [
            f"{p.title}"
            + (f" › {p.section}" if p.section and p.section != p.title else "")
            + f"\n{p.text}"
            for p in shown
        ]
        return Answer(
            kind=Kind.COMMAND,
            text="The passages behind my last answer:\n\n" + "\n\n".join(blocks),
            passages=shown,
        )
