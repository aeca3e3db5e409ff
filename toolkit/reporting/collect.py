"""Gathering a corpus for the report: find the files, tag them (or read a `tag` run), summarise, date, facet.

Tagging runs in parallel through ``toolkit.batch.tagging.tag_files``; the
summary of each file is made in the main process while the workers tag the
next files.  With ``from_tags`` the paragraphs and themes come from a
finished `tag` JSONL (read as a stream, a file's records being consecutive),
and with ``summaries`` the summaries from a `summarise --json` JSONL, so a
large corpus can be reported on without tagging it again.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

from toolkit.reporting.data import OTHER, CorpusData, ParagraphRecord, facet_value, pick_examples
from toolkit.reporting.dates import date_from_text, parse_date_value
from toolkit.reporting.metadata import MetadataTable, read_metadata

Progress = Callable[[int, int], None]  # (files done, files in all)


class ReportInputError(ValueError):
    """An input file of the report (tag records, summaries) that cannot be used: one line naming it."""


@dataclass(frozen=True)
class FoundFile:
    path: str  # as found, for reading and showing
    relative: str  # under the folder named on the command line, for metadata and folder facets

    @property
    def folder(self) -> str:
        parts = Path(self.relative).parts
        return parts[0] if len(parts) > 1 else "."


@dataclass(frozen=True)
class ReportSettings:
    metadata: str | None = None
    from_tags: str | None = None
    summaries: str | None = None
    pattern: str = "*.txt"
    jobs: int = 1
    model: str | None = None
    trust_model: bool = False
    full_text_limit: int | None = 2000
    summary_chars: int = 120
    default_year: int | None = None


def find_report_files(paths: Sequence[str], pattern: str) -> tuple[list[FoundFile], list[dict]]:
    """Files under each path, each remembering its path relative to the folder it was found in."""
    from toolkit.batch.tagging import find_files

    found: list[FoundFile] = []
    missing: list[dict] = []
    for name in paths:
        files, failures = find_files([name], pattern)
        missing.extend({"file": f.file, "error": f.error} for f in failures)
        root = Path(name)
        for file in files:
            relative = os.path.relpath(file, root) if root.is_dir() else Path(file).name
            found.append(FoundFile(file, relative.replace(os.sep, "/")))
    return found, missing


def file_key(path: str) -> str:
    return os.path.normcase(os.path.abspath(path))


def read_jsonl(path: str, what: str) -> Iterator[tuple[int, dict]]:
    try:
        handle = open(path, encoding="utf-8-sig")
    except OSError as error:
        raise ReportInputError(f"{path}: cannot read {what} ({error.strerror or error})") from None
    with handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise ReportInputError(f"{path}: line {number}: not JSON ({error.msg})") from None
            if not isinstance(row, dict) or "file" not in row:
                raise ReportInputError(f"{path}: line {number}: not a {what} record (no 'file')")
            yield number, row


def tag_records_by_file(path: str) -> Iterator[tuple[str, list[ParagraphRecord]]]:
    """A `tag` JSONL as (file, paragraphs), one file at a time."""
    current: str | None = None
    paragraphs: list[ParagraphRecord] = []
    for number, row in read_jsonl(path, "tag"):
        try:
            record = ParagraphRecord(str(row["text"]), tuple(row["labels"]) or (OTHER,), dict(row.get("scores") or {}), int(row.get("line", 0)))
        except (KeyError, TypeError, ValueError):
            raise ReportInputError(f"{path}: line {number}: a tag record needs text and labels") from None
        if row["file"] != current:
            if current is not None:
                yield current, paragraphs
            current, paragraphs = row["file"], []
        paragraphs.append(record)
    if current is not None:
        yield current, paragraphs


def read_summaries(path: str, summary_chars: int) -> dict[str, str]:
    """`summarise --json` records (``sentences``) or plain ``{"file", "summary"}`` records, by file."""
    summaries: dict[str, str] = {}
    for number, row in read_jsonl(path, "summary"):
        if isinstance(row.get("summary"), str):
            summaries[file_key(row["file"])] = row["summary"]
        elif isinstance(row.get("sentences"), list):
            texts = [s.get("text", "") for s in row["sentences"] if isinstance(s, dict)]
            summaries[file_key(row["file"])] = shorten(texts, summary_chars)
        else:
            raise ReportInputError(f"{path}: line {number}: a summary record needs 'summary' or 'sentences'")
    return summaries


def shorten(sentences: Sequence[str], max_chars: int) -> str:
    """Whole sentences up to ``max_chars``; the first one always (cut with … only if far too long)."""
    kept: list[str] = []
    used = 0
    for sentence in sentences:
        if kept and used + len(sentence) > max_chars:
            break
        kept.append(sentence)
        used += len(sentence)
    text = "".join(kept)
    return text if len(text) <= max_chars * 2 else text[: max_chars * 2 - 1] + "…"


def summary_of_file(path: str, settings: ReportSettings) -> str:
    from toolkit.api import read_document, summarise
    from toolkit.text.reading import read_bytes

    document = read_document(read_bytes(path), source=path)
    return summarise(document, max_chars=settings.summary_chars).text()


class ReportBuilder:
    """Turns the files and settings into a ``CorpusData``, one document at a time."""

    def __init__(self, settings: ReportSettings, themes: Sequence[str], metadata: MetadataTable | None) -> None:
        self.settings = settings
        self.metadata = metadata
        self.data = CorpusData(themes, full_text_limit=settings.full_text_limit)

    def add(self, found: FoundFile, paragraphs: Sequence[ParagraphRecord], summary: str) -> None:
        row = self.metadata.find(found.path, found.relative) if self.metadata else None
        row = row or {}
        day = parse_date_value(row.get("date"))
        source = "metadata" if day else None
        if day is None:
            day = date_from_text([p.text for p in paragraphs], default_year=self.settings.default_year)
            source = "text" if day else None
        facets = {}
        for column, value in row.items():
            if column in ("file", "title", "date"):
                continue
            label = facet_value(value)
            if label is not None:
                facets[column] = label
        title = facet_value(row.get("title"))
        self.data.add_document(
            file=found.path,
            folder=found.folder,
            paragraphs=paragraphs,
            summary=summary,
            title=title,
            day=day,
            date_source=source,
            facets=facets,
        )


def collect(paths: Sequence[str], settings: ReportSettings, progress: Progress | None = None) -> dict:
    """The report data for the files under ``paths`` (see ``toolkit.report``)."""
    from toolkit.batch.tagging import cached_model
    from toolkit.text.reading import ReadError

    model = cached_model(settings.model, settings.trust_model)  # the one `tag_files` uses in this process
    themes = [label for label in model.labels if label != OTHER]
    metadata = read_metadata(settings.metadata) if settings.metadata else None
    summaries = read_summaries(settings.summaries, settings.summary_chars) if settings.summaries else None
    found, missing = find_report_files(paths, settings.pattern)
    builder = ReportBuilder(settings, themes, metadata)
    for failure in missing:
        builder.data.add_failure(failure["file"], failure["error"])
    total = len(found)
    done = 0

    def summary_for(file: FoundFile) -> str:
        if summaries is not None:
            summary = summaries.get(file_key(file.path))
            if summary is None:
                raise ReadError(file.path, f"no summary in {settings.summaries}")
            return summary
        return summary_of_file(file.path, settings)

    def tick() -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total)

    if settings.from_tags:
        by_key = {file_key(f.path): f for f in found}
        reported: set[str] = set()
        for name, paragraphs in tag_records_by_file(settings.from_tags):
            file = by_key.get(file_key(name))
            if file is None or file_key(name) in reported:
                continue  # a file outside PATHS, or a repeated run
            reported.add(file_key(name))
            try:
                builder.add(file, paragraphs, summary_for(file))
            except ReadError as error:
                builder.data.add_failure(file.path, str(error))
            tick()
        for file in found:
            if file_key(file.path) not in reported:
                builder.data.add_failure(file.path, f"{file.path}: not in {settings.from_tags} (tag could not read it, or it is empty)")
                tick()
    else:
        from toolkit.batch.tagging import TagSettings, tag_files

        tag_settings = TagSettings(model=settings.model, trust_model=settings.trust_model)
        for file, result in zip(found, tag_files([f.path for f in found], tag_settings, jobs=settings.jobs)):
            if result.error:
                builder.data.add_failure(file.path, result.error)
            else:
                paragraphs = [ParagraphRecord(p.text, p.labels, p.scores, p.line) for p in result.paragraphs]
                try:
                    builder.add(file, paragraphs, summary_for(file))
                except ReadError as error:
                    builder.data.add_failure(file.path, str(error))
            tick()

    def key_sentences(document: dict) -> list:
        from toolkit.api import read_document
        from toolkit.text.reading import read_bytes

        try:
            return model.key_sentences(read_document(read_bytes(document["file"]), source=document["file"]))
        except ReadError:
            return []  # the file went away since it was tagged: it just gives no example

    return builder.data.to_dict(pick_examples(builder.data, key_sentences))



