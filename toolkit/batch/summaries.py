"""Batch summarising: many reports, in parallel, results streamed in file order.

Like :mod:`toolkit.batch.tagging`: workers receive file paths, not texts; a
file that cannot be read becomes an error result and the batch goes on.  A
result carries the JSON record the ``-o`` JSONL file holds and the plain text
``summarise`` prints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Sequence

from toolkit.summarising.summariser import SUMMARY_INPUT_CHARS
from toolkit.text.document import Document, require_text
from toolkit.text.reading import ReadError, read_bytes

# Keywords that are pieces of phrases rather than words: a determiner plus a
# noun (该区, 本市, 各乡镇) or an amount (余条, 万余张, 3000); users read them as noise.
_FRAGMENT = re.compile(r"^[该本此各每]\w{1,2}$|余|^[0-9０-９万亿千百十.．%]+|^[万亿千百]")


@dataclass(frozen=True)
class SummarySettings:
    sentences: int | None = None
    max_chars: int | None = None
    ratio: float | None = None
    simplified: bool = False
    encoding: str | None = None
    by_theme: bool = False
    model: str | None = None  # theme model folder for by_theme; None for the shipped one
    trust_model: bool = False


@dataclass(frozen=True)
class SummaryResult:
    file: str
    record: dict | None = None  # what --json and -o write
    text: str = ""  # what is printed
    error: str | None = None
    chars: int = 0


def article_keywords(keywords: Sequence[str], document: Document, *, simplified: bool = False) -> list[str]:
    """Whole-word keywords, each in the script of the article (the summariser finds them in simplified form).

    A keyword is looked up in the analysis form of the sentences and the same
    span is taken from the printed text where the two line up character for
    character (OpenCC's traditional-to-simplified conversion nearly always
    keeps lengths); otherwise the simplified form is kept.
    """
    words = [k for k in keywords if not _FRAGMENT.search(k)]
    if simplified:
        return words
    shown: list[str] = []
    for word in words:
        original = word
        for sentence in document.sentences:
            start = sentence.analysis.find(word)
            if start >= 0 and len(sentence.analysis) == len(sentence.text):
                original = sentence.text[start : start + len(word)]
                break
        shown.append(original)
    return shown


def summarise_file(path: str, settings: SummarySettings) -> SummaryResult:
    from toolkit.api import read_document, summarise

    try:
        # --by-theme tags the whole report; a summary reads only what it can rank (SUMMARY_INPUT_CHARS).
        limit = None if settings.by_theme else SUMMARY_INPUT_CHARS
        document = require_text(read_document(read_bytes(path), source=path, encoding=settings.encoding, max_chars=limit))
    except ReadError as error:
        return SummaryResult(path, error=str(error))
    chars = sum(len(p.text) for p in document.paragraphs)
    if settings.by_theme:
        from toolkit.batch.tagging import cached_model

        picks = cached_model(settings.model, settings.trust_model).key_sentences(document)
        record = {"file": path, "themes": [pick.to_json(simplified=settings.simplified) for pick in picks]}
        lines = [f"[{pick.theme}] {pick.simplified if settings.simplified else pick.text}" for pick in picks]
        return SummaryResult(path, record, "\n".join(lines) if lines else "(no theme found)", chars=chars)
    summary = summarise(
        document, sentences=settings.sentences, max_chars=settings.max_chars, ratio=settings.ratio, simplified=settings.simplified
    )
    record = summary.to_json()
    record["keywords"] = article_keywords(summary.keywords, document, simplified=settings.simplified)
    return SummaryResult(path, record, str(summary), chars=chars)


def _summarise_chunk(paths: Sequence[str], settings: SummarySettings) -> list[SummaryResult]:
    return [summarise_file(path, settings) for path in paths]


def summarise_files(
    files: Sequence[str], settings: SummarySettings, *, jobs: int = 1, chunk_size: int = 8
) -> Iterator[SummaryResult]:
    """Results in file order, as soon as each is ready.  Standard input (``-``) is read in this process."""
    if jobs == 1 or len(files) <= 1 or "-" in files:
        for path in files:
            yield summarise_file(path, settings)
        return
    from joblib import Parallel, delayed

    chunks = [files[i : i + chunk_size] for i in range(0, len(files), chunk_size)]
    parallel = Parallel(n_jobs=jobs, return_as="generator")
    for results in parallel(delayed(_summarise_chunk)(chunk, settings) for chunk in chunks):
        yield from results
