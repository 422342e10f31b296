"""The bundled example questions: the judge's answerable questions, with their quotes.

The same labelled questions that teach the answerability judge (``bot/data/answerability_*``)
also help retrieval find the passage a question means (:mod:`retrieval.examples`). Every
retriever the bot opens goes through :func:`open_retriever`, so none is without them.
"""

from __future__ import annotations

import functools
from pathlib import Path

from bot.learning import bundled_examples
from retrieval.examples import Example
from retrieval.index import OpenedIndex
from retrieval.search import Retriever


@functools.cache
def example_questions() -> tuple[Example, ...]:
    return tuple(
        Example(item["text"], item["evidence"])
        for item in bundled_examples("answerability_")
        if item.get("answerable") and item.get("evidence")
    )


def open_retriever(
    corpus_dir: Path | str, cache_dir: Path | None, *, force: bool = False
) -> tuple[Retriever, OpenedIndex]:
    """:meth:`Retriever.open` with the bundled example questions."""
    return Retriever.open(corpus_dir, cache_dir, force=force, examples=example_questions())
