"""End to end: the real `alsbot` command (as `python -m bot`) on the bundled corpus."""

from __future__ import annotations

import json
from pathlib import Path

from tests_helpers import alsbot


def test_search_json_ranks_the_edaravone_infusion_passage_first():
    run = alsbot("search", "how is radicava given", "--json", "--k", "3")
    assert run.returncode == 0, run.stderr
    passages = json.loads(run.stdout)
    assert len(passages) == 3
    assert {"rank", "score", "doc_id", "title", "chunk_id", "text"} <= set(passages[0])
    assert "intravenous" in passages[0]["text"]


def test_search_json_reads_one_query_per_line():
    run = alsbot("search", "--json", "--k", "2", stdin="riluzole side effects\n\nfeeding tube\n")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == 3
    first, empty, third = (json.loads(line) for line in lines)
    assert len(first) == 2 and empty == [] and "feeding tube" in " ".join(p["text"] for p in third)


def test_human_readable_search():
    run = alsbot("search", "speech therapy", "--k", "2")
    assert run.returncode == 0
    assert run.stdout.startswith("1. [")
    assert "Speech therapy" in run.stdout
    assert "not medical advice" in run.stdout


def test_index_command_builds_then_loads(tmp_path: Path):
    env = {"ALSBOT_DATA_DIR": str(tmp_path)}
    first = alsbot("index", env_extra=env)
    assert first.returncode == 0, first.stderr
    assert "documents: 5" in first.stdout and "built" in first.stdout
    second = alsbot("index", env_extra=env)
    assert "index:     loaded" in second.stdout


def test_other_corpus_folder(tmp_path: Path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "cough.md").write_text("# Cough assist\n\nA cough assist machine clears phlegm.\n")
    run = alsbot("search", "phlegm", "--corpus", str(folder), "--json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)[0]["title"] == "Cough assist"


def test_bad_corpus_is_one_clear_line_and_exit_2(tmp_path: Path):
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe broken")
    run = alsbot("search", "x", "--corpus", str(tmp_path))
    assert run.returncode == 2
    assert "bad.txt" in run.stderr and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_bad_arguments_exit_2_without_traceback():
    for args in (["search", "x", "--k", "0"], ["search", "x", "--k", "lots"], ["search"], ["nope"]):
        run = alsbot(*args)
        assert run.returncode == 2, args
        assert "Traceback" not in run.stderr and run.stderr.strip()


def test_empty_query_is_refused():
    run = alsbot("search", "   ")
    assert run.returncode == 2 and "empty" in run.stderr


def test_bad_setting_is_reported(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    run = alsbot("search", "riluzole", env_extra={"ALSBOT_DATA_DIR": str(blocker)})
    assert run.returncode == 0  # the cache is optional: search still works
    assert "index cache disabled" in run.stderr


def test_unusable_data_folder_for_discord_is_one_line(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl." + "a" * 38
    run = alsbot(
        "discord",
        cwd=tmp_path,
        env_extra={"ALSBOT_DATA_DIR": str(blocker / "data"), "DISCORD_TOKEN": token},
    )
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.startswith("alsbot: error:")
