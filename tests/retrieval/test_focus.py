"""The words of a message that carry its question count most, for ranking and judging."""

from __future__ import annotations

from retrieval.focus import FocusSettings, focus, question_words
from retrieval.search import Retriever


def weights(retriever: Retriever, message: str, query: str | None = None) -> dict[str, float]:
    analyzed = retriever.analyze(query or message, message)
    return {" ".join(c.words): c.weight for c in analyzed.concepts}


def test_question_words_are_those_of_the_asking_sentences():
    message = "The neurologist mentioned it today and I just nodded. What is a tracheostomy?"
    assert question_words(message) == {"what", "is", "tracheostomy"}
    # A message that is all question (or all story) has no separate question.
    assert question_words("what is a tracheostomy?") is None
    assert question_words("he keeps falling over at home") is None


def test_story_words_count_less_than_the_question(retriever):
    w = weights(retriever, "The neurologist mentioned it today. What is a tracheostomy?")
    assert w["tracheostomy"] == 1.0
    assert w["neurologist"] < 0.5 * w["tracheostomy"]


def test_people_and_bare_numbers_count_little(retriever):
    w = weights(retriever, "my dad is 82, can he still have a feeding tube")
    assert "dad" not in w  # people are context, never evidence
    assert w["82"] < 0.5
    assert w["feeding tube"] == 1.0
    # ... unless they are all that was said.
    assert weights(retriever, "my dad") == {"dad": 0.5}


def test_words_a_follow_up_carried_over_keep_their_weight(retriever):
    # "riluzole" is not in the message: it came from the conversation.
    w = weights(retriever, "what are its side effects?", "what are its side effects? riluzole")
    assert w["riluzole"] == 1.0


def test_focus_moves_the_asked_about_passage_up(retriever):
    message = "Mum keeps asking the neurologist about her speech. What is a tracheostomy?"
    flat = Retriever(retriever.index, retriever.analyzer, FocusSettings(story=1.0))

    def rank(r: Retriever) -> int:
        texts = [h.chunk.text.lower() for h in r.hits(message, 10)]
        return next(i for i, t in enumerate(texts) if "windpipe" in t)

    assert rank(retriever) <= rank(flat)
    assert rank(retriever) == 0


def test_focus_never_drops_every_concept(retriever):
    analyzed = retriever.analyzer
    concepts = analyzed.concepts(["scared"])
    assert focus(concepts, "scared") == tuple(concepts)


def test_a_question_that_points_back_keeps_the_name_it_points_at(retriever):
    message = "thinking of stopping riluzole after two years. how long are you meant to stay on it?"
    w = weights(retriever, message)
    assert w["riluzole"] == 1.0  # "it" is riluzole
    assert w["stopping"] < 0.5  # the rest of the story still counts less
    unnamed = weights(retriever, "We saw the neurologist about riluzole. What is a tracheostomy?")
    assert unnamed["riluzole"] < 0.5  # no pointing back: riluzole is just the story


def test_all_this_points_at_the_situation_not_at_a_name_in_the_story(retriever):
    w = weights(
        retriever, "I've been so low and anxious. Is there help for the emotional side of all this?"
    )
    assert w["anxious"] < 0.5  # the feeling is the story; the question is about support
    assert w["emotional"] == 1.0


def test_all_these_still_points_at_the_names_in_the_story(retriever):
    w = weights(retriever, "He's on riluzole and edaravone. Are all these safe together?")
    assert w["riluzole"] == 1.0 and w["edaravone"] == 1.0


def test_the_people_and_places_of_care_count_little_in_a_question_about_something_else(
    retriever,
):
    w = weights(retriever, "neuro just put me on baclofen, what's that one for?")
    assert w["baclofen"] == 1.0
    assert w["neuro"] < 0.5
    # ... but a question about them still is one.
    assert weights(retriever, "what does a neurologist do?")["neurologist"] >= 0.5


def test_a_hedge_counts_less_than_what_is_asked(retriever):
    # "usually" is rare enough in English to weigh fully, and the glossary reads it as
    # "common" ("symptoms most often begin..."), but the question asks how long people live.
    w = weights(retriever, "how long do people usually live with ALS?")
    assert w["usually"] < w["als"]


def test_how_to_say_it_is_not_what_is_asked(retriever):
    # "in plain words" and "the nurse mentioned it" say how to answer and where the word came
    # from; a page using "plain" or "mention" answers nothing.
    w = weights(retriever, "what is edaravone, in plain words? the nurse mentioned it")
    assert w["edaravone"] == 1.0
    assert not {"plain", "words", "mentioned"} & set(w)
    # "words" alone, outside such a phrase, still counts.
    assert "words" in weights(retriever, "why are his words slurred?")
