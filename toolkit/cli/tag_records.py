"""`tag --text-field` / `--text-column`: tagging JSONL or CSV records (the records half of `tag`)."""

from __future__ import annotations

import sys
from typing import Sequence

import click

from toolkit.cli.common import EXIT_OK, EXIT_SOME_FAILED, error_line, written_atomically


def tag_records_files(
    model, paths: Sequence[str], text_field: str, fmt: str, output: str | None, top_k, min_score, *, force: bool = False
) -> int:
    """Tag every record of ``paths`` and write them to ``output`` (or standard output); returns the exit code.

    Unreadable files and refused lines are named on stderr, one line each; the rest is still tagged.
    """
    from toolkit.batch.records import RecordsError, read_records, tagged_records, write_tagged_records

    files, failed_lines, failed_files = [], 0, 0
    for path in paths:
        try:
            records_file = read_records(path, text_field=text_field)
        except RecordsError as error:
            error_line("tag", str(error))
            failed_files += 1
            continue
        for message in records_file.errors:
            error_line("tag", message)
        failed_lines += len(records_file.errors)
        files.append(records_file)
    columns = list(dict.fromkeys(column for f in files for column in f.columns))
    rows = (
        row
        for records_file in files
        for row in tagged_records(model, records_file.records, text_field=text_field, top_k=top_k, min_score=min_score)
    )
    if output:
        with written_atomically("tag", output, force=force) as out:
            written = write_tagged_records(rows, fmt, out, columns)
    else:
        written = write_tagged_records(rows, fmt, sys.stdout, columns)
    click.echo(
        f"tag: {written} records tagged from {len(files)} files; {failed_lines} lines and {failed_files} files failed",
        err=True,
    )
    return EXIT_SOME_FAILED if failed_lines or failed_files else EXIT_OK
