"""Training: labelled paragraphs to a theme model, with grouped cross-validation.

The label set comes from the data (``other`` means "no theme" and is not a
label of its own).  Quality is estimated by cross-validation grouped by
document, so paragraphs of one report (or of its republished copies) never
sit on both sides of a split.
Out-of-fold probabilities are smoothed within each document as tagging
smooths them, and each theme's threshold is tuned on them: for the
reported scores, thresholds of fold k come from the other folds only.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sys
from collections import defaultdict
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from toolkit.text.document import TextPipeline, default_pipeline
from toolkit.themes.model import (
    OTHER,
    FeatureSpace,
    ScoreSmoothing,
    ThemeModel,
    ThemeWeights,
    context_text,
    paragraph_inputs,
)


class LabelledDataError(Exception):
    """Malformed training data; ``str(error)`` names the file and line of the first problem.

    ``problems`` holds every problem found (one line each, at most MAX_REPORTED_PROBLEMS per file),
    so a user can mend a file in one go; ``truncated`` says more were left unreported.
    """

    def __init__(self, message: str, *, problems: Sequence[str] | None = None, truncated: bool = False) -> None:
        super().__init__(message)
        self.problems = list(problems) if problems else [message]
        self.truncated = truncated


MAX_REPORTED_PROBLEMS = 20  # bad lines reported per file before reading stops


@dataclass(frozen=True)
class TrainingOptions:
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] | None = (1, 3)
    min_df: int = 2
    char_weight: float = 1.0  # scale of the character n-gram block (the word block's is 1)
    context_weight: float = 0.5  # scale of the title + heading + neighbouring-paragraph block; 0 turns it off
    document_weight: float = 0.5  # scale of the whole-document block; 0 turns it off
    C: float = 16.0  # chosen by grouped cross-validation among 0.3 to 32 (with the NB scaling below)
    class_weight: str | None = "balanced"
    naive_bayes_scaling: bool = True  # scale each theme's features by their NB log-count ratio (NBSVM, Wang & Manning 2012)
    # Each theme's linear model: "logistic" (liblinear logistic regression, whose sigmoid gives the
    # per-theme probabilities thresholds are tuned on) or "svm" (liblinear linear SVM, squared hinge:
    # NBSVM proper; its scores are only ranked, so single-label data only, with the naive Bayes blend).
    per_label_model: str = "logistic"
    primary_C: float | None = 20.0  # the softmax over each paragraph's primary theme (10 to 50 tie); None leaves it out
    # Single-label data only: a multinomial naive Bayes with this smoothing, blended with the
    # per-label models into one linear score per label (see _blend_naive_bayes); None leaves it out.
    naive_bayes_alpha: float | None = None
    # Single-label data with the naive Bayes blend only: a Crammer-Singer multiclass linear SVM with
    # this C on the TF-IDF features as a third part of the blend; None leaves it out.
    crammer_singer_C: float | None = None
    # Segment words with jieba's HMM, which guesses words its dictionary lacks (names, new terms);
    # False keeps to dictionary words and single characters.  Stored in the model's settings.
    segmentation_hmm: bool = True
    # Blend of each paragraph's probabilities with its neighbours' and its document's mean
    # (see ScoreSmoothing), chosen by grouped cross-validation on a grid of 0 to 0.25 and 0 to 0.3.
    neighbour_smoothing: float = 0.1
    document_smoothing: float = 0.2
    folds: int = 5
    seed: int = 0
    # Feature blocks to use (FeatureSpace.BLOCKS, "word" always among them); None: every block the
    # records give something to read (see usable_blocks).
    features: tuple[str, ...] | None = None

    def feature_settings(self) -> dict:
        return {
            "word_ngrams": list(self.word_ngrams),
            "char_ngrams": list(self.char_ngrams) if self.char_ngrams else None,
            "min_df": self.min_df,
            # Only when not 1, so models without it keep the settings they always had (1 is the default when reading).
            **({"char_weight": self.char_weight} if self.char_weight != 1.0 else {}),
            "context_weight": self.context_weight,
            "document_weight": self.document_weight,
            # Only when off, so models without it keep the segmentation they always had.
            **({"hmm": False} if not self.segmentation_hmm else {}),
        }

    def smoothing(self) -> ScoreSmoothing:
        return ScoreSmoothing(self.neighbour_smoothing, self.document_smoothing)

    @classmethod
    def for_single_label(cls, **changes) -> "TrainingOptions":
        """The options for single-label data (one label per record: headlines, the public benchmarks).

        Each label's score is one linear function of the features: per-label linear SVMs on the
        features scaled by their naive Bayes log-count ratio (NBSVM, Wang & Manning 2012; squared
        hinge, C 0.1, classes unweighted) plus a multinomial naive Bayes (smoothing 0.03), each
        divided by the spread of its scores on the training rows (see :func:`_blend_naive_bayes`),
        in place of the softmax; n-grams seen once count (min_df 1) and the character block weighs
        twice the word block; a Crammer-Singer multiclass SVM (C 0.3) is a third part of the blend,
        and words are segmented without jieba's HMM.  Chosen by 5-fold cross-validation on the
        training rows only (THUCNews and Toutiao ``dev``, the NLPCC training half; ``bench/cls_cv.py``):
        the Crammer-Singer part and the HMM off gain on all three sets, together THUCNews 0.8698 ->
        0.8729, Toutiao 0.8109 -> 0.8135, NLPCC 0.7639 -> 0.7682.  Before, the options with
        per-label logistic regressions (C 4, balanced, naive Bayes smoothing 0.1) scored 0.868, 0.805
        and 0.762, and those before them (regressions averaged with a softmax, min_df 2, blocks
        alike) 0.858, 0.800, 0.748.  The shipped themes are multi-label and keep the defaults.
        """
        return replace(
            cls(
                C=0.1,
                class_weight=None,
                per_label_model="svm",
                min_df=1,
                char_weight=2.0,
                primary_C=None,
                naive_bayes_alpha=0.03,
                crammer_singer_C=0.3,
                segmentation_hmm=False,
            ),
            **changes,
        )

    def with_blocks(self, blocks: Sequence[str]) -> "TrainingOptions":
        """These options with the blocks not in ``blocks`` switched off (FeatureSpace.active_blocks reads the settings)."""
        return replace(
            self,
            char_ngrams=self.char_ngrams if "char" in blocks else None,
            context_weight=self.context_weight if "context" in blocks else 0.0,
            document_weight=self.document_weight if "document" in blocks else 0.0,
        )


# Why a block has nothing to read, when the records do not say where they stand.
_MISSING_FOR_BLOCK = {
    "context": "no record has both 'file' and 'line' (title, heading and neighbours are unknown)",
    "document": "no record has 'file' (the document is unknown)",
}


def default_options(records: Sequence[dict]) -> TrainingOptions:
    """The options for these records when none are given: single-label data has its own."""
    return TrainingOptions.for_single_label() if is_single_label(records) else TrainingOptions()


def usable_blocks(records: Sequence[dict], options: TrainingOptions) -> tuple[list[str], dict[str, str]]:
    """The feature blocks to fit on ``records`` and, for each block left out, why.

    Without ``options.features``: the blocks the options switch on, less those the
    records give nothing to read (a context block fitted on empty strings has no
    vocabulary).  With it: exactly those blocks, or an error naming the block that
    cannot be fed.
    """
    has_file = any("group" in r for r in records)
    has_place = any("group" in r and "line" in r for r in records)
    readable = {"word": True, "char": True, "context": has_place, "document": has_file}
    switched_on = FeatureSpace.active_blocks(options.feature_settings())
    if options.features is None:
        left_out = {b: "switched off by the options" for b in FeatureSpace.BLOCKS if b not in switched_on}
        left_out |= {b: _MISSING_FOR_BLOCK[b] for b in switched_on if not readable[b]}
        return [b for b in switched_on if readable[b]], left_out
    unknown = [b for b in options.features if b not in FeatureSpace.BLOCKS]
    if unknown:
        raise LabelledDataError(f"unknown feature block {unknown[0]!r} (choose from {', '.join(FeatureSpace.BLOCKS)})")
    if "word" not in options.features:
        raise LabelledDataError("the 'word' feature block is always used; add it to the chosen blocks")
    for block in options.features:
        if not readable[block]:
            raise LabelledDataError(f"feature block {block!r} cannot be used: {_MISSING_FOR_BLOCK[block]}")
    if "char" in options.features and not options.char_ngrams:
        raise LabelledDataError("feature block 'char' needs char_ngrams")
    chosen = [b for b in FeatureSpace.BLOCKS if b in options.features]
    return chosen, {b: "not chosen" for b in FeatureSpace.BLOCKS if b not in chosen}


def check_options_fit(records: Sequence[dict], options: TrainingOptions) -> None:
    """Refuse options meant for single-label data on records with several labels (or none)."""
    if options.naive_bayes_alpha is not None and not is_single_label(records):
        raise LabelledDataError(
            "naive_bayes_alpha is for single-label data (one label per record, none 'other'); these records are not"
        )
    if options.per_label_model not in ("logistic", "svm"):
        raise LabelledDataError(f"per_label_model must be 'logistic' or 'svm', not {options.per_label_model!r}")
    if options.crammer_singer_C is not None and options.naive_bayes_alpha is None:
        raise LabelledDataError("crammer_singer_C is a part of the naive Bayes blend (naive_bayes_alpha): single-label data only")
    if options.per_label_model == "svm" and options.naive_bayes_alpha is None:
        # An SVM's scores are no probabilities: they can rank labels but not be thresholded or averaged with a softmax.
        raise LabelledDataError("per_label_model 'svm' needs the naive Bayes blend (naive_bayes_alpha): single-label data only")


def is_single_label(records: Sequence[dict]) -> bool:
    """Every record has exactly one label, none of them 'other': a classification task (the public benchmarks)."""
    return all(len(r["labels"]) == 1 and r["labels"][0] != OTHER for r in records)


@dataclass
class TrainingReport:
    labels: list[str]
    per_label: dict[str, dict[str, float]]
    micro: dict[str, float]
    macro: dict[str, float]
    thresholds: dict[str, float]
    n_records: int
    n_groups: int
    folds: int
    options: dict = field(default_factory=dict)
    blocks: list[str] = field(default_factory=list)  # feature blocks in the model
    left_out: dict[str, str] = field(default_factory=dict)  # feature blocks not in the model, and why
    single_label: bool = False  # one label per record: predicted as the best label, scored by accuracy too
    accuracy: float | None = None  # share of records whose best label is right (single-label data only)

    def to_json(self) -> dict:
        return asdict(self)

    def table(self) -> str:
        threshold = {label: "best" if self.single_label else f"{self.thresholds[label]:9.3f}" for label in self.labels}
        lines = score_table_lines(self.labels, self.per_label, self.micro, self.macro, self.accuracy, ("threshold", threshold))
        lines.append(
            f"{self.folds}-fold cross-validation grouped by document: {self.n_records} paragraphs, {self.n_groups} documents"
        )
        if self.blocks:
            lines.append(feature_block_summary(self.blocks, self.left_out))
        return "\n".join(lines)


def feature_block_summary(blocks: Sequence[str], left_out: dict[str, str]) -> str:
    """One line: the blocks in the model and those left out with the reason."""
    line = "feature blocks: " + ", ".join(blocks)
    if left_out:
        line += "; left out: " + "; ".join(f"{block} ({reason})" for block, reason in left_out.items())
    return line


def score_table_lines(
    labels: Sequence[str],
    per_label: dict[str, dict[str, float]],
    micro: dict[str, float],
    macro: dict[str, float],
    accuracy: float | None,
    extra: tuple[str, dict[str, str]] | None = None,
) -> list[str]:
    """The per-label precision / recall / F1 / support table, micro and macro, and accuracy for
    single-label data; ``extra`` adds a last column (its name, and its cell per label)."""
    header = f"{'label':14} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}"
    lines = [header + (f" {extra[0]:>9}" if extra else "")]
    for label in labels:
        m = per_label[label]
        row = f"{label:14} {m['precision']:9.3f} {m['recall']:7.3f} {m['f1']:6.3f} {int(m['support']):8d}"
        lines.append(row + (f" {extra[1][label]:>9}" if extra else ""))
    for name, m in (("micro", micro), ("macro", macro)):
        lines.append(f"{name:14} {m['precision']:9.3f} {m['recall']:7.3f} {m['f1']:6.3f}")
    if accuracy is not None:
        lines.append(f"{'accuracy':14} {accuracy:9.3f}   (single-label data: each record gets its best label)")
    return lines


# --- reading labelled data -------------------------------------------------------------


def load_records(path: str | Path, *, text_field: str = "text") -> list[dict]:
    """Labelled paragraphs from JSONL or CSV (columns ``text`` and ``labels``).

    ``labels`` is a list or a ``;``-separated string (numbers are read as
    label names; a ``label`` field stands in for ``labels``, as in the public
    benchmarks).  ``text_field`` names the text when it is not ``text``.
    Optional: ``file`` or ``group`` (the document, for grouped
    cross-validation) and ``line``.
    Raises :class:`LabelledDataError` naming every bad line (up to MAX_REPORTED_PROBLEMS).
    """
    from toolkit.text.reading import ReadError, read_text

    path = Path(path)
    try:  # the bounded reader: FIFOs, devices and files over its cap are refused by name
        text = read_text(path)
    except ReadError as error:
        raise LabelledDataError(str(error)) from None
    if path.suffix.lower() == ".csv":
        rows = _csv_rows(text, path, text_field)
    else:
        rows = _jsonl_rows(text, path)
    records, problems = [], []
    for line, row in rows:
        try:
            if isinstance(row, LabelledDataError):  # a line the reader could not parse
                raise row
            records.append(_validate(_renamed(row, text_field), path, line))
        except LabelledDataError as error:
            problems.append(str(error))
            if len(problems) == MAX_REPORTED_PROBLEMS:
                raise LabelledDataError(problems[0], problems=problems, truncated=True) from None
    if problems:
        raise LabelledDataError(problems[0], problems=problems)
    if not records:
        raise LabelledDataError(f"{path}: no labelled paragraphs")
    return records


def check_labels_vary(records: Sequence[dict]) -> None:
    """Refuse data a model cannot learn from: every paragraph with the same label (or a label on
    every paragraph) leaves nothing to tell apart, and cross-validation would report F1 1.000."""
    if not records:
        raise LabelledDataError("no labelled paragraphs")
    classes = {tuple(r["labels"]) for r in records}
    everywhere = set(records[0]["labels"]).intersection(*(r["labels"] for r in records[1:])) - {OTHER}
    if len(classes) < 2 or everywhere:
        which = ", ".join(sorted(everywhere or set(records[0]["labels"])))
        raise LabelledDataError(
            f"every paragraph is labelled {which!r}: nothing to tell apart "
            f"(add paragraphs without it, e.g. labelled '{OTHER}')"
        )


def _jsonl_rows(text: str, path: Path):
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        # A line that is not a JSON object is handed on as its error, so every bad line is reported.
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            row = LabelledDataError(f"{path}:{number}: not valid JSON ({error.msg})")
        except RecursionError:  # json's C parser recurses once per nesting level
            row = LabelledDataError(f"{path}:{number}: JSON nested too deeply")
        if not isinstance(row, (dict, LabelledDataError)):
            row = LabelledDataError(f"{path}:{number}: expected a JSON object with 'text' and 'labels'")
        yield number, row


def _renamed(row: dict, text_field: str) -> dict:
    """The row with its text under ``text`` and its labels under ``labels`` (from ``label`` when that is what it has)."""
    if text_field != "text":
        row = {**row, "text": row.get(text_field)}
    if "labels" not in row and "label" in row:
        row = {**row, "labels": row["label"]}
    return row


def _csv_rows(text: str, path: Path, text_field: str = "text"):
    # newline="" keeps line ends inside quoted fields as they are (a spreadsheet's paragraphs).
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = set(reader.fieldnames or ())
    if text_field not in columns or not columns & {"labels", "label"}:
        raise LabelledDataError(f"{path}:1: CSV needs '{text_field}' and 'labels' columns")
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:  # a field over csv.field_size_limit() (128 KiB), a stray NUL...
            raise LabelledDataError(f"{path}:{start}: bad CSV ({error})") from None
        yield start, row  # the row's first line: a quoted cell may run over several
        start = reader.line_num + 1


def _validate(row: dict, path: Path, number: int) -> dict:
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        raise LabelledDataError(f"{path}:{number}: empty or missing 'text'")
    labels = row.get("labels")
    if _is_number(labels):  # a class id: 3 is the label "3"
        labels = [str(labels)]
    elif isinstance(labels, list):
        labels = [str(l) if _is_number(l) else l for l in labels]
    if isinstance(labels, str):
        labels = [part.strip() for part in labels.split(";")]
    if not isinstance(labels, list) or not labels or not all(isinstance(l, str) and l.strip() for l in labels):
        raise LabelledDataError(f"{path}:{number}: 'labels' must be a non-empty list or ';'-separated string")
    labels = [l.strip() for l in labels]
    if OTHER in labels and len(labels) > 1:
        raise LabelledDataError(f"{path}:{number}: '{OTHER}' cannot be combined with other labels")
    record = {"text": text, "labels": labels, "source_line": number}
    group = row.get("group") or row.get("file") or row.get("doc")
    if group is not None:
        record["group"] = str(group)
    line = row.get("line")
    if line not in (None, ""):
        try:
            record["line"] = int(line)
        except (TypeError, ValueError):
            raise LabelledDataError(f"{path}:{number}: 'line' must be a number") from None
    return record


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def data_hash(records: Sequence[dict]) -> str:
    digest = hashlib.sha256()
    for r in records:
        digest.update(json.dumps([r["text"], r["labels"], r.get("group"), r.get("line")], ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


# --- features of labelled records --------------------------------------------------------


@dataclass
class Prepared:
    inputs: dict[str, list[str]]  # what each feature block reads, one entry per record (see paragraph_inputs)
    groups: np.ndarray  # the document of each record
    split_groups: np.ndarray  # what cross-validation keeps together: documents, copies of one report merged
    targets: np.ndarray  # records x labels, 0/1
    labels: list[str]
    primary: np.ndarray  # index of each record's first label, len(labels) for `other`
    reading_order: np.ndarray  # record indices, each document's together and by line


def record_analysis_text(pipeline: TextPipeline, text: str) -> str:
    """What the features of one record are computed from: its paragraphs' analysis forms on one line.

    The same as ``pipeline.document(text).text(analysis=True)`` with line breaks as spaces, without
    the sentence splitting a record does not need (five times faster on headlines, which matters
    when tagging or training on hundreds of thousands of them).
    """
    from toolkit.text.cleaning import analysis_form, is_boilerplate, remove_artifacts, strip_inline_bylines
    from toolkit.text.splitting import split_lines

    parts = []
    for raw_line in split_lines(remove_artifacts(text)):
        line = raw_line.strip()
        if not line:
            continue
        analysis = analysis_form(line, pipeline.to_simplified)
        if not is_boilerplate(analysis):
            stripped = strip_inline_bylines(line)
            if not stripped:
                continue
            if stripped != line:  # most lines have no byline: their analysis form is already known
                analysis = analysis_form(stripped, pipeline.to_simplified)
        parts.append(analysis)
    return " ".join(parts)


def label_matrix(records: Sequence[dict], labels: Sequence[str]) -> np.ndarray:
    """records x labels, 1 where a record has the label (``other`` is no label)."""
    column = {label: j for j, label in enumerate(labels)}
    targets = np.zeros((len(records), len(labels)), dtype=np.int8)
    for row, record in enumerate(records):
        for label in record["labels"]:
            if label != OTHER:
                targets[row, column[label]] = 1
    return targets


def prepare(records: Sequence[dict], pipeline: TextPipeline, blocks: Sequence[str] = FeatureSpace.BLOCKS) -> Prepared:
    """Clean, simplify and segment every record once; folds then only slice the results.

    Only the ``blocks`` the model will read are computed (the others read empty strings).
    """
    analysis = [record_analysis_text(pipeline, r["text"]) for r in records]
    labels = sorted({l for r in records for l in r["labels"] if l != OTHER})
    if not labels:
        raise LabelledDataError("the data has no labels other than 'other'")
    index = {l: i for i, l in enumerate(labels)}
    targets = label_matrix(records, labels)
    primary = np.array([index.get(r["labels"][0], len(labels)) for r in records])
    groups = np.array([r.get("group", f"#record{i}") for i, r in enumerate(records)])
    reading_order = np.lexsort(([r.get("line", 0) for r in records], groups))  # stable: unnumbered lines keep file order
    if "document" in blocks:
        texts_of_group: dict[str, list[str]] = defaultdict(list)
        for i in reading_order:
            texts_of_group[groups[i]].append(analysis[i])
        words_of_group = {group: pipeline.segmenter.joined(" ".join(texts)) for group, texts in texts_of_group.items()}
        document_words = [words_of_group[group] for group in groups]
    else:
        document_words = [""] * len(records)
    contexts = _contexts(records, analysis) if "context" in blocks else [""] * len(records)
    inputs = paragraph_inputs(pipeline, analysis, contexts, document_words)
    return Prepared(inputs, groups, _merge_copies(records, groups), targets, labels, primary, reading_order)


SHARED_PARAGRAPH_CHARS = 50  # documents sharing a paragraph this long are copies (republished reports)


def _merge_copies(records: Sequence[dict], groups: np.ndarray) -> np.ndarray:
    """Groups for cross-validation: documents that share a paragraph of 50+ characters become one.

    The corpus republishes reports under new names; a copy on each side of a
    split would score the model on text it was trained on.  Shorter shared
    lines (datelines, attendance formulas) do not make documents copies.
    """
    parent = {group: group for group in groups}

    def root(group: str) -> str:
        while parent[group] != group:
            parent[group] = parent[parent[group]]
            group = parent[group]
        return group

    first_seen: dict[str, str] = {}
    for record, group in zip(records, groups):
        text = record["text"].strip()
        if len(text) < SHARED_PARAGRAPH_CHARS:
            continue
        other = first_seen.setdefault(text, group)
        parent[root(group)] = root(other)
    return np.array([root(group) for group in groups])


def _contexts(records: Sequence[dict], analysis: Sequence[str]) -> list[str]:
    """Title, section heading and neighbouring paragraphs, for records that say where they stand (group + line)."""
    from toolkit.text.splitting import looks_like_heading

    by_group: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        if "group" in r and "line" in r:
            by_group[r["group"]].append(i)
    contexts = [""] * len(records)
    for members in by_group.values():
        members.sort(key=lambda i: records[i]["line"])
        title = analysis[members[0]] if records[members[0]]["line"] == 1 else ""
        heading = ""
        for position, i in enumerate(members):
            line = records[i]["line"]
            previous = members[position - 1] if position > 0 else None
            following = members[position + 1] if position + 1 < len(members) else None
            before = analysis[previous] if previous is not None and records[previous]["line"] >= line - 2 else ""
            after = analysis[following] if following is not None and records[following]["line"] <= line + 2 else ""
            contexts[i] = context_text(title if position else "", heading, before, after)
            if position and looks_like_heading(records[i]["text"]):
                heading = analysis[i]
    return contexts


# --- fitting ---------------------------------------------------------------------------


def _fit_linear(matrix, targets: np.ndarray, options: TrainingOptions) -> tuple[np.ndarray, np.ndarray]:
    """One logistic regression (or linear SVM: ``per_label_model``) per label: labels x features coefficients and intercepts.

    With ``naive_bayes_scaling`` each label's regression reads the features
    multiplied by their naive Bayes log-count ratio for that label, so terms
    that separate the label need smaller weights and win the regularisation;
    the ratio is folded back into the stored coefficients, so the model file
    and tagging are the same as for a plain regression.
    """
    from scipy.sparse import diags
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    # The ratio counts the paragraphs a term occurs in, not its weight.
    present = (matrix > 0).astype(np.float32) if options.naive_bayes_scaling else None
    coefs, intercepts = [], []
    for j in range(targets.shape[1]):
        y = targets[:, j]
        if y.min() == y.max():  # a label absent from (or everywhere in) this training split
            coefs.append(np.zeros(matrix.shape[1], dtype=np.float32))
            intercepts.append(-10.0 if y.max() == 0 else 10.0)
            continue
        scale = _naive_bayes_ratio(present, y.astype(bool)) if present is not None else None
        if options.per_label_model == "svm":
            model = LinearSVC(C=options.C, class_weight=options.class_weight, dual=True, max_iter=5000, random_state=options.seed)
        else:
            model = LogisticRegression(C=options.C, solver="liblinear", class_weight=options.class_weight, random_state=options.seed)
        model.fit(matrix @ diags(scale) if scale is not None else matrix, y)
        coef = model.coef_[0] * scale if scale is not None else model.coef_[0]
        coefs.append(coef.astype(np.float32))
        intercepts.append(float(model.intercept_[0]))
    return np.vstack(coefs), np.array(intercepts, dtype=np.float32)


def _naive_bayes_ratio(present, positive: np.ndarray) -> np.ndarray:
    """log(p / q) per feature: its share of occurrences (smoothed by one) in positive vs negative rows."""
    in_positive = np.asarray(present[positive].sum(axis=0)).ravel() + 1.0
    in_negative = np.asarray(present[~positive].sum(axis=0)).ravel() + 1.0
    return np.log((in_positive / in_positive.sum()) / (in_negative / in_negative.sum())).astype(np.float32)


def _fit_primary(matrix, primary: np.ndarray, classes: int, options: TrainingOptions) -> tuple[np.ndarray, np.ndarray]:
    """A softmax over the primary label (``classes`` = labels + other): classes x features and intercepts.

    Classes absent from the training split get a prohibitive intercept.
    """
    from sklearn.linear_model import LogisticRegression

    coef = np.zeros((classes, matrix.shape[1]), dtype=np.float32)
    intercept = np.full(classes, -30.0, dtype=np.float32)
    present = np.unique(primary)
    if len(present) == 1:
        intercept[present[0]] = 0.0
        return coef, intercept
    # tol 1e-3 stops after ~40 lbfgs steps instead of ~90 at the same cross-validated F1 (within 0.001).
    model = LogisticRegression(C=options.primary_C, tol=1e-3, max_iter=300, random_state=options.seed)
    model.fit(matrix, primary)
    if len(present) == 2:  # scikit-learn fits one row z; softmax over (-z/2, z/2) is the same model
        coef[present] = np.vstack([-model.coef_[0] / 2, model.coef_[0] / 2])
        intercept[present] = [-model.intercept_[0] / 2, model.intercept_[0] / 2]
    else:
        coef[model.classes_] = model.coef_
        intercept[model.classes_] = model.intercept_
    return coef, intercept


def _fit_crammer_singer(matrix, primary: np.ndarray, n_labels: int, options: TrainingOptions) -> tuple:
    """A Crammer-Singer multiclass linear SVM (one joint hinge loss over all labels, where NBSVM fits
    one label against the rest) on the features: ((labels x features, intercepts),), or () with one class."""
    from sklearn.svm import LinearSVC

    present = np.unique(primary)
    if len(present) < 2:
        return ()
    # tol 1e-3 (liblinear's default is 1e-4): the same 5-fold accuracy on all three public sets to
    # the fourth decimal, in a fifth of the iterations (54 against 247 on THUCNews), which at 300,000
    # records is the difference between minutes and a quarter of an hour.
    model = LinearSVC(C=options.crammer_singer_C, multi_class="crammer_singer", tol=1e-3, max_iter=3000, random_state=options.seed)
    model.fit(matrix, primary)
    coef = np.zeros((n_labels, matrix.shape[1]), dtype=np.float32)
    intercept = np.full(n_labels, -30.0, dtype=np.float32)
    coef[model.classes_], intercept[model.classes_] = model.coef_, model.intercept_
    return ((coef, intercept),)


def _blend_naive_bayes(
    matrix, primary: np.ndarray, coef: np.ndarray, intercept: np.ndarray, alpha: float, extra: tuple = ()
) -> ThemeWeights:
    """Single-label data: the per-label models (regressions or SVMs) and a multinomial naive Bayes, as one linear score per label.

    Each model's scores on the training rows, less each row's mean over the labels (which no
    ranking of labels sees), have their standard deviation; each model is divided by it, so the
    two count alike, and the sums are the label scores.  The naive Bayes (a log prior plus a
    log probability per feature: linear in the TF-IDF values, as the per-label models) is sure of
    itself where few rows were seen, the per-label models where many were: they err differently.
    The scores go in both parts of the weights, the per-label models and the softmax (whose
    ``other`` row can never win), so a text's best label is its best score and its probabilities
    are the softmax's averaged with the sigmoids'.
    """
    from sklearn.naive_bayes import MultinomialNB

    n_labels = coef.shape[0]
    nb_coef = np.zeros_like(coef)
    nb_intercept = np.full(n_labels, -30.0, dtype=np.float32)  # a label absent from the training split
    naive_bayes = MultinomialNB(alpha=alpha).fit(matrix, primary)
    nb_coef[naive_bayes.classes_] = naive_bayes.feature_log_prob_
    nb_intercept[naive_bayes.classes_] = naive_bayes.class_log_prior_
    blended_coef = np.zeros_like(coef, dtype=np.float64)
    blended_intercept = np.zeros(n_labels)
    present = naive_bayes.classes_
    for weights, bias in ((coef, intercept), (nb_coef, nb_intercept), *extra):
        scores = np.asarray(matrix @ weights[present].T.astype(np.float64)) + bias[present]
        spread = float((scores - scores.mean(axis=1, keepdims=True)).std()) or 1.0
        blended_coef += weights / spread
        blended_intercept += bias / spread
    blended_coef, blended_intercept = blended_coef.astype(np.float32), blended_intercept.astype(np.float32)
    other = (np.zeros((1, coef.shape[1]), dtype=np.float32), np.array([-30.0], dtype=np.float32))
    return ThemeWeights(blended_coef, blended_intercept, np.vstack([blended_coef, other[0]]), np.concatenate([blended_intercept, other[1]]))


def _rows(inputs: dict[str, list[str]], rows: np.ndarray) -> dict[str, list[str]]:
    return {block: [texts[i] for i in rows] for block, texts in inputs.items()}


def _fit(prepared: Prepared, train_rows: np.ndarray, options: TrainingOptions) -> tuple[FeatureSpace, ThemeWeights]:
    """Feature space and the linear models, fitted on ``train_rows``."""
    from threadpoolctl import threadpool_limits

    train = _rows(prepared.inputs, train_rows)
    # One BLAS thread, as in a joblib worker: the softmax fit's sums then come out the same bit for bit
    # however many workers there are.
    with threadpool_limits(limits=1):
        features = FeatureSpace.fit(options.feature_settings(), train)
        matrix = features.transform(train)
        coef, intercept = _fit_linear(matrix, prepared.targets[train_rows], options)
        if options.naive_bayes_alpha is not None:
            extra = _fit_crammer_singer(matrix, prepared.primary[train_rows], coef.shape[0], options) if options.crammer_singer_C else ()
            return features, _blend_naive_bayes(matrix, prepared.primary[train_rows], coef, intercept, options.naive_bayes_alpha, extra)
        if options.primary_C is None:
            return features, ThemeWeights(coef, intercept)
        primary = _fit_primary(matrix, prepared.primary[train_rows], len(prepared.labels) + 1, options)
    return features, ThemeWeights(coef, intercept, *primary)


def _fold_probabilities(prepared: Prepared, train_rows, test_rows, options: TrainingOptions) -> np.ndarray:
    features, weights = _fit(prepared, train_rows, options)
    return weights.probabilities(features.transform(_rows(prepared.inputs, test_rows)))


def best_thresholds(probabilities: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Per label, the probability cut that maximises F1 on these predictions."""
    candidates = np.linspace(0.05, 0.95, 91)
    thresholds = np.full(targets.shape[1], 0.5)
    for j in range(targets.shape[1]):
        y = targets[:, j].astype(bool)
        if not y.any():
            continue
        predicted = probabilities[:, j][:, None] >= candidates[None, :]
        tp = (predicted & y[:, None]).sum(axis=0)
        fp = (predicted & ~y[:, None]).sum(axis=0)
        fn = (~predicted & y[:, None]).sum(axis=0)
        f1 = 2 * tp / np.maximum(2 * tp + fp + fn, 1)
        thresholds[j] = candidates[int(np.argmax(f1))]
    return thresholds


def scores(predicted: np.ndarray, targets: np.ndarray, labels: Sequence[str]) -> tuple[dict, dict, dict]:
    predicted, targets = predicted.astype(bool), targets.astype(bool)
    tp = (predicted & targets).sum(axis=0)
    fp = (predicted & ~targets).sum(axis=0)
    fn = (~predicted & targets).sum(axis=0)

    def prf(tp, fp, fn) -> dict[str, float]:
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return {"precision": float(p), "recall": float(r), "f1": float(2 * p * r / (p + r)) if p + r else 0.0}

    per_label = {l: prf(tp[j], fp[j], fn[j]) | {"support": int(targets[:, j].sum())} for j, l in enumerate(labels)}
    micro = prf(tp.sum(), fp.sum(), fn.sum())
    macro = {k: float(np.mean([per_label[l][k] for l in labels])) for k in ("precision", "recall", "f1")}
    return per_label, micro, macro


def _folds(prepared: Prepared, options: TrainingOptions) -> list[tuple[np.ndarray, np.ndarray]]:
    from sklearn.model_selection import GroupKFold

    n_groups = len(set(prepared.split_groups))
    folds = min(options.folds, n_groups)
    if folds < 2:
        raise LabelledDataError("need at least two documents (groups) for cross-validation")
    splitter = GroupKFold(n_splits=folds, shuffle=True, random_state=options.seed)
    return list(splitter.split(prepared.split_groups, groups=prepared.split_groups))


def _fit_and_cross_validate(
    prepared: Prepared, options: TrainingOptions, jobs: int, *, final: bool = True, progress: Callable[[str], None] | None = None
):
    """Smoothed out-of-fold probabilities, the fold of each record and (if ``final``) the model fitted on everything.

    ``progress`` hears of each fold (and the final model) as it finishes.
    """
    from joblib import Parallel, delayed

    folds = _folds(prepared, options)
    tasks = [delayed(_numbered)(k, _fold_probabilities, prepared, train, test, options) for k, (train, test) in enumerate(folds)]
    if final:  # the longest task goes first, so the workers finish together
        everything = np.arange(len(prepared.groups))
        tasks.insert(0, delayed(_numbered)(-1, _fit, prepared, everything, options))
    results: dict[int, object] = {}
    for k, result in Parallel(n_jobs=jobs, return_as="generator_unordered")(tasks):
        results[k] = result
        if progress:
            done = sum(1 for key in results if key >= 0)
            what = "the final model" if k < 0 else f"fold {k + 1} of {len(folds)} ({done} of {len(folds)} folds done)"
            progress(f"{what} fitted")
    fitted = results.pop(-1) if final else None
    results = [results[k] for k in range(len(folds))]
    out_of_fold = np.zeros(prepared.targets.shape, dtype=np.float64)
    fold_of = np.zeros(len(prepared.groups), dtype=int)
    for k, ((_, test), probabilities) in enumerate(zip(folds, results)):
        out_of_fold[test] = probabilities
        fold_of[test] = k
    # A document sits in one fold, so its smoothing reads only that fold's probabilities.
    return fitted, smoothed_out_of_fold(out_of_fold, prepared, options.smoothing()), fold_of


def _numbered(k: int, function, *args):
    """``function(*args)`` with its task number, so results finishing in any order find their fold."""
    return k, function(*args)


def smoothed_out_of_fold(probabilities: np.ndarray, prepared: Prepared, smoothing: ScoreSmoothing) -> np.ndarray:
    """``probabilities`` (one row per record) smoothed within each document, as tagging smooths a document."""
    order = prepared.reading_order
    smoothed = np.empty_like(probabilities)
    smoothed[order] = smoothing.apply(probabilities[order], prepared.groups[order], [prepared.inputs["char"][i] for i in order])
    return smoothed


def fold_predictions(out_of_fold: np.ndarray, fold_of: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """0/1 predictions of each fold, with thresholds tuned on the other folds only."""
    predicted = np.zeros_like(targets)
    for k in np.unique(fold_of):
        others, mine = fold_of != k, fold_of == k
        predicted[mine] = out_of_fold[mine] >= best_thresholds(out_of_fold[others], targets[others])
    return predicted


def cross_validated_predictions(
    records: Sequence[dict], *, options: TrainingOptions | None = None, pipeline: TextPipeline | None = None, jobs: int = 1
) -> tuple[Prepared, np.ndarray]:
    """The prepared records and their grouped cross-validation predictions, as ``train_model`` scores them."""
    records = list(records)
    options = options or default_options(records)
    check_options_fit(records, options)
    blocks, _ = usable_blocks(records, options)
    options = options.with_blocks(blocks)
    prepared = prepare(records, (pipeline or default_pipeline()).with_hmm(options.segmentation_hmm), blocks)
    _, out_of_fold, fold_of = _fit_and_cross_validate(prepared, options, jobs, final=False)
    if is_single_label(records):
        return prepared, best_label_predictions(out_of_fold)
    return prepared, fold_predictions(out_of_fold, fold_of, prepared.targets)


def best_label_predictions(probabilities: np.ndarray) -> np.ndarray:
    """0/1 predictions with exactly one label per row: the most probable."""
    predicted = np.zeros(probabilities.shape, dtype=np.int8)
    predicted[np.arange(len(probabilities)), np.argmax(probabilities, axis=1)] = 1
    return predicted


def train_model(
    records: Sequence[dict],
    *,
    options: TrainingOptions | None = None,
    pipeline: TextPipeline | None = None,
    progress: Callable[[str], None] | None = None,
    extra_manifest: dict | None = None,
    jobs: int = 1,
) -> tuple[ThemeModel, TrainingReport]:
    """Cross-validate, then train on everything.  Returns the model and its report.

    ``jobs`` worker processes fit the folds and the final model side by side;
    the result does not depend on it.  Without ``options``, :func:`default_options` for the records.
    """
    import time

    records = list(records)
    options = options or default_options(records)
    pipeline = (pipeline or default_pipeline()).with_hmm(options.segmentation_hmm)
    started = time.perf_counter()

    def stage(message: str) -> None:
        if progress:
            progress(f"{message} [{time.perf_counter() - started:.0f} s{_peak_memory()}]")

    check_options_fit(records, options)
    blocks, left_out = usable_blocks(records, options)
    options = options.with_blocks(blocks)
    single_label = is_single_label(records)
    stage(f"{len(records)} records; " + feature_block_summary(blocks, left_out))
    if single_label:
        stage("single-label data (one label per record): predicting the best label, scoring accuracy")
    stage("cleaning and segmenting")
    prepared = prepare(records, pipeline, blocks)
    stage(f"cross-validation and the final model ({jobs} worker{'s' if jobs > 1 else ''})")
    (features, weights), out_of_fold, fold_of = _fit_and_cross_validate(prepared, options, jobs, progress=progress)
    stage("scoring the out-of-fold predictions")
    if single_label:
        predicted = best_label_predictions(out_of_fold)
        accuracy = float((np.argmax(out_of_fold, axis=1) == prepared.primary).mean())
    else:
        predicted, accuracy = fold_predictions(out_of_fold, fold_of, prepared.targets), None
    per_label, micro, macro = scores(predicted, prepared.targets, prepared.labels)
    thresholds = best_thresholds(out_of_fold, prepared.targets)

    report = TrainingReport(
        labels=prepared.labels,
        per_label=per_label,
        micro=micro,
        macro=macro,
        thresholds={l: round(float(t), 4) for l, t in zip(prepared.labels, thresholds)},
        n_records=len(records),
        n_groups=len(set(prepared.groups)),
        folds=int(fold_of.max()) + 1,
        options=asdict(options),
        blocks=blocks,
        left_out=left_out,
        single_label=single_label,
        accuracy=accuracy,
    )
    manifest = _manifest(records, report, extra_manifest)
    model = ThemeModel(prepared.labels, features, weights, thresholds, manifest, pipeline, options.smoothing(), single_label=single_label)
    stage("done")
    return model, report


def _peak_memory() -> str:
    """", peak memory N MiB" of this process (and of finished workers), where the platform says it."""
    try:
        import resource
    except ImportError:  # not on Windows
        return ""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    text = f", peak memory {own * 1024 / scale / 1024:,.0f} MiB"
    return text + (f" (a worker: {workers * 1024 / scale / 1024:,.0f} MiB)" if workers else "")


def fit_model(
    records: Sequence[dict], *, options: TrainingOptions | None = None, pipeline: TextPipeline | None = None
) -> ThemeModel:
    """A model fitted on all ``records`` without cross-validation (benchmarks, or data too large to fit six times).

    Thresholds are 0.5 (none are tuned without out-of-fold predictions); single-label data is
    predicted as the best label, as by :func:`train_model`.
    """
    records = list(records)
    options = options or default_options(records)
    pipeline = (pipeline or default_pipeline()).with_hmm(options.segmentation_hmm)
    check_options_fit(records, options)
    blocks, left_out = usable_blocks(records, options)
    options = options.with_blocks(blocks)
    prepared = prepare(records, pipeline, blocks)
    features, weights = _fit(prepared, np.arange(len(records)), options)
    thresholds = np.full(len(prepared.labels), 0.5)
    manifest = {"labels": prepared.labels, "features": {"blocks": blocks, "left_out": left_out}, "options": asdict(options)}
    return ThemeModel(
        prepared.labels, features, weights, thresholds, manifest, pipeline, options.smoothing(), single_label=is_single_label(records)
    )


def _manifest(records: Sequence[dict], report: TrainingReport, extra: dict | None) -> dict:
    import datetime
    import platform
    from importlib import metadata

    packages = ("scikit-learn", "numpy", "scipy", "rjieba", "opencc")
    return {
        "labels": report.labels,
        "thresholds": report.thresholds,
        "metrics": {
            "cross_validation": f"{report.folds}-fold, grouped by document (copies of a report kept together), thresholds tuned on the other folds",
            "micro": report.micro,
            "macro": report.macro,
            "per_label": report.per_label,
            **({"accuracy": report.accuracy} if report.accuracy is not None else {}),
        },
        "features": {"blocks": report.blocks, "left_out": report.left_out},
        "single_label": report.single_label,
        "training_data": {"records": report.n_records, "documents": report.n_groups, "sha256": data_hash(records)},
        "options": report.options,
        "versions": {"python": platform.python_version(), **{p: metadata.version(p) for p in packages}},
        "date": datetime.date.today().isoformat(),
        **(extra or {}),
    }
