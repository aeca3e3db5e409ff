"""Batch output: records of tagged files as JSONL, CSV or a table, written atomically."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path
from typing import IO, Iterable, Iterator, Sequence

from toolkit.batch.tagging import FileResult
from toolkit.themes.model import OTHER

CSV_COLUMNS = ("file", "line", "paragraph", "text", "labels", "scores")
FORMATS = ("jsonl", "csv", "csv-wide", "table")
# A document's main themes: those of at least this share of its paragraphs that have a theme.
MAIN_THEME_SHARE = 0.2
# The table's label column: two themes with scores ("organisation .55, reopening .43") fit.
_LABEL_COLUMN = 34
_MIN_TEXT_COLUMN = 12


def records(result: FileResult) -> Iterator[dict]:
    for tagged in result.paragraphs:
        yield {"file": result.file, **tagged.to_json()}


def document_record(result: FileResult) -> dict:
    """One file as a whole: how many paragraphs, each theme's share of them, the main themes.

    ``shares`` are fractions of all paragraphs (``other`` included, so a
    report that is mostly bylines and captions shows it); ``main_themes`` are
    the themes of at least a fifth of the paragraphs that have any theme, the
    largest first.
    """
    paragraphs = result.paragraphs
    counts: dict[str, int] = {}
    for tagged in paragraphs:
        for label in tagged.labels:
            counts[label] = counts.get(label, 0) + 1
    total = len(paragraphs)
    themed = sum(1 for tagged in paragraphs if tagged.labels != (OTHER,))
    order = sorted(counts, key=lambda label: (-counts[label], label))
    shares = {label: round(counts[label] / total, 4) for label in order}
    main = [label for label in order if label != OTHER and counts[label] >= MAIN_THEME_SHARE * themed]
    return {"file": result.file, "paragraphs": total, "main_themes": main or [OTHER], "shares": shares}


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes: CJK characters take two, combining marks none."""
    import unicodedata

    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def fit_to_width(text: str, width: int, *, keep_end: bool = False) -> str:
    """``text`` cut (with "…") to at most ``width`` terminal columns; ``keep_end`` cuts the start
    instead (for file paths, whose end says most)."""
    if display_width(text) <= width:
        return text
    kept, used = [], 0
    for char in reversed(text) if keep_end else text:
        char_width = display_width(char)
        if used + char_width > width - 1:
            break
        kept.append(char)
        used += char_width
    return "…" + "".join(reversed(kept)) if keep_end else "".join(kept) + "…"


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def _label_cell(row: dict) -> str:
    """Labels with scores, as many as fit the column, then "+N" for the rest: a label is never cut."""
    if row["labels"] == [OTHER]:
        return OTHER
    cells = [f"{label} {row['scores'][label]:.2f}".replace(" 0.", " .") for label in row["labels"]]
    shown: list[str] = []
    for number, cell in enumerate(cells):
        rest = len(cells) - number - 1
        candidate = ", ".join([*shown, cell]) + (f" +{rest}" if rest else "")
        if shown and display_width(candidate) > _LABEL_COLUMN:
            return ", ".join(shown) + f" +{len(cells) - number}"
        shown.append(cell)
    return ", ".join(shown)


def format_records(rows: Iterable[dict], fmt: str, out: IO[str], *, header: bool = True, width: int = 100) -> None:
    """Write one file's paragraph records (``records``) in ``fmt``; ``header`` for the first file of a batch.

    ``table`` fits ``width`` terminal columns: a header line per file, then
    line number, labels and the paragraph text cut to what is left.
    ``csv-wide`` has one score column per theme (``score_<theme>``), for spreadsheets.
    """
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = csv.writer(out)
        if header:
            writer.writerow(CSV_COLUMNS)
        for row in rows:
            writer.writerow(
                [row["file"], row["line"], row["paragraph"], row["text"], ";".join(row["labels"]), json.dumps(row["scores"], ensure_ascii=False)]
            )
    elif fmt == "csv-wide":
        writer = csv.writer(out)
        first = header
        for row in rows:
            themes = list(row["scores"])
            if first:
                writer.writerow([*CSV_COLUMNS[:-1], *(f"score_{theme}" for theme in themes)])
                first = False
            writer.writerow(
                [row["file"], row["line"], row["paragraph"], row["text"], ";".join(row["labels"]), *(f"{row['scores'][t]:.4f}" for t in themes)]
            )
    elif fmt == "table":
        _table(list(rows), out, width)
    else:
        raise ValueError(f"unknown format {fmt!r}")


def _table(rows: list[dict], out: IO[str], width: int) -> None:
    if not rows:
        return
    out.write(fit_to_width(f"==> {rows[0]['file']} <==", width) + "\n")
    line_width = max(len(str(row["line"])) for row in rows)
    text_width = max(_MIN_TEXT_COLUMN, width - line_width - _LABEL_COLUMN - 4)
    for row in rows:
        text = " ".join(row["text"].split())
        out.write(f"{row['line']:>{line_width}}  {_pad(_label_cell(row), _LABEL_COLUMN)}  {fit_to_width(text, text_width)}\n")
        for label, terms in (row.get("explain") or {}).items():
            out.write(fit_to_width(f"{'':{line_width + 2}}  {label}: {', '.join(terms)}", width) + "\n")


def format_document_records(
    rows: Iterable[dict], fmt: str, out: IO[str], *, themes: Sequence[str], header: bool = True, width: int = 100
) -> None:
    """Write per-document records (``document_record``): JSONL, CSV (one share column per theme of
    ``themes``, the model's labels and ``other``) or a table."""
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif fmt in ("csv", "csv-wide"):
        writer = csv.writer(out)
        for row in rows:
            if header:
                writer.writerow(["file", "paragraphs", "main_themes", *(f"share_{theme}" for theme in themes)])
                header = False
            writer.writerow(
                [row["file"], row["paragraphs"], ";".join(row["main_themes"]), *(f"{row['shares'].get(t, 0.0):.4f}" for t in themes)]
            )
    elif fmt == "table":
        for row in rows:
            main = ", ".join(f"{theme} {row['shares'][theme]:.0%}" for theme in row["main_themes"] if theme in row["shares"])
            summary = f"{row['paragraphs']:>4} paragraphs  {main or OTHER}"
            name_width = max(10, width - display_width(summary) - 2)
            out.write(f"{_pad(fit_to_width(row['file'], name_width, keep_end=True), name_width)}  {summary}\n")
    else:
        raise ValueError(f"unknown format {fmt!r}")


class AtomicOutput:
    """A text file written beside its target and renamed into place only when complete."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._handle: IO[str] | None = None
        self._tmp: str | None = None

    def __enter__(self) -> IO[str]:
        directory = self.path.parent if str(self.path.parent) else Path(".")
        fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".part", dir=directory)
        self._handle = io.open(fd, "w", encoding="utf-8", newline="")
        return self._handle

    def __exit__(self, kind, value, traceback) -> None:
        assert self._handle is not None and self._tmp is not None
        self._handle.close()
        if kind is None:
            os.replace(self._tmp, self.path)
        else:
            os.unlink(self._tmp)
