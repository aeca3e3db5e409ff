"""Batch output: records of tagged files as JSONL, CSV or a table, written atomically."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path
from typing import IO, Iterable, Iterator

from toolkit.batch.tagging import FileResult
from toolkit.themes.model import OTHER

CSV_COLUMNS = ("file", "line", "paragraph", "text", "labels", "scores")

def records(result: FileResult) -> Iterator[dict]:
    for tagged in result.paragraphs:
        yield {"file": result.file, **tagged.to_json()}


def format_records(rows: Iterable[dict], fmt: str, out: IO[str], *, header: bool = True) -> None:
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
    elif fmt == "table":
        for row in rows:
            labels = ", ".join(
                label if label == OTHER else f"{label} {row['scores'][label]:.2f}" for label in row["labels"]
            )
            text = row["text"] if len(row["text"]) <= 40 else row["text"][:39] + "…"
            out.write(f"{row['file']}:{row['line']:<4} {labels:<36} {text}\n")
            for label, terms in (row.get("explain") or {}).items():
                out.write(f"{'':8}{label}: {', '.join(terms)}\n")
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
