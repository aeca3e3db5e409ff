"""Random search of the summariser's weights on the tune half of domain_dev.

    python bench/tune_summ.py [--trials 300]

Prints the best settings on the tune half, each also scored on the test
half, which is never used to choose.  The defaults in
toolkit/summarising.py come from this run.
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
from toolkit.summarising import Length, SummaryWeights  # noqa: E402

SPACE = {
    "title": [0.0, 0.1, 0.2, 0.3, 0.5],
    "position": [0.0, 0.1, 0.2, 0.3, 0.5, 0.8],
    "position_decay": [0.02, 0.05, 0.1, 0.2, 0.4],
    "paragraph_start": [0.0, 0.05, 0.1, 0.2],
    "short_chars": [10, 15, 20, 30],
    "redundancy": [0.0, 0.2, 0.4, 0.6, 0.8],
    "specifics": [0.0, 0.05, 0.1, 0.2, 0.3],
    "density": [0.0, 0.1, 0.2, 0.3, 0.5],
}


def evaluate(weights, docs) -> tuple[float, float, float]:
    summariser = replace(default_summariser(), weights=weights)
    scores = []
    for document, references in docs:
        per = [rouge(summariser.summarise(document, Length(max_chars=len(r)), simplified=True).text(), r) for r in references]
        scores.append([statistics.mean(x[k] for x in per) * 100 for k in range(3)])
    return tuple(statistics.mean(s[k] for s in scores) for k in range(3))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    rows = load_set("domain_dev", args.shared, None)
    docs = {split: [(read_document(r["text"]), r["references"]) for r in rows if r["split"] == split] for split in ("tune", "test")}
    rng = random.Random(args.seed)
    results = []
    base = SummaryWeights()
    for trial in range(args.trials):
        weights = base if trial == 0 else replace(base, **{k: rng.choice(v) for k, v in SPACE.items()})
        tune = evaluate(weights, docs["tune"])
        results.append((sum(tune), tune, weights))
    results.sort(key=lambda r: -r[0])
    for total, tune, weights in results[:8]:
        test = evaluate(weights, docs["test"])
        print(f"tune {tune[0]:.1f}/{tune[1]:.1f}/{tune[2]:.1f}  test {test[0]:.1f}/{test[1]:.1f}/{test[2]:.1f}  {asdict(weights)}")


if __name__ == "__main__":
    main()
