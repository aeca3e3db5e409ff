"""The Document: one report, cleaned and split, in display and analysis form.

Every command goes through :meth:`TextPipeline.document`; nothing downstream
re-reads or re-cleans.

Caps that keep the cost of a document linear in its size: a line longer than
MAX_PARAGRAPH_CHARS characters (a report with no line breaks, a log) is cut
into paragraphs of at most that many characters at sentence ends, and a
sentence longer than that is cut hard, so no later step (segmentation,
features, sentence ranking) ever sees a giant paragraph or sentence.  A
document longer than MAX_SECTION_CHARS is tagged in sections of about that
size (:func:`sections`), each read as a document of its own (context,
whole-document features, score smoothing): whole-document features are
repeated for every paragraph, so one giant document would cost paragraphs x
vocabulary.  The longest report of the corpus is 16,000 characters: real
reports are never cut.
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
    strip_link_marker,
)
from toolkit.text.reading import ReadError, decode
from toolkit.text.splitting import looks_like_heading, sentence_spans, split_lines, split_sentences
from toolkit.text.words import Segmenter

TEXT = "text"
HEADING = "heading"
BOILERPLATE = "boilerplate"

# Longest paragraph (and sentence) any later step sees; the longest line of the corpus is under 5,000.
MAX_PARAGRAPH_CHARS = 5000
# Longest stretch of a document read as one document when tagging (about 3x the corpus's longest report).
MAX_SECTION_CHARS = 50_000


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

    def with_hmm(self, hmm: bool) -> "TextPipeline":
        """This pipeline, or one like it whose segmenter uses (or leaves out) jieba's HMM for words
        its dictionary lacks: a model's features say which its words were segmented with."""
        if self.segmenter.hmm == hmm:
            return self
        pipeline = TextPipeline(segmenter=Segmenter(self.segmenter.backend, hmm=hmm))
        pipeline.to_simplified = self.to_simplified  # the same converter (it loads lazily, once)
        return pipeline

    def document(
        self, text: str | bytes, *, source: str = "<text>", encoding: str | None = None, max_chars: int | None = None
    ) -> Document:
        """The report cleaned and split.  ``max_chars``: only its first lines up to about that many
        characters (cut at a line end), for a reader that never looks further (the summariser)."""
        if isinstance(text, bytes):
            text = decode(text, encoding=encoding, source=source)
        if max_chars is not None and len(text) > max_chars:
            line_end = text.find("\n", max_chars)
            text = text[: line_end if line_end >= 0 else max_chars]
        lines = [
            (number, piece)
            for number, raw_line in enumerate(split_lines(remove_artifacts(text)), start=1)
            for piece in cut_long_line(raw_line.strip())
        ]
        document = Document(tuple(self._paragraphs(lines, keep_teasers=False)), source=source)
        if not has_text(document) and any(strip_link_marker(line) for _, line in lines):
            # A report that is a single headline teaser (…【詳細】): its text is the article.
            document = Document(tuple(self._paragraphs(lines, keep_teasers=True)), source=source)
        return document

    def _paragraphs(self, lines: list[tuple[int, str]], *, keep_teasers: bool) -> list[Paragraph]:
        paragraphs: list[Paragraph] = []
        sentence_count = 0
        for line_number, line in lines:
            if not line:
                continue
            if keep_teasers:
                line = strip_link_marker(line) or line
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
            # Folding and conversion keep almost every line's length; then each sentence's analysis
            # form is the same stretch of the line's, and only lines that changed length convert
            # sentence by sentence (the cleaning is then done once per character, not twice).
            same_length = len(analysis) == len(line)
            for start, end in sentence_spans(line):
                sentences.append(
                    Sentence(
                        text=line[start:end],
                        analysis=analysis[start:end] if same_length else analysis_form(line[start:end], self.to_simplified),
                        index=sentence_count,
                        paragraph=index,
                        line=line_number,
                    )
                )
                sentence_count += 1
            paragraphs.append(Paragraph(line, analysis, index, line_number, kind, tuple(sentences)))
        return paragraphs

    def words(self, analysis_text: str) -> list[str]:
        return self.segmenter.words(analysis_text)


def cut_long_line(line: str, limit: int = MAX_PARAGRAPH_CHARS) -> list[str]:
    """A line as paragraphs of at most ``limit`` characters: cut after sentence ends, hard when a
    sentence alone is longer.  Lines within the limit come back unchanged."""
    if len(line) <= limit:
        return [line]
    pieces: list[str] = []
    current = ""
    for sentence in split_sentences(line):
        while len(sentence) > limit:  # no sentence end for `limit` characters: cut hard
            if current:
                pieces.append(current)
                current = ""
            pieces.append(sentence[:limit])
            sentence = sentence[limit:]
        if len(current) + len(sentence) > limit:
            pieces.append(current)
            current = ""
        current += sentence
    if current:
        pieces.append(current)
    return [piece for piece in (p.strip() for p in pieces) if piece]


def sections(document: Document, max_chars: int = MAX_SECTION_CHARS) -> list[Document]:
    """The document as consecutive parts of at most ``max_chars`` characters (cut between
    paragraphs; paragraphs and sentences keep their numbers and lines).  Most documents are one part."""
    if sum(len(p.text) for p in document.paragraphs) <= max_chars:
        return [document]
    parts: list[Document] = []
    current: list[Paragraph] = []
    size = 0
    for paragraph in document.paragraphs:
        if current and size + len(paragraph.text) > max_chars:
            parts.append(Document(tuple(current), source=document.source))
            current, size = [], 0
        current.append(paragraph)
        size += len(paragraph.text)
    if current:
        parts.append(Document(tuple(current), source=document.source))
    return parts


def has_text(document: Document) -> bool:
    """True when the document has a paragraph of article text or a heading (not only boilerplate)."""
    return any(p.kind != BOILERPLATE and p.sentences for p in document.paragraphs)


def require_text(document: Document) -> Document:
    """The document, or :class:`ReadError` ("no text") when nothing but boilerplate is left:
    an empty file must be an error for that file, not an empty summary."""
    if not has_text(document):
        reason = "no text (empty file)" if not document.paragraphs else "no text (nothing but boilerplate after cleaning)"
        raise ReadError(document.source, reason)
    return document


@cache
def default_pipeline() -> TextPipeline:
    """One shared pipeline per process, so the dictionary loads once."""
    return TextPipeline()
