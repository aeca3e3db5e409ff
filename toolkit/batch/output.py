"""Batch output: records of tagged files as JSONL, CSV or a table, written atomically."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
from pathlib import Path
from typing import IO, Iterable, Iterator

from toolkit.atomic import remove_path, removed_on_signal, sweep_litter, temporary_file
from toolkit.batch.tagging import FileResult
from toolkit.text.reading import display_name
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
