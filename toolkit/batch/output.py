"""Batch output: records of tagged files as JSONL, CSV or a table, written atomically."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterable, Iterator, Sequence

from toolkit.atomic import remove_path, removed_on_signal, sweep_litter, temporary_file
from toolkit.batch.tagging import FileResult
from toolkit.text.reading import display_name, printable
from toolkit.themes.model import OTHER

CSV_COLUMNS = ("file", "line", "paragraph", "text", "labels", "scores")
FORMATS = ("jsonl", "csv", "csv-wide", "table")
# A document's main themes: those of at least this share of its paragraphs that have a theme.
MAIN_THEME_SHARE = 0.2
# The table's label column: two themes with scores ("organisation .55, reopening .43") fit.
_LABEL_COLUMN = 34
_MIN_TEXT_COLUMN = 12


def paragraph_csv_header(fmt: str, labels: Sequence[str]) -> list[str]:
    """The header row of paragraph records in CSV (scores as one JSON column) or csv-wide (a column per label)."""
    return list(CSV_COLUMNS) if fmt == "csv" else [*CSV_COLUMNS[:-1], *(f"score_{label}" for label in labels)]


def document_csv_header(themes: Sequence[str]) -> list[str]:
    """The header row of per-document records in CSV: a share column per theme."""
    return ["file", "paragraphs", "main_themes", *(f"share_{theme}" for theme in themes)]


@dataclass(frozen=True)
class RecordFormat:
    """How `tag` writes each file's records: format, BOM, one record per paragraph or per document.

    Picklable, so the worker that tags a file also formats it (``tag_chunk``): the records
    travel back as text and the formatting is spread over the workers.  Called with a result
    and ``header`` (true for the first file written) it gives the file's text as it appears in
    the output; ``header()`` + ``body(result)`` is the same text, in two parts.
    """

    fmt: str = "jsonl"
    themes: tuple[str, ...] = ()  # the model's labels then "other": CSV columns of csv-wide and --per-document
    bom: bool = False
    per_document: bool = False
    width: int = 100  # terminal columns of a table

    def __call__(self, result: FileResult, header: bool) -> str:
        if result.output is not None:  # formatted by the worker
            return (self.header() if header else "") + result.output
        return self._formatted(result, header)

    def body(self, result: FileResult) -> str:
        return self._formatted(result, header=False)

    def header(self) -> str:
        """What precedes the first file's records: the BOM, the CSV header row."""
        buffer = io.StringIO()
        if self.bom:
            buffer.write("\ufeff")
        labels = [theme for theme in self.themes if theme != OTHER]
        if self.fmt in ("csv", "csv-wide") and self.per_document:
            csv.writer(buffer).writerow(document_csv_header(self.themes))
        elif self.fmt in ("csv", "csv-wide"):
            if self.fmt == "csv-wide" and not labels:
                raise ValueError("csv-wide needs the model's themes for its header")
            csv.writer(buffer).writerow(paragraph_csv_header(self.fmt, labels))
        return buffer.getvalue()

    def _formatted(self, result: FileResult, header: bool) -> str:
        buffer = io.StringIO()  # keeps csv's \r\n as written, like the output file opened with newline=""
        if self.bom and header:
            buffer.write("\ufeff")
        name = printable(result.file)
        if self.per_document:
            record = document_record(result)
            record["file"] = name
            format_document_records([record], self.fmt, buffer, themes=self.themes, header=header, width=self.width)
        else:
            rows = (dict(row, file=name) for row in records(result))
            format_records(rows, self.fmt, buffer, header=header, width=self.width)
        return buffer.getvalue()


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
            writer.writerow(paragraph_csv_header("csv", ()))
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
                writer.writerow(paragraph_csv_header("csv-wide", themes))
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
                writer.writerow(document_csv_header(themes))
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


class OutputError(Exception):
    """An output that cannot be created or completed.  ``str(error)`` is a one-line message;
    ``at_start`` tells a target refused before any work (exists, no such folder, read-only)
    from one that failed while being written (full disk)."""

    def __init__(self, message: str, *, at_start: bool = True) -> None:
        super().__init__(message)
        self.at_start = at_start


def check_output_target(path: str | Path, *, force: bool = False) -> None:
    """Refuse up front a target that exists (without ``force``) or whose folder is missing or not
    writable, so a long run does not end in an error (:class:`OutputError`)."""
    path = Path(path)
    if not force and os.path.lexists(path):
        raise OutputError(f"{display_name(path)}: already exists (use --force to replace it)")
    if path.is_dir():
        raise OutputError(f"{display_name(path)}: is a directory")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"{display_name(path)}: cannot be written (no such folder {display_name(folder)})")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{display_name(path)}: cannot be written (folder {display_name(folder)} is not writable)")


class AtomicOutput:
    """A text file written beside its target and moved into place only when complete.

    The target is claimed without a race: without ``force`` it is linked into
    place with ``os.link``, which fails if the name exists, so of two runs
    started together only one succeeds and the other gets "already exists"
    (and nothing it wrote replaces the first).  With ``force`` it is renamed
    over the target.  The temporary (``.NAME.PID.XXXXXXXX.part``) is removed on
    errors and on SIGTERM/SIGINT; those left by a killed run are swept when
    the next run for the same target starts.  The file honours the umask.
    Failures (missing folder, read-only file system, full disk) are
    :class:`OutputError`, with the temporary removed.
    """

    def __init__(self, path: str | Path, *, force: bool = False) -> None:
        self.path = Path(path)
        self.force = force
        self._handle: IO[str] | None = None
        self._tmp: Path | None = None
        self._signals = None

    def __enter__(self) -> IO[str]:
        check_output_target(self.path, force=self.force)
        sweep_litter(self.path)
        self._signals = removed_on_signal(lambda: self._tmp)
        self._signals.__enter__()
        try:
            fd, self._tmp = temporary_file(self.path)
        except OSError as error:
            self._signals.__exit__(None, None, None)
            raise OutputError(f"{display_name(self.path)}: cannot be written ({_reason(error)})") from None
        self._handle = io.open(fd, "w", encoding="utf-8", newline="")
        return self._handle

    def __exit__(self, kind, value, traceback) -> None:
        assert self._handle is not None and self._tmp is not None
        try:
            try:
                self._handle.close()
            except OSError as error:  # the last buffered write hit a full disk
                if kind is None:
                    raise OutputError(f"{display_name(self.path)}: cannot be written ({_reason(error)})", at_start=False) from None
            if kind is None:
                self._claim_target()
            elif issubclass(kind, OSError):  # a write in the block failed (full disk, I/O error)
                raise OutputError(f"{display_name(self.path)}: cannot be written ({_reason(value)})", at_start=False) from None
        finally:
            if self._tmp is not None:
                remove_path(self._tmp)
                self._tmp = None
            self._signals.__exit__(None, None, None)

    def _claim_target(self) -> None:
        try:
            if self.force:
                os.replace(self._tmp, self.path)
            else:
                os.link(self._tmp, self.path)  # atomic create-if-absent: never replaces a file
        except FileExistsError:
            raise OutputError(f"{display_name(self.path)}: already exists (another run wrote it; use --force to replace it)", at_start=False) from None
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS):
                raise OutputError(f"{display_name(self.path)}: cannot be written ({_reason(error)})", at_start=False) from None
            # A file system without hard links: re-check right before the rename (a tiny window remains).
            if os.path.lexists(self.path):
                raise OutputError(f"{display_name(self.path)}: already exists (another run wrote it; use --force to replace it)", at_start=False) from None
            os.replace(self._tmp, self.path)
        self._tmp = None if self.force else self._tmp  # after a link, the temporary name still needs removing


def _reason(error: OSError) -> str:
    return (error.strerror or str(error)).lower() if error.errno != errno.ENOSPC else "no space left on device"
