"""Running a batch to its output: format each file's records in input order, journal them, show progress.

The tagging itself is passed in (local processes or a Dask cluster), so both
write through the same code and give the same bytes.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable, Iterable, Sequence

from toolkit.atomic import sweep_litter
from toolkit.batch.output import RecordFormat
from toolkit.batch.progress import BatchProgress
from toolkit.batch.resume import JournalError, ResumeJournal, run_fingerprint
from toolkit.batch.tagging import FileResult, TagSettings, tag_files


@dataclass
class BatchCounts:
    files: int = 0  # tagged
    paragraphs: int = 0
    chars: int = 0
    failures: list[str] = field(default_factory=list)  # one error line per file that could not be read


# One file's output exactly as it appears in the whole batch's output; ``header`` for the first file written.
ResultFormatter = Callable[[FileResult, bool], str]


def formatter(fmt: str) -> RecordFormat:
    """The plain formatter: each paragraph's record in ``fmt``."""
    return RecordFormat(fmt)


def write_batch(
    files: Sequence[str],
    tag_remaining: Callable[[Sequence[str]], Iterable[FileResult]],
    *,
    format_result: ResultFormatter,
    out: IO[str] | None = None,
    journal: ResumeJournal | None = None,
    report_error: Callable[[str], None],
    progress_shown: bool = True,
) -> BatchCounts:
    """Tag ``files`` with ``tag_remaining`` (results in input order) and write their records.

    With an open ``journal`` the output goes there, and the files an earlier
    run finished are skipped (their failures reported again, their counts
    included), so the counts and output are those of one uninterrupted run.
    Otherwise it goes to ``out``.  The caller publishes the journal when
    this returns.
    """
    counts = BatchCounts()
    header = True
    done = 0
    if journal is not None:
        journal.check_prefix(files)
        for entry in journal.finished:
            if entry.error is not None:
                counts.failures.append(entry.error)
                report_error(entry.error)
            else:
                counts.files += 1
                counts.paragraphs += entry.paragraphs
                counts.chars += entry.chars
        done = len(journal.finished)
        header = not journal.written_any_output
    elif out is None:
        raise ValueError("write_batch needs an output stream or a journal")
    with BatchProgress(len(files), done=done, done_chars=counts.chars, shown=progress_shown) as progress:
        for result in tag_remaining(files[done:]):
            if result.error is not None:
                counts.failures.append(result.error)
                with progress.lifted():
                    report_error(result.error)
                text = ""
            else:
                text = format_result(result, header)
                header = False
                counts.files += 1
                counts.paragraphs += result.paragraph_count
                counts.chars += result.chars
            if journal is not None:
                journal.append(result, text.encode("utf-8"))
            elif text:
                with progress.lifted():  # on a terminal, records and the bar do not mix
                    out.write(text)
                    out.flush()
            progress.update(result)
    return counts


def tag_output_options(fmt: str, *, bom: bool = False, per_document: bool = False, width: int | None = None) -> dict:
    """How `tag` writes its records: part of the journal's fingerprint (``width`` only matters for tables)."""
    return {"format": fmt, "bom": bom, "per_document": per_document, "width": width if fmt == "table" else None}


def tag_fingerprint(files: Sequence[str], settings: TagSettings, output_options: dict) -> dict:
    """Everything that shapes a `tag` batch's output, for the resume journal (``output_options``: format and the like)."""
    return run_fingerprint(
        files, model=settings.model, trust_model=settings.trust_model, encoding=settings.encoding,
        top_k=settings.top_k, min_score=settings.min_score, explain=settings.explain, **output_options,
    )


def write_batch_to_file(
    files: Sequence[str],
    tag_remaining: Callable[[Sequence[str]], Iterable[FileResult]],
    *,
    format_result: ResultFormatter,
    output: str,
    fingerprint: dict,
    force: bool = False,
    resume: bool = False,
    report_error: Callable[[str], None],
    progress_shown: bool = True,
) -> BatchCounts:
    """``write_batch`` journalled beside ``output``, which appears, complete, only at the end.

    ``resume`` continues the journal an interrupted run with the same
    ``fingerprint`` left; without it an existing journal needs ``force``.
    """
    journal = ResumeJournal(output, fingerprint)
    if journal.exists() and not (resume or force):
        raise JournalError(
            f"{journal.folder}: another run is writing this output, or an interrupted run's journal is here: "
            "add --resume to finish it, or --force to start over"
        )
    sweep_litter(Path(output))  # temporaries of an earlier run that was killed (never a journal)
    journal.open(resume=resume, force=force)
    try:
        counts = write_batch(
            files, tag_remaining, format_result=format_result, journal=journal, report_error=report_error, progress_shown=progress_shown
        )
    finally:
        journal.close()  # on any interruption the journal stays for --resume
    journal.publish(force=force)
    return counts


def run_tag_batch(
    files: Sequence[str],
    settings: TagSettings,
    *,
    format_result: RecordFormat,
    output_options: dict,
    output: str | None,
    force: bool = False,
    resume: bool = False,
    jobs: int = 1,
    scheduler: str | None = None,
    ship_model: bool = False,
    report_error: Callable[[str], None],
    progress_shown: bool = True,
    stdout: IO[str] | None = None,
) -> BatchCounts:
    """The whole `tag` batch: local worker processes (``jobs``) or a Dask cluster (``scheduler``).

    With ``output`` the run is journalled (``write_batch_to_file``); without
    it records go to ``stdout``.  ``output_options`` (format, BOM, ...) go
    into the journal's fingerprint: a resumed run must write the same way.
    """
    from contextlib import ExitStack

    with ExitStack() as stack:
        if scheduler:
            from toolkit.batch.cluster import connect, tag_files_on_cluster

            client = stack.enter_context(connect(scheduler))
            tag_remaining = lambda remaining: tag_files_on_cluster(remaining, settings, client, ship_model=ship_model, formatter=format_result)
        else:
            tag_remaining = lambda remaining: tag_files(remaining, settings, jobs=jobs, formatter=format_result)
        if not output:
            return write_batch(
                files, tag_remaining, format_result=format_result, out=stdout or sys.stdout,
                report_error=report_error, progress_shown=progress_shown,
            )
        return write_batch_to_file(
            files, tag_remaining, format_result=format_result, output=output,
            fingerprint=tag_fingerprint(files, settings, output_options),
            force=force, resume=resume, report_error=report_error, progress_shown=progress_shown,
        )
