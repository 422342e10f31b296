"""Offline by design: nothing is downloaded at run time, and nltk needs no nltk_data.

nltk itself offers ``nltk.download()``; this project never calls it. The cold path (index
built, both models fitted, a question answered) runs here in a fresh process with no network,
no nltk_data and ``nltk.download`` replaced by a failure.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

from tests_helpers import ROOT

OFFLINE = """
import socket, sys
import nltk, nltk.downloader

def refuse(*args, **kwargs):
    raise RuntimeError("tried to use the network or download at run time")

socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
nltk.download = nltk.downloader.download = refuse
nltk.downloader.Downloader.download = refuse
nltk.data.path[:] = [sys.argv[1]]  # an empty folder: no nltk_data anywhere

from bot.cli import main
sys.exit(main(sys.argv[2:]))
"""


def _run_offline(tmp_path, *args: str) -> subprocess.CompletedProcess:
    empty = tmp_path / "nltk_data"
    empty.mkdir()
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "ALSBOT_DATA_DIR": str(tmp_path / "data"),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, "-c", OFFLINE, str(empty), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=tmp_path,
    )


def test_a_question_is_answered_cold_with_no_network_and_no_nltk_data(tmp_path):
    done = _run_offline(tmp_path, "ask", "how is radicava given?", "--json")
    assert done.returncode == 0, done.stderr
    reply = json.loads(done.stdout)
    assert reply["kind"] == "answer" and reply["citations"]
    assert "not medical advice" in reply["answer"]
    assert "Traceback" not in done.stderr


def test_the_project_never_calls_nltk_download():
    for path in [*ROOT.glob("bot/**/*.py"), *ROOT.glob("retrieval/**/*.py")]:
        source = path.read_text("utf-8")
        assert not re.search(r"\bnltk\.download|from nltk\.downloader|nltk\.data\.load", source), (
            path
        )
