"""Tally the blind reader panel built by bench/panel_build.py.

    python bench/panel_tally.py /work/panel                  # every OUT/ratings/*.json but the template
    python bench/panel_tally.py /work/panel --ratings a.json b.json

A rating file is JSON: {packet: {letter: {"informative": 1-5, "readable": 1-5,
"not_repetitive": 1-5, "rank": 1-3}}}.  Prints, per system, the mean rank
(1 best), first places (over documents x readers), and the mean of each
rating; incomplete or out-of-range entries are named and left out.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

SYSTEMS = ("toolkit", "lead", "lexrank")
RATINGS = ("informative", "readable", "not_repetitive")


def valid(entry: dict) -> bool:
    return all(isinstance(entry.get(k), (int, float)) and 1 <= entry[k] <= 5 for k in RATINGS) and entry.get("rank") in (1, 2, 3)


def tally(key: dict, rating_files: list[Path]) -> tuple[dict, int]:
    scores: dict[str, dict[str, list[float]]] = {s: defaultdict(list) for s in SYSTEMS}
    judged = 0
    for path in rating_files:
        ratings = json.loads(path.read_text(encoding="utf-8"))
        for packet, letters in ratings.items():
            if packet not in key:
                print(f"panel_tally: {path}: unknown packet {packet}", file=sys.stderr)
                continue
            if not all(valid(letters.get(letter, {})) for letter in "ABC"):
                print(f"panel_tally: {path}: packet {packet} incomplete, left out", file=sys.stderr)
                continue
            judged += 1
            for letter in "ABC":
                system, entry = key[packet][letter], letters[letter]
                for name in (*RATINGS, "rank"):
                    scores[system][name].append(float(entry[name]))
                scores[system]["first"].append(1.0 if entry["rank"] == 1 else 0.0)
    return scores, judged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("panel", type=Path, help="the folder panel_build.py wrote")
    parser.add_argument("--ratings", type=Path, nargs="*", help="rating files (default: PANEL/ratings/*.json)")
    args = parser.parse_args()
    key_path = args.panel / "key" / "key.json"
    try:
        key = json.loads(key_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        sys.exit(f"panel_tally: {key_path}: cannot read the key ({error})")
    files = args.ratings or sorted(p for p in (args.panel / "ratings").glob("*.json") if p.name != "template.json")
    if not files:
        sys.exit(f"panel_tally: no rating files in {args.panel / 'ratings'}")
    scores, judged = tally(key, files)
    if not judged:
        sys.exit("panel_tally: no complete ratings")
    print(f"{judged} judgements ({len(files)} readers, {len(key)} documents)\n")
    print("| summary | mean rank (1 best) | first place | informative | readable | not repetitive |")
    print("|---|---|---|---|---|---|")
    for system in SYSTEMS:
        s = scores[system]
        print(
            f"| {system} | {statistics.mean(s['rank']):.2f} | {int(sum(s['first']))} of {judged} | "
            f"{statistics.mean(s['informative']):.1f} | {statistics.mean(s['readable']):.1f} | {statistics.mean(s['not_repetitive']):.1f} |"
        )


if __name__ == "__main__":
    main()
