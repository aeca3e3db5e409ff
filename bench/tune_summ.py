"""Choose the summariser's weights on the tune half of domain_dev (plus --extra sets).

    python bench/tune_summ.py --extra data/bench/summ_extra.jsonl
    python bench/tune_summ.py --trials 300          # random search instead

Coordinate search from the current defaults, then both the defaults and the
chosen weights scored on the tune set and on the test half, which is never
used to choose.  The defaults in toolkit/summarising/summariser.py come from this run.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from dataclasses import asdict, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from summ_bench import load_set, rouge  # noqa: E402

from toolkit.api import default_summariser, read_document  # noqa: E402
from toolkit.summarising.summariser import Length, SummaryWeights  # noqa: E402

SPACE = {
    "position": [0.0, 0.1, 0.2, 0.3, 0.5, 0.8],
    "notice_position": [0.0, 0.1, 0.2, 0.3, 0.5, 0.8],
    "position_decay": [0.02, 0.05, 0.1, 0.2, 0.4],
    "paragraph_start": [0.0, 0.05, 0.1, 0.2],
    "section_start": [0.0, 0.05, 0.1, 0.2, 0.3],
    "headings": [0.0, 0.1, 0.2, 0.4],
    "short_chars": [10, 15, 20, 30],
    "min_chars": [8, 10, 12, 15],
    "specifics": [0.0, 0.1, 0.2, 0.3, 0.4, 0.6],
    "density": [0.0, 0.2, 0.3, 0.5, 0.7, 1.0],
    "coverage": [4.0, 8.0, 12.0, 16.0],
}


def evaluate(weights, docs) -> tuple[float, float, float]:
    summariser = replace(default_summariser(), weights=weights)
    scores = []
    for document, references in docs:
        per = [rouge(summariser.summarise(document, Length(max_chars=len(r)), simplified=True).text(), r) for r in references]
        scores.append([statistics.mean(x[k] for x in per) * 100 for k in range(3)])
    return tuple(statistics.mean(s[k] for s in scores) for k in range(3))


def coordinate_search(docs, start: SummaryWeights, passes: int = 2) -> SummaryWeights:
    """One weight at a time, each value tried with the others fixed; keep what helps on the tune set."""
    best, best_total = start, sum(evaluate(start, docs))
    for _ in range(passes):
        for name, values in SPACE.items():
            for value in values:
                trial = replace(best, **{name: value})
                total = sum(evaluate(trial, docs))
                if total > best_total + 0.05:
                    best, best_total = trial, total
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=0, help="random search trials (default: coordinate search)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--extra", type=Path, action="append", default=[], help="more tuning documents (JSONL with text, summaries)")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    rows = load_set("domain_dev", args.shared, None)
    docs = {split: [(read_document(r["text"]), r["references"]) for r in rows if r["split"] == split] for split in ("tune", "test")}
    for path in args.extra:
        docs["tune"] += [(read_document(r["text"]), r["references"]) for r in load_set(str(path), args.shared, None)]
    print(f"tuning on {len(docs['tune'])} documents, testing on {len(docs['test'])}")
    base = SummaryWeights()
    if args.trials:
        rng = random.Random(args.seed)
        candidates = [base] + [replace(base, **{k: rng.choice(v) for k, v in SPACE.items()}) for _ in range(args.trials)]
        chosen = max(candidates, key=lambda w: sum(evaluate(w, docs["tune"])))
    else:
        chosen = coordinate_search(docs["tune"], base)
    for label, weights in (("current defaults", base), ("chosen on tune", chosen)):
        tune, test = evaluate(weights, docs["tune"]), evaluate(weights, docs["test"])
        print(f"{label:16} tune {tune[0]:.1f}/{tune[1]:.1f}/{tune[2]:.1f}  test {test[0]:.1f}/{test[1]:.1f}/{test[2]:.1f}  {asdict(weights)}")


if __name__ == "__main__":
    main()
