"""Batch running: tag many files, in parallel, streaming results in file order.

Workers receive file paths, not texts, and each loads the model once.  A file
that cannot be read becomes an error result; the batch goes on.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Iterable, Iterator, Sequence

from .classifying import OTHER, TaggedParagraph, ThemeModel
from .reading import ReadError, read_bytes

CSV_COLUMNS = ("file", "line", "paragraph", "text", "labels", "scores")


@dataclass(frozen=True)
class TagSettings:
    model: str | None = None  # model folder; None for the shipped model
    trust_model: bool = False
    encoding: str | None = None
    top_k: int | None = None
    min_score: float | None = None
    explain: int = 0  # terms per label, 0 for none


@dataclass(frozen=True)
class FileResult:
    file: str
    paragraphs: tuple[TaggedParagraph, ...] = ()
    error: str | None = None
    chars: int = 0


def find_files(paths: Sequence[str], pattern: str = "*.txt") -> tuple[list[str], list[FileResult]]:
    """Files named directly, and files under folders (recursively) matching ``pattern``."""
    found: list[str] = []
    missing: list[FileResult] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found.extend(str(p) for p in sorted(path.rglob(pattern)) if p.is_file())
        elif path.exists() or name == "-":
            found.append(name)
        else:
            missing.append(FileResult(name, error=f"{name}: no such file or folder"))
    return found, missing


@cache
def cached_model(path: str | None, trust: bool) -> ThemeModel:
    """Loaded once per process (the main one and each worker)."""
    return ThemeModel.load(path, trust=trust)


def limit_labels(tagged: TaggedParagraph, top_k: int | None, min_score: float | None) -> TaggedParagraph:
    labels = [l for l in tagged.labels if l != OTHER]
    if min_score is not None:
        labels = [l for l in labels if tagged.scores[l] >= min_score]
    if top_k is not None:
        labels = labels[:top_k]
    if tuple(labels or [OTHER]) == tagged.labels:
        return tagged
    explanation = {l: t for l, t in (tagged.explanation or {}).items() if l in labels} if tagged.explanation else tagged.explanation
    return TaggedParagraph(tagged.line, tagged.paragraph, tagged.text, tuple(labels) or (OTHER,), tagged.scores, explanation)


def tag_file(path: str, settings: TagSettings) -> FileResult:
    from .api import read_document

    try:
        document = read_document(read_bytes(path), source=path, encoding=settings.encoding)
    except ReadError as error:
        return FileResult(path, error=str(error))
    model = cached_model(settings.model, settings.trust_model)
    tagged = model.tag_document(document, explain=settings.explain)
    tagged = tuple(limit_labels(t, settings.top_k, settings.min_score) for t in tagged)
    return FileResult(path, tagged, chars=sum(len(p.text) for p in document.paragraphs))


def _tag_chunk(paths: Sequence[str], settings: TagSettings) -> list[FileResult]:
    return [tag_file(path, settings) for path in paths]


def tag_files(files: Sequence[str], settings: TagSettings, *, jobs: int = 1, chunk_size: int = 8) -> Iterator[FileResult]:
    """Results in file order, as soon as each is ready."""
    if jobs == 1 or len(files) <= 1:
        for path in files:
            yield tag_file(path, settings)
        return
    from joblib import Parallel, delayed

    chunks = [files[i : i + chunk_size] for i in range(0, len(files), chunk_size)]
    parallel = Parallel(n_jobs=jobs, return_as="generator")
    for results in parallel(delayed(_tag_chunk)(chunk, settings) for chunk in chunks):
        yield from results


# --- output -----------------------------------------------------------------------------


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
