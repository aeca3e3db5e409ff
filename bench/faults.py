"""The fault suite, slow part: huge reports, signals, full and read-only disks, 20,000 files.

    python bench/faults.py [--only CASE ...] [--mb 12.5] [--files 20000] [--corpus DIR]

Runs the installed commands in subprocesses with timeouts and an address-space
limit (see fault_harness.py) and prints one table: case, exit code, traceback
or not, good outputs intact, time, peak RSS, message; then the totals.  Cases:

  scale      summarise and tag of one report of MB, 2 x MB and 4 x MB megabytes
             (default 12.5: up to 50 MB), built from real corpus reports; time and
             peak RSS per size show whether cost is linear
  paragraph  tag and summarise of a 16 MB report on a single line (no paragraph breaks)
  cap        a 100 MB file refused: the whole command, and read_bytes alone (< 1 s)
  signals    SIGTERM, SIGINT and kill -9 in the middle of `tag -o` (then the same command with
             --resume finishes it: every file once, nothing left), SIGTERM while `retrain`
             writes its model: no temporary left
  disk       `tag -o` into a 200 KB tmpfs (full disk) and onto a read-only tmpfs
             (root only: skipped with a message otherwise)
  many       `tag` of a folder of 20,000 files (-j 2)

Measured on a busy shared machine: compare ratios, not absolute times.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fault_harness import (  # noqa: E402
    ROOT,
    TABLE_HEADER,
    Outcome,
    good_reports,
    jsonl_files,
    run_case,
    totals,
)

BIG_MEMORY = 4 * 1024**3  # the address-space limit for the scale cases: above the 1.5 GB RSS target


def corpus_texts(corpus: Path, limit: int | None = None) -> list[str]:
    files = sorted(p for p in corpus.rglob("*.txt"))[:limit]
    return [p.read_text(encoding="utf-8", errors="replace") for p in files]


def build_report(texts: list[str], megabytes: float, *, one_line: bool = False) -> str:
    """Real reports one after another up to ``megabytes`` of UTF-8 (one line: joined without breaks)."""
    target = int(megabytes * 1024 * 1024)
    parts, size, i = [], 0, 0
    while size < target:
        text = texts[i % len(texts)]
        text = text.replace("\n", "") if one_line else text
        parts.append(text)
        size += len(text.encode("utf-8")) + 1
        i += 1
    return ("" if one_line else "\n").join(parts)


# --- cases ------------------------------------------------------------------------------------


def case_scale(work: Path, texts: list[str], megabytes: float, commands: list[str]) -> list[Outcome]:
    outcomes = []
    for factor in (1, 2, 4):
        size = megabytes * factor
        report = work / f"report_{size:g}MB.txt"
        report.write_text(build_report(texts, size), encoding="utf-8")
        for command in commands:
            argv = [command, report] + (["-o", work / f"{report.stem}.jsonl", "--force"] if command == "tag" else [])
            outcome = run_case(f"{command}: {size:g} MB report", argv, timeout=1800, memory_limit=BIG_MEMORY)
            outcome.notes["mb"] = size
            outcomes.append(outcome)
            print(outcome.row(), flush=True)
        report.unlink()
    return outcomes


def case_paragraph(work: Path, texts: list[str]) -> list[Outcome]:
    report = work / "one_line_16MB.txt"
    report.write_text(build_report(texts, 16, one_line=True), encoding="utf-8")
    outcomes = []
    for command in ("tag", "summarise"):
        argv = [command, report] + (["-o", work / "one_line.jsonl", "--force"] if command == "tag" else [])
        outcome = run_case(f"{command}: 16 MB report on one line", argv, timeout=1800, memory_limit=BIG_MEMORY)
        outcomes.append(outcome)
        print(outcome.row(), flush=True)
    report.unlink()
    return outcomes


def case_cap(work: Path) -> list[Outcome]:
    from toolkit.text.reading import ReadError, read_bytes

    huge = work / "huge.txt"
    with huge.open("wb") as handle:  # real bytes on disk, not a sparse file
        block = "防控".encode("utf-8") * (1024 * 1024 // 6)
        while handle.tell() < 100 * 1024 * 1024:
            handle.write(block)
    outcome = run_case("summarise: 100 MB file over the 64 MiB cap", ["summarise", huge], timeout=30)
    started = time.perf_counter()
    try:
        read_bytes(huge)
        refused = "read, not refused"
    except ReadError as error:
        refused = str(error)
    outcome.notes["read_bytes seconds"] = time.perf_counter() - started
    print(outcome.row(), flush=True)
    print(f"    read_bytes alone: {outcome.notes['read_bytes seconds'] * 1000:.2f} ms: {refused}", flush=True)
    huge.unlink()
    return [outcome]


def _litter(folder: Path, target: str) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(f".{target}."))


def _when_file_appears(folder: Path, prefix: str, then, timeout: float = 120, delay: float = 0.3):
    """An after_start hook: wait for a file named prefix* in folder, ``delay`` seconds more, then call then(process)."""

    def hook(process: subprocess.Popen) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process.poll() is None:
            if any(p.name.startswith(prefix) for p in folder.iterdir()):
                time.sleep(delay)  # let it write a little
                then(process)
                return
            time.sleep(0.01)

    return hook


def case_signals(work: Path, corpus: Path) -> list[Outcome]:
    outcomes = []
    files = sorted(corpus.rglob("*.txt"))[:400]
    inputs = work / "signal_inputs"
    inputs.mkdir()
    for path in files:
        shutil.copyfile(path, inputs / f"{path.parent.name}_{path.name}")
    reference = work / "reference.jsonl"  # an uninterrupted run: what every resumed run must write, byte for byte
    subprocess.run(["tag", str(inputs), "-o", str(reference), "-q"], capture_output=True, timeout=600)
    for name, signum, expected_codes in (
        ("SIGTERM", signal.SIGTERM, {-signal.SIGTERM, 128 + signal.SIGTERM}),
        ("SIGINT", signal.SIGINT, {130, -signal.SIGINT, 1}),
        ("kill -9", signal.SIGKILL, {-signal.SIGKILL}),
    ):
        out_dir = work / f"out_{signum}"
        out_dir.mkdir()
        target = out_dir / "out.jsonl"
        outcome = run_case(
            f"tag -o: {name} mid-run",
            ["tag", inputs, "-o", target],
            timeout=300,
            after_start=_when_file_appears(out_dir, ".out.jsonl.", lambda p, s=signum: os.kill(p.pid, s)),
        )
        # Whatever stopped it, no half output is at the target and nothing is left but the run's
        # journal (.out.jsonl.resume/), which the same command with --resume finishes from.
        left = [name for name in _litter(out_dir, "out.jsonl") if name != ".out.jsonl.resume"]
        outcome.notes["litter"] = left
        outcome.good_intact = not left and not target.exists() and outcome.exit_code in expected_codes
        again = run_case(f"tag -o --resume after {name}", ["tag", inputs, "-o", target, "--resume"], timeout=300)
        again.notes["litter"] = _litter(out_dir, "out.jsonl")
        again.good_intact = (
            again.exit_code == 0
            and target.exists()
            and not again.notes["litter"]
            and target.read_bytes() == reference.read_bytes()
        )
        outcomes += [outcome, again]
        print(outcome.row(), f"left {left}", flush=True)
        print(again.row(), f"left {again.notes['litter']}", flush=True)
    # retrain: SIGTERM while the model folder is being staged.
    labels = sorted((ROOT / "data" / "labels").glob("*.jsonl"))[:1]
    out_dir = work / "models"
    out_dir.mkdir()
    outcome = run_case(
        "retrain --out: SIGTERM while writing the model",
        ["retrain", *labels, "--out", out_dir / "m"],
        timeout=900,
        after_start=_when_file_appears(out_dir, ".m.", lambda p: os.kill(p.pid, signal.SIGTERM), timeout=900, delay=0),
    )
    left = _litter(out_dir, "m")
    # No staging folder left, and the model either not there or complete (the swap is never cut in half).
    outcome.good_intact = not left and (not (out_dir / "m").exists() or (out_dir / "m" / "arrays.npz").exists())
    outcome.notes["litter"] = left
    outcomes.append(outcome)
    print(outcome.row(), f"left {left}", flush=True)
    return outcomes


def _mount_tmpfs(where: Path, options: str) -> bool:
    where.mkdir(exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True).returncode == 0


def case_disk(work: Path, corpus: Path) -> list[Outcome]:
    if os.geteuid() != 0:
        print("disk: skipped (needs root to mount a small tmpfs)", flush=True)
        return []
    outcomes = []
    full, readonly = work / "full", work / "readonly"
    if not _mount_tmpfs(full, "size=200k"):
        print("disk: skipped (mount -t tmpfs refused)", flush=True)
        return []
    try:
        outcome = run_case("tag -o into a 200 KB tmpfs (disk full)", ["tag", corpus / "xwlb", "-o", full / "out.jsonl"], timeout=600)
        # The run's journal (.out.jsonl.resume/) stays on purpose, for --resume once there is room;
        # anything else would be litter: a half-written out.jsonl or a temporary.
        outcome.notes["litter"] = sorted(p.name for p in full.iterdir() if p.name != ".out.jsonl.resume")
        outcome.good_intact = not outcome.notes["litter"]
        outcomes.append(outcome)
        print(outcome.row(), f"left {outcome.notes['litter']}", flush=True)
    finally:
        subprocess.run(["umount", str(full)])
    if _mount_tmpfs(readonly, "size=1m,ro"):
        try:
            seed = good_reports(work / "ro_inputs", 1)[0]
            outcome = run_case("tag -o onto a read-only file system", ["tag", seed, "-o", readonly / "out.jsonl"], timeout=120)
            outcomes.append(outcome)
            print(outcome.row(), flush=True)
        finally:
            subprocess.run(["umount", str(readonly)])
    return outcomes


def case_many(work: Path, texts: list[str], count: int) -> list[Outcome]:
    folder = work / "many"
    folder.mkdir()
    for i in range(count):
        paragraphs = [p for p in texts[i % len(texts)].splitlines() if p.strip()][:3]
        (folder / f"{i:05d}.txt").write_text("\n".join(paragraphs) + "\n", encoding="utf-8")
    out = work / "many.jsonl"
    outcome = run_case(f"tag: folder of {count:,} files, -j 2", ["tag", folder, "-o", out, "-j", "2"], timeout=3600)
    tagged = jsonl_files(out.read_text(encoding="utf-8")) if out.exists() else {}
    outcome.good_intact = len(tagged) + outcome.stderr.count(": error:") == count
    outcome.notes["tagged files"] = len(tagged)
    print(outcome.row(), f"{len(tagged):,} files in the output", flush=True)
    shutil.rmtree(folder)
    return [outcome]


CASES = ("scale", "paragraph", "cap", "signals", "disk", "many")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", choices=CASES, default=list(CASES))
    parser.add_argument("--mb", type=float, default=12.5, help="smallest report of the scale case (x1, x2, x4)")
    parser.add_argument("--scale-commands", nargs="+", choices=["summarise", "tag"], default=["summarise", "tag"])
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--json", type=Path, help="also write the outcomes here")
    args = parser.parse_args()
    texts = corpus_texts(args.corpus)
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="faults.") as folder:
        work = Path(folder)
        print(TABLE_HEADER, flush=True)
        for case in args.only:
            runner = {
                "scale": lambda: case_scale(work, texts, args.mb, args.scale_commands),
                "paragraph": lambda: case_paragraph(work, texts),
                "cap": lambda: case_cap(work),
                "signals": lambda: case_signals(work, args.corpus),
                "disk": lambda: case_disk(work, args.corpus),
                "many": lambda: case_many(work, texts, args.files),
            }[case]
            outcomes += runner()
    print()
    print(TABLE_HEADER)
    for outcome in outcomes:
        print(outcome.row())
    print(totals(outcomes))
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {"case": o.case, "exit": o.exit_code, "traceback": o.traceback, "message": o.message, "seconds": o.seconds,
                     "peak_rss_mb": o.peak_rss_mb, "good_intact": o.good_intact, "notes": o.notes}
                    for o in outcomes
                ],
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
