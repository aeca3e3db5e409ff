"""Tagging speed: characters per second with 1 and 2 workers, whole command included.

    python bench/speed_tag.py [FOLDER] [--jobs 1 2]

Default folder: ../shared/corpus (2,575 reports, 2.1 M characters).  Runs
the installed `tag` command to a temporary file and reads its closing count
line for the number of characters tagged.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    tag = shutil.which("tag")
    if tag is None:
        sys.exit("install the package first: pip install .")
    for jobs in args.jobs:
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            done = subprocess.run(
                [tag, args.folder, "-j", str(jobs), "-o", f"{tmp}/out.jsonl"], capture_output=True, text=True
            )
            seconds = time.perf_counter() - start
        summary = done.stderr.strip().splitlines()[-1]
        files, paragraphs, chars = map(int, re.search(r"(\d+) files tagged \((\d+) paragraphs, (\d+) characters", summary).groups())
        print(f"-j {jobs}: {files} files, {paragraphs} paragraphs, {chars} chars in {seconds:.1f} s = {chars / seconds:,.0f} chars/s (exit {done.returncode})")


if __name__ == "__main__":
    main()
