"""`report`: one self-contained HTML page over a whole corpus."""

from __future__ import annotations

import sys

import click

from toolkit.cli.common import (
    CONTEXT_SETTINGS,
    EXIT_MODEL,
    EXIT_OK,
    EXIT_SOME_FAILED,
    EXIT_USAGE,
    ToolkitCommand,
    error_line,
    load_model_or_exit,
    positive,
    refuse_existing_output,
    relative_pattern,
    version_option,
    written_atomically,
)

EPILOG = """\b
Examples:
  report reports/ -o corpus.html -j 2                        tag, summarise and write the page
  report reports/ --metadata manifest.jsonl -o corpus.html   dates, sources, regions as facets
  report --from themes.jsonl reports/ -o corpus.html         reuse a finished `tag` run
"""


@click.command(cls=ToolkitCommand, context_settings=CONTEXT_SETTINGS, epilog=EPILOG)
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The HTML page to write (atomically).")
@click.option("--force", is_flag=True, help="Replace --output if it exists.")
@click.option("--metadata", type=click.Path(dir_okay=False), help="CSV or JSONL with a 'file' column: dates, sources, regions as facets.")
@click.option("--from", "from_tags", type=click.Path(dir_okay=False), help="Reuse a finished `tag` JSONL instead of tagging again.")
@click.option("--summaries", type=click.Path(dir_okay=False), help="Reuse a `summarise --json` JSONL instead of summarising again.")
@click.option("--glob", "pattern", default="*.txt", show_default=True, callback=relative_pattern, help="Which files to take from folders (recursively).")
@click.option("-j", "--jobs", type=int, default=1, show_default=True, callback=positive, help="Worker processes for tagging.")
@click.option("--model", type=click.Path(), help="Theme model folder (default: the shipped model).")
@click.option("--trust-model", is_flag=True, help="Allow loading a pickle/joblib model (can run code: only for files you trust).")
@click.option("--full-text", is_flag=True, help="Embed every document's full text (default: the first --full-text-limit).")
@click.option("--full-text-limit", type=int, default=2000, show_default=True, help="Documents whose full text is embedded; later ones keep summary and strip.")
@click.option("--year", "default_year", type=click.IntRange(1900, 2100), help="Year for datelines like 2月18日 in documents that name no year.")
@click.option("--title", default="Corpus report", show_default=True, help="The page's title.")
@version_option("report")
def report_command(paths, output, force, metadata, from_tags, summaries, pattern, jobs, model, trust_model, full_text, full_text_limit, default_year, title):
    """Write one HTML page showing a corpus: themes, time, facets, examples, searchable documents.

    PATHS are files or folders (searched recursively with --glob).  The page
    works offline from disk.  Exit codes: 0 every file reported; 1 some files
    could not be read (named on stderr); 2 usage error or bad --metadata /
    --from / --summaries; 3 model error.
    """
    # Checked before anything of the page is imported (its charts need MarkupSafe, Jinja2's escaper),
    # and before an hour of tagging, not after.
    try:
        import jinja2  # noqa: F401
    except ImportError:
        error_line("report", "the report page needs Jinja2: pip install 'cn-news-toolkit[report]'")
        sys.exit(EXIT_USAGE)
    from tqdm import tqdm

    from toolkit.api import report
    from toolkit.modelfiles import ModelError
    from toolkit.reporting.collect import ReportInputError
    from toolkit.reporting.metadata import MetadataError
    from toolkit.reporting.page import MissingExtraError, render_page

    refuse_existing_output("report", output, force)
    load_model_or_exit("report", model, trust_model, cached=True)
    with tqdm(total=0, unit="file", disable=None, file=sys.stderr, leave=False) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        try:
            data = report(
                paths,
                metadata=metadata,
                from_tags=from_tags,
                summaries=summaries,
                pattern=pattern,
                jobs=jobs,
                model=model,
                trust_model=trust_model,
                full_text=full_text,
                full_text_limit=full_text_limit,
                default_year=default_year,
                progress=progress,
            )
        except (MetadataError, ReportInputError) as error:
            error_line("report", str(error))
            sys.exit(EXIT_USAGE)
        except ModelError as error:
            error_line("report", str(error))
            sys.exit(EXIT_MODEL)
    try:
        page = render_page(data, title=title)
    except MissingExtraError as error:
        error_line("report", str(error))
        sys.exit(EXIT_USAGE)
    with written_atomically("report", output, force=force) as out:
        out.write(page)
    for failure in data["corpus"]["failed"]:
        error_line("report", failure["error"])
    corpus = data["corpus"]
    click.echo(
        f"report: {output}: {corpus['documents']} documents ({corpus['paragraphs']} paragraphs), "
        f"{len(corpus['failed'])} failed, {len(page.encode('utf-8')) / 1e6:.1f} MB",
        err=True,
    )
    sys.exit(EXIT_SOME_FAILED if corpus["failed"] else EXIT_OK)
