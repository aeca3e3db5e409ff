"""`retrain`: a theme model on the user's labels, with a cross-validation report."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from toolkit.cli.common import (
    EXIT_MODEL,
    EXIT_SOME_FAILED,
    error_line,
    feature_blocks,
    positive,
)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("labelled", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Model folder to write.")
@click.option("--force", is_flag=True, help="Replace an existing model folder.")
@click.option("--folds", type=int, default=5, show_default=True, help="Cross-validation folds (grouped by document).")
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
def retrain_command(labelled, out_dir, force, folds, seed, jobs, as_json, features, text_field, test_file):
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
        is_single_label,
        load_records,
        train_model,
    )

    if Path(out_dir).exists() and not force:
        error_line("retrain", f"{out_dir}: already exists (use --force to replace it)")
        sys.exit(EXIT_MODEL)
    try:
        records = [record for path in labelled for record in load_records(path, text_field=text_field)]
        test_records = load_records(test_file, text_field=text_field) if test_file else None
    except LabelledDataError as error:
        error_line("retrain", str(error))
        sys.exit(EXIT_SOME_FAILED)
    # Single-label data (one label per record, as headline sets have) gets the options chosen for it.
    choose = TrainingOptions.for_single_label if is_single_label(records) else TrainingOptions
    options = choose(folds=folds, seed=seed, features=features)
    extra = {"command": "retrain " + " ".join(labelled) + f" --out {out_dir}", "training_files": list(labelled)}
    try:
        model, report = train_model(records, options=options, progress=lambda m: click.echo(f"retrain: {m}", err=True), extra_manifest=extra, jobs=jobs)
    except LabelledDataError as error:
        error_line("retrain", str(error))
        sys.exit(EXIT_SOME_FAILED)
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
    click.echo(f"retrain: model written to {out_dir}", err=True)
