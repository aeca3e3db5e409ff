"""The fault suite, fast part: hostile inputs, outputs and models given to the real commands.

Every case runs an installed console command in a subprocess with a timeout
and a memory (address-space) limit, on inputs built in tmp_path, and checks
the toolkit's promises: no traceback, no hang, a one-line error naming the
file, the right exit code (0 done, 1 some inputs failed, 2 usage, 3 model),
the good inputs' outputs intact, no code run from a model file, no litter.
The outcomes are printed as a table at the end of the run.  Slow cases
(huge files, signals, a full disk, 20,000 files) are in bench/faults.py.
"""

from __future__ import annotations

import json
import math
import os
import pickle
import shutil
import stat
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from fault_harness import (  # noqa: E402
    SHIPPED_MODEL,
    TABLE_HEADER,
    Outcome,
    good_reports,
    jsonl_files,
    model_arrays,
    run_case,
    small_model,
    totals,
)

AS_ROOT = os.geteuid() == 0
LABELS = Path(__file__).resolve().parents[1] / "data" / "labels"


@pytest.fixture(scope="module")
def outcomes(request):
    """Every case's outcome, printed as one table when the module is done."""
    collected: list[Outcome] = []
    yield collected
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None or not collected:
        return
    with capture.global_and_fixture_disabled():  # teardown output is otherwise captured and dropped
        reporter.write_line("")
        reporter.write_line("fault suite (fast cases)")
        reporter.write_line(TABLE_HEADER)
        for outcome in collected:
            reporter.write_line(outcome.row())
        reporter.write_line(totals(collected))


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    return small_model(SHIPPED_MODEL, tmp_path_factory.mktemp("models") / "tiny")


@pytest.fixture
def good(tmp_path) -> list[Path]:
    return good_reports(tmp_path / "in")


def expect(outcomes: list, outcome: Outcome, exit_code: int, message: str | None = None) -> Outcome:
    outcomes.append(outcome)
    assert not outcome.timed_out, f"{outcome.case}: hung"
    assert not outcome.traceback, f"{outcome.case}: traceback\n{outcome.stderr}"
    assert outcome.exit_code == exit_code, f"{outcome.case}: exit {outcome.exit_code}\n{outcome.stderr[-2000:]}"
    if message is not None:
        assert message in outcome.message, f"{outcome.case}: {outcome.message!r}"
        assert "\n" not in outcome.message
    return outcome


def summaries_of(outcome: Outcome, paths) -> bool:
    """Every good file got its summary header and a non-empty summary after it."""
    sections = outcome.stdout.split("==> ")
    return all(
        any(section.startswith(f"{path} <==\n") and section.split("\n", 1)[1].strip() for section in sections)
        for path in paths
    )


def tagged(out: Path, paths) -> bool:
    counts = jsonl_files(out.read_text(encoding="utf-8"))  # strict JSON: NaN would fail here
    return all(counts.get(str(path), 0) > 0 for path in paths)


# --- bad inputs: one bad input never loses the batch ---------------------------------------------


def test_tag_batch_of_bad_inputs_loses_no_good_file(outcomes, good, tiny_model, tmp_path):
    """One run, every kind of bad input beside the good reports: each bad one is a one-line error
    naming it (escaped), every good one is tagged.  One tag run keeps the suite fast."""
    folder = good[0].parent
    shutil.copyfile(good[0], os.fsencode(folder) + b"/bad\xff\xfename.txt")
    shutil.copyfile(good[1], folder / "new\nline.txt")
    os.mkfifo(folder / "fifo.txt")
    os.symlink("loop_b.txt", folder / "loop_a.txt")
    os.symlink("loop_a.txt", folder / "loop_b.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "footer.txt").write_text("责任编辑：张三\n版权所有 © 某某网\n", encoding="utf-8")
    (folder / "folder.txt").mkdir()
    (folder / "spaces.txt").write_text("各地加强疫情防控工作。" + " " * 100_000 + "（記者 張三）\n市场监管部门开展检查。\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    outcome = expect(
        outcomes,
        run_case(
            "tag: batch with /dev/zero, FIFO, symlink loop, empty, footer-only, 100k spaces, names not UTF-8 / with newline",
            ["tag", "/dev/zero", folder, tmp_path / "missing.txt", "--model", tiny_model, "-o", out],
            timeout=60,
        ),
        1,
    )
    errors = outcome.stderr
    for expected in (
        "/dev/zero: is a device",
        "fifo.txt: is a FIFO",
        "loop_a.txt: too many levels of symbolic links",
        "loop_b.txt: too many levels of symbolic links",
        "empty.txt: no text (empty file)",
        "footer.txt: no text",
        "missing.txt: no such file",
    ):
        assert expected in errors, expected
    counts = jsonl_files(out.read_text(encoding="utf-8"))  # strict JSON: NaN would fail here
    assert {f"{folder}/bad\\xff\\xfename.txt", f"{folder}/new\\nline.txt", f"{folder}/spaces.txt"} <= set(counts)
    assert "tag: 5 files tagged" in errors and "7 failed" in errors
    outcome.good_intact = tagged(out, good)
    assert outcome.good_intact


def test_tag_a_folder_tree_1200_levels_deep(outcomes, good, tiny_model, tmp_path):
    """Folders nested deeper than Python's recursion limit: the file at the bottom is found and
    tagged (rglob raised RecursionError); a --glob over several levels, which still walks with
    pathlib, gets a one-line error instead of a traceback."""
    tree = tmp_path / "deep"
    tree.mkdir()
    start = os.getcwd()
    try:
        os.chdir(tree)
        for _ in range(1200):  # relative steps: the full path (2,400 characters) stays under PATH_MAX
            os.mkdir("a")
            os.chdir("a")
        shutil.copyfile(good[0], "report.txt")
    finally:
        os.chdir(start)
    out = tmp_path / "deep.jsonl"
    try:
        found = expect(outcomes, run_case("tag: a folder tree 1,200 levels deep", ["tag", tree, "--model", tiny_model, "-o", out]), 0)
        assert found.exit_code == 0 and jsonl_files(out.read_text(encoding="utf-8"))
        expect(
            outcomes,
            run_case("tag: --glob '**/*.txt' on a tree 1,200 levels deep", ["tag", tree, "--glob", "**/*.txt", "--model", tiny_model]),
            1,
            "folders nested too deeply",
        )
    finally:
        _remove_deep_tree(tree)  # shutil.rmtree (and so pytest's clean-up of old temporary folders) recurses


def _remove_deep_tree(tree: Path) -> None:
    """Remove a chain of folders named ``a`` (with files in them), deepest first, without recursion."""
    levels = [tree]
    while (levels[-1] / "a").is_dir():
        levels.append(levels[-1] / "a")
    for level in reversed(levels):
        for entry in level.iterdir():
            if not entry.is_dir():
                entry.unlink()
        level.rmdir()


def test_summarise_undecodable_name(outcomes, good):
    bad = os.fsencode(good[0].parent) + b"/bad\xff\xfename.txt"
    shutil.copyfile(good[0], bad)
    outcome = expect(outcomes, run_case("summarise: name not UTF-8", ["summarise", good[0], bad, good[1]]), 0)
    outcome.good_intact = summaries_of(outcome, good)
    assert outcome.good_intact


@pytest.mark.parametrize("command", ["tag", "summarise", "report"])
@pytest.mark.parametrize("pattern, message", [("/abs/*.txt", "is an absolute path"), ("", "must not be empty")])
def test_glob_patterns_pathlib_refuses_are_usage_errors(outcomes, good, command, pattern, message):
    """An absolute or empty --glob made pathlib raise (NotImplementedError, ValueError): a traceback."""
    expect(outcomes, run_case(f"{command} --glob {pattern!r}", [command, good[0].parent, "--glob", pattern]), 2, message)


def test_summarise_dev_zero(outcomes):
    expect(outcomes, run_case("summarise /dev/zero", ["summarise", "/dev/zero"]), 1, "is a device")


def test_summarise_fifo_among_files_does_not_block(outcomes, good):
    fifo = good[0].parent / "f.txt"
    os.mkfifo(fifo)
    outcome = expect(outcomes, run_case("summarise: FIFO among files", ["summarise", good[0], fifo, good[1]], timeout=30), 1, "FIFO")
    outcome.good_intact = summaries_of(outcome, good)
    assert outcome.good_intact


def test_summarise_100000_short_lines(outcomes, good):
    lines = good[0].parent / "lines.txt"
    lines.write_text("".join(f"第{i}条防控。\n" for i in range(100_000)), encoding="utf-8")
    outcome = expect(outcomes, run_case("summarise: 100,000 short lines", ["summarise", good[0], lines, good[1]], timeout=60), 0)
    outcome.good_intact = summaries_of(outcome, good)
    assert outcome.good_intact


@pytest.mark.parametrize("command", ["summarise", "tag"])
def test_encoding_that_is_not_a_text_encoding(outcomes, good, command):
    expect(outcomes, run_case(f"{command} --encoding rot13", [command, "--encoding", "rot13", good[0]]), 2, "rot13")


def test_summarise_folder_among_files(outcomes, good):
    """A folder among the files is searched (here it holds nothing that matches: a warning), the rest summarised."""
    folder = good[0].parent / "folder.txt"
    folder.mkdir()
    outcome = expect(outcomes, run_case("summarise: folder among files", ["summarise", good[0], folder, good[1]]), 0, "folder.txt: no files match")
    outcome.good_intact = summaries_of(outcome, good)
    assert outcome.good_intact


@pytest.mark.skipif(AS_ROOT, reason="root reads files whatever their mode")
def test_summarise_unreadable_file_among_files(outcomes, good):
    locked = good[0].parent / "locked.txt"
    shutil.copyfile(good[0], locked)
    locked.chmod(0)
    outcome = expect(outcomes, run_case("summarise: unreadable file", ["summarise", good[0], locked, good[1]]), 1, "permission denied")
    outcome.good_intact = summaries_of(outcome, good)
    assert outcome.good_intact


def test_summarise_name_starting_with_dash(outcomes, good):
    dashed = good[0].parent / "-dash.txt"
    shutil.copyfile(good[1], dashed)
    outcome = expect(
        outcomes, run_case("summarise: name starting with -", ["summarise", good[0].name, "--", "-dash.txt"], cwd=good[0].parent), 0
    )
    outcome.good_intact = summaries_of(outcome, [good[0].name, "-dash.txt"])
    assert outcome.good_intact


def test_symlink_loop_is_not_no_such_file(outcomes, tmp_path):
    os.symlink("b.txt", tmp_path / "a.txt")
    os.symlink("a.txt", tmp_path / "b.txt")
    expect(outcomes, run_case("summarise: symlink loop", ["summarise", tmp_path / "a.txt"]), 1, "too many levels of symbolic links")


def test_newline_in_a_file_name_keeps_the_error_on_one_line(outcomes, tmp_path):
    name = tmp_path / "two\nlines.txt"
    name.write_bytes(b"")
    outcome = expect(outcomes, run_case("summarise: newline in name (error)", ["summarise", name]), 1, "two\\nlines.txt: no text")
    assert len([line for line in outcome.stderr.splitlines() if ": error:" in line]) == 1


def test_file_over_the_cap_is_refused_from_its_size(outcomes, tmp_path):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:  # sparse: 65 MiB on paper, nothing on disk
        handle.truncate(65 * 1024 * 1024)
    outcome = expect(outcomes, run_case("summarise: file over the 64 MiB cap", ["summarise", huge], timeout=20), 1, "64 MiB")
    assert outcome.seconds < 10  # the interpreter's start-up included; bench/faults.py times the refusal itself


def test_standard_input_is_capped_too(outcomes):
    flood = "防控".encode("utf-8") * (12 * 1024 * 1024)  # 72 MiB
    expect(outcomes, run_case("summarise -: 72 MiB on stdin", ["summarise", "-"], stdin=flood, timeout=30), 1, "64 MiB input cap")


# --- text that used to blow up or vanish ----------------------------------------------------


def test_100000_spaces_on_one_line(outcomes, tmp_path):
    spaced = tmp_path / "spaces.txt"
    spaced.write_text("各地加强疫情防控工作。" + " " * 100_000 + "（記者 張三）\n市场监管部门开展检查。\n", encoding="utf-8")
    outcome = expect(outcomes, run_case("summarise: 100,000 spaces on a line", ["summarise", spaced], timeout=30), 0)
    assert "防控" in outcome.stdout and outcome.seconds < 20


def test_one_line_article_ending_in_a_more_link_keeps_its_text(outcomes, tmp_path):
    article = tmp_path / "teaser.txt"
    article.write_text(
        "蘭州市公安部門統計，目前蘭州市共登記“網約房”500余家，已全部納入治安管理，疫情期間逐一落實登記和消毒措施…【詳細】\n",
        encoding="utf-8",
    )
    outcome = expect(outcomes, run_case("summarise: one-line article ending 【詳細】", ["summarise", article]), 0)
    assert "網約房" in outcome.stdout and "詳細" not in outcome.stdout


def test_empty_and_boilerplate_only_files_are_errors(outcomes, good):
    empty = good[0].parent / "empty.txt"
    empty.write_bytes(b"")
    footer = good[0].parent / "footer.txt"
    footer.write_text("责任编辑：张三\n版权所有 © 某某网\n", encoding="utf-8")
    outcome = expect(outcomes, run_case("summarise: empty and footer-only files", ["summarise", good[0], empty, footer, good[1]]), 1, "no text")
    assert "footer.txt: no text" in outcome.stderr
    outcome.good_intact = summaries_of(outcome, good)
    assert outcome.good_intact


# --- model files -----------------------------------------------------------------------------


class _Payload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_stray_pickle_beside_a_plain_model_is_never_loaded(outcomes, good, tiny_model, tmp_path):
    """With --trust-model, a folder holding a plain-data model and a pickle loads the plain model.
    The same run checks the output side: mode per the umask, a stale temporary of a killed run swept,
    another tool's file beside the target left alone."""
    folder = tmp_path / "model"
    shutil.copytree(tiny_model, folder)
    marker = tmp_path / "code-ran"
    (folder / "weights.bin").write_bytes(pickle.dumps(_Payload(marker)))
    out = tmp_path / "out.jsonl"
    dead = tmp_path / ".out.jsonl.999999999.abcd1234.part"  # no such process id
    dead.write_text("half a run killed with -9", encoding="utf-8")
    journal = tmp_path / ".out.jsonl.journal"
    journal.write_text("{}", encoding="utf-8")
    outcome = run_case(
        "tag --trust-model: plain model + stray pickle; -o with umask 027 after a killed run",
        ["tag", good[0], "--model", folder, "--trust-model", "-o", out],
        umask=0o027,
    )
    outcome.notes["code_ran"] = marker.exists()
    expect(outcomes, outcome, 0)
    assert not marker.exists()
    outcome.good_intact = tagged(out, good[:1])
    assert outcome.good_intact
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert not dead.exists() and journal.exists()


def test_pickle_without_a_plain_model_is_refused_by_name(outcomes, good, tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    marker = tmp_path / "code-ran"
    (folder / "weights.bin").write_bytes(pickle.dumps(_Payload(marker)))
    outcome = run_case("tag: pickle-only model, no trust", ["tag", good[0], "--model", folder])
    outcome.notes["code_ran"] = marker.exists()
    expect(outcomes, outcome, 3, "weights.bin: pickle/joblib model files can run code")
    assert not marker.exists()


def _damaged_copy(tiny_model: Path, target: Path, *, arrays=None, files=None) -> Path:
    shutil.copytree(tiny_model, target)
    if arrays is not None:
        np.savez(target / "arrays.npz", **arrays)
    for name, data in (files or {}).items():
        (target / name).write_bytes(data)
    return target


def _truncated(tiny_model: Path) -> bytes:
    data = (tiny_model / "arrays.npz").read_bytes()
    return data[: len(data) // 2]


def _corrupted(tiny_model: Path) -> bytes:
    data = bytearray((tiny_model / "arrays.npz").read_bytes())
    middle = len(data) // 2
    data[middle : middle + 4096] = bytes(4096)
    return bytes(data)


def _description(tiny_model: Path, **changes) -> bytes:
    description = json.loads((tiny_model / "model.json").read_text(encoding="utf-8"))
    description.update(changes)
    return json.dumps(description, ensure_ascii=False).encode("utf-8")  # json writes NaN if asked to


DAMAGE = {
    "truncated arrays.npz": (lambda m: {"files": {"arrays.npz": _truncated(m)}}, "arrays.npz: damaged"),
    "corrupt arrays.npz": (lambda m: {"files": {"arrays.npz": _corrupted(m)}}, "arrays.npz: damaged"),
    "manifest.json not JSON": (lambda m: {"files": {"manifest.json": b"{not json"}}, "manifest.json: damaged"),
    "model.json a list": (lambda m: {"files": {"model.json": b"[1, 2, 3]"}}, "model.json: damaged"),
    "model.json without labels": (lambda m: {"files": {"model.json": b'{"format_version": 3}'}}, "'labels'"),
    "coef shape != vocabulary": (lambda m: {"arrays": {**model_arrays(m), "coef": model_arrays(m)["coef"][:, :-7]}}, "'coef' has shape"),
    "idf shape != vocabulary": (lambda m: {"arrays": {**model_arrays(m), "idf_word": model_arrays(m)["idf_word"][:10]}}, "'idf_word' has shape"),
    "NaN weights": (lambda m: {"arrays": {**model_arrays(m), "coef": np.full_like(model_arrays(m)["coef"], np.nan)}}, "NaN or infinite"),
    "infinite thresholds": (lambda m: {"files": {"model.json": _description(m, thresholds=[math.inf] * 10)}}, "'thresholds'"),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_models_are_one_line_errors(outcomes, good, tiny_model, tmp_path, damage):
    make, message = DAMAGE[damage]
    folder = _damaged_copy(tiny_model, tmp_path / "model", **make(tiny_model))
    expect(outcomes, run_case(f"tag --model: {damage}", ["tag", good[0], "--model", folder]), 3, message)


# --- options -------------------------------------------------------------------------------


def test_min_score_nan_is_a_usage_error(outcomes, good, tiny_model):
    expect(outcomes, run_case("tag --min-score nan", ["tag", good[0], "--model", tiny_model, "--min-score", "nan"]), 2)


# --- outputs -------------------------------------------------------------------------------


def test_output_under_a_missing_folder(outcomes, good, tiny_model, tmp_path):
    out = tmp_path / "missing" / "out.jsonl"
    expect(outcomes, run_case("tag -o missing/out.jsonl", ["tag", good[0], "--model", tiny_model, "-o", out]), 2, "no such folder")
    assert list(tmp_path.iterdir()) == [tmp_path / "in"]


def test_two_runs_to_one_output_cannot_both_win(outcomes, good, tiny_model, tmp_path):
    out = tmp_path / "out.jsonl"
    argv = ["tag", *good, "--model", tiny_model, "-o", out]
    rival: list[Outcome] = []
    starter = threading.Thread(target=lambda: rival.append(run_case("tag -o X (second of two)", argv)))
    first = run_case("tag -o X (first of two)", argv, after_start=lambda process: starter.start())
    starter.join()
    both = [first, rival[0]]
    outcomes.extend(both)
    assert not any(o.traceback or o.timed_out for o in both)
    assert sorted(o.exit_code for o in both) in ([0, 1], [0, 2]), [o.stderr for o in both]
    loser = next(o for o in both if o.exit_code != 0)
    # The loser finds the target, or the winner's journal while it is still writing: refused either way.
    assert "already exists" in loser.message or "another run is writing this output" in loser.message
    assert tagged(out, good)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# --- training data -------------------------------------------------------------------------


def _labelled(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_retrain_deeply_nested_json(outcomes, tmp_path):
    deep = tmp_path / "deep.jsonl"
    deep.write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    expect(outcomes, run_case("retrain: 100,000-deep JSON", ["retrain", deep, "--out", tmp_path / "m"]), 1, "deep.jsonl:1: JSON nested too deeply")
    assert not (tmp_path / "m").exists()


def test_retrain_csv_field_over_128_kib(outcomes, tmp_path):
    big = tmp_path / "big.csv"
    big.write_text("text,labels\n防控工作,care\n" + "防" * 140_000 + ",care\n", encoding="utf-8")
    expect(outcomes, run_case("retrain: CSV field over 128 KiB", ["retrain", big, "--out", tmp_path / "m"]), 1, "big.csv:3: bad CSV")


def test_retrain_one_label_is_not_f1_one(outcomes, tmp_path):
    rows = [{"text": f"第{i}批医疗物资运抵，保障一线需要。", "labels": ["supplies"], "file": f"d{i % 6}"} for i in range(30)]
    outcome = expect(outcomes, run_case("retrain: one label only", ["retrain", _labelled(tmp_path / "one.jsonl", rows), "--out", tmp_path / "m"]), 1)
    assert "nothing to tell apart" in outcome.message and "1.000" not in outcome.stdout


def _real_labels(count: int = 120) -> list[dict]:
    """The first labelled paragraphs of the project's data (several documents and labels)."""
    path = sorted(LABELS.glob("*.jsonl"))[0]
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()[:count]]


def test_retrain_one_fold_is_a_usage_error(outcomes, tmp_path):
    data = _labelled(tmp_path / "a.jsonl", _real_labels())
    expect(outcomes, run_case("retrain --folds 1", ["retrain", data, "--folds", "1", "--out", tmp_path / "m"]), 2)


def test_retrain_out_under_a_file_fails_before_training(outcomes, tmp_path):
    rows = _real_labels()
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    outcome = expect(outcomes, run_case("retrain --out file/x", ["retrain", _labelled(tmp_path / "a.jsonl", rows), "--out", blocker / "x"]), 3)
    assert "retrain: " not in outcome.stderr.replace(outcome.message, "")  # refused before any training step


# --- the library's guards, called directly -------------------------------------------------------


def test_display_name_escapes_what_would_break_a_line():
    from toolkit.text.reading import display_name

    assert display_name("報告/第1号.txt") == "報告/第1号.txt"
    assert display_name(b"bad\xff\xfe.txt") == "bad\\xff\\xfe.txt"
    assert display_name("two\nlines\r.txt") == "two\\nlines\\r.txt"
    assert display_name("a\u2028b\x1b.txt") == "a\\u2028b\\x1b.txt"
    assert display_name(os.fsdecode(b"x\xff")).encode("utf-8")  # always encodable


def test_check_encoding_tells_text_codecs_from_transforms():
    from toolkit.text.reading import ReadError, check_encoding, decode

    assert check_encoding("GBK") == "gbk" and check_encoding("big5") == "big5"
    for transform in ("rot13", "hex", "base64", "zlib"):
        with pytest.raises(ValueError, match="not a text encoding"):
            check_encoding(transform)
        with pytest.raises(ReadError, match=f"'{transform}' is not a text encoding"):
            decode("防控".encode("utf-8"), encoding=transform, source="a.txt")
    with pytest.raises(ValueError, match="unknown encoding"):
        check_encoding("no-such-codec")


def test_read_bytes_cap_is_a_keyword_and_refuses_from_the_size(tmp_path, seed_paths):
    from toolkit.text.reading import ReadError, read_bytes

    seed = seed_paths["001"]
    assert read_bytes(seed) == seed.read_bytes()
    with pytest.raises(ReadError, match="over the 1,000 bytes input cap"):
        read_bytes(seed, max_bytes=1000)
    sparse = tmp_path / "sparse.txt"
    with sparse.open("wb") as handle:
        handle.truncate(10 * 1024**3)  # 10 GiB on paper: refused without reading a byte
    with pytest.raises(ReadError, match="over the 64 MiB input cap"):
        read_bytes(sparse)


def test_100000_spaces_clean_in_well_under_a_second():
    import time

    from toolkit.text.cleaning import strip_inline_bylines
    from toolkit.text.document import default_pipeline

    line = "各地加强疫情防控工作" + " " * 100_000 + "（記者 張三）"
    started = time.perf_counter()
    assert strip_inline_bylines(line) == "各地加强疫情防控工作"
    assert strip_inline_bylines("防控" + " " * 100_000 + "。") == "防控" + " " * 100_000 + "。"
    assert time.perf_counter() - started < 0.2
    started = time.perf_counter()
    document = default_pipeline().document(line + "\n")
    assert [p.text for p in document.paragraphs] == ["各地加强疫情防控工作"]
    assert time.perf_counter() - started < 1.0


def test_long_lines_are_cut_at_sentence_ends(seed_texts):
    from toolkit.text.document import MAX_PARAGRAPH_CHARS, cut_long_line, default_pipeline

    paragraphs = [p for p in seed_texts["000"].splitlines() if len(p) > 50]
    line = "".join(paragraphs * 20)  # one giant line of real sentences
    pieces = cut_long_line(line)
    assert all(len(piece) <= MAX_PARAGRAPH_CHARS for piece in pieces) and len(pieces) > 1
    assert all(piece[-1] in "。！？；…!?;”’」』）)】〕》〉\"'" for piece in pieces[:-1])  # cut after sentence ends
    assert "".join(pieces).replace(" ", "") == line.replace(" ", "")  # only spaces between sentences may go
    assert [len(p) for p in cut_long_line("防" * 12_001)] == [5000, 5000, 2001]  # no sentence end: hard cuts
    document = default_pipeline().document(line)
    assert max(len(s.text) for s in document.sentences) <= MAX_PARAGRAPH_CHARS


def test_huge_documents_are_tagged_in_sections(seed_texts):
    from toolkit.text.document import MAX_SECTION_CHARS, default_pipeline, sections

    report = default_pipeline().document("\n".join([seed_texts["001"]] * 40))
    parts = sections(report)
    assert len(parts) > 1 and all(sum(len(p.text) for p in part.paragraphs) <= MAX_SECTION_CHARS for part in parts)
    assert [p for part in parts for p in part.paragraphs] == list(report.paragraphs)  # nothing lost or reordered
    assert sections(default_pipeline().document(seed_texts["001"])) == [default_pipeline().document(seed_texts["001"])]


def test_a_huge_report_goes_through_the_model_in_bounded_batches(tmp_path, seed_texts, monkeypatch):
    """Sections alone are not enough: tagged in one pass, a 25 MB report's sections needed 1.5 GB arrays.
    Each pass of the model reads at most about BATCH_CHARS characters, and the result is the one a
    single pass over all sections gives."""
    from toolkit.batch import tagging
    from toolkit.themes.model import ThemeModel

    report = tmp_path / "huge.txt"
    report.write_text("\n".join([seed_texts["001"]] * 120), encoding="utf-8")  # about 430,000 characters
    passes = []
    real = ThemeModel.tag_documents

    def counted(model, documents, **options):
        passes.append(sum(len(p.text) for d in documents for p in d.paragraphs))
        return real(model, documents, **options)

    monkeypatch.setattr(ThemeModel, "tag_documents", counted)
    batched = tagging.tag_file(str(report), tagging.TagSettings())
    assert len(passes) > 1 and max(passes) <= tagging.BATCH_CHARS
    monkeypatch.setattr(tagging, "BATCH_CHARS", 10**9)
    passes.clear()
    whole = tagging.tag_file(str(report), tagging.TagSettings())
    assert len(passes) == 1
    assert batched == whole


def test_a_chunk_of_files_is_bounded_in_files_and_bytes(tmp_path, seed_texts):
    """A worker's chunk holds many short reports (cheaper passes) but few long ones (bounded memory)."""
    from toolkit.batch.tagging import CHUNK_BYTES, CHUNK_FILES, plan_chunks

    short = [tmp_path / f"short{i:03}.txt" for i in range(CHUNK_FILES + 5)]
    for path in short:
        path.write_text(seed_texts["001"][:300], encoding="utf-8")
    long = tmp_path / "long.txt"
    long.write_text(seed_texts["001"] * (CHUNK_BYTES // len(seed_texts["001"].encode("utf-8")) + 1), encoding="utf-8")
    files = [str(p) for p in short[:3]] + [str(long)] + [str(tmp_path / "missing.txt")] + [str(p) for p in short[3:]]
    chunks = plan_chunks(files)
    assert [path for chunk in chunks for path in chunk] == files  # nothing lost or reordered
    assert chunks[0] == files[:3] and chunks[1] == [str(long)]  # a file over the bound is a chunk of its own
    assert all(len(chunk) <= CHUNK_FILES for chunk in chunks) and len(chunks) == 4
    assert all(sum(Path(p).stat().st_size for p in chunk if Path(p).exists()) <= CHUNK_BYTES for chunk in chunks if len(chunk) > 1)


def test_model_writing_refuses_nan_and_unwritable_targets(tmp_path, tiny_model):
    from toolkit.modelfiles import ModelError, check_writable_target, write_model_folder

    description = json.loads((tiny_model / "model.json").read_text(encoding="utf-8"))
    arrays = model_arrays(tiny_model)
    with pytest.raises(ModelError, match="NaN or infinite"):
        write_model_folder(tmp_path / "m", description, {**arrays, "intercept": arrays["intercept"] * np.nan}, {})
    with pytest.raises(ModelError, match="NaN or infinity into JSON"):
        write_model_folder(tmp_path / "m", description, arrays, {"micro_f1": math.nan})
    assert list(tmp_path.iterdir()) == []  # nothing written, no staging folder
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(ModelError, match="is not a folder"):
        check_writable_target(tmp_path / "file" / "x")
    check_writable_target(tmp_path / "new" / "deeper" / "m")  # missing folders are created when writing
    write_model_folder(tmp_path / "m", description, arrays, {"note": "ok"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "m"]
    with pytest.raises(ModelError, match="already exists"):
        check_writable_target(tmp_path / "m")


def test_sweep_removes_only_temporaries_of_dead_runs(tmp_path):
    from toolkit.atomic import sweep_litter, temporary_file

    target = tmp_path / "out.jsonl"
    dead = tmp_path / ".out.jsonl.999999999.abcd1234.part"
    dead_folder = tmp_path / ".out.jsonl.999999999.zyxw9876.staging"
    dead.write_text("x", encoding="utf-8")
    dead_folder.mkdir()
    fd, live = temporary_file(target)  # this process's own: in use
    os.close(fd)
    others = [tmp_path / ".out.jsonl.journal", tmp_path / ".out.jsonl.999999999.part", tmp_path / ".other.999999999.abcd1234.part"]
    for other in others:
        other.write_text("x", encoding="utf-8")
    assert sorted(sweep_litter(target)) == sorted([dead, dead_folder])
    assert live.exists() and all(other.exists() for other in others)
