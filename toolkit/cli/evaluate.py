"""`evaluate`: score a theme model on a labelled file it did not train on."""

from __future__ import annotations

import json
import sys

import click

from toolkit.cli.common import EXIT_SOME_FAILED, error_line, load_model_or_exit


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("labelled", type=click.Path(dir_okay=False))
@click.option("--model", type=click.Path(), help="Theme model folder (default: the shipped model).")
@click.option("--trust-model", is_flag=True, help="Allow loading a pickle/joblib model (can run code: only for files you trust).")
@click.option("--text-field", default="text", show_default=True, help="The field (JSONL) or column (CSV) holding the text.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def evaluate_command(labelled, model, trust_model, text_field, as_json):
    """Score a model on LABELLED, a JSONL or CSV file of `text` and `labels` it was not trained on.

    Each record is tagged on its own, as `tag --text-field` tags it.  Prints
    precision, recall and F1 per label, micro and macro, and accuracy when
    every record has one label.  Exit codes: 0 done; 1 bad labelled data;
    2 usage error; 3 model missing, damaged or refused.

    \b
    Example:
      evaluate test.jsonl --model models/mine
    """
    from toolkit.batch.evaluation import evaluate_model
    from toolkit.themes.training import LabelledDataError, load_records

    theme_model = load_model_or_exit("evaluate", model, trust_model)
    try:
        records = load_records(labelled, text_field=text_field)
    except LabelledDataError as error:
        error_line("evaluate", str(error))
        sys.exit(EXIT_SOME_FAILED)
    report = evaluate_model(theme_model, records, source=labelled)
    click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2) if as_json else report.table())
