"""A corpus as the plain dict the report page shows: counts, shares, time, facets, examples, documents.

Documents arrive one at a time (``CorpusData.add_document``) so that a
100,000-document corpus streams through; everything the page charts is
computed here in Python and embedded, the browser only filters the list.
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Sequence

from toolkit.reporting.dates import period_of, period_unit

OTHER = "other"

FACET_MAX_VALUES = 40  # a column with more distinct values (titles, urls, ids) is not a facet
FACET_MAX_CHARS = 80
NOT_FACETS = {"file", "title", "date", "text", "summary"}
EXAMPLE_CANDIDATES = 6  # documents per theme whose sentences are scored for the examples
EXAMPLE_MIN_CHARS = 20  # shorter paragraphs are headings: a poor example of a theme
TITLE_MAX_CHARS = 60  # a first paragraph this short is the title when nothing else names one


@dataclass(frozen=True)
class ParagraphRecord:
    """One tagged paragraph, whether just tagged or read back from a `tag` JSONL."""

    text: str
    labels: tuple[str, ...]
    scores: dict[str, float]
    line: int = 0


@dataclass
class CorpusData:
    """Accumulates documents and failures; ``to_dict`` gives what the page shows."""

    themes: Sequence[str]
    full_text_limit: int | None = 2000  # documents after this many keep summary and strip only
    documents: list[dict] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)
    paragraph_count: int = 0
    character_count: int = 0
    paragraph_themes: Counter = field(default_factory=Counter)
    # Per theme, a min-heap of (best paragraph score, document index): the example candidates.
    candidates: dict[str, list] = field(default_factory=dict)

    def add_failure(self, file: str, error: str) -> None:
        self.failed.append({"file": file, "error": error})

    def add_document(
        self,
        *,
        file: str,
        folder: str,
        paragraphs: Sequence[ParagraphRecord],
        summary: str,
        title: str | None = None,
        day: date | None = None,
        date_source: str | None = None,
        facets: dict[str, str] | None = None,
    ) -> dict:
        index = len(self.documents)
        strip = [record.labels[0] if record.labels else OTHER for record in paragraphs]
        present = sorted({label for record in paragraphs for label in record.labels if label != OTHER})
        if not title and paragraphs and len(paragraphs[0].text) <= TITLE_MAX_CHARS:
            title = paragraphs[0].text
        full_text = self.full_text_limit is None or index < self.full_text_limit
        document = {
            "id": index,
            "file": file,
            "folder": folder,
            "title": title or Path(file).name,
            "date": day.isoformat() if day else None,
            "date_source": date_source if day else None,
            "facets": facets or {},
            "summary": summary,
            "themes": present,
            "strip": strip,
            "chars": sum(len(record.text) for record in paragraphs),
            "paragraphs": [{"text": r.text, "labels": list(r.labels)} for r in paragraphs] if full_text else None,
        }
        self.documents.append(document)
        self.paragraph_count += len(paragraphs)
        self.character_count += document["chars"]
        for record in paragraphs:
            self.paragraph_themes.update(label for label in record.labels if label != OTHER)
        self._note_candidates(index, paragraphs)
        return document

    def _note_candidates(self, index: int, paragraphs: Sequence[ParagraphRecord]) -> None:
        best: dict[str, float] = {}
        for record in paragraphs:
            if len(record.text) < EXAMPLE_MIN_CHARS:
                continue
            for label in record.labels:
                if label != OTHER:
                    best[label] = max(best.get(label, 0.0), record.scores.get(label, 0.0))
        for label, score in best.items():
            heap = self.candidates.setdefault(label, [])
            if len(heap) < EXAMPLE_CANDIDATES:
                heapq.heappush(heap, (score, index))
            elif score > heap[0][0]:
                heapq.heapreplace(heap, (score, index))

    def example_candidates(self) -> dict[str, list[int]]:
        """Per theme, the documents (best first) whose sentences are worth scoring for an example."""
        return {label: [i for _, i in sorted(heap, reverse=True)] for label, heap in self.candidates.items()}

    def to_dict(self, examples: dict[str, list[dict]] | None = None) -> dict:
        themes = list(self.themes)
        documents = self.documents
        document_themes = Counter(theme for d in documents for theme in d["themes"])
        return {
            "themes": themes,
            "corpus": {
                "documents": len(documents),
                "paragraphs": self.paragraph_count,
                "characters": self.character_count,
                "failed": self.failed,
                "full_text_documents": sum(1 for d in documents if d["paragraphs"] is not None),
            },
            "theme_share": {
                theme: {
                    "documents": document_themes[theme],
                    "document_share": document_themes[theme] / len(documents) if documents else 0.0,
                    "paragraphs": self.paragraph_themes[theme],
                    "paragraph_share": self.paragraph_themes[theme] / self.paragraph_count if self.paragraph_count else 0.0,
                }
                for theme in themes
            },
            "cooccurrence": cooccurrence(documents, themes),
            "timeline": timeline(documents, themes),
            "facets": facets(documents, themes),
            "examples": examples or {},
            "documents": documents,
        }


def cooccurrence(documents: Sequence[dict], themes: Sequence[str]) -> list[list[int]]:
    """Documents having both themes (row, column); the diagonal is documents having the theme."""
    position = {theme: i for i, theme in enumerate(themes)}
    matrix = [[0] * len(themes) for _ in themes]
    for document in documents:
        present = [position[t] for t in document["themes"] if t in position]
        for i in present:
            for j in present:
                matrix[i][j] += 1
    return matrix


def timeline(documents: Sequence[dict], themes: Sequence[str]) -> dict:
    """Documents per period and, per theme, documents having it; weeks or months by the span."""
    all_days = [date.fromisoformat(d["date"]) for d in documents if d["date"]]
    days = main_span(all_days)
    first, last = (min(days), max(days)) if days else (None, None)
    unit = period_unit(days)
    totals: Counter = Counter()
    by_theme: dict[str, Counter] = {theme: Counter() for theme in themes}
    for document in documents:
        if not document["date"]:
            continue
        day = date.fromisoformat(document["date"])
        if not first <= day <= last:
            continue
        period = period_of(day, unit)
        totals[period] += 1
        for theme in document["themes"]:
            if theme in by_theme:
                by_theme[theme][period] += 1
    periods = all_periods(first, last, unit) if days else []
    return {
        "unit": unit,
        "periods": periods,
        "documents": [totals[p] for p in periods],
        "themes": {theme: [by_theme[theme][p] for p in periods] for theme in themes},
        "dated": len(all_days),
        "undated": len(documents) - len(all_days),
        "outside": len(all_days) - len(days),  # dated, but far from the rest of the corpus: not charted
        "from_metadata": sum(1 for d in documents if d["date_source"] == "metadata"),
        "from_text": sum(1 for d in documents if d["date_source"] == "text"),
    }


SPAN_GAP_DAYS = 90  # dates further than this from the others start a separate group


def main_span(days: Sequence[date]) -> list[date]:
    """The dates of the largest group of dates with no gap over ``SPAN_GAP_DAYS``.

    A few datelines years away from the rest (a reprinted 2018 notice in a
    2020 corpus) would otherwise stretch the time chart over empty years.
    """
    if not days:
        return []
    ordered = sorted(days)
    groups = [[ordered[0]]]
    for day in ordered[1:]:
        if (day - groups[-1][-1]).days > SPAN_GAP_DAYS:
            groups.append([])
        groups[-1].append(day)
    return max(groups, key=len)


def all_periods(first: date, last: date, unit: str) -> list[str]:
    """Every period from first to last, empty ones included, so gaps show on the chart."""
    from datetime import timedelta

    periods: list[str] = []
    day = first
    while day <= last:
        period = period_of(day, unit)
        if not periods or periods[-1] != period:
            periods.append(period)
        day += timedelta(days=7 if unit == "week" else 1)
    if period_of(last, unit) not in periods:
        periods.append(period_of(last, unit))
    return periods


def facets(documents: Sequence[dict], themes: Sequence[str]) -> dict[str, dict]:
    """Per facet (top-level folder, then metadata columns with few values): documents and themes per value."""
    values: dict[str, Counter] = {"folder": Counter(d["folder"] for d in documents)}
    for document in documents:
        for column, value in document["facets"].items():
            values.setdefault(column, Counter())[value] += 1
    chosen = {
        column: counts
        for column, counts in values.items()
        # A facet groups documents: some value is shared (ids and urls never are), and there are few values.
        if column == "folder"
        or (2 <= len(counts) <= FACET_MAX_VALUES and max(counts.values()) >= 2 and column not in NOT_FACETS)
    }
    result: dict[str, dict] = {}
    for column, counts in chosen.items():
        per_value = {value: {"documents": n, "themes": dict.fromkeys(themes, 0)} for value, n in counts.most_common()}
        for document in documents:
            value = document["folder"] if column == "folder" else document["facets"].get(column)
            if value is None:
                continue
            theme_counts = per_value[value]["themes"]
            for theme in document["themes"]:
                if theme in theme_counts:
                    theme_counts[theme] += 1
        result[column] = per_value
    return result


def facet_value(value: object) -> str | None:
    """A metadata value as a facet label, or None when it cannot be one (empty, a number, nested, too long)."""
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return None  # counts and sizes are measurements, not groups
    text = str(value).strip()
    if not text or len(text) > FACET_MAX_CHARS:
        return None
    return text


def pick_examples(
    data: CorpusData,
    key_sentences: Callable[[dict], list],
    per_theme: int = 5,
) -> dict[str, list[dict]]:
    """Per theme, its most representative sentences, each from a different document, best first.

    ``key_sentences(document)`` gives the model's key sentence per theme of one
    document (``ThemeModel.key_sentences``); only the candidate documents are
    read again.
    """
    candidates = data.example_candidates()
    picks_by_document: dict[int, list] = {}
    for indices in candidates.values():
        for index in indices:
            if index not in picks_by_document:
                picks_by_document[index] = key_sentences(data.documents[index])
    examples: dict[str, list[dict]] = {}
    for theme, indices in candidates.items():
        found = []
        for index in indices:
            for pick in picks_by_document[index]:
                if pick.theme == theme:
                    found.append({"document": index, "text": pick.text, "paragraph": pick.paragraph, "score": round(pick.score, 4)})
        found.sort(key=lambda example: -example["score"])
        examples[theme] = found[:per_theme]
    return examples
