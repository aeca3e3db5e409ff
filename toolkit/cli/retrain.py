"""`retrain`: a theme model on the user's labels, with a cross-validation report."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path

import click

from toolkit.cli.common import (
    CONTEXT_SETTINGS,
    EXIT_MODEL,
    EXIT_SOME_FAILED,
    EXIT_USAGE,
    ToolkitCommand,
    error_line,
    feature_blocks,
    positive,
    printable,
    version_option,
)

EPILOG = """\b
Examples:
  retrain my_labels.jsonl --out models/mine          report, then the model
  retrain a.jsonl b.csv --out models/mine -j 2 --force
  tag --model models/mine reports/                   use it

\b
Exit codes: 0 done; 1 bad training data (nothing written); 2 usage error;
3 --out exists (without --force) or cannot be written; 130 interrupted.
"""

# While cross-validation runs (minutes on the full label set), say it is still going this often.
HEARTBEAT_SECONDS = 30


def at_least_two_folds(ctx, param, value):
    if value is not None and value < 2:
        raise click.BadParameter("cross-validation needs at least 2 folds")
    return value


@click.command(cls=ToolkitCommand, context_settings=CONTEXT_SETTINGS, epilog=EPILOG)
@click.argument("labelled", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Model folder to write.")
@click.option("--force", is_flag=True, help="Replace an existing model folder.")
@click.option("--folds", type=int, default=5, show_default=True, callback=at_least_two_folds, help="Cross-validation folds (grouped by document).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "-j", "--jobs", type=int, default=1, show_default=True, callback=positive,
    help="Worker processes for the folds and the final model (the model does not depend on it).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--features", callback=feature_blocks,
    help="Feature blocks, comma-separated, among word,char,context,document (default: every block the records can feed).",
)
@click.option("--text-field", default="text", show_default=True, help="The field (JSONL) or column (CSV) holding the text.")
@click.option("--test", "test_file", type=click.Path(dir_okay=False), help="Also score the model on this labelled file (never trained on).")
@click.option("--scheduler", envvar="DASK_SCHEDULER_ADDRESS", help="Fit the folds and the final model on a Dask cluster: tcp://HOST:8786 or local[:N] (needs pip install '.[dask]'; the model is the same).")
@click.option("-q", "--quiet", is_flag=True, help="No progress lines (errors are still printed).")
@version_option("retrain")
def retrain_command(labelled, out_dir, force, folds, seed, jobs, as_json, features, text_field, test_file, scheduler, quiet):
    """Train a theme model on labelled paragraphs and report how good it is.

    LABELLED files are JSONL or CSV with `text` and `labels` (a list or a
    ';'-separated string), optionally `file` (the document, so that
    cross-validation keeps its paragraphs together) and `line`.  The label
    set comes from the data; `other` means no theme.  Prints grouped
    cross-validation precision, recall and F1 per label, then trains on
    everything and writes the model and its manifest into --out.  Exit codes:
    0 done; 1 bad training data (nothing written); 3 --out exists or cannot be written.
    """
    from toolkit.modelfiles import ModelError
    from toolkit.themes.training import (
        LabelledDataError,
        TrainingOptions,
        check_labels_vary,
        is_single_label,
        load_records,
        train_model,
    )

    if Path(out_dir).exists() and not force:
        error_line("retrain", f"{out_dir}: already exists (use --force to replace it)")
        sys.exit(EXIT_MODEL)
    problem = unwritable_folder(out_dir)
    if problem:  # found now, not after minutes of training
        error_line("retrain", f"{out_dir}: {problem}")
        sys.exit(EXIT_MODEL)
    started = time.perf_counter()
    try:
        records = [record for path in labelled for record in load_records(path, text_field=text_field)]
        check_labels_vary(records)
        test_records = load_records(test_file, text_field=text_field) if test_file else None
    except LabelledDataError as error:
        bad_data_exit(error)
    # Single-label data (one label per record, as headline sets have) gets the options chosen for it.
    choose = TrainingOptions.for_single_label if is_single_label(records) else TrainingOptions
    options = choose(folds=folds, seed=seed, features=features)
    extra = {"command": "retrain " + " ".join(labelled) + f" --out {out_dir}", "training_files": list(labelled)}
    from contextlib import nullcontext

    from toolkit.batch.cluster import ClusterError, joblib_on_cluster

    try:
        with Heartbeat(None if quiet else "retrain: still training", started), joblib_on_cluster(scheduler) if scheduler else nullcontext():
            model, report = train_model(records, options=options, progress=None if quiet else say, extra_manifest=extra, jobs=jobs)
    except LabelledDataError as error:
        bad_data_exit(error)
    except ClusterError as error:
        error_line("retrain", str(error))
        sys.exit(EXIT_USAGE)
    if test_records is None:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2) if as_json else report.table())
    else:
        from toolkit.batch.evaluation import evaluate_model

        evaluation = evaluate_model(model, test_records, source=test_file)
        if as_json:  # one JSON document: the cross-validation report and the test scores
            click.echo(json.dumps({"cross_validation": report.to_json(), "test": evaluation.to_json()}, ensure_ascii=False, indent=2))
        else:
            click.echo(report.table() + "\n\n" + evaluation.table())
    try:
        model.save(out_dir, force=force)
    except (ModelError, OSError) as error:
        error_line("retrain", str(error))
        sys.exit(EXIT_MODEL)
    if not quiet:
        click.echo(f"retrain: model written to {printable(out_dir)} in {time.perf_counter() - started:.0f} s", err=True)


def bad_data_exit(error) -> None:
    """Every problem of the training data, one line each, then exit 1 (nothing is written)."""
    for problem in error.problems:
        error_line("retrain", problem)
    if error.truncated:
        error_line("retrain", f"stopped after {len(error.problems)} bad lines; mend these and run again")
    sys.exit(EXIT_SOME_FAILED)


def say(message: str) -> None:
    click.echo(f"retrain: {message}", err=True)


def unwritable_folder(out_dir: str) -> str | None:
    """Why the model folder could not be created, or None: checked before training, not after."""
    ancestor = Path(out_dir).absolute().parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        return f"cannot be created: {ancestor} is a file, not a folder"
    if not os.access(ancestor, os.W_OK | os.X_OK):
        return f"cannot be created: no permission to write in {ancestor}"
    return None


class Heartbeat:
    """Prints ``message`` with the elapsed time every HEARTBEAT_SECONDS until the block ends (None: silent)."""

    def __init__(self, message: str | None, started: float, every: float = HEARTBEAT_SECONDS) -> None:
        self.message, self.started, self.every = message, started, every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _beat(self) -> None:
        while not self._stop.wait(self.every):
            click.echo(f"{self.message} ({time.perf_counter() - self.started:.0f} s)", err=True)

    def __enter__(self) -> "Heartbeat":
        if self.message:
            self._thread = threading.Thread(target=self._beat, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()
