"""`alsbot eval` runs end to end and reports the figures the issues ask for."""

from __future__ import annotations

import json
from pathlib import Path

from tests_helpers import alsbot

DATA = Path(__file__).parents[1] / "data"


def _subset(source: Path, dest: Path, n: int) -> Path:
    lines = source.read_text().splitlines()
    dest.write_text("\n".join(lines[:n]) + "\n")
    return dest


def test_eval_reports_retrieval_answers_and_safety(tmp_path: Path):
    questions = tmp_path / "q.jsonl"
    items = [json.loads(line) for line in (DATA / "questions.jsonl").read_text().splitlines()]
    kinds = ("factoid", "followup", "out_of_corpus", "crisis", "emergency", "dosing")
    picked = [next(i for i in items if i["kind"] == k) for k in kinds]
    picked += [i for i in items if i["kind"] == "factoid"][1:6]
    questions.write_text("\n".join(json.dumps(i) for i in picked) + "\n")
    safety = _subset(DATA / "safety.jsonl", tmp_path / "s.jsonl", 30)
    run = alsbot("eval", "--questions", str(questions), "--safety", str(safety), "--json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    answers = report["q.jsonl"]["answers"]
    assert answers["quote_verbatim"] == 1.0
    assert answers["disclaimer"] == 1.0
    assert answers["crisis"] == 1.0 and answers["emergency"] == 1.0
    retrieval = report["q.jsonl"]["retrieval"]
    assert {"mrr@10", "hit@1", "hit@3", "hit@5", "words_per_passage"} <= set(retrieval)
    assert retrieval["mrr@10"] > report["q.jsonl"]["baseline"]["mrr@10"]
    assert "false_alarms" in report["s.jsonl"]


def test_eval_rejects_a_broken_questions_file(tmp_path: Path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "turns": []}\n')
    run = alsbot("eval", "--questions", str(bad))
    assert run.returncode == 2 and "bad.jsonl:1" in run.stderr and "Traceback" not in run.stderr


def test_eval_measures_a_set_of_follow_ups_alone(tmp_path: Path):
    followups = _subset(DATA / "followups_dev.jsonl", tmp_path / "f.jsonl", 3)
    safety = _subset(DATA / "safety.jsonl", tmp_path / "s.jsonl", 5)
    run = alsbot("eval", "--questions", str(followups), "--safety", str(safety))
    assert run.returncode == 0, run.stderr
    assert "follow-ups whose answer contains the fact" in run.stdout
    assert "MRR@10" not in run.stdout  # nothing single-turn to rank


def test_eval_rejects_an_empty_questions_file(tmp_path: Path):
    empty = tmp_path / "e.jsonl"
    empty.write_text("\n")
    run = alsbot("eval", "--questions", str(empty))
    assert run.returncode == 2
    assert "has no questions" in run.stderr and "Traceback" not in run.stderr
