"""How much score smoothing helps the default theme model, and how the shipped weights were chosen.

    python bench/theme_smoothing.py [-j 2]

Runs the cross-validation of `retrain data/labels/*.jsonl` once without
smoothing, then scores the same out-of-fold probabilities smoothed with each
pair of weights of a grid (neighbours x document; thresholds of each fold
tuned on the other folds, as `retrain` does). The shipped pair is the best
cell of this grid, so its score is chosen where it is measured; the last line
is the honest figure for the choice itself: for each fold the pair is chosen
on the other four folds only (nested selection), then that fold is scored.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from toolkit.text.document import default_pipeline  # noqa: E402
from toolkit.themes.model import ScoreSmoothing  # noqa: E402
from toolkit.themes.training import (  # noqa: E402
    TrainingOptions,
    _fit_and_cross_validate,
    fold_predictions,
    load_records,
    prepare,
    scores,
    smoothed_out_of_fold,
)

NEIGHBOURS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25)
DOCUMENT = (0.0, 0.1, 0.2, 0.3)


def micro_f1(predicted: np.ndarray, targets: np.ndarray, labels: list[str]) -> float:
    return scores(predicted, targets, labels)[1]["f1"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-j", "--jobs", type=int, default=2)
    args = parser.parse_args()

    files = sorted((Path(__file__).resolve().parents[1] / "data" / "labels").glob("*.jsonl"))
    records = [record for path in files for record in load_records(path)]
    prepared = prepare(records, default_pipeline())
    unsmoothed = dataclasses.replace(TrainingOptions(), neighbour_smoothing=0.0, document_smoothing=0.0)
    _, raw, fold_of = _fit_and_cross_validate(prepared, unsmoothed, args.jobs, final=False)
    targets, labels = prepared.targets, prepared.labels
    smoothed = {pair: smoothed_out_of_fold(raw, prepared, ScoreSmoothing(*pair)) for pair in ((n, d) for n in NEIGHBOURS for d in DOCUMENT)}

    print("micro F1, neighbours (rows) x document (columns)")
    print(f"{'':>6}" + "".join(f"{d:>8}" for d in DOCUMENT))
    for n in NEIGHBOURS:
        cells = [micro_f1(fold_predictions(smoothed[n, d], fold_of, targets), targets, labels) for d in DOCUMENT]
        print(f"{n:>6}" + "".join(f"{f1:8.4f}" for f1 in cells))

    nested = np.zeros_like(targets)
    for k in np.unique(fold_of):
        inner = fold_of != k
        best = max(
            smoothed,
            key=lambda pair: micro_f1(fold_predictions(smoothed[pair][inner], fold_of[inner], targets[inner]), targets[inner], labels),
        )
        nested[fold_of == k] = fold_predictions(smoothed[best], fold_of, targets)[fold_of == k]
        print(f"fold {k}: weights chosen on the other folds {best}")
    _, micro, macro = scores(nested, targets, labels)
    print(f"nested selection: micro F1 {micro['f1']:.4f}, macro F1 {macro['f1']:.4f}")


if __name__ == "__main__":
    main()
