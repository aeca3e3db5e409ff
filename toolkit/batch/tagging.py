"""Batch running: tag many files, in parallel, streaming results in file order.

Workers receive file paths, not texts, and each loads the model once.  A file
that cannot be read becomes an error result; the batch goes on.
"""

from __future__ import annotations

import itertools
import os
from collections import deque
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Iterator, Protocol, Sequence

from toolkit.text.document import Document, require_text, sections
from toolkit.text.reading import ReadError, display_name, read_bytes
from toolkit.themes.model import OTHER, TaggedParagraph, ThemeModel


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
    # Set when the worker that tagged the file also formatted it (see ``RecordFormat``): its records as
    # written, and how many paragraphs they are (``paragraphs`` is then empty: only text travels back).
    output: str | None = None
    formatted_paragraphs: int = 0

    @property
    def paragraph_count(self) -> int:
        return self.formatted_paragraphs if self.output is not None else len(self.paragraphs)


class BodyFormatter(Protocol):
    """Formats one file's records (``body``), picklable so that the workers that tag a file format it too."""

    def body(self, result: FileResult) -> str: ...


def find_files(paths: Sequence[str], pattern: str = "*.txt") -> tuple[list[str], list[FileResult]]:
    """Files named directly, and files under folders (recursively) matching ``pattern``.

    Anything under a folder that is not itself a folder is taken (a FIFO, a
    symlink loop, an unreadable file), so the reader reports it as that file's
    error instead of it vanishing from the batch.
    """
    found: list[str] = []
    missing: list[FileResult] = []
    for name in paths:
        path = Path(name)
        if name != "-" and path.is_dir():
            try:
                found.extend(_files_under(path, pattern))
            except RecursionError:  # pathlib's walk for a pattern over several levels, on a very deep tree
                message = f"{display_name(name)}: folders nested too deeply to search with --glob {pattern!r}; use a pattern without '/' or '**'"
                missing.append(FileResult(display_name(name), error=message))
            except (ValueError, NotImplementedError) as error:  # a pattern pathlib refuses (empty, absolute)
                missing.append(FileResult(display_name(name), error=f"{display_name(name)}: cannot search with --glob {pattern!r} ({error})"))
        elif name == "-" or os.path.lexists(name):
            found.append(name)
        else:
            missing.append(FileResult(display_name(name), error=f"{display_name(name)}: no such file or folder"))
    return found, missing


def _files_under(folder: Path, pattern: str) -> list[str]:
    """What ``sorted(folder.rglob(pattern))`` gives, minus folders, as strings.

    A walk of ``os.scandir`` with each folder's entries sorted by name is the same order as
    sorting the paths (pathlib compares them part by part), without a Path object per file
    or a stat per file (the entry's type comes with it): 0.17 s against rglob's 0.47 s on
    41,200 files.  Like rglob it does not descend into symbolic links to folders,
    matches names with ``fnmatch`` case-sensitively, and skips folders it may not list.
    """
    if os.sep in pattern or (os.altsep and os.altsep in pattern) or "**" in pattern:
        return [str(p) for p in sorted(folder.rglob(pattern)) if not p.is_dir()]  # a pattern over several levels
    import fnmatch
    import re

    matches = re.compile(fnmatch.translate(pattern)).match
    found: list[str] = []
    # Depth first with a stack of listings, not recursion: a tree 1,200 folders deep is a folder
    # tree too (rglob raised RecursionError on it).
    listings = [iter(_sorted_entries(str(folder)))]
    while listings:
        entry = next(listings[-1], None)
        if entry is None:
            listings.pop()
        elif _is_folder(entry, follow_symlinks=False):
            listings.append(iter(_sorted_entries(entry.path)))
        elif matches(entry.name) and not _is_folder(entry, follow_symlinks=True):
            found.append(entry.path)
    return found


def _sorted_entries(directory: str) -> list[os.DirEntry]:
    try:
        with os.scandir(directory) as listing:
            return sorted(listing, key=lambda entry: entry.name)
    except OSError:  # unreadable or vanished meanwhile: rglob skips it too
        return []


def _is_folder(entry: os.DirEntry, *, follow_symlinks: bool) -> bool:
    try:
        return entry.is_dir(follow_symlinks=follow_symlinks)
    except OSError:  # a symlink loop or the like: not a folder, so its reader names the problem
        return False


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
    """One file's tagged paragraphs, or its one-line error: nothing a file holds stops the batch."""
    return tag_chunk([path], settings)[0]


def _read_for_tagging(path: str, settings: TagSettings):
    """The file's document, or the FileResult of its one-line error."""
    # The text pipeline itself, not toolkit.api.read_document: the API module imports the
    # summariser (its report-part patterns), 0.02 s of every worker's start that tagging never uses.
    from toolkit.text.document import default_pipeline

    name = display_name(path)  # records and messages carry a name that always prints
    try:
        return require_text(default_pipeline().document(read_bytes(path), source=path, encoding=settings.encoding))
    except ReadError as error:
        return FileResult(name, error=str(error))
    except MemoryError:
        return FileResult(name, error=f"{name}: out of memory")


def tag_chunk(paths: Sequence[str], settings: TagSettings, formatter: BodyFormatter | None = None) -> list[FileResult]:
    """Read the files, then tag all their documents in one pass of the model (its array work done once).

    A huge report is tagged section by section (see ``sections``), so cost stays linear in its size.
    With a ``formatter`` each file comes back as its formatted records (``FileResult.output``): a worker
    process then sends back text, not paragraph objects, and the formatting is spread over the workers.
    """
    read = [_read_for_tagging(path, settings) for path in paths]
    parts = [(i, part) for i, document in enumerate(read) if not isinstance(document, FileResult) for part in sections(document)]
    model = cached_model(settings.model, settings.trust_model)
    paragraphs: dict[int, list[TaggedParagraph]] = {}
    for batch in _batches(parts):
        for (i, _), tagged in zip(batch, model.tag_documents([part for _, part in batch], explain=settings.explain)):
            paragraphs.setdefault(i, []).extend(limit_labels(t, settings.top_k, settings.min_score) for t in tagged)
    results = []
    for i, document in enumerate(read):
        if isinstance(document, FileResult):
            results.append(document)
        else:
            chars = sum(len(p.text) for p in document.paragraphs)
            result = FileResult(display_name(paths[i]), tuple(paragraphs.get(i, ())), chars=chars)
            if formatter is not None:
                result = FileResult(result.file, chars=chars, output=formatter.body(result), formatted_paragraphs=len(result.paragraphs))
            results.append(result)
    return results


BATCH_CHARS = 200_000  # characters of text per model pass: the array work of a pass grows with it


def _batches(parts: list[tuple[int, Document]]) -> Iterator[list[tuple[int, Document]]]:
    """Consecutive parts, about BATCH_CHARS characters a batch: a chunk of ordinary reports is one
    batch; a huge report (cut into sections) takes several, so memory stays flat whatever its size."""
    batch: list[tuple[int, Document]] = []
    size = 0
    for item in parts:
        chars = sum(len(p.text) for p in item[1].paragraphs)
        if batch and size + chars > BATCH_CHARS:
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += chars
    if batch:
        yield batch


# A task of the local workers: consecutive files, at most CHUNK_FILES of them and (past the first)
# CHUNK_BYTES on disk.  Larger model passes are cheaper per character (the table lookups of a pass
# walk the sorted tables together): 64 files of the corpus tagged 8% faster than 16, on one worker
# and on two; the byte bound keeps a chunk of long reports from holding many megabytes at once.
CHUNK_FILES = 64
CHUNK_BYTES = 256 * 1024


def plan_chunks(files: Sequence[str], *, max_files: int = CHUNK_FILES, max_bytes: int = CHUNK_BYTES) -> list[list[str]]:
    """The files in consecutive chunks of at most ``max_files`` files and about ``max_bytes`` bytes
    (a file larger than that is a chunk of its own).  A file whose size cannot be read counts as
    empty: its reader reports the problem."""
    chunks: list[list[str]] = []
    chunk: list[str] = []
    size = 0
    for path in files:
        try:
            file_size = os.stat(path).st_size if path != "-" else 0
        except (OSError, ValueError):  # missing, unreadable, a name with a NUL byte
            file_size = 0
        if chunk and (len(chunk) >= max_files or size + file_size > max_bytes):
            chunks.append(chunk)
            chunk, size = [], 0
        chunk.append(path)
        size += file_size
    if chunk:
        chunks.append(chunk)
    return chunks


def tag_files(files: Sequence[str], settings: TagSettings, *, jobs: int = 1, formatter: BodyFormatter | None = None) -> Iterator[FileResult]:
    """Results in file order, as soon as each is ready (formatted by the workers with ``formatter``: see ``tag_chunk``)."""
    chunks = plan_chunks(files)
    if jobs == 1 or len(files) <= 1:
        for chunk in chunks:
            yield from tag_chunk(chunk, settings, formatter)
        return
    yield from _tag_chunks_in_workers(chunks, settings, formatter, jobs)


def _tag_chunks_in_workers(chunks: list, settings: TagSettings, formatter: BodyFormatter | None, jobs: int) -> Iterator[FileResult]:
    """Chunks tagged by ``jobs`` worker processes, results in chunk order.

    Workers are forked from this process once it has the model: they start at once and share
    its pages (copy-on-write), instead of each importing the package and loading a copy (0.6 s
    and 180 MiB each).  They ignore Ctrl-C: this process handles it, cancels what has not
    started and leaves the workers to finish their chunk and exit.
    """
    import multiprocessing
    import signal
    from concurrent.futures import ProcessPoolExecutor

    cached_model(settings.model, settings.trust_model).warm_up()
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)  # elsewhere workers load the model themselves
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=signal.signal, initargs=(signal.SIGINT, signal.SIG_IGN))
    queued = iter(chunks)
    in_flight: deque = deque()  # at most 4 chunks a worker: results wait in order without piling up
    finished = False
    try:
        for chunk in itertools.islice(queued, 4 * jobs):
            in_flight.append(pool.submit(tag_chunk, chunk, settings, formatter))
        while in_flight:
            results = in_flight.popleft().result()
            for chunk in itertools.islice(queued, 1):
                in_flight.append(pool.submit(tag_chunk, chunk, settings, formatter))
            yield from results
        finished = True
    finally:
        pool.shutdown(wait=finished, cancel_futures=not finished)
