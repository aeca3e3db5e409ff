"""`tag`: themes of every paragraph of reports."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from toolkit.cli.common import (
    EXIT_MODEL,
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
@click.option("--resume", is_flag=True, help="Finish an interrupted run of the same command with -o (kill -9, power cut) from its journal .OUTPUT.resume/, without redoing finished files.")
@click.option("--scheduler", envvar="DASK_SCHEDULER_ADDRESS", help="Run on a Dask cluster: tcp://HOST:8786, or local[:N] for N local worker processes (default from DASK_SCHEDULER_ADDRESS; needs pip install '.[dask]').")
@click.option("--ship-model", is_flag=True, help="With --scheduler: send the model's files to each worker once, for workers that cannot read the model's path.")
def tag_command(paths, output, force, fmt, pattern, model, trust_model, jobs, top_k, min_score, explain, encoding, resume, scheduler, ship_model):
    """Tag every paragraph of each report with its themes and scores.

    PATHS are files or folders (searched recursively with --glob).  One
    record per paragraph: file, line (1-based), paragraph, text, labels (best
    first, or ["other"]) and scores.  Exit codes: 0 every file tagged; 1 some
    files could not be read (named on stderr); 2 usage error; 3 model error.
    """
    from tqdm import tqdm

    from toolkit.batch.cluster import ClusterError
    from toolkit.batch.resume import JournalError
    from toolkit.batch.tagging import TagSettings, find_files
    from toolkit.batch.writing import run_tag_batch
    from toolkit.modelfiles import ModelError

    if output and Path(output).exists() and not force:
        error_line("tag", f"{output}: already exists (use --force to replace it)")
        sys.exit(EXIT_USAGE)
    if resume and not output:
        error_line("tag", "--resume needs -o OUTPUT (the journal is kept beside it)")
        sys.exit(EXIT_USAGE)
    if ship_model and not scheduler:
        error_line("tag", "--ship-model needs --scheduler")
        sys.exit(EXIT_USAGE)
    load_model_or_exit("tag", model, trust_model, cached=True)  # fail fast, before any file is read
    files, failures = find_files(paths, pattern)
    for failure in failures:
        error_line("tag", failure.error)
    settings = TagSettings(model, trust_model, encoding, top_k, min_score, 5 if explain else 0)
    try:
        counts = run_tag_batch(
            files, settings, fmt=fmt, output=output, force=force, resume=resume, jobs=jobs,
            scheduler=scheduler, ship_model=ship_model,
            report_error=lambda message: tqdm.write(f"tag: error: {message}", file=sys.stderr),
        )
    except (JournalError, ClusterError) as error:
        error_line("tag", str(error))
        sys.exit(EXIT_USAGE)
    except ModelError as error:
        error_line("tag", str(error))
        sys.exit(EXIT_MODEL)
    failed = len(failures) + len(counts.failures)
    click.echo(
        f"tag: {counts.files} files tagged ({counts.paragraphs} paragraphs, {counts.chars} characters), {failed} failed",
        err=True,
    )
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)
