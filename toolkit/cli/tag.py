"""`tag`: themes of every paragraph of reports (or of each report as a whole)."""

from __future__ import annotations

import shutil
import sys
import textwrap
import time

import click

from toolkit.cli.common import (
    CONTEXT_SETTINGS,
    EXIT_MODEL,
    EXIT_OK,
    EXIT_SOME_FAILED,
    EXIT_USAGE,
    ToolkitCommand,
    closing_line,
    error_line,
    finite_score,
    inputs_or_stdin,
    load_model_or_exit,
    positive,
    refuse_existing_output,
    relative_pattern,
    report_selection,
    select_files,
    text_encoding,
    version_option,
)

EPILOG = """\b
Examples:
  tag report.txt                          each paragraph's themes and scores (JSONL)
  tag reports/ -o themes.jsonl -j 2       a folder tree, two workers, progress bar
  tag reports/ --per-document             one record per file: theme shares, main themes
  tag reports/ --format table --explain   readable, fitted to the terminal
  tag reports/ --format csv-wide --bom -o themes.csv   one score column per theme, for Excel
  tag --list-themes                       the model's themes, their meaning and thresholds
  cat report.txt | tag                    standard input (also: tag -)

\b
Themes: organisation, screening, quarantine, restrictions, supplies,
sanitation, publicity, mobilisation, reopening, care; "other" means none
(the shipped model; see --list-themes).

\b
Exit codes: 0 every file tagged; 1 some files could not be read (each named
on stderr, the rest still tagged) or nothing matched; 2 usage error; 3 model
error; 130 interrupted; 141 output closed (e.g. | head).
"""


@click.command(cls=ToolkitCommand, context_settings=CONTEXT_SETTINGS, epilog=EPILOG)
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here (atomically) instead of standard output.")
@click.option("--force", is_flag=True, help="Replace --output if it exists.")
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "csv", "csv-wide", "table"]), default="jsonl", show_default=True,
    help="csv: scores as one JSON column; csv-wide: one score column per theme; table: fitted to the terminal width.",
)
@click.option("--bom", is_flag=True, help="Start CSV output with a UTF-8 byte order mark, so Excel reads the Chinese text.")
@click.option("--per-document", is_flag=True, help="One record per file: paragraphs, each theme's share of them, main themes.")
@click.option("--list-themes", is_flag=True, help="List the model's themes with their meaning and thresholds, and exit.")
@click.option("--glob", "pattern", default="*.txt", show_default=True, callback=relative_pattern, help="Which files to take from folders (recursively).")
@click.option("--model", type=click.Path(), help="Theme model folder (default: the shipped model).")
@click.option("--trust-model", is_flag=True, help="Allow loading a pickle/joblib model (can run code: only for files you trust).")
@click.option("-j", "--jobs", type=int, default=1, show_default=True, callback=positive, help="Worker processes.")
@click.option("--top-k", type=int, callback=positive, help="At most this many themes per paragraph.")
@click.option("--min-score", type=click.FloatRange(0, 1), callback=finite_score, help="Drop themes scoring below this probability.")
@click.option("--explain", is_flag=True, help="For each theme, the terms of the paragraph that drove it.")
@click.option("--encoding", callback=text_encoding, help="Read the files in this encoding instead of detecting it.")
@click.option("--resume", is_flag=True, help="Finish an interrupted run of the same command with -o (kill -9, power cut) from its journal .OUTPUT.resume/, without redoing finished files.")
@click.option("--scheduler", envvar="DASK_SCHEDULER_ADDRESS", help="Run on a Dask cluster: tcp://HOST:8786, or local[:N] for N local worker processes (default from DASK_SCHEDULER_ADDRESS; needs pip install '.[dask]').")
@click.option("--ship-model", is_flag=True, help="With --scheduler: send the model's files to each worker once, for workers that cannot read the model's path.")
@click.option("--text-field", help="PATHS are JSONL records: tag the text of this field of each (one paragraph per record).")
@click.option("--text-column", help="PATHS are CSV records: tag the text of this column of each row.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, loading or closing line (errors are still printed).")
@version_option("tag")
def tag_command(
    paths, output, force, fmt, bom, per_document, list_themes, pattern, model, trust_model, jobs, top_k, min_score, explain, encoding,
    resume, scheduler, ship_model, text_field, text_column, quiet,
):
    """Tag every paragraph of each report with its themes and scores.

    PATHS are files or folders (searched recursively with --glob); with none
    and a pipe on standard input, standard input is read.  One record per
    paragraph: file, line (1-based), paragraph, text, labels (best first, or
    ["other"]) and scores.  With --per-document, one record per file: file,
    paragraphs, main_themes, shares.
    """
    from toolkit.batch.cluster import ClusterError
    from toolkit.batch.output import RecordFormat
    from toolkit.batch.resume import JournalError
    from toolkit.batch.tagging import TagSettings
    from toolkit.batch.writing import run_tag_batch, tag_output_options
    from toolkit.modelfiles import ModelError
    from toolkit.themes.model import OTHER

    if list_themes:
        if paths:
            raise click.UsageError("--list-themes lists the model's themes: it takes no files")
        theme_model = load_model_or_exit("tag", model, trust_model, quiet=True)
        click.echo(themes_listing(theme_model.labels, theme_model.thresholds))
        sys.exit(EXIT_OK)
    if bom and fmt not in ("csv", "csv-wide"):
        raise click.UsageError("--bom is for CSV output (--format csv or csv-wide)")
    if per_document and explain:
        raise click.UsageError("--explain is per paragraph: it does not apply with --per-document")
    if resume and not output:
        raise click.UsageError("--resume needs -o OUTPUT (the journal is kept beside it)")
    if ship_model and not scheduler:
        raise click.UsageError("--ship-model needs --scheduler")
    paths = inputs_or_stdin(paths)
    refuse_existing_output("tag", output, force)
    started = time.perf_counter()
    # Fail fast, before any file is read.  The loaded model is kept (cached) for tagging: -j N workers are
    # forked from this process and share it.
    theme_model = load_model_or_exit("tag", model, trust_model, cached=not (text_field or text_column or scheduler), quiet=quiet)
    if text_field or text_column:
        if fmt not in ("jsonl", "csv") or explain or encoding or jobs > 1 or per_document or resume or scheduler or bom:
            raise click.UsageError(
                "records (--text-field/--text-column) are written as jsonl or csv, without --explain, --encoding, -j, "
                "--per-document, --resume, --scheduler or --bom"
            )
        from toolkit.cli.tag_records import tag_records_files

        sys.exit(tag_records_files(theme_model, paths, text_field or text_column, fmt, output, top_k, min_score, force=force))
    themes = [*theme_model.labels, OTHER]
    del theme_model
    selection = select_files(paths, pattern)
    report_selection("tag", selection, pattern)
    files = selection.files
    failed = len(selection.missing)
    settings = TagSettings(model, trust_model, encoding, top_k, min_score, 5 if explain else 0)
    width = shutil.get_terminal_size((100, 24)).columns

    format_result = RecordFormat(fmt, themes=tuple(themes), bom=bom, per_document=per_document, width=width)
    output_options = tag_output_options(fmt, bom=bom, per_document=per_document, width=width)
    try:
        counts = run_tag_batch(
            files, settings, format_result=format_result, output_options=output_options, output=output, force=force,
            resume=resume, jobs=jobs, scheduler=scheduler, ship_model=ship_model,
            report_error=lambda message: error_line("tag", message), progress_shown=not quiet,
        )
    except (JournalError, ClusterError) as error:
        error_line("tag", str(error))
        sys.exit(EXIT_USAGE)
    except ModelError as error:
        error_line("tag", str(error))
        sys.exit(EXIT_MODEL)
    except BrokenPipeError:
        raise  # a reader that closed the pipe: a quiet exit (ToolkitCommand)
    except OSError as error:  # a full disk, a file system gone read-only: what was finished stays for --resume
        error_line("tag", f"{output or 'standard output'}: cannot be written ({error.strerror or error}); free space and rerun with --resume")
        sys.exit(EXIT_SOME_FAILED)
    failed += len(counts.failures)
    if not quiet:
        details = f"{counts.paragraphs} paragraphs, {counts.chars} characters"
        click.echo(closing_line("tag", counts.files, "tagged", details, failed, output, time.perf_counter() - started), err=True)
    nothing_matched = not files and not failed
    sys.exit(EXIT_SOME_FAILED if failed or nothing_matched else EXIT_OK)


def themes_listing(labels, thresholds) -> str:
    """The model's labels, each with its threshold and the guideline's definition (when it has one)."""
    from toolkit.themes.guide import theme_definitions

    definitions = theme_definitions()
    blocks = []
    for label, threshold in [*zip(labels, thresholds), ("other", None)]:
        definition = definitions.get(label)
        head = f"{label}" + (f" {definition.chinese}" if definition else "") + (f"  (threshold {float(threshold):.2f})" if threshold is not None else "  (no theme over its threshold)")
        body = definition.meaning if definition else "(not in the guideline: a label of this model's training data)"
        if definition and definition.typical_words:
            body += "; e.g. " + "、".join(definition.typical_words)
        blocks.append(head + "\n" + textwrap.fill(body, width=88, initial_indent="    ", subsequent_indent="    "))
    return "\n".join(blocks)
