"""Page chrome is not content: the rules, one by one, and on the real pages."""

from __future__ import annotations

import pytest

from retrieval.cleaning import chrome_rule, clean
from retrieval.search import Retriever

CHROME_IN_BUNDLED_PAGES = [
    "Search This Site",
    "Inquire here about advertising",
    "Personalize",
    "Help us tailor your experience",
    "Which best describes you?",
    "Article Review Status",
    "Under Review",
    "View editorial policy",
    "Featured Content",
    "Caregiving for Someone with ALS",  # a teaser under "Featured Content"
    "Accessed July 12, 2016",  # a reference list
    "Getty Images",
    "A scientist in the lab looking through a microscope",  # the image's caption
    "Return to the Nervous System Diseases home page",
    "This site is not intended to offer medical advice",
    "Dr.Oracle assumes no liability",
    "Our Medical A.I. is used by practicing medical doctors",
    "Aubrey Bailey is a physical therapist",  # author bio after the source list
    "MedlinePlus",
]


@pytest.mark.parametrize("chrome", CHROME_IN_BUNDLED_PAGES)
def test_no_chrome_is_indexed(retriever: Retriever, chrome: str):
    for chunk in retriever.index.chunks:
        assert chrome not in chunk.text, f"{chunk.id} holds page chrome"


def test_headings_are_kept_as_section_context(retriever: Retriever):
    sections = {c.section for c in retriever.index.chunks}
    assert "Prognosis for ALS" in sections
    assert "Riluzole Efficacy and Safety" in sections
    assert "Breathing care" in sections  # a bullet's label covers its indented paragraphs
    assert not any("Prognosis for ALS" in c.text for c in retriever.index.chunks)


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Search This Site", "site search"),
        ("Inquire here about advertising on Example Health.", "advertising"),
        ("Advertisement", "advertising"),
        ("Done with the Riluzole page?", "navigation"),
        ("Return to the Treatments section.", "navigation"),
        ("Help us tailor your experience", "personalisation"),
        ("Last updated: March 3, 2024View editorial policy", "date stamp"),
        ("Medically reviewed in January 2022", "date stamp"),
        ("May 12, 2017", "date stamp"),
        ("By Jane Smith, RN", "byline"),
        ("Featured Content", "teasers"),
        ("References", "reference list"),
        ("12 Sources", "reference list"),
        ("Professional Medical Disclaimer", "publisher disclaimer"),
        ("Jane Doe / Getty Images", "image credit"),
    ],
)
def test_chrome_rules_match(line: str, rule: str):
    found = chrome_rule(line)
    assert found is not None and found[1] == rule


@pytest.mark.parametrize(
    "line",
    [
        "Riluzole is taken by mouth twice a day.",
        "Approved in 2022, this medication is in powder form.",
        "by reducing levels of glutamate",  # "by" + lowercase is prose, not a byline
        "Sources of support for caregivers are listed below.",
        "Physical therapy",
        "The FDA approved edaravone in May 2017 for ALS.",
    ],
)
def test_content_lines_are_not_chrome(line: str):
    assert chrome_rule(line) is None


def _texts(raw: str) -> list[str]:
    return [b.text(raw) for b in clean(raw)]


def test_cut_from_drops_the_rest_of_the_page():
    raw = "Intro\n\nReal text here.\n\nReferences\n\n1. Smith J. A paper. 2019;3:4.\n\nMore.\n"
    assert _texts(raw) == ["Intro", "Real text here."]


def test_numbered_citations_are_a_reference_list_but_numbered_steps_are_not():
    raw = (
        "Steps\n\n1. Sit up straight.\n2. Take a slow breath.\n\nLater text.\n\n"
        "1. Doe J. Review. Accessed July 1, 2020.\n2. Roe K, et al. Trial. 2018;5:7.\n"
    )
    texts = _texts(raw)
    assert "Sit up straight." in texts and "Take a slow breath." in texts
    assert not any("Accessed" in t or "et al" in t for t in texts)


def test_caption_above_an_image_credit_is_dropped():
    raw = (
        "Heading\n\nBody text stays.\n\nA nurse at a bedside.\n\n"
        "Jane Roe / Getty Images\n\nMore text.\n"
    )
    assert _texts(raw) == ["Heading", "Body text stays.", "More text."]


def test_a_repeated_paragraph_is_kept_once():
    raw = "Teaser paragraph here.\n\nTitle Of Section\nTeaser paragraph here.\nOther text.\n"
    texts = _texts(raw)
    assert texts.count("Teaser paragraph here.") == 1


def test_manifest_drop_lines_are_exact():
    raw = "Keep this line.\n\nSubscribe to our newsletter!\n"
    assert _texts(raw) == ["Keep this line.", "Subscribe to our newsletter!"]
    dropped = clean(raw, ["Subscribe to our newsletter!"])
    assert [b.text(raw) for b in dropped] == ["Keep this line."]


def test_markdown_headings_and_bullets():
    raw = "# Breathing\n\nText about NIV.\n\n- Item one is here\n- Item two\n"
    blocks = clean(raw)
    assert [b.kind for b in blocks] == ["heading", "para", "bullet", "bullet"]
    assert blocks[1].section == ("Breathing",)
    assert blocks[2].text(raw) == "Item one is here"


def test_block_offsets_are_exact():
    raw = "Title Here\n\n  • Breathing care. Doctors may test it.\n\n    You may choose a vent.\n"
    for block in clean(raw):
        assert raw[block.start : block.end] == raw[block.start : block.end].strip()
        assert block.text(raw) in " ".join(raw.split())
    assert clean(raw)[-1].section == ("Title Here", "Breathing care")
