"""Speed of `summarise`: cold process start to exit, and warm time per document.

    python bench/speed_summarise.py [--runs 10] [FILE]

Cold: the installed `summarise` command on a seed report, against a Python
process that only imports jieba and segments the same text (the issue's
yardstick).  Warm: toolkit.summarise on every domain_dev report, the
dictionary and IDF table already loaded.  Prints medians.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
JIEBA_ONLY = (
    "import sys, warnings; warnings.simplefilter('ignore'); import jieba; jieba.setLogLevel(60); "
    "jieba.lcut(open(sys.argv[1], encoding='utf-8').read())"
)


def cold(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?", default=str(ROOT / "seeds" / "001_c7bb10757f092b7d.txt"))
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()

    summarise = shutil.which("summarise")
    if summarise is None:
        sys.exit("install the package first: pip install .")
    ours = cold([summarise, args.file], args.runs)
    jieba = cold([sys.executable, "-c", JIEBA_ONLY, args.file], args.runs)
    print(f"cold  summarise {args.file}: {ours * 1000:.0f} ms (median of {args.runs})")
    print(f"cold  python + jieba load + segment: {jieba * 1000:.0f} ms; ratio {ours / jieba:.2f} (target <= 0.6)")

    import toolkit

    rows = [json.loads(line) for line in (args.shared / "bench" / "summ" / "domain_dev.jsonl").open(encoding="utf-8")]
    toolkit.summarise(rows[0]["text"])
    per_doc = []
    for _ in range(3):
        for row in rows:
            start = time.perf_counter()
            toolkit.summarise(row["text"])
            per_doc.append(time.perf_counter() - start)
    chars = statistics.mean(len(r["text"]) for r in rows)
    print(f"warm  toolkit.summarise: {statistics.median(per_doc) * 1000:.2f} ms/doc median over {len(rows)} reports "
          f"(mean {chars:.0f} chars), read+clean+split+segment+score")


if __name__ == "__main__":
    main()
