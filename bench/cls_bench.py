"""Public headline-classification benchmarks: the toolkit's trainer next to a plain TF-IDF + logistic regression.

    pip install '.[bench]' && python bench/cls_bench.py [--sets thucnews toutiao nlpcc] [--limit N]

Sets (``../shared/bench/cls``, see its README for sources and published figures):

* THUCNews headlines, 10 classes: train on the 10,000 ``dev`` rows, score on the 10,000 ``test`` rows.
* Toutiao headlines, 15 classes: train on the 10,000 ``dev`` rows, score on the 10,000 ``test`` rows.
* NLPCC 2017 headlines, 18 classes: only the 36,000 ``test`` rows are public, so they are split in two
  halves by a fixed seed, grouped by text (a headline repeated in the file stays on one side); train on
  one half, score on the other.

Both systems read the same rows.  The toolkit is trained with `fit_model` (as `retrain` fits its final
model, without the cross-validation) and predicts through the batched records path (`tag --text-field`):
cleaning, segmentation and features included.  The baseline is scikit-learn's TfidfVectorizer on
words (the same segmenter, unigrams and bigrams) and on characters (1 to 3), one logistic regression.
Times are CPU seconds of this process (``time.process_time``: all its threads), so the figures are
per core and hold on a busy machine; predictions per second = test rows / CPU seconds of predicting
them.  Prints one Markdown table.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]
CLS = ROOT.parent / "shared" / "bench" / "cls"

PUBLISHED = {
    "thucnews": "180k-row train split: fastText 0.922, TextCNN 0.912, BERT 0.948",
    "toutiao": "70% of 382,688 rows: TextCNN-style 0.838 (another split)",
    "nlpcc": "156k-row train split: NBoW 0.783, CNN 0.763, LSTM 0.747 (the whole test set)",
}


def load_set(name: str, limit: int | None) -> tuple[list[dict], list[dict]]:
    """Training and test rows of one public set, as {"text", "label"}."""
    file = {"thucnews": "thucnews_title.jsonl", "toutiao": "toutiao_sample.jsonl", "nlpcc": "nlpcc2017_headline.jsonl"}[name]
    rows = [json.loads(line) for line in (CLS / file).open(encoding="utf-8")]
    if name == "nlpcc":
        # A fixed half by a hash of the text: repeated headlines land on the same side.
        side = [int(hashlib.sha256(r["text"].encode("utf-8")).hexdigest(), 16) % 2 for r in rows]
        train = [r for r, s in zip(rows, side) if s == 0]
        test = [r for r, s in zip(rows, side) if s == 1]
    else:
        train = [r for r in rows if r["split"] == "dev"]
        test = [r for r in rows if r["split"] == "test"]
    if limit:
        train, test = train[:limit], test[:limit]
    return train, test


def toolkit_run(train: list[dict], test: list[dict], options) -> dict:
    from toolkit.batch.records import tag_texts
    from toolkit.themes.training import fit_model

    started = time.process_time()
    model = fit_model([{"text": r["text"], "labels": [r["label"]]} for r in train], options=options)
    trained = time.process_time() - started
    texts = [r["text"] for r in test]
    started = time.process_time()
    labels, _ = tag_texts(model, texts)
    predicted = time.process_time() - started
    return {"predicted": [l[0] for l in labels], "train_s": trained, "per_s": len(texts) / predicted}


def baseline_run(train: list[dict], test: list[dict]) -> dict:
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from toolkit.text.document import default_pipeline

    segmenter = default_pipeline().segmenter
    started = time.process_time()
    words = TfidfVectorizer(token_pattern=r"\S+", ngram_range=(1, 2), min_df=1, sublinear_tf=True)
    chars = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=1, sublinear_tf=True)
    texts = [r["text"] for r in train]
    matrix = hstack([words.fit_transform([segmenter.joined(t) for t in texts]), chars.fit_transform(texts)]).tocsr()
    classifier = LogisticRegression(C=10.0, max_iter=1000).fit(matrix, [r["label"] for r in train])
    trained = time.process_time() - started
    texts = [r["text"] for r in test]
    started = time.process_time()
    matrix = hstack([words.transform([segmenter.joined(t) for t in texts]), chars.transform(texts)]).tocsr()
    predicted = classifier.predict(matrix)
    return {"predicted": list(predicted), "train_s": trained, "per_s": len(texts) / (time.process_time() - started)}


def accuracy_and_macro_f1(truth: list[str], predicted: list[str]) -> tuple[float, float]:
    from sklearn.metrics import accuracy_score, f1_score

    return accuracy_score(truth, predicted), f1_score(truth, predicted, average="macro", zero_division=0)


def main() -> None:
    from toolkit.themes.training import TrainingOptions

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", nargs="+", default=["thucnews", "toutiao", "nlpcc"], choices=["thucnews", "toutiao", "nlpcc"])
    parser.add_argument("--limit", type=int, help="At most this many training and test rows per set (a quick look).")
    args = parser.parse_args()
    if not CLS.exists():
        sys.exit(f"{CLS}: not found (the shared benchmark files sit beside the repository)")
    options = TrainingOptions.for_single_label()  # what `retrain` uses on one label per record
    print("| set (train / test rows) | system | accuracy | macro-F1 | training CPU s | predictions per CPU s | published |")
    print("|---|---|---:|---:|---:|---:|---|")
    for name in args.sets:
        train, test = load_set(name, args.limit)
        truth = [r["label"] for r in test]
        for system, run in (("toolkit", lambda: toolkit_run(train, test, options)), ("TF-IDF + LR", lambda: baseline_run(train, test))):
            result = run()
            accuracy, macro = accuracy_and_macro_f1(truth, result["predicted"])
            published = PUBLISHED[name] if system == "toolkit" else ""
            print(
                f"| {name} ({len(train):,} / {len(test):,}) | {system} | {accuracy:.3f} | {macro:.3f} "
                f"| {result['train_s']:.0f} | {result['per_s']:,.0f} | {published} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
