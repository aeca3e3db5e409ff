"""Resumable `tag -o` batches: an interrupted run finishes with --resume, the output as if never stopped."""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SHARED, small_batch
from toolkit.batch.resume import ResumeJournal, journal_folder
from toolkit.batch.tagging import TagSettings, tag_files
from toolkit.batch.writing import formatter, tag_fingerprint, tag_output_options, write_batch_to_file
from toolkit.cli import tag_command

CORPUS = SHARED / "corpus" / "ncp_policies"


class Interrupted(Exception):
    """Stands in for the process dying after some files."""


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> list[str]:
    return small_batch(tmp_path_factory.mktemp("reports"), "ncp_policies", 20)


def run_batch(files, output, *, fmt="jsonl", resume=False, tagger=None):
    """The batch `tag FILES -o OUTPUT [--resume]` runs, with a tagger that can be made to die."""
    settings = TagSettings()
    errors: list[str] = []
    counts = write_batch_to_file(
        files, tagger or (lambda remaining: tag_files(remaining, settings)), format_result=formatter(fmt), output=str(output),
        fingerprint=tag_fingerprint(files, settings, tag_output_options(fmt)), resume=resume, report_error=errors.append,
    )
    return counts, errors


@pytest.fixture(scope="module", params=["jsonl", "csv"])
def uninterrupted(request, reports, tmp_path_factory):
    out = tmp_path_factory.mktemp("whole") / f"themes.{request.param}"
    counts, errors = run_batch(reports, out, fmt=request.param)
    return request.param, out.read_bytes(), counts, errors


def stopping_after(limit: int, tagged: list[str]):
    """A tagger that dies after ``limit`` files, noting each file it tags."""

    def tagger(remaining):
        for count, result in enumerate(tag_files(remaining, TagSettings())):
            if count == limit:
                raise Interrupted
            tagged.append(result.file)
            yield result

    return tagger


def test_resume_finishes_without_redoing_files_and_matches_an_uninterrupted_run(reports, uninterrupted, tmp_path):
    fmt, whole, whole_counts, whole_errors = uninterrupted
    out = tmp_path / f"themes.{fmt}"
    first: list[str] = []
    with pytest.raises(Interrupted):
        run_batch(reports, out, fmt=fmt, tagger=stopping_after(9, first))
    assert not out.exists() and journal_folder(out).is_dir()
    second: list[str] = []
    counts, errors = run_batch(reports, out, fmt=fmt, resume=True, tagger=stopping_after(10**6, second))
    assert first == reports[:9] and second == reports[9:]  # nothing tagged twice, nothing skipped
    assert out.read_bytes() == whole
    assert (counts, errors) == (whole_counts, whole_errors)  # the broken file is reported again, counts add up
    assert whole_errors and "binary data" in whole_errors[0]
    assert not journal_folder(out).exists()


def test_power_cut_leftovers_are_redone(reports, uninterrupted, tmp_path):
    """A torn index line, and index lines whose output never reached the disk, are cut back and redone."""
    fmt, whole, *_ = uninterrupted
    out = tmp_path / f"themes.{fmt}"
    with pytest.raises(Interrupted):
        run_batch(reports, out, fmt=fmt, tagger=stopping_after(12, []))
    folder = journal_folder(out)
    partial = (folder / "partial").read_bytes()
    index_lines = (folder / "index.jsonl").read_bytes().splitlines(keepends=True)
    assert len(index_lines) == 12
    # The disk kept the index but lost the output's last 100 bytes, and half of a 13th index line.
    (folder / "partial").write_bytes(partial[:-100])
    (folder / "index.jsonl").write_bytes(b"".join(index_lines) + index_lines[-1][:20])
    journal = ResumeJournal(out, tag_fingerprint(reports, TagSettings(), tag_output_options(fmt))).open(resume=True)
    journal.close()
    assert len(journal.finished) == 11
    second: list[str] = []
    run_batch(reports, out, fmt=fmt, resume=True, tagger=stopping_after(10**6, second))
    assert second == reports[11:]
    assert out.read_bytes() == whole


def test_damaged_output_bytes_are_caught_by_their_checksum(reports, uninterrupted, tmp_path):
    fmt, whole, *_ = uninterrupted
    out = tmp_path / f"themes.{fmt}"
    with pytest.raises(Interrupted):
        run_batch(reports, out, fmt=fmt, tagger=stopping_after(8, []))
    partial = journal_folder(out) / "partial"
    data = bytearray(partial.read_bytes())
    data[-5:] = b"\0" * 5  # same length, different bytes: what a lost page looks like
    partial.write_bytes(bytes(data))
    second: list[str] = []
    run_batch(reports, out, fmt=fmt, resume=True, tagger=stopping_after(10**6, second))
    assert second == reports[7:]
    assert out.read_bytes() == whole


def cli(*args):
    return CliRunner().invoke(tag_command, [str(a) for a in args])


def test_cli_refuses_a_resume_with_other_options_and_a_stale_journal_without_resume(seed_paths, tmp_path):
    out = tmp_path / "themes.jsonl"
    folder = tmp_path / "in"
    folder.mkdir()
    for path in seed_paths.values():
        shutil.copy(path, folder / path.name)
    journal_folder(out).mkdir()  # left by a run that died before writing anything
    stale = cli(folder, "-o", out)
    assert stale.exit_code == 2 and "add --resume to finish it, or --force" in stale.output
    assert "Traceback" not in stale.output
    damaged = cli(folder, "-o", out, "--resume")
    assert damaged.exit_code == 2 and "not a readable resume journal" in damaged.output
    shutil.rmtree(journal_folder(out))
    with pytest.raises(Interrupted):
        run_batch(sorted(str(p) for p in folder.glob("*.txt")), out, tagger=stopping_after(2, []))
    other = cli(folder, "-o", out, "--resume", "--format", "csv")
    assert other.exit_code == 2 and "different format" in other.output
    assert cli(folder, "--resume").exit_code == 2  # no -o: nothing to keep a journal beside
    done = cli(folder, "-o", out, "--resume")
    assert done.exit_code == 0, done.output
    assert "5 files tagged" in done.output
    assert out.read_text(encoding="utf-8").count('"file"') == 153
    assert not journal_folder(out).exists()


def _jsonl_lines(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


@pytest.mark.skipif(not CORPUS.is_dir(), reason="needs ../shared/corpus")
def test_kill_9_then_resume_gives_the_uninterrupted_output(tmp_path):
    """A real `tag` process killed with SIGKILL mid-batch, then the same command with --resume.

    Three chunks' worth of files (``CHUNK_FILES`` each), so the kill falls after the first is journalled.
    """
    from toolkit.batch.tagging import CHUNK_FILES

    count = 3 * CHUNK_FILES
    folder = tmp_path / "in"
    folder.mkdir()
    for path in sorted(CORPUS.glob("*.txt"))[:count]:
        shutil.copy(path, folder / path.name)
    whole = tmp_path / "whole.jsonl"
    run_batch(sorted(str(p) for p in folder.glob("*.txt")), whole)
    tag = [sys.executable, "-c", "from toolkit.cli import tag_command; tag_command()"]
    out = tmp_path / "themes.jsonl"
    process = subprocess.Popen([*tag, folder, "-o", out], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    index = journal_folder(out) / "index.jsonl"
    deadline = time.monotonic() + 120
    while _jsonl_lines(index) < 8 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    finished = _jsonl_lines(index)
    assert 8 <= finished < count and not out.exists(), "killed too late to test anything"
    resumed = subprocess.run([*tag, folder, "-o", out, "--resume"], capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert out.read_bytes() == whole.read_bytes()
    assert f"{count} files tagged" in resumed.stderr


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_shows_files_characters_and_rate_from_where_a_resume_starts(monkeypatch, seed_paths):
    from toolkit.batch.progress import BatchProgress
    from toolkit.batch.tagging import tag_file

    result = tag_file(str(seed_paths["000"]), TagSettings())
    stderr = Terminal()
    monkeypatch.setattr(sys, "stderr", stderr)
    with BatchProgress(3, done=1, done_chars=100) as progress:
        time.sleep(0.2)  # the bar redraws at most every 0.1 s
        progress.update(result)
        shown = stderr.getvalue()
    assert "2/3" in shown
    assert f"{100 + result.chars:,} chars" in shown
    assert re.search(r"[\d,]+ chars/s", shown)
