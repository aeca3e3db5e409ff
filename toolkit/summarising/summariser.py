"""Extractive summaries: whole sentences of the article, in the article's order.

Each sentence gets a prior score from its TF-IDF row (cosine with the whole
document and with the title), its position (reports put the gist first),
the figures it carries (dates and counts: the references are concrete) and
whether it is a section heading (headings are dense summaries of their
section).  Sentences are then chosen greedily by prior plus *coverage*, the
weight of document terms they add that the summary does not cover yet, per
character**density, skipping any that would break the length budget.
Coverage does the work of redundancy control: a sentence repeating chosen
ones adds little.  Captions, bylines, footers and headings that only name
the reporting unit (区教育局) are never chosen.

Weights were chosen on the tune half of the in-domain dev set plus 40 more
reports, and checked on the other half: ``bench/tune_summ.py``,
``bench/summ_bench.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from toolkit.summarising.idf import IdfTable, tfidf_rows
from toolkit.text.document import (
    BOILERPLATE,
    HEADING,
    TEXT,
    Document,
    Sentence,
    TextPipeline,
)

# Section headings that only name the unit reporting (区经济合作和商务局, 共青团雨城区委,
# 大兴街道, 八步镇) say nothing about the work: never chosen.
_UNIT_NAME = re.compile(r"^\S{0,14}(局|委|镇|乡|街道|社|办|办公室|中心|院|所|队|部|组|村|社区)$")
_FIGURE = re.compile(r"[0-9]+(?:\.[0-9]+)?")


@dataclass(frozen=True)
class SummaryWeights:
    """Defaults chosen by bench/tune_summ.py (coordinate search) on the tune half of domain_dev
    plus the 40 reports of data/bench/summ_extra.jsonl."""

    centrality: float = 1.0  # cosine with the whole document
    title: float = 0.0  # cosine with the title (0: the tuning set preferred centrality alone)
    position: float = 0.2  # bonus = position * exp(-position_decay * rank among candidates)
    position_decay: float = 0.05
    paragraph_start: float = 0.1  # bonus for the first sentence of a paragraph
    specifics: float = 0.4  # bonus for figures (dates, counts): reports' gist is concrete
    headings: float | None = 0.1  # section headings are dense summaries; None never chooses them
    short_chars: int = 15  # sentences shorter than this are damped in proportion
    min_chars: int = 6  # shorter sentences are never chosen
    coverage: float = 8.0  # weight of the document's not-yet-covered terms a sentence adds
    density: float = 0.5  # choose by (score + coverage gain) / length**density
    redundancy: float = 0.0  # MMR: minus redundancy * max similarity to chosen sentences


@dataclass(frozen=True)
class SummarySentence:
    text: str
    index: int
    paragraph: int
    score: float
    simplified: str = ""

    def to_json(self, *, simplified: bool = False) -> dict:
        return {
            "text": self.simplified if simplified else self.text,
            "index": self.index,
            "paragraph": self.paragraph,
            "score": round(self.score, 4),
        }


@dataclass(frozen=True)
class Summary:
    sentences: tuple[SummarySentence, ...]
    keywords: tuple[str, ...] = ()
    source: str = "<text>"
    simplified: bool = False

    def __str__(self) -> str:
        return self.text()

    def text(self, *, simplified: bool | None = None) -> str:
        """Sentences in article order; a new line where the summary skips to another paragraph."""
        use_simplified = self.simplified if simplified is None else simplified
        parts: list[str] = []
        previous: SummarySentence | None = None
        for sentence in self.sentences:
            if previous is not None and sentence.paragraph != previous.paragraph:
                parts.append("\n")
            parts.append(sentence.simplified if use_simplified else sentence.text)
            previous = sentence
        return "".join(parts)

    def to_json(self) -> dict:
        return {
            "file": self.source,
            "sentences": [s.to_json(simplified=self.simplified) for s in self.sentences],
            "keywords": list(self.keywords),
        }


@dataclass(frozen=True)
class Length:
    """How long a summary may be. Any combination; all given limits hold."""

    sentences: int | None = None
    max_chars: int | None = None
    ratio: float | None = None  # fraction of the article's characters

    def char_budget(self, document_chars: int) -> int | None:
        budgets = []
        if self.max_chars is not None:
            budgets.append(self.max_chars)
        if self.ratio is not None:
            budgets.append(max(1, int(self.ratio * document_chars)))
        if not budgets and self.sentences is None:
            budgets.append(default_char_budget(document_chars))
        return min(budgets) if budgets else None

    def floor(self, document_chars: int) -> int:
        """The default length is at least 200 characters (the budget is a ceiling a greedy fill can stop short of)."""
        if self.sentences is None and self.max_chars is None and self.ratio is None:
            return min(DEFAULT_MIN_CHARS, document_chars)
        return 0


DEFAULT_MIN_CHARS, DEFAULT_MAX_CHARS = 200, 500


def default_char_budget(document_chars: int) -> int:
    """5% of the article, between 200 and 500 characters (500 for a 10,000-character report)."""
    return int(min(DEFAULT_MAX_CHARS, max(DEFAULT_MIN_CHARS, 0.05 * document_chars)))


@dataclass
class Summariser:
    pipeline: TextPipeline
    idf: IdfTable
    weights: SummaryWeights = field(default_factory=SummaryWeights)
    n_keywords: int = 10

    @property
    def _candidate_kinds(self) -> tuple[str, ...]:
        return (TEXT, HEADING) if self.weights.headings is not None else (TEXT,)

    def summarise(self, document: Document, length: Length = Length(), *, simplified: bool = False) -> Summary:
        candidates = [
            s
            for s in document.sentences
            if document.paragraphs[s.paragraph].kind in self._candidate_kinds
            and len(s.text) >= self.weights.min_chars
            and not (document.paragraphs[s.paragraph].kind == HEADING and _UNIT_NAME.search(s.analysis))
        ]
        body = [p for p in document.paragraphs if p.kind != BOILERPLATE]
        if not candidates:  # nothing but headings: fall back to whatever text there is
            candidates = [s for p in body for s in p.sentences]
        if not candidates:
            return Summary((), (), document.source, simplified)

        # Each sentence is segmented once; the document and title rows reuse its words.
        words = {s.index: self.pipeline.words(s.analysis) for p in body for s in p.sentences}
        tokens = [words[s.index] for s in candidates]
        doc_tokens = [t for p in body for s in p.sentences for t in words[s.index]]
        title = document.title
        title_tokens = [t for s in title.sentences for t in words[s.index]] if title else []
        rows, vocabulary = tfidf_rows([*tokens, doc_tokens, title_tokens], self.idf)
        sentence_rows, doc_row, title_row = rows[:-2], rows[-2], rows[-1]

        heading_paragraphs = {p.index for p in document.paragraphs if p.kind == HEADING}
        scores = self._scores(candidates, sentence_rows, doc_row, title_row, heading_paragraphs)
        chosen = self._select(candidates, sentence_rows, doc_row, scores, length)
        chosen.sort()
        sentences = tuple(
            SummarySentence(
                candidates[i].text, candidates[i].index, candidates[i].paragraph, float(scores[i]), candidates[i].analysis
            )
            for i in chosen
        )
        keywords = _top_terms(doc_row, vocabulary, self.n_keywords)
        return Summary(sentences, keywords, document.source, simplified)

    def _scores(
        self, candidates: Sequence[Sentence], rows: np.ndarray, doc_row: np.ndarray, title_row: np.ndarray, heading_paragraphs: set[int]
    ) -> np.ndarray:
        w = self.weights
        centrality = rows @ doc_row
        title = rows @ title_row
        rank = np.arange(len(candidates))
        position = np.exp(-w.position_decay * rank)
        first_in_paragraph = np.array(
            [i == 0 or candidates[i - 1].paragraph != s.paragraph for i, s in enumerate(candidates)], dtype=float
        )
        lengths = np.array([len(s.text) for s in candidates], dtype=float)
        damping = np.minimum(1.0, lengths / w.short_chars)
        figures = np.array([min(3, len(_FIGURE.findall(s.analysis))) / 3 for s in candidates])
        is_heading = np.array([s.paragraph in heading_paragraphs for s in candidates], dtype=float)
        score = (w.headings or 0.0) * is_heading + w.specifics * figures + w.centrality * centrality + w.title * title + w.position * position + w.paragraph_start * first_in_paragraph
        return score * damping

    def _select(
        self, candidates: Sequence[Sentence], rows: np.ndarray, doc_row: np.ndarray, scores: np.ndarray, length: Length
    ) -> list[int]:
        """Greedy choice under the budget: prior score plus coverage of the document's
        uncovered terms, per character**density, minus similarity to the chosen (MMR)."""
        w = self.weights
        doc_chars = sum(len(s.text) for s in candidates)
        budget = length.char_budget(doc_chars)
        max_sentences = length.sentences if length.sentences is not None else len(candidates)
        similarity = rows @ rows.T
        lengths = np.array([max(1, len(s.text)) for s in candidates], dtype=float)
        contains = (rows > 0).astype(float)
        term_weights = doc_row / max(doc_row.sum(), 1e-12)
        uncovered = np.ones_like(term_weights)
        chosen: list[int] = []
        used = 0
        remaining = set(range(len(candidates)))
        while remaining and len(chosen) < max_sentences:
            gain = contains @ (term_weights * uncovered)
            key = (scores + w.coverage * gain) / lengths**w.density
            if chosen:
                key = key - w.redundancy * similarity[:, chosen].max(axis=1)
            fitting = [i for i in remaining if budget is None or used + lengths[i] <= budget]
            if not fitting and used < length.floor(doc_chars):  # the default promises 200 characters: one more, within 500
                fitting = [i for i in remaining if used + lengths[i] <= DEFAULT_MAX_CHARS]
            if not fitting:
                break
            best = max(fitting, key=lambda i: (key[i], -i))
            chosen.append(best)
            used += len(candidates[best].text)
            remaining.discard(best)
            uncovered *= 1 - contains[best]
        if not chosen:  # no sentence fits the budget: one sentence is always returned
            chosen.append(int(np.argmax(scores)))
        return chosen


def _top_terms(row: np.ndarray, vocabulary: list[str], k: int) -> tuple[str, ...]:
    order = np.argsort(-row, kind="stable")[:k]
    return tuple(vocabulary[i] for i in order if row[i] > 0 and len(vocabulary[i]) > 1)
