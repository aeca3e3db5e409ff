"""Tagging on a local Dask cluster: the corpus repeated N times (default 16), characters per second.

    pip install '.[dask]'
    python bench/dask_tag.py [FOLDER] [--times 16] [--workers 2] [--local-jobs 2] [--scheduler ADDRESS]

Builds a folder of N copies of FOLDER's files (symbolic links, so no disk is
spent), runs the installed `tag` command over it with `--scheduler
local:WORKERS` (or ``--scheduler ADDRESS`` for a running cluster) to a
temporary file, and, with ``--local-jobs J``, the same files with `tag -j J`
for comparison, checking that the two outputs are byte-identical.  Prints
files, characters, wall time and characters per second of each whole command
(process start, cluster start and model loading included), and the peak
memory of the largest single process (the `tag` process or one worker).
"""

from __future__ import annotations

import argparse
import filecmp
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def repeated_folder(source: Path, times: int, target: Path) -> None:
    files = sorted(p for p in source.rglob("*.txt") if p.is_file())
    for copy in range(times):
        for path in files:
            link = target / f"copy{copy:02d}" / path.relative_to(source)
            link.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(path.resolve(), link)


def run_tag(tag: str, folder: Path, output: Path, options: list[str]) -> tuple[float, str, int]:
    start = time.perf_counter()
    done = subprocess.run([tag, str(folder), "-o", str(output), *options], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"tag {' '.join(options)} failed (exit {done.returncode}): {done.stderr.strip().splitlines()[-1:]}")
    return seconds, done.stderr.strip().splitlines()[-1], done.returncode


def report(label: str, seconds: float, summary: str) -> None:
    files, paragraphs, chars = map(int, re.search(r"(\d+) files tagged \((\d+) paragraphs, (\d+) characters", summary).groups())
    print(f"{label}: {files:,} files, {paragraphs:,} paragraphs, {chars:,} chars in {seconds:.1f} s = {chars / seconds:,.0f} chars/s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--times", type=int, default=16, help="copies of the folder to tag")
    parser.add_argument("--workers", type=int, default=2, help="worker processes of the local cluster")
    parser.add_argument("--scheduler", help="a running cluster's address instead of a local one")
    parser.add_argument("--local-jobs", type=int, default=0, help="also run tag -j N without Dask and compare")
    args = parser.parse_args()
    tag = shutil.which("tag")
    if tag is None:
        sys.exit("install the package first: pip install '.[dask]'")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "input"
        repeated_folder(Path(args.folder), args.times, folder)
        scheduler = args.scheduler or f"local:{args.workers}"
        seconds, summary, _ = run_tag(tag, folder, Path(tmp) / "dask.jsonl", ["--scheduler", scheduler])
        report(f"{args.times}x {args.folder}, --scheduler {scheduler}", seconds, summary)
        print(f"  peak memory of the largest process (tag or one worker): {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:,.0f} MiB")
        if args.local_jobs:
            seconds, summary, _ = run_tag(tag, folder, Path(tmp) / "local.jsonl", ["-j", str(args.local_jobs)])
            report(f"{args.times}x {args.folder}, -j {args.local_jobs}", seconds, summary)
            same = filecmp.cmp(Path(tmp) / "dask.jsonl", Path(tmp) / "local.jsonl", shallow=False)
            print(f"  outputs byte-identical: {same}")


if __name__ == "__main__":
    main()
