"""The analyser: words, glossary, stopwords, stems, and typo repair."""

from __future__ import annotations

import pytest

from retrieval.analysis import Analyzer, Glossary, analyze_query, words
from retrieval.search import Retriever

ANALYZER = Analyzer()


def test_words_lowercase_and_drop_possessives():
    assert words("The disease's progression, Dr. Smith's 10-14 days") == [
        "the", "disease", "progression", "dr", "smith", "10", "14", "days",
    ]  # fmt: skip


def test_us_in_capitals_is_the_country():
    assert "united" in words("How many people in the US have ALS?")
    assert "united" not in words("can you help us")


def test_lowercase_us_after_the_is_the_country_and_elsewhere_the_pronoun():
    assert "united" in words("how many people in the us have als")
    assert "united" not in words("the neuro told us about the usual dose")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Radicava", "edaravone"),
        ("Rilutek", "riluzole"),
        ("Tiglutik", "riluzole"),
        ("Exservan", "riluzole"),
        ("Relyvrio", "AMX0035"),
        ("sodium phenylbutyrate/taurursodiol", "Relyvrio"),
        ("amyotrophic lateral sclerosis", "ALS"),
        ("Lou Gehrig's disease", "ALS"),
        ("BiPAP", "non-invasive ventilation"),
        ("NIV", "noninvasive ventilation"),
        ("PEG", "feeding tube"),
        ("IV", "intravenous"),
    ],
)
def test_glossary_joins_brand_generic_and_abbreviation(a: str, b: str):
    assert set(ANALYZER.analyze(a)) & set(ANALYZER.analyze(b))


def test_stopwords_are_dropped_and_words_stemmed():
    assert ANALYZER.analyze("What are the infusions given for?") == ["infus", "given"]


def test_question_concepts_count_a_brand_once():
    query = analyze_query("Radicava side effects", ANALYZER, _vocab())
    assert query.concepts[0].alternatives == (("radicava",), ("edaravon",))
    both = analyze_query("stiff and spastic legs", ANALYZER, _vocab())
    assert len(both.concepts) == 2  # "stiff" says "spasticity": one concept, not two


def test_a_word_said_twice_is_one_concept_that_stays_an_english_word():
    # Merging the two mentions must keep the word's English frequency: with none it would
    # read as a name no dictionary knows ("tofersen"), which the documents must answer fully.
    query = analyze_query("high blood pressure, is pressure bad?", ANALYZER, _vocab())
    pressure = [c for c in query.concepts if ("pressur",) in c.alternatives]
    assert len(pressure) == 1
    assert pressure[0].frequency > 0 and not pressure[0].rare


def test_glossary_rejects_a_variant_in_two_groups():
    group = '[[group]]\ncanonical = "{}"\nvariants = ["x1"]\n'
    text = group.format("a1") + group.format("b1")
    with pytest.raises(ValueError, match="two groups"):
        Glossary.from_toml(text)


@pytest.mark.parametrize("variant", ["g tube", "i v"])
def test_glossary_rejects_a_variant_that_loses_a_one_letter_word(variant: str):
    text = f'[[group]]\ncanonical = "feeding tube"\nvariants = ["{variant}"]\n'
    with pytest.raises(ValueError, match="would be read as"):
        Glossary.from_toml(text)
    # A phrase keeps its meaning without its article: "swallow a pill" is "swallow pill".
    Glossary.from_toml('[[group]]\ncanonical = "oral"\nvariants = ["swallow a pill"]\n')


def test_a_bare_tube_is_not_a_feeding_tube():
    assert ANALYZER.analyze("the tube is connected to a respirator").count("feed") == 0


def _vocab():
    from corpus import BUNDLED_CORPUS

    r, _ = Retriever.open(BUNDLED_CORPUS, None)
    return r.index.vocabulary


@pytest.mark.parametrize(
    ("typo", "fixed"),
    [
        ("edaravon", "edaravone"),
        ("infusoin", "infusion"),
        ("rilozole", "riluzole"),
        ("theraphy", "therapy"),
        ("occupashunal", "occupational"),
        ("radicva", "radicava"),
    ],
)
def test_typos_are_repaired_against_the_index_vocabulary(retriever: Retriever, typo, fixed):
    assert retriever.index.vocabulary.repair(typo) == fixed
    assert retriever.analyze(f"about {typo}").repairs == {typo: fixed}


@pytest.mark.parametrize("word", ["worse", "mouth", "shower", "trying", "weather", "tofersen"])
def test_real_or_unrelated_words_are_not_repaired(retriever: Retriever, word: str):
    """An English word is what the person meant; a far-off name is not a typo."""
    assert retriever.index.vocabulary.repair(word) is None


def test_short_words_are_never_repaired(retriever: Retriever):
    assert retriever.index.vocabulary.repair("alz") is None


def test_analyzer_fingerprint_changes_with_the_glossary():
    other = Analyzer(
        glossary=Glossary.from_toml('[[group]]\ncanonical = "x1"\nvariants = ["y1"]\n')
    )
    assert other.fingerprint() != ANALYZER.fingerprint()


def test_a_misspelt_filler_word_is_dropped_not_taken_for_a_name(retriever):
    analyzed = retriever.analyze("is stretching every day actualy worth it")
    assert analyzed.repairs.get("actualy") == "actually"
    assert all("actual" not in " ".join(c.words) for c in analyzed.concepts)


def test_lay_phrases_add_the_documents_word():
    assert "progress" in ANALYZER.analyze("mum is going downhill")
    assert "newer" in ANALYZER.analyze("which one is the newest?")
    # "qualify" alone says nothing of trials: "qualify for hospice" must not find them.
    assert "elig" in ANALYZER.analyze("would he qualify for a trial")
    assert "elig" not in ANALYZER.analyze("when does he qualify for hospice")
