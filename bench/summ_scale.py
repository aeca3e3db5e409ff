"""Cost of `summarise` as the input grows: seconds and peak memory per input size.

    python bench/summ_scale.py                    # 1, 5, 10 MB reports and 100,000 short lines
    python bench/summ_scale.py --sizes 1,10,50    # megabytes

Each case runs `summarise` in a fresh process (python -m toolkit.cli...) on a
generated file: corpus reports concatenated up to the size (a "report" of many
sections), or 100,000 lines of a few characters.  Prints wall seconds, peak
resident memory (ru_maxrss of the child) and seconds per MB, which stays flat
when the cost is linear.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The child reports its own peak resident memory (ru_maxrss, kB on Linux) on stderr.
RUN = (
    "import sys, resource\n"
    "from toolkit.cli.summarise import summarise_command\n"
    "sys.argv = ['summarise', sys.argv[1]]\n"
    "try:\n    summarise_command()\n"
    "except SystemExit:\n    pass\n"
    "print('peak_kb', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
)


def corpus_report(shared: Path, megabytes: float) -> str:
    rows = [json.loads(line) for line in (shared / "corpus" / "manifest.jsonl").open(encoding="utf-8")]
    texts = [(shared / "corpus" / r["file"]).read_text(encoding="utf-8") for r in rows if r["topic_hint"] == "local_response"]
    target, parts, size = int(megabytes * 1_000_000), [], 0
    while size < target:
        for text in texts:
            parts.append(text)
            size += len(text.encode("utf-8"))
            if size >= target:
                break
    return "\n".join(parts)


def short_lines(n: int) -> str:
    return "\n".join(f"第{i}条消息。" for i in range(n))


def run(path: Path) -> tuple[float, float]:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", RUN, str(path)], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    peaks = [line.split()[1] for line in result.stderr.splitlines() if line.startswith("peak_kb ")]
    if not peaks:
        print(result.stderr[-500:], file=sys.stderr)
        return seconds, float("nan")
    return seconds, int(peaks[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,5,10", help="report sizes in MB")
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    print(f"{'input':28} {'MB':>6} {'seconds':>8} {'peak MB':>8} {'s/MB':>6}")
    with tempfile.TemporaryDirectory() as folder:
        cases = [(f"{args.lines:,} short lines", short_lines(args.lines))]
        cases += [(f"corpus reports, {mb} MB", corpus_report(args.shared, float(mb))) for mb in args.sizes.split(",")]
        for label, text in cases:
            path = Path(folder) / "input.txt"
            path.write_text(text, encoding="utf-8")
            megabytes = path.stat().st_size / 1e6
            del text
            seconds, peak = run(path)
            print(f"{label:28} {megabytes:6.1f} {seconds:8.1f} {peak:8.0f} {seconds / megabytes:6.1f}", flush=True)


if __name__ == "__main__":
    main()
