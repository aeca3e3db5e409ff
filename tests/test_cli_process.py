"""The commands as real processes: signals, closed pipes and byte-level file names (CliRunner cannot show these)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def command(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.skip(f"{name} is not installed (pip install -e .)")
    return str(path)


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def test_ctrl_c_exits_130_and_leaves_no_partial_output(tmp_path):
    out = tmp_path / "summaries.jsonl"
    # Reading standard input that never ends: the process sits inside the command, its temporary file open.
    process = subprocess.Popen(
        [command("summarise"), "-o", str(out), "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        wait_for(lambda: any(tmp_path.iterdir()))  # the temporary output exists: we are past start-up
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 130
    assert b"Traceback" not in stderr and b"Aborted" not in stderr
    assert list(tmp_path.iterdir()) == []


def test_a_closed_pipe_exits_quietly(seed_paths):
    # Enough output that it cannot all sit in the pipe's buffer when the reader goes away.
    seeds = [str(p) for p in seed_paths.values()] * 8
    process = subprocess.Popen([command("tag"), "-q", *seeds], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = process.stdout.readline()
    process.stdout.close()  # what `| head -1` does
    stderr = process.stderr.read()
    process.wait(timeout=60)
    assert json.loads(first)["file"] == seeds[0]
    assert process.returncode == 141
    assert stderr == b""


def test_names_that_are_not_utf8_are_escaped_and_kept(tmp_path, seed_paths):
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(seed_paths["004"], folder / "good.txt")
    bad_name = os.path.join(os.fsencode(folder), b"bad\xff\xfename.txt")
    shutil.copy(seed_paths["003"], bad_name)
    out = tmp_path / "out.jsonl"
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [command("summarise"), str(folder), "-o", str(out), "--glob", "*"], capture_output=True, env=environment, timeout=60
    )
    assert done.returncode == 0, done.stderr
    files = [json.loads(line)["file"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert files == [f"{folder}/bad\\xff\\xfename.txt", f"{folder}/good.txt"]
    printed = subprocess.run([command("summarise"), "-n", "1", os.fsencode(folder) + b"/"], capture_output=True, env=environment, timeout=60)
    assert printed.returncode == 0
    assert f"==> {folder}/bad\\xff\\xfename.txt <==".encode() in printed.stdout
