"""Records: tagging JSONL or CSV rows (a spreadsheet of paragraphs or headlines), many at a time.

Each record is one paragraph: its text is cleaned as a paragraph of a report
(``record_analysis_text``, as training reads it) and tagged without
neighbours; a record is its own document.  Thousands of texts go through one
feature transform and one matrix product, which is what makes short texts
fast: the per-call overhead of the vectorisers is paid once per batch.
The input fields are written back with ``labels`` and ``scores``.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterable, Iterator, Sequence

import numpy as np

from toolkit.text.cleaning import is_boilerplate
from toolkit.themes.model import OTHER, ThemeModel

BATCH_SIZE = 4096  # texts per feature transform: large enough to amortise it, small enough to stream


class RecordsError(Exception):
    """A records file that cannot be read at all; ``str(error)`` names the file."""


@dataclass(frozen=True)
class InputRecord:
    line: int  # 1-based line of the record in its file (its first line, for a CSV row over several)
    fields: dict  # the record as read, written back with labels and scores


@dataclass(frozen=True)
class RecordsFile:
    path: str
    records: list[InputRecord]
    errors: list[str]  # one line per refused record: "file:line: problem"
    columns: list[str]  # CSV header, or the JSONL fields in order of first appearance


def read_records(path: str | Path, *, text_field: str = "text") -> RecordsFile:
    """The records of a JSONL or CSV file (by suffix) that have a non-empty ``text_field``.

    Lines that are not records (bad JSON, no text) are reported in ``errors`` and skipped;
    a file that cannot be read, or a CSV without the column, raises :class:`RecordsError`.
    """
    from toolkit.text.reading import ReadError, decode, read_bytes

    source = str(path)
    try:
        text = decode(read_bytes(path), source=source)
    except ReadError as error:
        raise RecordsError(str(error)) from None
    if source.lower().endswith(".csv"):
        rows, columns = _csv_rows(text, source, text_field)
    else:
        rows, columns = _jsonl_rows(text, source), []
    records, errors = [], []
    for line, row in rows:
        if isinstance(row, str):  # already an error message
            errors.append(row)
            continue
        value = row.get(text_field)
        if not isinstance(value, str) or not value.strip():
            errors.append(f"{source}:{line}: empty or missing '{text_field}'")
            continue
        records.append(InputRecord(line, row))
        if not source.lower().endswith(".csv"):
            columns.extend(key for key in row if key not in columns)
    return RecordsFile(source, records, errors, columns)


def _jsonl_rows(text: str, source: str) -> Iterator[tuple[int, dict | str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as error:
            message = error.msg if isinstance(error, json.JSONDecodeError) else "nested too deeply"
            yield number, f"{source}:{number}: not valid JSON ({message})"
            continue
        yield number, row if isinstance(row, dict) else f"{source}:{number}: expected a JSON object"


def _csv_rows(text: str, source: str, text_field: str) -> tuple[list[tuple[int, dict | str]], list[str]]:
    # newline="" keeps line ends inside quoted fields (a spreadsheet cell of several lines).
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = list(reader.fieldnames or [])
    if text_field not in columns:
        raise RecordsError(f"{source}:1: no '{text_field}' column (columns: {', '.join(columns) or 'none'})")
    rows: list[tuple[int, dict | str]] = []
    start = reader.line_num + 1
    try:
        for row in reader:
            if None in row:  # more cells than the header has columns
                rows.append((start, f"{source}:{start}: {len(columns) + len(row[None])} cells for {len(columns)} columns"))
            else:
                rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as error:
        raise RecordsError(f"{source}:{reader.line_num}: {error}") from None
    return rows, columns


def tag_texts(model: ThemeModel, texts: Sequence[str]) -> tuple[list[tuple[str, ...]], np.ndarray]:
    """Labels (best first, or ``("other",)``) and the texts x labels probabilities, in one transform.

    Each text is a paragraph read on its own: no neighbours, and it is its own document.
    """
    from toolkit.themes.training import record_analysis_text

    if not texts:
        return [], np.zeros((0, len(model.labels)), dtype=np.float32)
    pipeline = model.pipeline
    analysis = [record_analysis_text(pipeline, text) for text in texts]
    # No context, and each record its own document (as training reads records without 'file'): one pass for all.
    probabilities = model.probabilities(analysis)
    decisions = model.decide(probabilities)
    if not model.single_label:  # captions, bylines, footers: never a theme, as in tagging reports
        decisions = [(OTHER,) if is_boilerplate(a) else d for a, d in zip(analysis, decisions)]
    return decisions, probabilities


def tagged_records(
    model: ThemeModel,
    records: Iterable[InputRecord],
    *,
    text_field: str = "text",
    top_k: int | None = None,
    min_score: float | None = None,
    batch_size: int = BATCH_SIZE,
) -> Iterator[dict]:
    """Each record's fields with ``labels`` and ``scores`` (rounded to 4 places), in input order."""
    batch: list[InputRecord] = []

    def flush() -> Iterator[dict]:
        decisions, probabilities = tag_texts(model, [r.fields[text_field] for r in batch])
        for record, labels, row in zip(batch, decisions, probabilities):
            scores = {label: round(float(p), 4) for label, p in zip(model.labels, row)}
            kept = [l for l in labels if l != OTHER and (min_score is None or scores[l] >= min_score)]
            kept = kept[:top_k] if top_k is not None else kept
            yield {**record.fields, "labels": kept or [OTHER], "scores": scores}

    for record in records:
        batch.append(record)
        if len(batch) == batch_size:
            yield from flush()
            batch = []
    if batch:
        yield from flush()


def write_tagged_records(rows: Iterable[dict], fmt: str, out: IO[str], columns: Sequence[str]) -> int:
    """JSONL (one object per record) or CSV (the input columns, then labels joined by ';' and scores as JSON).

    Returns the number of records written.
    """
    count = 0
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
        return count
    if fmt != "csv":
        raise ValueError(f"records are written as jsonl or csv, not {fmt!r}")
    header = [c for c in columns if c not in ("labels", "scores")] + ["labels", "scores"]
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        cells = {**row, "labels": ";".join(row["labels"]), "scores": json.dumps(row["scores"], ensure_ascii=False)}
        writer.writerow([_cell(cells.get(c, "")) for c in header])
        count += 1
    return count


def _cell(value) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
