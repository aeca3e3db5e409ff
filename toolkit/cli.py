"""Command line: parse arguments, call the Python API, format output, map errors to exit codes.

Exit codes: 0 every input done; 1 some inputs could not be read (each named
on stderr, the rest still done); 2 usage error; 3 model missing, damaged or
refused.  Heavy modules (scikit-learn, joblib, tqdm) are imported inside the
commands that need them, so ``summarise`` starts fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2
EXIT_MODEL = 3


def _error(program: str, message: str) -> None:
    click.echo(f"{program}: error: {message}", err=True)


def _positive(ctx, param, value):
    if value is not None and value < 1:
        raise click.BadParameter("must be at least 1")
    return value


def _ratio(ctx, param, value):
    if value is not None and not 0 < value <= 1:
        raise click.BadParameter("must be in (0, 1]")
    return value


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-n", "--sentences", type=int, callback=_positive, help="At most this many sentences.")
@click.option("-c", "--max-chars", type=int, callback=_positive, help="At most this many characters (one sentence is always given).")
@click.option("-r", "--ratio", type=float, callback=_ratio, help="At most this fraction of the article's characters, e.g. 0.1.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file: file, sentences (text, index, paragraph, score), keywords.")
@click.option("--simplified", is_flag=True, help="Print simplified script (default: the article's own script).")
@click.option("--encoding", help="Read the files in this encoding instead of detecting it (e.g. gb18030, big5).")
@click.option("--by-theme", is_flag=True, help="The key sentence for each theme of the report (uses the theme model).")
@click.option("--model", type=click.Path(), help="Theme model folder for --by-theme (default: the shipped model).")
@click.option("--trust-model", is_flag=True, help="Allow loading a pickle/joblib model (can run code: only for files you trust).")
def summarise_command(files, sentences, max_chars, ratio, as_json, simplified, encoding, by_theme, model, trust_model):
    """Print a short extractive summary of each report FILE ('-' for standard input).

    The summary is made of whole sentences of the article, in the article's
    order.  Without a length option it is 5% of the article (200 to 500
    characters).  Files may be UTF-8 (with or without BOM), UTF-16,
    GB18030 or Big5.
    """
    from .api import read_document, summarise
    from .reading import ReadError, read_bytes

    theme_model = None
    if by_theme:
        theme_model = _load_model_or_exit("summarise", model, trust_model)
    failed = 0
    for number, path in enumerate(files):
        try:
            document = read_document(read_bytes(path), source=path, encoding=encoding)
        except ReadError as error:
            _error("summarise", str(error))
            failed += 1
            continue
        if by_theme:
            output = _by_theme_output(theme_model, document, path, as_json, simplified)
        else:
            summary = summarise(document, sentences=sentences, max_chars=max_chars, ratio=ratio, simplified=simplified)
            output = json.dumps(summary.to_json(), ensure_ascii=False) if as_json else str(summary)
        if not as_json and len(files) > 1:
            output = f"{'' if number == 0 else chr(10)}==> {path} <==\n{output}"
        click.echo(output)
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)


def _by_theme_output(model, document, path: str, as_json: bool, simplified: bool) -> str:
    picks = model.key_sentences(document)
    if as_json:
        return json.dumps(
            {
                "file": path,
                "themes": [pick.to_json(simplified=simplified) for pick in picks],
            },
            ensure_ascii=False,
        )
    lines = [f"[{pick.theme}] {pick.simplified if simplified else pick.text}" for pick in picks]
    return "\n".join(lines) if lines else "(no theme found)"


def _load_model_or_exit(program: str, path, trust: bool, *, cached: bool = False):
    """The theme model, or a one-line error and exit code 3.  ``cached``: keep it for batch.tag_file."""
    from .batch import cached_model
    from .classifying import ThemeModel
    from .modelfiles import ModelError

    try:
        return cached_model(path, trust) if cached else ThemeModel.load(path, trust=trust)
    except ModelError as error:
        _error(program, str(error))
        sys.exit(EXIT_MODEL)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write here (atomically) instead of standard output.")
@click.option("--force", is_flag=True, help="Replace --output if it exists.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "table"]), default="jsonl", show_default=True)
@click.option("--glob", "pattern", default="*.txt", show_default=True, help="Which files to take from folders (recursively).")
@click.option("--model", type=click.Path(), help="Theme model folder (default: the shipped model).")
@click.option("--trust-model", is_flag=True, help="Allow loading a pickle/joblib model (can run code: only for files you trust).")
@click.option("-j", "--jobs", type=int, default=1, show_default=True, callback=_positive, help="Worker processes.")
@click.option("--top-k", type=int, callback=_positive, help="At most this many themes per paragraph.")
@click.option("--min-score", type=click.FloatRange(0, 1), help="Drop themes scoring below this probability.")
@click.option("--explain", is_flag=True, help="For each theme, the terms of the paragraph that drove it.")
@click.option("--encoding", help="Read the files in this encoding instead of detecting it.")
def tag_command(paths, output, force, fmt, pattern, model, trust_model, jobs, top_k, min_score, explain, encoding):
    """Tag every paragraph of each report with its themes and scores.

    PATHS are files or folders (searched recursively with --glob).  One
    record per paragraph: file, line (1-based), paragraph, text, labels (best
    first, or ["other"]) and scores.  Exit codes: 0 every file tagged; 1 some
    files could not be read (named on stderr); 2 usage error; 3 model error.
    """
    from tqdm import tqdm

    from .batch import AtomicOutput, TagSettings, find_files, format_records, records, tag_files

    if output and Path(output).exists() and not force:
        _error("tag", f"{output}: already exists (use --force to replace it)")
        sys.exit(EXIT_USAGE)
    _load_model_or_exit("tag", model, trust_model, cached=True)  # fail fast, before any file is read
    files, failures = find_files(paths, pattern)
    for failure in failures:
        _error("tag", failure.error)
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


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("labelled", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Model folder to write.")
@click.option("--force", is_flag=True, help="Replace an existing model folder.")
@click.option("--folds", type=int, default=5, show_default=True, help="Cross-validation folds (grouped by document).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "-j", "--jobs", type=int, default=1, show_default=True, callback=_positive,
    help="Worker processes for the folds and the final model (the model does not depend on it).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def retrain_command(labelled, out_dir, force, folds, seed, jobs, as_json):
    """Train a theme model on labelled paragraphs and report how good it is.

    LABELLED files are JSONL or CSV with `text` and `labels` (a list or a
    ';'-separated string), optionally `file` (the document, so that
    cross-validation keeps its paragraphs together) and `line`.  The label
    set comes from the data; `other` means no theme.  Prints grouped
    cross-validation precision, recall and F1 per label, then trains on
    everything and writes the model and its manifest into --out.  Exit codes:
    0 done; 1 bad training data (nothing written); 3 --out exists or cannot be written.
    """
    from .modelfiles import ModelError
    from .training import LabelledDataError, TrainingOptions, load_records, train_model

    if Path(out_dir).exists() and not force:
        _error("retrain", f"{out_dir}: already exists (use --force to replace it)")
        sys.exit(EXIT_MODEL)
    try:
        records = [record for path in labelled for record in load_records(path)]
    except LabelledDataError as error:
        _error("retrain", str(error))
        sys.exit(EXIT_SOME_FAILED)
    options = TrainingOptions(folds=folds, seed=seed)
    extra = {"command": "retrain " + " ".join(labelled) + f" --out {out_dir}", "training_files": list(labelled)}
    try:
        model, report = train_model(records, options=options, progress=lambda m: click.echo(f"retrain: {m}", err=True), extra_manifest=extra, jobs=jobs)
    except LabelledDataError as error:
        _error("retrain", str(error))
        sys.exit(EXIT_SOME_FAILED)
    click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2) if as_json else report.table())
    try:
        model.save(out_dir, force=force)
    except (ModelError, OSError) as error:
        _error("retrain", str(error))
        sys.exit(EXIT_MODEL)
    click.echo(f"retrain: model written to {out_dir}", err=True)
