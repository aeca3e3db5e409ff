"""Evaluation: a model's scores on a labelled file it was not trained on.

Every record is tagged on its own, in batches (``toolkit.batch.records``), as
`tag --text-field` tags it; the table is the one `retrain` prints for its
cross-validation.  Labels of the file the model does not know count as
missed.  On single-label data (one label per record, the public benchmarks)
accuracy is the share of records whose most probable label is right.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Sequence

import numpy as np

from toolkit.batch.records import BATCH_SIZE, tag_texts
from toolkit.themes.model import OTHER, ThemeModel
from toolkit.themes.training import is_single_label, label_matrix, score_table_lines, scores


@dataclass
class EvaluationReport:
    source: str
    labels: list[str]  # the model's labels, then any the file has and the model does not
    per_label: dict[str, dict[str, float]]
    micro: dict[str, float]
    macro: dict[str, float]
    n_records: int
    single_label: bool
    accuracy: float | None  # single-label data only
    unknown_labels: list[str]  # labels of the file the model cannot predict

    def to_json(self) -> dict:
        return asdict(self)

    def table(self) -> str:
        lines = score_table_lines(self.labels, self.per_label, self.micro, self.macro, self.accuracy)
        lines.append(f"scored on {self.n_records} records of {self.source}, each tagged on its own")
        if self.unknown_labels:
            lines.append(f"labels the model does not know (all missed): {', '.join(self.unknown_labels)}")
        return "\n".join(lines)


def evaluate_model(model: ThemeModel, records: Sequence[dict], *, source: str = "<records>") -> EvaluationReport:
    """Scores of ``model`` on labelled ``records`` (``text``, ``labels``, as ``load_records`` gives them)."""
    unknown = sorted({l for r in records for l in r["labels"] if l != OTHER and l not in model.labels})
    labels = list(model.labels) + unknown
    column = {label: j for j, label in enumerate(labels)}
    targets = label_matrix(records, labels)
    predicted = np.zeros_like(targets)
    best = np.zeros(len(records), dtype=int)
    for start in range(0, len(records), BATCH_SIZE):
        batch = records[start : start + BATCH_SIZE]
        decisions, probabilities = tag_texts(model, [r["text"] for r in batch])
        for offset, decision in enumerate(decisions):
            for label in decision:
                if label != OTHER:
                    predicted[start + offset, column[label]] = 1
        best[start : start + len(batch)] = np.argmax(probabilities, axis=1)
    per_label, micro, macro = scores(predicted, targets, labels)
    single_label = is_single_label(records)
    accuracy = None
    if single_label:
        truth = np.array([column[r["labels"][0]] for r in records])
        accuracy = float((best == truth).mean())
    return EvaluationReport(source, labels, per_label, micro, macro, len(records), single_label, accuracy, unknown)
