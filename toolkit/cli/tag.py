"""`tag`: themes of every paragraph of reports."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from toolkit.cli.common import (
    EXIT_OK,
    EXIT_SOME_FAILED,
    EXIT_USAGE,
    error_line,
    load_model_or_exit,
    positive,
)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write here (atomically) instead of standard output.")
@click.option("--force", is_flag=True, help="Replace --output if it exists.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "table"]), default="jsonl", show_default=True)
@click.option("--glob", "pattern", default="*.txt", show_default=True, help="Which files to take from folders (recursively).")
@click.option("--model", type=click.Path(), help="Theme model folder (default: the shipped model).")
@click.option("--trust-model", is_flag=True, help="Allow loading a pickle/joblib model (can run code: only for files you trust).")
@click.option("-j", "--jobs", type=int, default=1, show_default=True, callback=positive, help="Worker processes.")
@click.option("--top-k", type=int, callback=positive, help="At most this many themes per paragraph.")
@click.option("--min-score", type=click.FloatRange(0, 1), help="Drop themes scoring below this probability.")
@click.option("--explain", is_flag=True, help="For each theme, the terms of the paragraph that drove it.")
@click.option("--encoding", help="Read the files in this encoding instead of detecting it.")
@click.option("--text-field", help="PATHS are JSONL records: tag the text of this field of each (one paragraph per record).")
@click.option("--text-column", help="PATHS are CSV records: tag the text of this column of each row.")
def tag_command(paths, output, force, fmt, pattern, model, trust_model, jobs, top_k, min_score, explain, encoding, text_field, text_column):
    """Tag every paragraph of each report with its themes and scores.

    PATHS are files or folders (searched recursively with --glob).  One
    record per paragraph: file, line (1-based), paragraph, text, labels (best
    first, or ["other"]) and scores.  Exit codes: 0 every file tagged; 1 some
    files could not be read (named on stderr); 2 usage error; 3 model error.
    """
    from tqdm import tqdm

    from toolkit.batch.output import AtomicOutput, format_records, records
    from toolkit.batch.tagging import TagSettings, find_files, tag_files

    if output and Path(output).exists() and not force:
        error_line("tag", f"{output}: already exists (use --force to replace it)")
        sys.exit(EXIT_USAGE)
    theme_model = load_model_or_exit("tag", model, trust_model, cached=True)  # fail fast, before any file is read
    if text_field or text_column:
        from toolkit.cli.tag_records import tag_records_files

        if fmt == "table" or explain or encoding or jobs > 1:
            error_line("tag", "records (--text-field/--text-column) are written as jsonl or csv, without --explain, --encoding or -j")
            sys.exit(EXIT_USAGE)
        sys.exit(tag_records_files(theme_model, paths, text_field or text_column, fmt, output, top_k, min_score))
    files, failures = find_files(paths, pattern)
    for failure in failures:
        error_line("tag", failure.error)
    settings = TagSettings(model, trust_model, encoding, top_k, min_score, 5 if explain else 0)
    tagged_files = paragraphs = chars = 0

    def run(out) -> None:
        nonlocal tagged_files, paragraphs, chars
        first = True
        results = tag_files(files, settings, jobs=jobs)
        with tqdm(total=len(files), unit="file", disable=None, file=sys.stderr, leave=False) as bar:
            for result in results:
                bar.update(1)
                if result.error:
                    failures.append(result)
                    tqdm.write(f"tag: error: {result.error}", file=sys.stderr)
                    continue
                format_records(records(result), fmt, out, header=first)
                first = False
                tagged_files += 1
                paragraphs += len(result.paragraphs)
                chars += result.chars

    if output:
        with AtomicOutput(output) as out:
            run(out)
    else:
        run(sys.stdout)
    click.echo(
        f"tag: {tagged_files} files tagged ({paragraphs} paragraphs, {chars} characters), {len(failures)} failed",
        err=True,
    )
    sys.exit(EXIT_SOME_FAILED if failures else EXIT_OK)
