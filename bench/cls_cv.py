"""Cross-validated accuracy of the single-label training options, on the public sets' training rows only.

    pip install '.[bench]' && python bench/cls_cv.py [--sets thucnews toutiao nlpcc] [--limit N]

What chose `TrainingOptions.for_single_label`: 5-fold cross-validation (the toolkit's own folds, seed 0)
on the rows `bench/cls_bench.py` trains on (THUCNews and Toutiao ``dev``, the NLPCC training half),
never on the rows it scores.  Compares the options used before (per-label regressions, C 4, averaged
with a softmax, min_df 2, blocks weighted alike), the previous ones (regressions + naive Bayes), NBSVM +
naive Bayes, the current ones (with a Crammer-Singer part, words without HMM), and each change alone.
Prints one Markdown table of accuracy and CPU seconds.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

import numpy as np

from cls_bench import load_set


def variants():
    from toolkit.themes.training import TrainingOptions

    new = TrainingOptions.for_single_label()
    nbsvm = replace(new, crammer_singer_C=None, segmentation_hmm=True)  # the options before the Crammer-Singer part and HMM off
    old = TrainingOptions(C=4.0)  # for_single_label before the naive Bayes blend
    previous = replace(nbsvm, per_label_model="logistic", C=4.0, class_weight="balanced", naive_bayes_alpha=0.1)  # before NBSVM
    return {
        "before: regressions + softmax, min_df 2, char weight 1": old,
        "before + naive Bayes blend": replace(old, primary_C=None, naive_bayes_alpha=0.1),
        "before + min_df 1, char weight 2": replace(old, min_df=1, char_weight=2.0),
        "previous: regressions C 4 + naive Bayes 0.1, min_df 1, char weight 2": previous,
        "previous, naive Bayes smoothing 0.3": replace(previous, naive_bayes_alpha=0.3),
        "previous, naive Bayes smoothing 0.03": replace(previous, naive_bayes_alpha=0.03),
        "previous, SVMs C 0.1 (NBSVM) for the regressions": replace(previous, per_label_model="svm", C=0.1, class_weight=None),
        "NBSVM C 0.1 + naive Bayes 0.03": nbsvm,
        "NBSVM, SVM classes balanced": replace(nbsvm, class_weight="balanced"),
        "NBSVM, SVM C 0.2": replace(nbsvm, C=0.2),
        "NBSVM + Crammer-Singer C 0.3": replace(nbsvm, crammer_singer_C=0.3),
        "NBSVM, words without HMM": replace(nbsvm, segmentation_hmm=False),
        "now: NBSVM + Crammer-Singer C 0.3 + naive Bayes 0.03, words without HMM": new,
    }


def main() -> None:
    from toolkit.themes.training import cross_validated_predictions

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", nargs="+", default=["thucnews", "toutiao", "nlpcc"], choices=["thucnews", "toutiao", "nlpcc"])
    parser.add_argument("--limit", type=int, help="At most this many training rows per set (a quick look).")
    parser.add_argument("--only", nargs="+", metavar="WORDS", help="Only the options whose name contains one of these.")
    args = parser.parse_args()
    print("| set (training rows) | options | 5-fold accuracy | CPU s |")
    print("|---|---|---:|---:|")
    for name in args.sets:
        train, _ = load_set(name, args.limit)  # the test rows are not read
        records = [{"text": r["text"], "labels": [r["label"]]} for r in train]
        for what, options in variants().items():
            if args.only and not any(words in what for words in args.only):
                continue
            started = time.process_time()
            prepared, predicted = cross_validated_predictions(records, options=replace(options, folds=5, seed=0))
            accuracy = float((np.argmax(predicted, axis=1) == prepared.primary).mean())
            print(f"| {name} ({len(records):,}) | {what} | {accuracy:.4f} | {time.process_time() - started:.0f} |", flush=True)


if __name__ == "__main__":
    main()
