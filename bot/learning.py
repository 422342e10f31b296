"""Small learned models: linear judges over named features, cached in the data folder.

A model is stored as a pickle named by a fingerprint of what it was fitted on, with its
SHA-256 beside it. A missing, stale or damaged file is simply refitted (a few seconds). The
pickle is our own file, written atomically and checked against its digest before loading;
the data folder must still be private to the user running the bot, as pickles run code.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
import pickle
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import TypeVar

from retrieval.files import atomic_write

log = logging.getLogger(__name__)
T = TypeVar("T")


def bundled_examples(prefix: str) -> list[dict]:
    """Every labelled line of the ``bot/data/<prefix>*.jsonl`` files shipped with the package,
    in file-name order."""
    folder = resources.files("bot").joinpath("data")
    items: list[dict] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.startswith(prefix) and entry.name.endswith(".jsonl"):
            lines = entry.read_text("utf-8").splitlines()
            items.extend(json.loads(line) for line in lines if line.strip())
    return items


def fingerprint(*parts: str) -> str:
    """A short digest of everything a fitted model depends on (scikit-learn's version too)."""
    import sklearn

    h = hashlib.sha256(sklearn.__version__.encode())
    for part in parts:
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()[:16]


def load_or_fit(cache_dir: Path | None, name: str, key: str, fit: Callable[[], T]) -> T:
    """The model cached as ``name-key`` in ``cache_dir``, else ``fit()`` (and cache it)."""
    if cache_dir is None:
        return fit()
    path = cache_dir / f"{name}-{key}.pickle"
    digest = path.with_suffix(".sha256")
    try:
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() == digest.read_text().strip():
            return pickle.loads(data)  # our own file, checked above
        log.warning("refitting the %s model: the cached copy is damaged", name)
    except FileNotFoundError:
        pass
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError) as exc:
        log.warning("refitting the %s model: %s", name, exc)
    model = fit()
    try:
        data = pickle.dumps(model)
        atomic_write(path, data)
        atomic_write(digest, hashlib.sha256(data).hexdigest().encode())
    except OSError as exc:
        log.warning("could not cache the %s model: %s", name, exc)
    return model


class LinearModel:
    """Logistic regression over named features (dicts), for yes/no judgements."""

    def __init__(self, pipeline: object) -> None:
        self.pipeline = pipeline

    @classmethod
    def fit(
        cls, rows: list[dict[str, float]], labels: list[bool], c: float, balanced: bool = True
    ) -> LinearModel:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        weights = "balanced" if balanced else None
        pipeline = make_pipeline(
            DictVectorizer(), LogisticRegression(C=c, max_iter=3000, class_weight=weights)
        )
        pipeline.fit(rows, labels)
        return cls(pipeline)

    def probabilities(self, rows: list[dict[str, float]]) -> list[float]:
        """The probability of "yes" for each row."""
        if not rows:
            return []
        proba = self.pipeline.predict_proba(rows)  # type: ignore[attr-defined]
        yes = list(self.pipeline.classes_).index(True)  # type: ignore[attr-defined]
        return [float(p[yes]) for p in proba]

    def probability(self, row: dict[str, float]) -> float:
        return self.probabilities([row])[0]


def source_of(*modules: ModuleType) -> list[str]:
    """The source of the modules a model's features are computed by, for its cache key: a
    change to any of them (a weight, a rule) refits the model instead of loading one fitted
    on other features."""
    return [inspect.getsource(m) for m in modules]
