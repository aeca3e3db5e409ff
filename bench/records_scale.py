"""`retrain` on many records: wall time and peak memory as the number of records grows.

    python bench/records_scale.py [--records 30000 100000 300000] [--folds 2] [--jobs 2] [--sets thucnews toutiao nlpcc]

The records are the 76,000 public headlines of ``../shared/bench/cls`` (THUCNews, Toutiao, NLPCC
2017; labels prefixed by the set, 43 in all), repeated and varied until there are enough: copy k of
a headline is rotated by k characters around a comma, so copies share most but not all of their
n-grams.  Each size runs the installed `retrain` command in a child process (its progress lines are
shown as they come); peak memory is the largest resident set of that child or of any of its workers
(``resource.getrusage(RUSAGE_CHILDREN)``, read after each run, so a size's figure is the largest so far).
This is slow: run it once, on a machine you do not share.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLS = ROOT.parent / "shared" / "bench" / "cls"
FILES = {"thucnews": "thucnews_title.jsonl", "toutiao": "toutiao_sample.jsonl", "nlpcc": "nlpcc2017_headline.jsonl"}


def public_headlines(sets) -> list[tuple[str, str]]:
    rows = []
    for name in sets:
        file = FILES[name]
        for line in (CLS / file).open(encoding="utf-8"):
            row = json.loads(line)
            rows.append((row["text"], f"{name}:{row['label']}"))
    return rows


def varied_records(headlines: list[tuple[str, str]], count: int):
    """``count`` records: the headlines, then rotated copies of them."""
    for i in range(count):
        text, label = headlines[i % len(headlines)]
        copy = i // len(headlines)
        if copy:
            cut = copy % len(text)
            text = text[cut:] + "，" + text[:cut]
        yield {"text": text, "labels": [label]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, nargs="+", default=[30000, 100000, 300000])
    parser.add_argument("--folds", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--sets", nargs="+", default=list(FILES), choices=list(FILES), help="Public sets to repeat (labels: one per class).")
    args = parser.parse_args()
    retrain = shutil.which("retrain")
    if retrain is None:
        sys.exit("install the package first: pip install .")
    headlines = public_headlines(args.sets)
    results = []
    for count in args.records:
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "records.jsonl"
            with data.open("w", encoding="utf-8") as out:
                for record in varied_records(headlines, count):
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
            command = [retrain, str(data), "--out", f"{tmp}/model", "--folds", str(args.folds), "-j", str(args.jobs), "--json"]
            print(f"== {count:,} records: {' '.join(command[1:])}", flush=True)
            started = time.perf_counter()
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for line in child.stderr:  # progress lines, one per stage
                print("   " + line.rstrip(), flush=True)
            report = json.loads(child.stdout.read() or "null")
            code = child.wait()
            seconds = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
            peak_mib = after.ru_maxrss / 1024
            accuracy = report["accuracy"] if report else None
            results.append((count, seconds, cpu, peak_mib, accuracy, code))
    print("\n| records | wall time s | CPU s (all processes) | peak memory MiB | cross-validated accuracy | exit |")
    print("|---:|---:|---:|---:|---:|---:|")
    for count, seconds, cpu, peak_mib, accuracy, code in results:
        shown = f"{accuracy:.3f}" if accuracy is not None else "-"
        print(f"| {count:,} | {seconds:,.0f} | {cpu:,.0f} | {peak_mib:,.0f} | {shown} | {code} |")


if __name__ == "__main__":
    main()
