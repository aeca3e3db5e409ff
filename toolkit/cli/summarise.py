"""`summarise`: extractive summaries of reports, one file or a folder tree."""

from __future__ import annotations

import contextlib
import json
import sys
import time

import click

from toolkit.cli.common import (
    CONTEXT_SETTINGS,
    EXIT_OK,
    EXIT_SOME_FAILED,
    ToolkitCommand,
    closing_line,
    error_line,
    inputs_or_stdin,
    load_model_or_exit,
    positive,
    printable,
    ratio_in_unit_interval,
    refuse_existing_output,
    relative_pattern,
    report_selection,
    select_files,
    text_encoding,
    version_option,
    written_atomically,
)

EPILOG = """\b
Examples:
  summarise article.txt                   a summary of 200 to 500 characters
  summarise -c 200 a.txt b.txt            several files, a header per file
  summarise -n 3 --json a.txt             JSON: file, sentences, keywords
  cat a.txt | summarise                   standard input (also: summarise -)
  summarise reports/ -o summaries.jsonl   a folder tree, one JSON line per file
  summarise reports/ --glob '*.htm' -j 2  other file names, two workers
  summarise --by-theme report.txt         the key sentence of each theme

\b
Exit codes: 0 every file summarised; 1 some files could not be read (each
named on stderr, the rest still summarised) or nothing matched; 2 usage
error; 3 theme model error (--by-theme); 130 interrupted; 141 output closed.
"""


@click.command(cls=ToolkitCommand, context_settings=CONTEXT_SETTINGS, epilog=EPILOG)
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True))
@click.option("-n", "--sentences", type=int, callback=positive, help="At most this many sentences.")
@click.option("-c", "--max-chars", type=int, callback=positive, help="At most this many characters (one sentence is always given).")
@click.option("-r", "--ratio", type=float, callback=ratio_in_unit_interval, help="At most this fraction of the article's characters, e.g. 0.1.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file: file, sentences (text, index, paragraph, score), keywords.")
@click.option("--simplified", is_flag=True, help="Print simplified script (default: the article's own script).")
@click.option("--encoding", callback=text_encoding, help="Read the files in this encoding instead of detecting it (e.g. gb18030, big5).")
@click.option("--by-theme", is_flag=True, help="The key sentence for each theme of the report (uses the theme model).")
@click.option("--model", type=click.Path(), help="Theme model folder for --by-theme (default: the shipped model).")
@click.option("--trust-model", is_flag=True, help="Allow loading a pickle/joblib model (can run code: only for files you trust).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write JSON lines here (atomically) instead of printing.")
@click.option("--force", is_flag=True, help="Replace --output if it exists.")
@click.option("--glob", "pattern", default="*.txt", show_default=True, callback=relative_pattern, help="Which files to take from folders (recursively).")
@click.option("-j", "--jobs", type=int, default=1, show_default=True, callback=positive, help="Worker processes.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, loading or closing line (errors are still printed).")
@version_option("summarise")
def summarise_command(
    paths, sentences, max_chars, ratio, as_json, simplified, encoding, by_theme, model, trust_model, output, force, pattern, jobs, quiet
):
    """Print a short extractive summary of each report (PATHS: files or folders; '-' or a pipe for standard input).

    The summary is made of whole sentences of the article, in the article's
    order.  Without a length option it is 5% of the article, 200 to 500
    characters (shorter only when the article is).  Files may be UTF-8 (with or
    without BOM), UTF-16, GB18030 or Big5.  Folders are searched recursively
    with --glob; with -o, one JSON line per file is written and a progress
    bar is shown on a terminal.
    """
    from toolkit.batch.progress import BatchProgress
    from toolkit.batch.summaries import SummarySettings, summarise_files

    if by_theme and (sentences or max_chars or ratio):
        raise click.UsageError("--by-theme gives one sentence per theme: -n/--sentences, -c/--max-chars and -r/--ratio do not apply")
    if not by_theme and (model or trust_model):
        raise click.UsageError("--model and --trust-model are used only with --by-theme")
    paths = inputs_or_stdin(paths)
    refuse_existing_output("summarise", output, force)
    started = time.perf_counter()
    if by_theme:
        load_model_or_exit("summarise", model, trust_model, cached=True, quiet=quiet)
    selection = select_files(paths, pattern)
    report_selection("summarise", selection, pattern)
    files = selection.files
    settings = SummarySettings(sentences, max_chars, ratio, simplified, encoding, by_theme, model, trust_model)
    failed = len(selection.missing)
    done = chars = 0
    as_json = as_json or bool(output)
    with_headers = not as_json and (len(files) > 1 or len(paths) > 1)

    def run(out) -> None:
        nonlocal failed, done, chars
        with BatchProgress(len(files), shown=not quiet and len(files) > 1) as bar:
            for result in summarise_files(files, settings, jobs=jobs):
                bar.update(result)
                if result.error:
                    failed += 1
                    with bar.lifted():
                        error_line("summarise", result.error)
                    continue
                if as_json:
                    text = json.dumps(dict(result.record, file=printable(result.file)), ensure_ascii=False) + "\n"
                else:
                    header = f"{'' if done == 0 else chr(10)}==> {printable(result.file)} <==\n" if with_headers else ""
                    text = f"{header}{result.text}\n"
                # On a terminal the bar is lifted while a summary is printed, so the two do not mix.
                with bar.lifted() if out is sys.stdout else contextlib.nullcontext():
                    out.write(text)
                    out.flush()
                done += 1
                chars += result.chars

    if output:
        with written_atomically("summarise", output, force=force) as out:
            run(out)
    else:
        run(sys.stdout)
    if not quiet and (output or len(files) > 1 or failed):
        click.echo(closing_line("summarise", done, "summarised", f"{chars} characters", failed, output, time.perf_counter() - started), err=True)
    nothing_matched = not files and not failed
    sys.exit(EXIT_SOME_FAILED if failed or nothing_matched else EXIT_OK)
