"""`summarise`: extractive summaries of reports."""

from __future__ import annotations

import json
import sys

import click

from toolkit.cli.common import (
    EXIT_OK,
    EXIT_SOME_FAILED,
    error_line,
    load_model_or_exit,
    positive,
    ratio_in_unit_interval,
)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-n", "--sentences", type=int, callback=positive, help="At most this many sentences.")
@click.option("-c", "--max-chars", type=int, callback=positive, help="At most this many characters (one sentence is always given).")
@click.option("-r", "--ratio", type=float, callback=ratio_in_unit_interval, help="At most this fraction of the article's characters, e.g. 0.1.")
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
    from toolkit.api import read_document, summarise
    from toolkit.text.document import require_text
    from toolkit.text.reading import ReadError, read_bytes

    theme_model = None
    if by_theme:
        theme_model = load_model_or_exit("summarise", model, trust_model)
    failed = 0
    for number, path in enumerate(files):
        try:
            document = require_text(read_document(read_bytes(path), source=path, encoding=encoding))
        except ReadError as error:
            error_line("summarise", str(error))
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
