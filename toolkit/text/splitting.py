"""Splitting: text into paragraph lines, paragraphs into sentences."""

from __future__ import annotations

import re

# A sentence ends at a run of end marks (full- or half-width), and keeps the
# closing quotes and brackets that follow them: …待命狀態！” is one sentence.
_END_MARKS = "。！？；…!?;"
_CLOSERS = "”’」』）)】〕》〉\"'"
_SENTENCE = re.compile(rf"[^{_END_MARKS}]*(?:[{_END_MARKS}]+[{re.escape(_CLOSERS)}]*|$)")

# A paragraph line that ends in one of these is prose, not a heading.
_PROSE_ENDINGS = tuple(_END_MARKS + "：:，,")


def split_lines(text: str) -> list[str]:
    """Paragraphs are lines; CRLF and CR count as line breaks. Keeps empty lines for numbering."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph, stripped; a last sentence without an end mark is kept."""
    return [paragraph[start:end] for start, end in sentence_spans(paragraph)]


def sentence_spans(paragraph: str) -> list[tuple[int, int]]:
    """Where each sentence of :func:`split_sentences` starts and ends in the paragraph."""
    spans = []
    for match in _SENTENCE.finditer(paragraph):
        sentence = match.group(0)
        stripped = sentence.strip()
        if stripped:
            start = match.start() + (len(sentence) - len(sentence.lstrip()))
            spans.append((start, start + len(stripped)))
    return spans


def looks_like_heading(paragraph: str, *, max_chars: int = 40) -> bool:
    """A short line with no sentence-final punctuation: a title or section heading."""
    stripped = paragraph.strip()
    closers_stripped = stripped.rstrip(_CLOSERS)
    return 0 < len(stripped) <= max_chars and not closers_stripped.endswith(_PROSE_ENDINGS)
