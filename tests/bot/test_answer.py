"""The AnswerService on the real corpus and index: cited, honest, safe, conversational."""

from __future__ import annotations

import itertools
import re

import pytest

from bot.answer import MAX_QUESTION_CHARS, AnswerService
from bot.conversation import ConversationStore
from bot.models import DISCLAIMER, Kind
from bot.safety import CARE_TEAM_NOTICE
from corpus import BUNDLED_CORPUS
from retrieval.analysis import Analyzer
from retrieval.documents import load_corpus
from retrieval.search import Retriever

PAGES = {d.id: " ".join(d.raw.split()) for d in load_corpus(BUNDLED_CORPUS).documents}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(retriever: Retriever, clock: Clock, safety_router) -> AnswerService:
    return AnswerService(
        retriever,
        ConversationStore(max_age=600, max_turns=4, clock=clock),
        safety_router=safety_router,
    )


def _check_quotes(answer) -> None:
    for c in answer.citations:
        assert " ".join(c.quote.split()) in PAGES[c.doc_id], c.quote


def test_answer_is_cited_quoted_and_carries_the_disclaimer(service: AnswerService):
    answer = service.reply("how is radicava given?")
    assert answer.kind is Kind.ANSWER
    assert "intravenous" in answer.text
    assert answer.citations and answer.passages
    _check_quotes(answer)
    # Every sentence carries a marker, and every marker has a source.
    lines = answer.text.splitlines()
    assert 1 <= len(lines) <= 5
    assert all(re.search(r"(\[\d+\])+$", line) for line in lines)
    numbers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    assert numbers == {c.n for c in answer.citations}
    # The sentence shown is the quote of its first citation, word for word.
    for line in lines:
        first = int(re.search(r"\[(\d+)\]", line).group(1))
        assert line.startswith(answer.citations[first - 1].quote)
    assert len(answer.text) <= 1200
    assert answer.answer.endswith(DISCLAIMER) and "not medical advice" in answer.answer


def test_sources_list_dates_and_publishers_only_as_stated(service: AnswerService):
    answer = service.reply("what are the side effects of riluzole?")
    for c in answer.citations:
        meta_page = PAGES[c.doc_id]
        for value in (c.publisher, c.date):
            if value:
                assert value.split(" ", 2)[-1] in meta_page or value in meta_page


@pytest.mark.parametrize(
    "question",
    [
        "what is tofersen?",
        "does ALS cause Parkinson's tremors?",
        "how do I turn off Discord notifications for this bot?",
        "what's the weather like tomorrow?",
        "can I take CoQ10 supplements for ALS?",
        "when does someone with ALS qualify for hospice?",
    ],
)
def test_out_of_corpus_questions_get_an_honest_no_answer(service: AnswerService, question):
    answer = service.reply(question)
    assert answer.kind is Kind.NO_ANSWER
    assert answer.citations == []
    assert "care team" in answer.text and answer.answer.endswith(DISCLAIMER)


def test_no_answer_names_the_unknown_word(service: AnswerService):
    assert '"tofersen"' in service.reply("what is tofersen?").text


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("what are the side effects of rilutek?", "dizziness"),
        ("can radicava be taken by mouth?", "orally"),
        ("what is relyvrio and how is it taken?", "mixing with water"),
        ("does exercise help?", "exercise"),
        ("what can help with drooling?", "salivation"),
        ("what is the life expectancy with ALS?", "three years"),
        ("does NIV help?", "Non-invasive ventilation"),
        ("how long do people usually live with ALS?", "live for five years"),
    ],
)
def test_answerable_questions_are_answered_with_the_fact(service: AnswerService, question, fact):
    answer = service.reply(question)
    assert answer.kind is Kind.ANSWER, answer.answer
    assert fact.lower() in answer.text.lower()
    _check_quotes(answer)


def test_followup_pronoun_resolves_to_the_last_topic(service: AnswerService):
    service.reply("What is riluzole?", "c1")
    answer = service.reply("what are its side effects?", "c1")
    assert "riluzole" in answer.query.lower()
    assert "dizziness" in answer.text or "hepatotoxicity" in answer.text
    assert "bruising" not in answer.text  # edaravone's side effects


def test_a_followup_asking_only_how_serious_keeps_the_last_topic(service: AnswerService):
    # "serious" is asked of something, it is not a new topic: never edaravone's serious
    # allergic reactions after a riluzole question.
    service.reply("does riluzole have side effects?", "c1b")
    answer = service.reply("anything serious?", "c1b")
    assert "riluzole" in answer.query.lower()
    assert any("riluzole" in c.quote.lower() for c in answer.citations)
    assert "edaravone" not in answer.text.lower() and "sulfite" not in answer.text.lower()


def test_followup_ellipsis_keeps_the_question_and_changes_the_topic(service: AnswerService):
    service.reply("Can speech therapy help?", "c2")
    answer = service.reply("and occupational therapy?", "c2")
    assert "occupational" in answer.text.lower()
    assert "speech therap" not in answer.text.lower()


def test_followup_with_a_pronoun_subject_points_back_even_when_it_names_something(service):
    service.reply("What does an occupational therapist do for someone with ALS?", "c4")
    answer = service.reply("can they help with making the house easier to get around?", "c4")
    assert "occupational" in answer.query.lower()
    assert "occupational therapist" in answer.text.lower()


def test_followup_ellipsis_with_a_pronoun_asks_about_the_last_topic(service):
    service.reply("What is oxidative stress?", "c5")
    answer = service.reply("and what's that got to do with ALS?", "c5")
    assert "oxidative" in answer.query.lower()
    assert "motor neurons" in answer.text


def test_the_other_one_asks_about_what_the_last_answer_did_not_say(service):
    first = service.reply("what's the King's staging system?", "c7")
    other = service.reply("and the other one?", "c7")
    assert other.kind is Kind.ANSWER
    told = {c.quote for c in first.citations}
    assert told and not told & {c.quote for c in other.citations}
    assert "staging system" in other.text  # still about staging systems
    assert "King" not in other.text.split("\n\n")[0]  # not the one named
    # When the documents have nothing else that answers, it says so rather than repeating.
    service.reply("what is oxidative stress?", "c9")
    nothing = service.reply("and the other one?", "c9")
    assert nothing.kind is Kind.NO_ANSWER and "already told you" in nothing.text
    # Only right after the question it follows: after small talk it is a plain ellipsis,
    # the earlier question again.
    first = service.reply("What is riluzole?", "c8")
    service.reply("thanks", "c8")
    again = service.reply("and the other one?", "c8")
    assert {c.quote for c in first.citations} & {c.quote for c in again.citations}


def test_the_other_one_never_repeats_a_sentence(service, retriever):
    """Not even as the sentence a new one leans on ("It does not cure the disease")."""
    from retrieval.evaluation import normalize

    for n, example in enumerate(retriever.examples.examples[::25]):
        first = service.reply(example.question, f"o{n}")
        other = service.reply("and the other one?", f"o{n}")
        told = {normalize(c.quote) for c in first.citations}
        assert not told & {normalize(c.quote) for c in other.citations}, example.question


def test_other_one_and_what_else_resolve_differently():
    from bot.conversation import Turn, resolve

    history = [Turn("what is riluzole?", "what is riluzole?", ("riluzol",), (), 0.0)]
    analyzer = Analyzer()
    assert resolve("and the other one?", history, analyzer).more
    assert resolve("what about the other kind", history, analyzer).more
    assert not resolve("what else?", history, analyzer).more
    assert not resolve("and the other side effects of baclofen?", history, analyzer).more


def test_a_bare_why_asks_the_last_question_further(service):
    service.reply("Is enteral or parenteral nutrition recommended in ALS?", "c6")
    answer = service.reply("why?", "c6")
    assert answer.kind is Kind.ANSWER and "enteral" in answer.query.lower()
    # ... but thanks is not a question.
    assert service.reply("thanks", "c6").kind is Kind.NO_ANSWER


def test_a_bare_since_when_asks_the_last_question_further(service):
    service.reply("we were told edaravone is fda approved", "c6w")
    answer = service.reply("since when?", "c6w")
    assert answer.kind is Kind.ANSWER and "2017" in answer.text


@pytest.mark.parametrize(
    ("before", "alarm", "short"),
    [
        ("what is the dose of riluzole?", "I've been saving up his pills", "how many?"),
        (
            "what are the side effects of edaravone?",
            "he's not breathing, his lips are blue",
            "why?",
        ),
    ],
)
def test_nothing_said_before_a_crisis_or_emergency_answers_what_comes_after(
    service, before: str, alarm: str, short: str
):
    service.reply(before, "c6c")
    assert service.reply(alarm, "c6c").kind in (Kind.CRISIS, Kind.EMERGENCY)
    answer = service.reply(short, "c6c")
    assert answer.kind is Kind.NO_ANSWER and answer.citations == []


def test_a_bare_why_after_thanks_has_nothing_to_ask_further(service):
    service.reply("what is riluzole?", "c6d")
    service.reply("thanks", "c6d")
    assert service.reply("why?", "c6d").citations == []


def test_an_it_that_points_at_nothing_does_not_carry_the_last_topic(service):
    service.reply("what are the side effects of edaravone?", "c7")
    answer = service.reply("is it worth trying a feeding tube?", "c7")
    assert "edaravone" not in (answer.query or "").lower()


def test_small_talk_with_a_question_word_is_not_a_follow_up(service):
    service.reply("what is riluzole?", "c8")
    assert service.reply("how are you?", "c8").kind is Kind.NO_ANSWER


def test_conversations_are_separate(service: AnswerService):
    service.reply("What is riluzole?", "a")
    answer = service.reply("what are its side effects?", "b")
    assert "riluzole" not in (answer.query or "").lower()


def test_turns_expire_by_age(service: AnswerService, clock: Clock):
    service.reply("What is riluzole?", "c3")
    clock.now += 601
    answer = service.reply("what are its side effects?", "c3")
    assert "riluzole" not in answer.query.lower()


def test_turns_expire_by_count(service: AnswerService):
    service.reply("What is riluzole?", "c4")
    for question in ("is there a cure?", "what is ALS?", "what is a feeding tube?", "what is PT?"):
        service.reply(question, "c4")
    conversation = service.conversations.get("c4")
    assert len(conversation.turns) == 4
    assert all("riluzole" not in t.query.lower() for t in conversation.turns)


def test_reset_forgets(service: AnswerService):
    service.reply("What is riluzole?", "c5")
    reset = service.reply("/reset", "c5")
    assert reset.kind is Kind.COMMAND and reset.answer.endswith(DISCLAIMER)
    answer = service.reply("what are its side effects?", "c5")
    assert "riluzole" not in answer.query.lower()


def test_store_is_bounded(retriever: Retriever, safety_router):
    store = ConversationStore(max_conversations=3)
    service = AnswerService(retriever, store, safety_router=safety_router)
    for n in range(5):
        service.reply("What is riluzole?", f"user{n}")
    assert len(store) == 3


def test_same_conversation_same_answers_in_any_shell(retriever: Retriever, safety_router):
    """The terminal and Discord share the service: same turns, same replies."""
    a = AnswerService(retriever, safety_router=safety_router)
    b = AnswerService(retriever, safety_router=safety_router)
    for question in ("tell me about radicava", "how is it given?", "and relyvrio?"):
        assert a.reply(question, "terminal").answer == b.reply(question, "discord:1:2").answer


def test_sources_command_shows_full_passages(service: AnswerService):
    first = service.reply("how is radicava given?", "c6")
    sources = service.reply("/sources", "c6")
    assert sources.kind is Kind.COMMAND
    assert any(p.text in sources.text for p in first.passages)
    assert service.reply("/sources", "fresh").text == "There is no answer with sources yet."


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("I don't want to live anymore", Kind.CRISIS),
        ("he can't breathe and his lips are turning blue", Kind.EMERGENCY),
    ],
)
def test_safety_replies_come_first_and_carry_the_disclaimer(service, message, kind):
    answer = service.reply(message)
    assert answer.kind is kind
    assert answer.citations == []
    assert answer.answer.endswith(DISCLAIMER)


def test_crisis_reply_offers_help_now(service: AnswerService):
    text = service.reply("i want to end my life").text
    assert text.startswith("I'm so sorry")
    assert "988" in text and "emergency number" in text


def test_emergency_reply_says_call_now(service: AnswerService):
    assert "Call your local emergency number now" in service.reply("she stopped breathing").text


def test_personal_dosing_gives_documented_facts_and_the_care_team(service: AnswerService):
    answer = service.reply("how much riluzole should I take?")
    assert answer.kind is Kind.ANSWER
    assert "50 mg twice daily" in answer.text
    assert CARE_TEAM_NOTICE in answer.notes and CARE_TEAM_NOTICE in answer.answer


@pytest.mark.parametrize(
    "question", ["what's the usual dose of riluzole?", "how is relyvrio taken, is it a pill?"]
)
def test_a_general_question_about_taking_a_medicine_also_gets_the_care_team_notice(
    service: AnswerService, question: str
):
    answer = service.reply(question)
    assert answer.kind is Kind.ANSWER
    assert CARE_TEAM_NOTICE in answer.answer
    # ... but a question about what a medicine is does not.
    assert CARE_TEAM_NOTICE not in service.reply("what is riluzole?", "other").answer


def test_how_often_to_take_a_medicine_gets_its_documented_schedule(service: AnswerService):
    answer = service.reply("how often should I take riluzole?")
    assert "twice daily" in answer.text and CARE_TEAM_NOTICE in answer.answer
    _check_quotes(answer)


@pytest.mark.parametrize("question", ["how much should I take?", "how many can I safely take?"])
def test_a_dose_question_naming_no_medicine_asks_which_one(service, question: str):
    answer = service.reply(question)
    assert answer.kind is Kind.NO_ANSWER and answer.citations == []
    assert "Which medicine" in answer.text and "mg" not in answer.text
    assert CARE_TEAM_NOTICE in answer.answer


def test_stop_my_medicine_gets_the_care_team_notice(service: AnswerService):
    answer = service.reply("should I stop my riluzole?")
    assert CARE_TEAM_NOTICE in answer.answer


def test_disagreeing_sources_are_shown_with_their_dates(service: AnswerService):
    answer = service.reply("how many medications are FDA approved for ALS?")
    assert "Two medications" in answer.text and "three medications" in answer.text
    assert any("don't agree" in n and "May 12, 2017" in n for n in answer.notes)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("   ", "Please type a question."),
        ("x" * (MAX_QUESTION_CHARS + 1), "too long"),
        ("/frobnicate", "I don't know the command"),
    ],
)
def test_bad_input_gets_a_polite_error(service: AnswerService, message, expected):
    answer = service.reply(message)
    assert answer.kind is Kind.ERROR and expected in answer.text
    assert answer.answer.endswith(DISCLAIMER)


def test_small_talk_is_not_answered_from_the_documents(service: AnswerService):
    answer = service.reply("thanks!")
    assert answer.kind is Kind.NO_ANSWER and answer.citations == []


def test_an_internal_failure_is_a_polite_error(retriever: Retriever, safety_router, monkeypatch):
    service = AnswerService(retriever, safety_router=safety_router)

    def broken(*args, **kwargs):
        raise RuntimeError("index exploded")

    monkeypatch.setattr(service.retriever, "hits", broken)
    answer = service.reply("what is riluzole?")
    assert answer.kind is Kind.ERROR and answer.answer.endswith(DISCLAIMER)


def test_the_disclaimer_cannot_be_replaced():
    from pydantic import ValidationError

    from bot.models import Answer

    answer = Answer(kind=Kind.ANSWER, text="x")
    with pytest.raises(ValidationError):
        answer.disclaimer = "nothing"  # type: ignore[misc]
    assert (
        Answer.model_validate({"kind": "answer", "text": "x", "disclaimer": "no"}).disclaimer
        == DISCLAIMER
    )


class _AlarmedModel:
    """A stand-in model that hears an emergency in everything (to test the service's logic)."""

    def probabilities(self, message: str):
        from bot.safety import Route

        return {Route.EMERGENCY: 0.99, Route.CRISIS: 0.0, Route.NONE: 0.01}


def test_a_model_only_alarm_gives_guidance_first_then_the_answer(retriever: Retriever):
    from bot.safety import EMERGENCY_REPLY
    from bot.safety_model import SafetyRouter

    service = AnswerService(retriever, safety_router=SafetyRouter(_AlarmedModel()))
    answer = service.reply("he is struggling with the breathing machine mask, how does NIV help?")
    assert answer.kind is Kind.EMERGENCY
    assert answer.text.startswith(EMERGENCY_REPLY)
    assert "what my documents say" in answer.text and answer.citations
    _check_quotes(answer)
    # A rule-certain emergency gets the guidance alone.
    certain = service.reply("he can't breathe")
    assert certain.kind is Kind.EMERGENCY and certain.citations == []


def test_an_answer_after_guidance_keeps_the_care_team_notice(retriever: Retriever):
    """A personal medicine question the model also hears alarm in: guidance first, then the
    documents' answer, still saying the decision is the care team's."""
    from bot.safety import Route
    from bot.safety_model import SafetyRouter

    class Worried:
        def probabilities(self, message: str):
            return {Route.CRISIS: 0.9, Route.NONE: 0.1}

    service = AnswerService(retriever, safety_router=SafetyRouter(Worried()))
    answer = service.reply("should I stop taking my riluzole? what are its side effects")
    assert answer.kind is Kind.CRISIS and answer.citations
    assert CARE_TEAM_NOTICE in answer.notes


@pytest.mark.parametrize(
    "question",
    ["so riluzole cures ALS right?", "what causes ALS?", "how many drugs are FDA approved?"],
)
def test_a_leaning_sentence_comes_right_after_the_one_it_leans_on(service, question):
    from bot.compose import _LEANS_BACK

    answer = service.reply(question)
    lines = answer.text.splitlines()
    quotes = {c.n: c for c in answer.citations}
    for before, line in itertools.pairwise(lines):
        sentence = re.sub(r"\s*(\[\d+\])+$", "", line)
        if not _LEANS_BACK.match(sentence) or sentence.endswith(":"):
            continue  # a list lead-in shown for a disagreement stands alone
        prev = quotes[int(re.search(r"\[(\d+)\]", before).group(1))]
        this = quotes[int(re.search(r"\[(\d+)\]", line).group(1))]
        page = PAGES[this.doc_id]
        assert prev.doc_id == this.doc_id
        gap = page.index(this.quote) - (page.index(prev.quote) + len(prev.quote))
        assert 0 <= gap <= 3, f"{line!r} is shown without the sentence it leans on"
    assert not _LEANS_BACK.match(lines[0]), "an answer never opens with a leaning sentence"


class _Doubtful:
    """A judge that never believes the sentences answer the question."""

    def probability(self, row: dict[str, float]) -> float:
        assert "answer" in row and "asks:what" in row  # it is shown the real evidence
        return 0.0


def test_the_answerability_judge_has_the_last_word(retriever, safety_router):
    question = "what is a tracheostomy?"
    trusting = AnswerService(retriever, safety_router=safety_router)
    assert trusting.reply(question).kind is Kind.ANSWER
    doubtful = AnswerService(retriever, safety_router=safety_router, answerability=_Doubtful())
    answer = doubtful.reply(question)
    assert answer.kind is Kind.NO_ANSWER and not answer.citations
    assert answer.answer.endswith(DISCLAIMER)


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("what is als exactly?", "als"),
        ("whats glutamate", "glutamate"),
        ("what is ALS?", "als"),
        ("what is riluzole?", "riluzole"),
        # However much is said around it, the page's own definition is found.
        ("what even is als? all i know is the ice bucket challenge", "als"),
        ("so what is ALS, in plain words? the doctor used so many big words", "als"),
    ],
)
def test_a_what_is_question_is_answered_first_by_a_defining_sentence(service, question, subject):
    from bot.compose import _DEFINES

    answer = service.reply(question)
    assert answer.kind is Kind.ANSWER
    first = answer.text.splitlines()[0]
    verb = _DEFINES.search(first)
    assert verb and subject in first[: verb.start()].lower(), answer.text


def test_a_definition_is_found_outside_the_passages_retrieved(retriever: Retriever):
    from dataclasses import replace

    from bot.compose import _DEFINES, ComposeSettings, compose

    query = retriever.analyze("what is glutamate?")
    elsewhere = [h for h in retriever.hits("feeding tube", 5) if "glutamate" not in h.chunk.text]

    def defines(settings: ComposeSettings) -> bool:
        found = compose(retriever.index, query, elsewhere, settings, retriever.analyzer)
        return any(
            (verb := _DEFINES.search(s.lead.sentence.text))
            and "glutamate" in s.lead.sentence.text[: verb.start()].lower()
            for s in found.statements
        )

    assert elsewhere and defines(ComposeSettings())
    assert not defines(replace(ComposeSettings(), definitions=False))


def test_a_personal_dose_question_gets_the_documented_facts_said_to_be_general(service):
    answer = service.reply("I forgot my morning riluzole, should I double up tonight?")
    assert answer.kind is Kind.ANSWER
    assert "50 mg twice daily" in answer.text
    assert answer.text.startswith("My documents don't answer that exactly")
    assert "riluzole" in answer.text.splitlines()[0]
    assert CARE_TEAM_NOTICE in answer.notes
    _check_quotes(answer)


def test_documented_facts_name_what_the_documents_never_mention(service):
    answer = service.reply("can I take CoQ10 with my riluzole?")
    assert answer.kind is Kind.ANSWER  # only as the general facts about riluzole
    assert answer.text.startswith('My documents don\'t mention "coq10"')
    assert "riluzole" in answer.text.splitlines()[0] and CARE_TEAM_NOTICE in answer.notes
    _check_quotes(answer)


@pytest.mark.parametrize(
    "question",
    ["can I take my gabapentin with food?", "I missed a dose of my magnesium, should I take two?"],
)
def test_a_dose_is_never_given_for_a_medicine_the_documents_do_not_discuss(service, question):
    answer = service.reply(question)
    assert answer.kind is Kind.NO_ANSWER and not answer.citations
    assert "mg" not in answer.text


@pytest.mark.parametrize(
    "message",
    ["are you a real doctor?", "r u a bot or a person", "who made you?", "what can you do?"],
)
def test_questions_about_the_bot_itself_say_what_it_is_not_a_passage(
    service: AnswerService, message: str
):
    answer = service.reply(message)
    assert answer.kind is Kind.NO_ANSWER
    assert "not a doctor" in answer.text and not answer.citations
    assert answer.answer.endswith(DISCLAIMER)


def test_a_question_that_only_mentions_you_is_still_answered(service: AnswerService):
    answer = service.reply("can you tell me how radicava is given?")
    assert answer.kind is Kind.ANSWER
    assert "intravenous" in answer.text


@pytest.mark.parametrize(
    ("question", "found"),
    [
        ("should we see a dietitian?", "nutritionists"),
        ("can we borrow an ipad that talks?", "tablet computers"),
        ("would my husband qualify for a trial?", "eligible for a clinical study"),
        ("is a feeding tube better than tpn?", "parenteral nutrition"),
    ],
)
def test_lay_names_find_the_documents_words(retriever: Retriever, question: str, found: str):
    assert any(found in p.text for p in retriever.search(question, 3))


@pytest.mark.parametrize(
    ("question", "found"),
    [
        # "gym" is exercise to the glossary: the pages only say "physical activity", "exercise".
        ("can she still go to the gym?", ("physical activity", "exercise")),
        # "an empty stomach" is about meals: the label says "before or 2 hours after a meal".
        ("does rilutek need an empty stomach?", ("after a meal",)),
    ],
)
def test_a_lay_word_is_answered_with_the_documents_word(
    service: AnswerService, question: str, found: tuple[str, ...]
):
    answer = service.reply(question)
    assert answer.kind is Kind.ANSWER
    assert any(f in answer.text.lower() for f in found)


@pytest.mark.parametrize(
    "question", ["how often is radicava given?", "how often does he need the edaravone infusion"]
)
def test_how_often_finds_the_schedule_though_it_never_says_often(
    service: AnswerService, question: str
):
    answer = service.reply(question)
    assert answer.kind is Kind.ANSWER
    assert "once a month" in answer.text
    _check_quotes(answer)


@pytest.mark.parametrize(
    "message",
    [
        "what can you do about drooling?",
        "what made you decide on riluzole?",
        "are you a doctor? should I stop my riluzole?",
    ],
)
def test_a_question_that_only_starts_like_one_about_the_bot_is_still_answered(
    service: AnswerService, message: str
):
    answer = service.reply(message)
    assert "not a doctor, nurse or person" not in answer.text


@pytest.mark.parametrize(
    "question", ["what is the dose of baclofen?", "how often should i take baclofen?"]
)
def test_another_medicines_dose_never_reads_as_this_ones(service: AnswerService, question: str):
    # "The recommended dosage is 50 mg twice daily" is riluzole's and does not say so.
    answer = service.reply(question)
    assert "50 mg" not in answer.text
    for citation in answer.citations:
        assert "baclofen" in citation.quote.lower()


def test_a_sentence_leaning_on_one_naming_the_medicine_is_about_it(service: AnswerService):
    # "It does not cure the disease" follows "One medication, called riluzole ..." in a passage
    # that names another medicine too: it is about riluzole all the same.
    from bot.compose import _LEANS_BACK

    answer = service.reply("so riluzole cures it right?")
    lines = answer.text.splitlines()
    leaning = [n for n, line in enumerate(lines) if _LEANS_BACK.match(line)]
    assert leaning, answer.text
    for n in leaning:
        assert n > 0 and "riluzole" in lines[n - 1].lower(), answer.text


def test_a_medicines_own_unnamed_dose_is_given(service: AnswerService):
    answer = service.reply("what is the recommended dose of riluzole?")
    assert answer.kind is Kind.ANSWER
    assert "50 mg twice daily" in answer.text


def test_a_sentence_answering_a_similar_example_question_is_preferred(retriever):
    """Each example question asked anew (itself left out): the answer's sentences hold its
    quote more often with the other examples' hints than without them."""
    from dataclasses import replace as copy

    from bot.compose import ComposeSettings, compose, hinted
    from retrieval.evaluation import normalize

    assert hinted("Riluzole  is a pill.", (("riluzole is a PILL", 0.7),)) == 0.7
    assert hinted("It is a pill.", (("Riluzole is a pill. It is a pill.", 2.0),)) == 1.0
    assert hinted("It is a pill.", (("a liquid", 0.9),)) == 0.0

    def holds(composition, quote: str) -> bool:
        text = " ".join(normalize(s.lead.sentence.text).lower() for s in composition.statements)
        return normalize(quote).lower() in text

    with_hints = without = 0
    for example in retriever.examples.examples[::3]:
        query = retriever.analyze(example.question)
        hits = retriever.hits(query, 5, leave_out=example.question)
        plain = [copy(h, hints=()) for h in hits]
        with_hints += holds(
            compose(retriever.index, query, hits, ComposeSettings()), example.evidence
        )
        without += holds(
            compose(retriever.index, query, plain, ComposeSettings()), example.evidence
        )
    assert with_hints > without, (with_hints, without)
