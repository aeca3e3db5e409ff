"""Resumable batch output: the journal of a `tag -o X` run, so a killed run can finish later.

The journal is a folder ``.X.resume/`` beside the target (not a ``.X.*.part``
temporary file, which belongs to AtomicOutput and may be swept as stale):

- ``settings.json``: what the run was asked to do (files, format, model and
  tagging options); a resume with anything different is refused, since its
  output would not be the output of one uninterrupted run.
- ``partial``: the output of the finished files, in input order, exactly
  as an uninterrupted run writes it.
- ``index.jsonl``: one line per finished file (name, error if it could not
  be read, counts, byte offset where its output ends in ``partial`` and a
  CRC-32 of that output).

Results arrive in input order, so the finished files are always a prefix of
the file list.  Each file's output is appended to ``partial`` before its
index line is, and both are flushed to the operating system after every
file (a kill -9 loses nothing written) and fsynced at most every
``sync_seconds`` and at the end (a power cut loses at most that much work).
On resume the index is read up to its first torn or inconsistent line, each
entry's bytes are checked against their CRC, and ``partial`` is cut back to
the end of the last good entry: what a power cut left half-written is
simply redone.  When the batch completes, ``partial`` is renamed onto the
target and the folder removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Sequence

from toolkit.batch.tagging import FileResult

JOURNAL_VERSION = 1


class JournalError(Exception):
    """A journal that cannot be used for this run: named with its folder and the problem."""


@dataclass(frozen=True)
class FinishedFile:
    file: str
    error: str | None
    paragraphs: int
    chars: int
    end: int  # offset in ``partial`` where this file's output ends
    crc: int  # CRC-32 of this file's output


def journal_folder(target: str | Path) -> Path:
    target = Path(target)
    return target.parent / f".{target.name}.resume"


def run_fingerprint(files: Sequence[str], **options) -> dict:
    """What makes two runs the same run: the file list (as a digest) and every option that shapes output."""
    hasher = hashlib.sha256()  # fed a few thousand names at a time: a million names joined would be 100 MB
    for first in range(0, len(files), 4096):
        piece = "\n".join(files[first : first + 4096])
        hasher.update((b"\n" if first else b"") + piece.encode("utf-8", "surrogateescape"))
    digest = hasher.hexdigest()
    return {"version": JOURNAL_VERSION, "files": len(files), "files_sha256": digest, **options}


def _fsync_folder(folder: Path) -> None:
    # A rename or a new file is durable only once its folder entry is.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # not possible on every platform; the data itself is already synced
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class ResumeJournal:
    """The journal of one batch writing to ``target``; ``open`` it, ``append`` each result, ``publish``."""

    def __init__(self, target: str | Path, fingerprint: dict, *, sync_seconds: float = 1.0) -> None:
        self.target = Path(target)
        self.folder = journal_folder(target)
        self.fingerprint = fingerprint
        self.sync_seconds = sync_seconds
        # The files an earlier, interrupted run finished (read by ``open(resume=True)``).  Files
        # finished by this run are not kept: a million-file batch would hold a million entries.
        self.finished: list[FinishedFile] = []
        self._end = 0  # where the output of the last finished file ends in ``partial``
        self._partial: IO[bytes] | None = None
        self._index: IO[bytes] | None = None
        self._last_sync = 0.0

    def exists(self) -> bool:
        return self.folder.exists()

    def open(self, *, resume: bool, force: bool = False) -> "ResumeJournal":
        """Start a new journal, or with ``resume`` continue the one left by an interrupted run.

        A new journal's folder is created exclusively: of two runs started together for one
        output, the second is refused rather than removing the first's journal (``force``
        starts over, removing whatever journal is there).
        """
        if resume and self.exists():
            self._recover()
        else:
            if force:
                self.discard()
            try:
                self.folder.mkdir()
            except FileExistsError:
                raise JournalError(
                    f"{self.folder}: another run is writing this output, or an interrupted run's journal is here: "
                    "add --resume to finish it, or --force to start over"
                ) from None
            settings = self.folder / "settings.json"
            settings.write_text(json.dumps(self.fingerprint, sort_keys=True), encoding="utf-8")
            (self.folder / "partial").touch()
            (self.folder / "index.jsonl").touch()
            _fsync_folder(self.folder)
            _fsync_folder(self.folder.parent)
        self._partial = open(self.folder / "partial", "ab")
        self._index = open(self.folder / "index.jsonl", "ab")
        self._last_sync = time.monotonic()
        return self

    def _recover(self) -> None:
        try:
            stored = json.loads((self.folder / "settings.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise JournalError(f"{self.folder}: not a readable resume journal (remove it or use --force to start over)") from None
        if stored != self.fingerprint:
            changed = sorted(k for k in set(stored) | set(self.fingerprint) if stored.get(k) != self.fingerprint.get(k))
            raise JournalError(
                f"{self.folder}: the interrupted run had different {', '.join(changed)}; "
                "resume with the same files and options, or use --force to start over"
            )
        partial_path, index_path = self.folder / "partial", self.folder / "index.jsonl"
        good: list[FinishedFile] = []
        good_index_bytes = 0
        with open(index_path, "rb") as index, open(partial_path, "rb") as partial:
            for line in index:
                if not line.endswith(b"\n"):
                    break  # torn last line
                try:
                    entry = FinishedFile(**json.loads(line))
                except (ValueError, TypeError):
                    break
                start = good[-1].end if good else 0
                chunk = partial.read(entry.end - start)
                if entry.end < start or len(chunk) != entry.end - start or zlib.crc32(chunk) != entry.crc:
                    break  # its output did not reach the disk: redo it and everything after
                good.append(entry)
                good_index_bytes += len(line)
        # Cut both files back to the last good entry; then they agree again.
        with open(partial_path, "r+b") as partial:
            partial.truncate(good[-1].end if good else 0)
            os.fsync(partial.fileno())
        with open(index_path, "r+b") as index:
            index.truncate(good_index_bytes)
            os.fsync(index.fileno())
        if len(good) > self.fingerprint["files"]:
            raise JournalError(f"{self.folder}: more files finished than the run has; use --force to start over")
        self.finished = good
        self._end = good[-1].end if good else 0

    def check_prefix(self, files: Sequence[str]) -> None:
        """The finished files must be where they were in the file list (the fingerprint already says so)."""
        for position, entry in enumerate(self.finished):
            if files[position] != entry.file:
                raise JournalError(f"{self.folder}: file {position + 1} is now {files[position]}, was {entry.file}")

    @property
    def written_any_output(self) -> bool:
        return any(entry.error is None for entry in self.finished)

    def append(self, result: FileResult, output: bytes) -> None:
        """Record one finished file and its formatted output (empty for a file that failed)."""
        assert self._partial is not None and self._index is not None, "open the journal first"
        self._partial.write(output)
        self._partial.flush()
        self._end += len(output)
        entry = FinishedFile(result.file, result.error, result.paragraph_count, result.chars, self._end, zlib.crc32(output))
        self._index.write(json.dumps(entry.__dict__, ensure_ascii=False).encode("utf-8") + b"\n")
        self._index.flush()
        if time.monotonic() - self._last_sync >= self.sync_seconds:
            self.sync()

    def sync(self) -> None:
        assert self._partial is not None and self._index is not None
        os.fsync(self._partial.fileno())  # output first: an index line never outlives its output
        os.fsync(self._index.fileno())
        self._last_sync = time.monotonic()

    def close(self) -> None:
        """Stop writing, with what was written on disk; the journal stays for a later resume."""
        if self._partial is not None and not self._partial.closed:
            self.sync()
        for handle in (self._partial, self._index):
            if handle is not None and not handle.closed:
                handle.close()

    def publish(self, *, force: bool) -> None:
        """Move the finished output onto the target atomically and remove the journal."""
        self.close()
        partial = self.folder / "partial"
        if force:
            os.replace(partial, self.target)
        else:
            try:
                os.link(partial, self.target)  # fails if the target appeared meanwhile: never overwrite
            except FileExistsError:
                raise JournalError(f"{self.target}: already exists (the output is kept in {partial}; use --resume --force to replace it)") from None
            except OSError:
                os.replace(partial, self.target)  # file systems without hard links
        _fsync_folder(self.target.parent)
        self.discard()

    def discard(self) -> None:
        self.close()
        if self.folder.exists():
            shutil.rmtree(self.folder)
