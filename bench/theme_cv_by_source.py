"""Grouped cross-validation of the default theme model, scored per training file.

    python bench/theme_cv_by_source.py [-j 2]

Runs the same cross-validation as `retrain data/labels/*.jsonl` (same folds,
thresholds of each fold tuned on the other folds) and prints micro and macro
F1 over all paragraphs and separately over each file of data/labels/: the
shared annotators' labels (paragraphs.jsonl) against the rounds labelled for
this project.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from toolkit.themes.training import cross_validated_predictions, load_records, scores  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-j", "--jobs", type=int, default=2)
    args = parser.parse_args()

    files = sorted((Path(__file__).resolve().parents[1] / "data" / "labels").glob("*.jsonl"))
    records, source = [], []
    for path in files:
        for record in load_records(path):
            records.append(record)
            source.append(path.name)
    prepared, predicted = cross_validated_predictions(records, jobs=args.jobs)
    source = np.array(source)

    print(f"{'paragraphs of':28} {'n':>6} {'micro F1':>9} {'macro F1':>9}")
    for name in ["(all)", *[p.name for p in files]]:
        rows = np.ones(len(source), bool) if name == "(all)" else source == name
        _, micro, macro = scores(predicted[rows], prepared.targets[rows], prepared.labels)
        print(f"{name:28} {rows.sum():6d} {micro['f1']:9.3f} {macro['f1']:9.3f}")


if __name__ == "__main__":
    main()
