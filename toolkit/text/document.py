"""The Document: one report, cleaned and split, in display and analysis form.

Every command goes through :meth:`TextPipeline.document`; nothing downstream
re-reads or re-cleans.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from toolkit.text.cleaning import (
    ScriptConverter,
    analysis_form,
    is_boilerplate,
    remove_artifacts,
    strip_inline_bylines,
)
from toolkit.text.reading import decode
from toolkit.text.splitting import looks_like_heading, split_lines, split_sentences
from toolkit.text.words import Segmenter

TEXT = "text"
HEADING = "heading"
BOILERPLATE = "boilerplate"


@dataclass(frozen=True)
class Sentence:
    text: str  # as printed: the article's script, artefacts removed
    analysis: str  # folded, simplified: what features are computed from
    index: int  # sentence number in the document, from 0
    paragraph: int  # paragraph number in the document, from 0
    line: int  # 1-based line in the source text


@dataclass(frozen=True)
class Paragraph:
    text: str
    analysis: str
    index: int
    line: int
    kind: str  # TEXT, HEADING or BOILERPLATE
    sentences: tuple[Sentence, ...] = ()


@dataclass(frozen=True)
class Document:
    paragraphs: tuple[Paragraph, ...]
    source: str = "<text>"
    sentences: tuple[Sentence, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "sentences", tuple(s for p in self.paragraphs for s in p.sentences)
        )

    @property
    def title(self) -> Paragraph | None:
        """The first paragraph when it is heading-like."""
        if self.paragraphs and self.paragraphs[0].kind == HEADING:
            return self.paragraphs[0]
        return None

    def text(self, *, analysis: bool = False) -> str:
        return "\n".join(p.analysis if analysis else p.text for p in self.paragraphs)


class TextPipeline:
    """Reading, cleaning, splitting and segmentation, configured once.

    Picklable: the OpenCC converter and the dictionary are rebuilt lazily in
    each process.
    """

    def __init__(self, *, segmenter: Segmenter | None = None) -> None:
        self.to_simplified = ScriptConverter("t2s")
        self.segmenter = segmenter or Segmenter()

    def document(self, text: str | bytes, *, source: str = "<text>", encoding: str | None = None) -> Document:
        if isinstance(text, bytes):
            text = decode(text, encoding=encoding, source=source)
        paragraphs: list[Paragraph] = []
        sentence_count = 0
        for line_number, raw_line in enumerate(split_lines(remove_artifacts(text)), start=1):
            line = raw_line.strip()
            if not line:
                continue
            analysis = analysis_form(line, self.to_simplified)
            if is_boilerplate(analysis):
                kind = BOILERPLATE
            else:
                stripped = strip_inline_bylines(line)
                if not stripped:
                    continue
                if stripped != line:  # most lines have no byline: their analysis form is already made
                    line, analysis = stripped, analysis_form(stripped, self.to_simplified)
                kind = HEADING if looks_like_heading(line) else TEXT
            index = len(paragraphs)
            sentences = []
            for sentence_text in split_sentences(line):
                sentences.append(
                    Sentence(
                        text=sentence_text,
                        analysis=analysis_form(sentence_text, self.to_simplified),
                        index=sentence_count,
                        paragraph=index,
                        line=line_number,
                    )
                )
                sentence_count += 1
            paragraphs.append(Paragraph(line, analysis, index, line_number, kind, tuple(sentences)))
        return Document(tuple(paragraphs), source=source)

    def words(self, analysis_text: str) -> list[str]:
        return self.segmenter.words(analysis_text)


@cache
def default_pipeline() -> TextPipeline:
    """One shared pipeline per process, so the dictionary loads once."""
    return TextPipeline()
