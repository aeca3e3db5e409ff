"""Tally a pairwise check built by bench/pairwise_build.py.

    python bench/pairwise_tally.py DIR            # every DIR/ratings/*.json

A rating file is JSON: {packet: {"prefer": "X" or "Y", "X": {"informative": 1-5,
"readable": 1-5}, "Y": {...}}}.  Prints, per version, how often readers
preferred it and its mean ratings; incomplete entries are named and left out.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path


def valid(entry: dict) -> bool:
    return entry.get("prefer") in ("X", "Y") and all(
        isinstance(entry.get(side, {}).get(k), (int, float)) and 1 <= entry[side][k] <= 5 for side in "XY" for k in ("informative", "readable")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("check", type=Path)
    args = parser.parse_args()
    stored = json.loads((args.check / "key" / "key.json").read_text(encoding="utf-8"))
    key, versions = stored["packets"], stored["versions"]
    preferred: dict[str, int] = defaultdict(int)
    ratings: dict[str, dict[str, list[float]]] = {"a": defaultdict(list), "b": defaultdict(list)}
    judged = 0
    for path in sorted((args.check / "ratings").glob("*.json")):
        for packet, entry in json.loads(path.read_text(encoding="utf-8")).items():
            if packet not in key or not valid(entry):
                print(f"pairwise_tally: {path}: packet {packet} unknown or incomplete, left out", file=sys.stderr)
                continue
            judged += 1
            preferred[key[packet][entry["prefer"]]] += 1
            for side in "XY":
                for name in ("informative", "readable"):
                    ratings[key[packet][side]][name].append(float(entry[side][name]))
    print(f"{judged} judgements of {len(key)} packets; a: {versions['a']}; b: {versions['b']}\n")
    print("| version | preferred | informative | readable |")
    print("|---|---:|---:|---:|")
    for version in ("a", "b"):
        scores = ratings[version]
        mean = lambda name: f"{statistics.mean(scores[name]):.2f}" if scores[name] else "-"
        print(f"| {version} | {preferred[version]} of {judged} | {mean('informative')} | {mean('readable')} |")


if __name__ == "__main__":
    main()
