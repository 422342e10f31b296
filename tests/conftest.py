"""Shared fixtures: the real bundled corpus and index, and a private data folder per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.examples import open_retriever
from corpus import BUNDLED_CORPUS
from retrieval.search import Retriever

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def shared_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data folder for the session, so caches (index, safety model) are built once."""
    return tmp_path_factory.mktemp("alsbot-data")


@pytest.fixture(autouse=True)
def _private_data_dir(shared_data_dir: Path, monkeypatch: pytest.MonkeyPatch):
    """No test reads or writes the user's real data folder or a developer's .env."""
    data = shared_data_dir
    monkeypatch.setenv("ALSBOT_DATA_DIR", str(data))
    monkeypatch.delenv("ALSBOT_CORPUS_DIR", raising=False)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    return data


@pytest.fixture(scope="session")
def retriever() -> Retriever:
    """The real index over the bundled corpus (built in memory once per session)."""
    r, _ = open_retriever(BUNDLED_CORPUS, None)
    return r


@pytest.fixture(scope="session")
def safety_router():
    """The real safety router (rules and the model trained on the bundled examples)."""
    from bot.safety_model import SafetyRouter, load_or_train

    return SafetyRouter(load_or_train(None))


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled corpus."""
    dest = tmp_path / "corpus"
    shutil.copytree(BUNDLED_CORPUS, dest, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return dest
