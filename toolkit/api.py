"""The Python API: typed, keyword-only functions the commands are built on."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from toolkit.modelfiles import default_idf_path
from toolkit.summarising.idf import IdfTable
from toolkit.summarising.summariser import SUMMARY_INPUT_CHARS, Length, Summariser, Summary
from toolkit.text.document import Document, default_pipeline

if TYPE_CHECKING:
    from toolkit.themes.model import TaggedParagraph, ThemeModel
    from toolkit.themes.training import TrainingReport


@cache
def default_summariser() -> Summariser:
    """Loaded once per process: the IDF table and the segmentation dictionary."""
    return Summariser(default_pipeline(), IdfTable.load(default_idf_path()))


def read_document(
    text: str | bytes, *, source: str = "<text>", encoding: str | None = None, max_chars: int | None = None
) -> Document:
    """The report as a :class:`Document`; ``max_chars``: only its first lines up to about that many characters."""
    return default_pipeline().document(text, source=source, encoding=encoding, max_chars=max_chars)


def summarise(
    text: str | bytes | Document,
    *,
    sentences: int | None = None,
    max_chars: int | None = None,
    ratio: float | None = None,
    simplified: bool = False,
    source: str = "<text>",
    encoding: str | None = None,
) -> Summary:
    """Extractive summary of one report.

    ``sentences`` caps the number of sentences, ``max_chars`` the characters
    (never exceeded, except that one sentence is always returned), ``ratio``
    the fraction of the article's characters.  With none of them, 5% of
    the article, 200 to 500 characters.
    """
    if sentences is not None and sentences < 1:
        raise ValueError("sentences must be at least 1")
    if max_chars is not None and max_chars < 1:
        raise ValueError("max_chars must be at least 1")
    if ratio is not None and not 0 < ratio <= 1:
        raise ValueError("ratio must be in (0, 1]")
    document = text if isinstance(text, Document) else read_document(text, source=source, encoding=encoding, max_chars=SUMMARY_INPUT_CHARS)
    length = Length(sentences=sentences, max_chars=max_chars, ratio=ratio)
    return default_summariser().summarise(document, length, simplified=simplified)


def load_model(path: str | Path | None = None, *, trust: bool = False) -> "ThemeModel":
    """A theme model folder (the shipped one when ``path`` is None).

    Pickle/joblib files are refused unless ``trust=True``.
    """
    from toolkit.themes.model import ThemeModel

    return ThemeModel.load(path, trust=trust)


def tag(
    text: str | bytes | Document,
    *,
    model: "ThemeModel | None" = None,
    source: str = "<text>",
    encoding: str | None = None,
) -> "list[TaggedParagraph]":
    """Every paragraph of a report with its themes (best first, or ``["other"]``) and scores."""
    from toolkit.themes.model import default_theme_model

    document = text if isinstance(text, Document) else read_document(text, source=source, encoding=encoding)
    return (model or default_theme_model()).tag_document(document)


def summarise_by_theme(
    text: str | bytes | Document,
    *,
    model: "ThemeModel | None" = None,
    source: str = "<text>",
    encoding: str | None = None,
):
    """For each theme the report is about, the sentence that best represents it."""
    from toolkit.themes.model import default_theme_model

    document = text if isinstance(text, Document) else read_document(text, source=source, encoding=encoding)
    return (model or default_theme_model()).key_sentences(document)


def train(records: Iterable[dict], **options) -> "tuple[ThemeModel, TrainingReport]":
    """Train a theme model on labelled paragraphs (``text``, ``labels``, optional ``group``).

    Returns the model, trained on everything, and its grouped cross-validation report.
    """
    from toolkit.themes.training import train_model

    return train_model(list(records), **options)


def report(
    paths: Iterable[str],
    *,
    metadata: str | Path | None = None,
    from_tags: str | Path | None = None,
    summaries: str | Path | None = None,
    pattern: str = "*.txt",
    jobs: int = 1,
    model: str | Path | None = None,
    trust_model: bool = False,
    full_text: bool = False,
    full_text_limit: int = 2000,
    summary_chars: int = 120,
    default_year: int | None = None,
    progress=None,
) -> dict:
    """The data of the corpus report page for the files under ``paths``, as a plain dict.

    ``metadata``: CSV or JSONL with a ``file`` column (dates, sources, regions);
    ``from_tags``: a finished `tag` JSONL instead of tagging again; ``summaries``:
    a `summarise --json` JSONL instead of summarising again.  Documents after
    ``full_text_limit`` keep summary and theme strip only, unless ``full_text``.
    ``progress(done, total)`` is called after each file.  Render it with
    ``toolkit.reporting.page.render_page``.
    """
    from toolkit.reporting.collect import ReportSettings, collect

    settings = ReportSettings(
        metadata=str(metadata) if metadata else None,
        from_tags=str(from_tags) if from_tags else None,
        summaries=str(summaries) if summaries else None,
        pattern=pattern,
        jobs=jobs,
        model=str(model) if model else None,
        trust_model=trust_model,
        full_text_limit=None if full_text else full_text_limit,
        summary_chars=summary_chars,
        default_year=default_year,
    )
    return collect([str(p) for p in paths], settings, progress)
