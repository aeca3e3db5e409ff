"""Tagging speed and memory, next to what its parts and fastText do on the same text.

    pip install '.[bench]'
    python bench/speed_tag.py [FOLDER] [--jobs 1 2] [--repeats 5] [--scales 1 4 16] [--no-fasttext]

Default folder: ../shared/corpus (2,575 reports, 2.18 M characters).  In one
run, on the paragraphs `tag` reads (their display text, as `tag` counts
characters):

* the installed `tag` command on the folder, process start to exit, for each
  ``--jobs`` value (the median of ``--repeats`` rounds in which the values take
  turns): characters per second, the speed-up of each worker count over one
  within each round (median and range), and, from one more run each, the peak
  memory of the whole process tree (proportional set size, so the model pages
  that forked workers share count once; sampled from /proc every 20 ms, which
  is why the timed runs are not sampled);
* rjieba alone (with the domain dictionary) cutting every paragraph;
* OpenCC alone converting every paragraph to simplified script;
* fastText (``fasttext-wheel``) trained on the labelled paragraphs of
  data/labels and predicting every paragraph, segmentation by rjieba included;
* `tag` on one seed file, process start to exit (best of three);
* with ``--scales``, `tag -j 1` on the folder repeated N times (symbolic
  links), to show that peak memory does not grow with the input.

Rates are given per wall second (time.perf_counter) and per CPU second
(resource.getrusage for `tag`, time.process_time for the rest): on a machine
shared with other work the CPU figure is the per-core rate.  Ratios are
`tag`'s per-CPU-second rate over each other's.  Compare the figures of one run
with each other, not across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "001_c7bb10757f092b7d.txt"


def tree_rss_kib(pid: int) -> int:
    """Memory of a process and all its descendants, from /proc (KiB): the proportional set size
    (``Pss`` of smaps_rollup), so pages that forked workers share with their parent (the model)
    count once, not once per process; the resident set where smaps_rollup is missing."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            try:
                rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
                total += int(re.search(r"^Pss:\s+(\d+)", rollup, re.M).group(1))
            except (OSError, AttributeError):
                status = Path(f"/proc/{current}/status").read_text()
                total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) if "VmRSS" in status else 0
            for task in Path(f"/proc/{current}/task").iterdir():
                stack.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, AttributeError):
            continue
    return total


def run_measured(command: list[str], *, sample_memory: bool = True) -> tuple[subprocess.CompletedProcess, float, float, int]:
    """Run ``command``; its output, wall seconds, CPU seconds (user + system, workers included once
    they are waited for) and peak resident memory of its process tree (KiB; 0 without ``sample_memory``:
    reading /proc every 20 ms costs this process CPU that two workers would miss)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_kib(process.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    if sample_memory:
        sampler.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - start
    done.set()
    if sample_memory:
        sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr), seconds, cpu, peak


def tag_runs(tag: str, folder: str, jobs: list[int], repeats: int = 1) -> list[dict]:
    """`tag` on the folder with each ``jobs`` value: ``repeats`` timed rounds, the values taking turns
    within a round (so a slow spell of the virtual machine hits them alike), then one more run each
    for peak memory (its sampler is kept out of the timed runs).  Each value's run with the median
    wall time is reported, with the speed-up over the first value in every round (median, range)."""
    timed: dict[int, list] = {n: [] for n in jobs}
    for _ in range(repeats):
        for n in jobs:
            with tempfile.TemporaryDirectory() as tmp:
                timed[n].append(run_measured([tag, folder, "-j", str(n), "-o", f"{tmp}/out.jsonl"], sample_memory=False))
    results = []
    for n in jobs:
        with tempfile.TemporaryDirectory() as tmp:
            peak = run_measured([tag, folder, "-j", str(n), "-o", f"{tmp}/out.jsonl"])[3]
        done, seconds, cpu, _ = sorted(timed[n], key=lambda m: m[1])[len(timed[n]) // 2]
        summary = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
        match = re.search(r"(\d+) files tagged \((\d+) paragraphs, (\d+) characters", summary)
        if match is None:
            sys.exit(f"tag failed: {done.stderr.strip()[-500:]}")
        files, paragraphs, chars = map(int, match.groups())
        speedups = sorted(first[1] / this[1] for first, this in zip(timed[jobs[0]], timed[n]))
        results.append({
            "jobs": n, "files": files, "paragraphs": paragraphs, "chars": chars, "seconds": seconds, "rate": chars / seconds,
            "cpu_rate": chars / cpu, "peak_mib": peak / 1024, "speedups": speedups,
        })
    return results


def corpus_paragraphs(folder: str) -> list[str]:
    """The display text of every paragraph `tag` reads (what its character count counts)."""
    from toolkit.api import read_document
    from toolkit.batch.tagging import find_files
    from toolkit.text.reading import ReadError, read_bytes

    files, _ = find_files([folder])
    paragraphs = []
    for path in files:
        try:
            paragraphs.extend(p.text for p in read_document(read_bytes(path), source=path).paragraphs)
        except ReadError:
            continue
    return paragraphs


def per_cpu_second(work, paragraphs: list[str]) -> tuple[float, float]:
    """Characters per wall second and per CPU second of this process for ``work(paragraphs)``."""
    wall, cpu = time.perf_counter(), time.process_time()
    work(paragraphs)
    chars = sum(map(len, paragraphs))
    return chars / (time.perf_counter() - wall), chars / (time.process_time() - cpu)


def rjieba_rate(paragraphs: list[str]) -> tuple[float, float]:
    from toolkit.text.words import Segmenter

    segmenter = Segmenter()
    segmenter.cut("预热")  # dictionary loaded outside the timing
    return per_cpu_second(lambda texts: [segmenter.cut(text) for text in texts], paragraphs)


def opencc_rate(paragraphs: list[str]) -> tuple[float, float]:
    from toolkit.text.cleaning import ScriptConverter

    convert = ScriptConverter("t2s")
    convert("預熱")
    return per_cpu_second(lambda texts: [convert(text) for text in texts], paragraphs)


def fasttext_rates(paragraphs: list[str]) -> dict | None:
    """fastText supervised on data/labels (one-vs-all, word 1-2-grams), segmented by rjieba: training
    seconds, and segment-and-predict characters per second over the paragraphs."""
    try:
        import fasttext
    except ImportError:
        print("fastText: not installed (pip install '.[bench]'), skipped", file=sys.stderr)
        return None
    from toolkit.text.words import Segmenter

    segmenter = Segmenter()
    records = [json.loads(line) for path in sorted((ROOT / "data" / "labels").glob("*.jsonl")) for line in path.open(encoding="utf-8") if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        train_file = Path(tmp) / "train.txt"
        with train_file.open("w", encoding="utf-8") as out:
            for record in records:
                labels = record["labels"] if isinstance(record["labels"], list) else record["labels"].split(";")
                out.write(" ".join(f"__label__{label}" for label in labels) + " " + " ".join(segmenter.words(record["text"])) + "\n")
        start = time.perf_counter()
        model = fasttext.train_supervised(str(train_file), loss="ova", wordNgrams=2, epoch=25, thread=1, verbose=0)
        train_seconds = time.perf_counter() - start

    def segment_and_predict(texts: list[str]) -> None:
        for first in range(0, len(texts), 1000):
            lines = [" ".join(segmenter.words(text)) for text in texts[first : first + 1000]]
            model.f.multilinePredict(lines, -1, 0.5, "strict")  # the C++ call: predict()'s numpy wrapper breaks on numpy 2

    predict_rate, predict_cpu_rate = per_cpu_second(segment_and_predict, paragraphs)
    return {"records": len(records), "train_seconds": train_seconds, "predict_rate": predict_rate, "predict_cpu_rate": predict_cpu_rate}


def seed_seconds(tag: str) -> tuple[float, float]:
    """`tag` on one seed file, process start to exit: best wall seconds and best CPU seconds of three runs."""
    best_wall = best_cpu = float("inf")
    for _ in range(3):
        done, wall, cpu, _ = run_measured([tag, str(SEED)])
        if done.returncode != 0:
            sys.exit(f"tag {SEED}: {done.stderr.strip()[-500:]}")
        best_wall, best_cpu = min(best_wall, wall), min(best_cpu, cpu)
    return best_wall, best_cpu


def repeated_folder(folder: str, times: int, into: Path) -> str:
    """``folder`` ``times`` over, as symbolic links."""
    source = Path(folder).resolve()
    for copy in range(times):
        for path in source.rglob("*.txt"):
            link = into / f"copy{copy}" / path.relative_to(source)
            link.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(path, link)
    return str(into)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--scales", type=int, nargs="+", default=[], help="also tag the folder N times over with -j 1 (memory)")
    parser.add_argument("--no-fasttext", action="store_true")
    parser.add_argument("--repeats", type=int, default=5, help="runs of each --jobs value on the folder; the median is shown")
    args = parser.parse_args()
    tag = shutil.which("tag")
    if tag is None:
        sys.exit("install the package first: pip install '.[bench]'")

    runs = tag_runs(tag, args.folder, args.jobs, repeats=args.repeats)
    paragraphs = corpus_paragraphs(args.folder)
    segment, convert = rjieba_rate(paragraphs), opencc_rate(paragraphs)
    fast = None if args.no_fasttext else fasttext_rates(paragraphs)
    seed = seed_seconds(tag)

    one_cpu = runs[0]["cpu_rate"]
    print(f"{runs[0]['files']:,} files, {runs[0]['paragraphs']:,} paragraphs, {runs[0]['chars']:,} characters\n")
    print("| what | characters/s (wall) | characters per CPU-second | tag -j 1 / this (CPU) | peak memory |")
    print("|---|---:|---:|---:|---:|")
    for run in runs:
        speedups = run["speedups"]
        note = "" if run["jobs"] == runs[0]["jobs"] else (
            f", x{speedups[len(speedups) // 2]:.2f} the -j {runs[0]['jobs']} time in the same round (median; "
            f"{speedups[0]:.2f} to {speedups[-1]:.2f} over {len(speedups)} rounds)"
        )
        print(
            f"| `tag -j {run['jobs']}` ({run['seconds']:.1f} s{note}) | {run['rate']:,.0f} | {run['cpu_rate']:,.0f} | "
            f"{one_cpu / run['cpu_rate']:.2f} | {run['peak_mib']:.0f} MiB |"
        )
    for name, (wall, cpu) in (("rjieba alone, cutting every paragraph", segment), ("OpenCC alone, converting every paragraph", convert)):
        print(f"| {name} | {wall:,.0f} | {cpu:,.0f} | {one_cpu / cpu:.2f} | |")
    if fast:
        print(f"| fastText segment (rjieba) + predict | {fast['predict_rate']:,.0f} | {fast['predict_cpu_rate']:,.0f} | {one_cpu / fast['predict_cpu_rate']:.2f} | |")
        print(f"\nfastText training on {fast['records']:,} labelled paragraphs (1 thread, 25 epochs): {fast['train_seconds']:.1f} s")
    print(f"`tag {SEED.relative_to(ROOT)}`, process start to exit: {seed[0]:.2f} s wall, {seed[1]:.2f} CPU-s (best of 3)")
    if args.scales:
        print("\n| input | characters | seconds | characters/s | per CPU-second | peak memory |")
        print("|---|---:|---:|---:|---:|---:|")
        for times in args.scales:
            with tempfile.TemporaryDirectory() as tmp:
                folder = args.folder if times == 1 else repeated_folder(args.folder, times, Path(tmp))
                run = tag_runs(tag, folder, [1])[0]
            print(f"| {times}x | {run['chars']:,} | {run['seconds']:.1f} | {run['rate']:,.0f} | {run['cpu_rate']:,.0f} | {run['peak_mib']:.0f} MiB |")


if __name__ == "__main__":
    main()
