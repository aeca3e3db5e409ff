"""Extractive summaries: whole sentences of the article, in the article's order.

The summary is built from *units*: a sentence that stands alone, or a
sentence with what it cannot be read without (a quote with the bare
attribution after it, ``王明说。``; a numbered label, ``一是组织到位。``, with
the first sentence of its own section).  Headings, titles and their repeats,
document numbers, addressees, ``现将…通知如下``, contact and responsibility
notes, signatures, captions, bylines and share links are never units
(:mod:`toolkit.summarising.parts`).  A section heading is never shown
alone: only as the lead-in of the first unit of its own section, the two
scored as one (``禁聚集、防扩散：为减少…``).  A notice opens with who issued it and
when, from its sign-off, and what about, from its title
(``国家卫生健康委办公厅2020年2月3日发文加强疫情期间医用防护用品管理工作：…``).

Each unit gets a prior score from its TF-IDF row (cosine with the whole
document), its position (a news report puts the gist in its lead; the tuning
set gave notices, whose preamble and measures win on content, no position
bonus), the figures it carries (dates and counts: the references are
concrete).  Units are then
chosen greedily by prior plus *coverage*, the weight of document terms they
add that the summary does not cover yet, per character**density, skipping
any that would break the length budget, that nearly repeat a chosen unit
(character bigrams), or that open by pointing back (``对此，``, ``这些``)
at a sentence the summary does not hold.

Cost grows linearly with the report: TF-IDF rows are sparse, each choice
scores every candidate against the document centroid and the coverage
vector (never all pairs), and only the first ``MAX_CANDIDATES`` units are
ranked (the whole report still makes the centroid).

Weights were chosen on the tune half of the in-domain dev set plus 40 more
reports, and checked on the other half: ``bench/tune_summ.py``,
``bench/summ_bench.py``.
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from dataclasses import dataclass, field, replace

import numpy as np

from toolkit.summarising import parts
from toolkit.summarising.idf import IdfTable, sparse_tfidf_rows, weighted_counts
from toolkit.text.document import BOILERPLATE, HEADING, Document, Sentence, TextPipeline
from toolkit.text.splitting import split_sentences

_FIGURE = re.compile(r"[0-9]+(?:\.[0-9]+)?")

# Only the first this many units of a report are ranked: a summary of a few
# hundred characters is drawn from them, and the cap keeps a huge input
# (a 50 MB dump, 100,000 one-line items) linear in time and memory.
MAX_CANDIDATES = 2000
# What the summariser reads of a report: ranking looks at no more than MAX_CANDIDATES units (about
# 100,000 characters of prose), so reading far beyond them would only cost time and memory.  A
# 50 MB report is summarised from its first half-million characters.
SUMMARY_INPUT_CHARS = 500_000


@dataclass(frozen=True)
class SummaryWeights:
    """Defaults chosen by bench/tune_summ.py (coordinate search) on the tune half of domain_dev
    plus the 40 reports of data/bench/summ_extra.jsonl; position_decay and paragraph_start
    re-chosen there (grid, same objective) once the lead-with-a-scrap title fault was fixed;
    the issuer lead-in chosen there; news_lead, section_start, specifics, headings and
    label_lead_ins decided by blind readers in pairwise checks (data/bench/pairwise-*)."""

    centrality: float = 1.0  # cosine with the whole document
    position: float = 0.5  # news: bonus = position * exp(-position_decay * rank among units)
    position_decay: float = 0.1
    notice_position: float = 0.5  # the same for a notice, but only its opening and purpose sentences (为…，根据…)
    paragraph_start: float = 0.1  # bonus for the first unit of a paragraph
    # Bonus for the first unit after a heading or label (a measure's gist): 0 by ROUGE until the news
    # lead bonus came; with it the tuning documents chose 0.4 and blind readers agreed (pairwise-4).
    section_start: float = 0.4
    # Bonus for figures (dates, counts, amounts; up to three): a report's gist is concrete.  1.0 since
    # readers asked for the key figures: preferred 34 times of 51 over 0.4 (data/bench/pairwise-7 and -8,
    # informative 3.53 against 3.03 on news, 3.00 against 2.47 on notices); the tuning documents agree
    # (tune half plus summ_extra 39.5 -> 40.0 R1; grid 0.4 to 2.0).
    specifics: float = 1.0
    short_chars: int = 10  # units shorter than this are damped in proportion
    min_chars: int = 15  # units with fewer word characters are never chosen (slogans, fragments)
    coverage: float = 8.0  # weight of the document's not-yet-covered terms a unit adds
    # choose by (score + coverage gain) / length**density; 0.55 re-chosen (grid 0.45-0.6) on the tune half
    # plus summ_extra once the third panel's openers were kept out: 0.5 lost 0.7 R1 on seed 003's report
    density: float = 0.55
    issuer: bool = True  # open a notice's summary with who issued it and when (its sign-off)
    # A notice's unit printed with its section heading as lead-in (加快资金分配拨付：…) gets this bonus
    # (0.5 chose ROUGE once), a news report's none.  None, the default: headings never lead in.  Blind
    # readers preferred summaries without heading lead-ins 33 times of 36 (data/bench/pairwise-5: a
    # heading glued to a sentence reads as an outline, often one about something else), and ROUGE
    # agrees (domain_dev 39.2 -> 40.0 R1).
    headings: float | None = None
    # A numbered label with little of its own (一是组织到位“施实策”。) printed as the lead-in of its
    # section's first sentence (组织到位“施实策”：盐湖区第一时间…); False, the default: the sentence
    # alone, which blind readers preferred 16 times of 27 (data/bench/pairwise-6; weak evidence).
    label_lead_ins: bool = False
    # A news report's first unit (its lead: who, when, what) gets this bonus on top of ``position``:
    # blind readers preferred it 24 times of 36 (data/bench/pairwise-2), though it costs domain_dev
    # 1.2 R1 (see README, "ROUGE").
    news_lead: float = 0.6
    # Times each unit's TF-IDF cosine with the title: +0.7 R1 on the tuning documents at 0.4, but blind
    # readers rated those summaries less informative (data/bench/pairwise-3), so 0 (off).
    title: float = 0.0
    # Taken off a stock phrase's score (应对疫情就是与时间赛跑，分秒必争。 …是疫情防控的关键。): see parts.is_platitude.
    platitude: float = 0.0


@dataclass(frozen=True)
class SummarySentence:
    text: str
    index: int  # the unit's first sentence in the document
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
        """Sentences in article order, each with its end mark; a new line where the summary skips to another paragraph."""
        use_simplified = self.simplified if simplified is None else simplified
        parts_out: list[str] = []
        previous: SummarySentence | None = None
        for sentence in self.sentences:
            if previous is not None and sentence.paragraph != previous.paragraph:
                parts_out.append("\n")
            text = sentence.simplified if use_simplified else sentence.text
            parts_out.append(text if parts.has_end_mark(text) else text.rstrip(",，、 ") + "。")
            previous = sentence
        return "".join(parts_out)

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
class Unit:
    """One or more consecutive sentences of one paragraph that read as a whole."""

    sentences: list[Sentence]
    section: int = -1  # paragraph index of the section heading above, -1 before any
    lead_in: Sentence | None = None  # the section heading printed before it: 禁聚集、防扩散：为减少…
    section_start: bool = False
    refers_back: bool = False  # needs the sentence before it in the summary
    needs_name: bool = False  # 该区…: needs some earlier summary sentence
    names: str = ""  # 平台每天…: needs an earlier summary sentence naming 平台

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.sentences)

    @property
    def analysis(self) -> str:
        return "".join(s.analysis for s in self.sentences)

    @property
    def first(self) -> Sentence:
        return self.sentences[0]

    def printed(self, *, analysis: bool, lead_in: bool = True) -> str:
        """As the summary prints it: the heading lead-in, the label's lead-in, no dateline
        (``lead_in=False``: neither lead-in, for a unit opened by who issued the notice)."""
        text = parts.strip_dateline(_unit_text(self, analysis=analysis, lead_in=lead_in))
        if text.rstrip().endswith((";", "；")):  # a list cut at the join limit ends as a sentence
            text = text.rstrip()[:-1] + "。"
        if self.lead_in is not None and lead_in and not parts.lead_in_repeats(self.lead_in.analysis, self.first.analysis):
            text = _as_lead_in(self.lead_in.analysis if analysis else self.lead_in.text) + text
        return text


def _as_lead_in(heading: str) -> str:
    """A section heading or numbered label put before its content: 强检查、严防控：每天坚持…,
    加强生活保障：以适当形式开展… (the label's number and end mark dropped)."""
    return parts.strip_label(heading).strip().rstrip("。.！!；;:：,， ") + "："


def _unit_text(unit: Unit, *, analysis: bool, lead_in: bool = True) -> str:
    """A unit as printed: a numbered label leads into its content (``组织到位：…``), a long
    numbered sentence loses its number (``1.由市工信局…`` prints ``由市工信局…``)."""
    pieces = [s.analysis if analysis else s.text for s in unit.sentences]
    first = unit.first.analysis
    if len(pieces) > 1 and parts.is_label(first) and not first.rstrip().endswith((";", "；", ",", "，")):
        # 第三，加强宣传。加强宣传，… : a label saying what its sentence says is dropped, not printed before it
        shown = lead_in and not parts.lead_in_repeats(first, unit.sentences[1].analysis)
        return (_as_lead_in(pieces[0]) if shown else "") + "".join(pieces[1:])
    if parts.LABEL_PREFIX.match(first):
        stripped = parts.strip_label(pieces[0]).lstrip()
        if parts.content_chars(stripped) >= 4:
            pieces[0] = stripped
    else:  # 5．2020年7月1日开始… prints 2020年7月1日开始…
        pieces[0] = parts.strip_wide_number(pieces[0], unit.first.text, analysis=analysis)
    return "".join(pieces)


# Headings that only name the unit reporting (区经济合作和商务局, 大兴街道) say nothing about the work.
_UNIT_NAME = re.compile(r"^\S{0,14}(局|委|镇|乡|街道|社|办|办公室|中心|院|所|队|部|组|村|社区)$")


def report_units(
    document: Document, *, min_chars: int = 6, limit: int = MAX_CANDIDATES, with_headings: bool = True, with_labels: bool = True
) -> list[Unit]:
    """The units a summary may use, in article order (at most ``limit``).

    A section heading is never a unit of its own: the first unit of its
    section comes twice, alone and with the heading as its lead-in
    (``强检查、严防控：每天坚持…``), scored as one text each; the summary takes
    at most one of the two (they repeat each other).  ``with_labels=False``: a
    numbered label (``一是组织到位“施实策”。``) is left out and its content stands alone.
    """
    title_lines = title_paragraphs(document)
    title_bigrams = set().union(*(parts.bigrams(document.paragraphs[i].analysis) for i in title_lines))
    title_text = "".join(document.paragraphs[i].analysis for i in sorted(title_lines))
    leading_headings = 0
    for paragraph in document.paragraphs[:3]:
        if paragraph.kind != HEADING:
            break
        leading_headings += 1
    units: list[Unit] = []
    seen: set[str] = set()
    section = -1
    after_heading = False
    # The unit that ended the last paragraph with any text: an attribution on a line of its own
    # (pages that break lines at quote marks: 「…太方便了！」 / 」 / 「市民喻懋阳说。」) joins it.
    ended_last_paragraph: Unit | None = None
    heading: Sentence | None = None  # the section heading waiting for its first unit
    for paragraph in document.paragraphs:
        if len(units) >= limit:
            break
        if not parts.has_content(paragraph.analysis):  # a line of quote marks or punctuation only
            continue
        if paragraph.kind == HEADING:
            ended_last_paragraph = None
            if paragraph.index < leading_headings:
                continue
            section = paragraph.index
            after_heading = True
            heading = None
            if (
                with_headings
                and len(paragraph.sentences) == 1
                and parts.content_chars(parts.strip_label(paragraph.analysis)) >= 4
                and not _UNIT_NAME.search(paragraph.analysis)
                and not parts.is_boilerplate(paragraph.analysis)
                and not parts.repeats_title(paragraph.analysis, title_bigrams)
                and parts.reads_as_lead_in(paragraph.analysis)
            ):
                heading = paragraph.sentences[0]
            continue
        if paragraph.kind == BOILERPLATE or paragraph.index in title_lines:
            ended_last_paragraph = None
            continue
        pending_label: Sentence | None = None
        current: Unit | None = None
        for position, sentence in enumerate(paragraph.sentences):
            text, analysis = parts.compact(sentence.text), parts.compact(sentence.analysis)
            if text is not sentence.text or analysis is not sentence.analysis:  # most sentences have no aside
                sentence = replace(sentence, text=text, analysis=analysis)
            last_in_paragraph = position == len(paragraph.sentences) - 1
            if position == 0 and parts.is_attribution(analysis) and not parts.is_boilerplate(analysis):
                if ended_last_paragraph is not None:  # 王明说。 starting a line: the quote it closes ended the line before
                    ended_last_paragraph.sentences.append(sentence)
                continue  # never a unit of its own
            boilerplate = parts.is_boilerplate(analysis)
            if current is not None and not boilerplate and (
                parts.is_attribution(analysis)
                or _unfinished(current)
                or (len(current.sentences) == 1 and parts.meeting_goes_on(current.analysis, analysis))
                # a paragraph opening with a quote: who said it, or whose order it was, follows (seed 000)
                or (len(current.sentences) == 1 and position == 1 and parts.is_whole_quote(current.analysis))
            ):
                # 王明说。 belongs to the quote before; a quote still open, or a list item
                # ending in ；, goes on into this sentence.
                if parts.is_cut(analysis):  # …预计近。 : the unit would end cut off
                    units[:] = [u for u in units if u.sentences is not current.sentences]
                    pending_label, current = None, None
                    continue
                current.sentences.append(sentence)
                continue
            # The tail of a byline cut off the line before (华小峰）为缓解…) is dropped.
            closer = parts.unmatched_closer(analysis)
            if closer is not None or "(" in analysis[-parts.TAIL_CHARS :] or "（" in analysis[-parts.TAIL_CHARS :]:
                analysis = parts.strip_open_tail(parts.strip_scrap_head(sentence.analysis))
                text = parts.strip_open_tail(parts.strip_scrap_head(sentence.text))
                if text is not sentence.text and analysis is not sentence.analysis:
                    sentence = replace(sentence, text=text, analysis=analysis)
                    closer = parts.unmatched_closer(analysis)
                else:
                    text, analysis = sentence.text, sentence.analysis
            if closer is not None or parts.is_cut(analysis) or parts.is_slogan(analysis):
                # The end of a quote or aside whose start is not in a unit (落实优惠促发展”为主题…),
                # a sentence cut short (预计近。), a lone figure (7:22), a slogan (全是干货！).
                pending_label, current = None, None
                if position == 0 and parts.starts_mid_phrase(analysis):
                    heading = None  # 配制浓度为250mg/L was the line's first half, not a heading
                continue
            if parts.is_label(analysis):
                pending_label = sentence  # travels with the next sentence of its section
                continue
            if (
                boilerplate
                or (last_in_paragraph and analysis.rstrip().endswith((":", "：")))
                or parts.is_question(analysis)
                or parts.is_list_intro(analysis)
                or parts.is_table_fragment(analysis)
            ):
                pending_label, current = None, None
                continue
            if parts.repeats_title(parts.strip_dateline(analysis), title_bigrams) or analysis in seen:
                pending_label, current = None, None
                continue
            seen.add(analysis)
            current = Unit(
                [pending_label, sentence] if pending_label is not None and with_labels else [sentence],
                section=section,
                section_start=pending_label is not None or (after_heading and position == 0) or bool(parts.LABEL_PREFIX.match(analysis)),
                refers_back=parts.refers_back(analysis),
                # a data line (57497辆、132587人) is never the summary's first sentence either
                needs_name=parts.needs_name_before(analysis) or parts.is_data_line(analysis),
                names=_unnamed(parts.definite_noun(analysis), title_text),
            )
            units.append(current)
            if heading is not None and pending_label is None and parts.content_chars(current.analysis) >= min_chars:
                units.append(replace(current, lead_in=heading))  # shares the sentence list: joins follow
            heading = None
            pending_label = None
            after_heading = False
        ended_last_paragraph = current
        after_heading = False
    # A responsibility note split at its semicolon ((牵头单位：…；责任单位：…）) is one form line.
    return [
        u
        for u in units
        if parts.content_chars(u.analysis) >= min_chars
        and not (len(u.sentences) > 1 and parts.is_boilerplate(u.analysis))
        and not _list_cut_at_label(u)
    ]


def _list_cut_at_label(unit: Unit) -> bool:
    """A numbered list cut at the join limit on a short item (…；3.…报市政府；4.市政府核准； with 5. still
    to come): printed, it would end ``4.市政府核准。`` as if the list were over, a bare label to a reader."""
    last = unit.sentences[-1].analysis
    return len(unit.sentences) >= _MAX_JOINED and last.rstrip().endswith((";", "；")) and parts.is_label(last)


def _unnamed(noun: str, title: str) -> str:
    """The body a unit opens with by its kind alone, unless the title names it (园区自成立以来… under a
    title naming 遂宁高新区 reads: a summary is shown under its title)."""
    return "" if noun and parts.names(title, noun) else noun


def title_paragraphs(document: Document) -> set[int]:
    """The title, maybe split over lines, a subtitle, and a notice's long title line near the top."""
    found = set()
    for paragraph in document.paragraphs[:3]:
        if paragraph.kind != HEADING:
            break
        found.add(paragraph.index)
    if not found and len(document.paragraphs) > 1 and _looks_like_title(document.paragraphs[0].analysis):
        found.add(0)
    found |= {p.index for p in document.paragraphs[:8] if p.kind != BOILERPLATE and parts.is_title_line(p.analysis)}
    return found


_SENTENCE_END = re.compile(r"[。！？!?；;]")


def _looks_like_title(analysis: str) -> bool:
    """A first line too long for a heading that is still a title: no end mark (a news
    agency's long headline), or a short line ending in an exclamation (…权威发布！)."""
    line = analysis.strip()
    if not line or len(line) > 100:
        return False
    if not parts.has_end_mark(line):
        # A whole sentence before a scrap is a lead, not a title: 澳大利亚央行将利率降至纪录低点，…走强。05/05
        return not _SENTENCE_END.search(line)
    return len(line) <= 50 and line.rstrip(parts._CLOSERS).endswith(("!", "！")) and line.count("。") == 0


# A unit goes on into the next sentence while it holds this many sentences or fewer.
_MAX_JOINED = 4


def _unfinished(unit: Unit) -> bool:
    """A quote left open, a list item ending in a semicolon, or a list of quotes trailing off
    (“区卫生健康局…待命”“区文化和旅游局…”……一时间，…): the sentence is not over."""
    if len(unit.sentences) >= _MAX_JOINED:
        return False
    analysis = unit.analysis
    end = analysis.rstrip()
    before_ellipsis = end.rstrip("….")  # the analysis form spells … as ...
    return (
        analysis.count("“") > analysis.count("”")
        or end.endswith((";", "；"))
        or (len(end) - len(before_ellipsis) >= 2 and before_ellipsis.endswith("”"))
    )


@dataclass
class Summariser:
    pipeline: TextPipeline
    idf: IdfTable
    weights: SummaryWeights = field(default_factory=SummaryWeights)
    n_keywords: int = 10

    def summarise(self, document: Document, length: Length = Length(), *, simplified: bool = False) -> Summary:
        w = self.weights
        units = report_units(document, min_chars=w.min_chars, with_headings=w.headings is not None, with_labels=w.label_lead_ins)
        title = document.title
        kind = parts.document_kind(title.analysis if title else "", [p.analysis for p in document.paragraphs[:200]])
        body = [p for p in document.paragraphs if p.kind != BOILERPLATE]
        if not units:  # nothing but headings or form lines: fall back to whatever text there is
            units = [Unit([s]) for p in body for s in p.sentences][:MAX_CANDIDATES]
        if not units:
            return Summary((), (), document.source, simplified)

        # The centroid counts every word of the report, streamed: no per-sentence copies kept.
        # Each sentence is segmented once; only the words of sentences in units are kept.
        in_units = {s.index for u in units for s in u.sentences} | {u.lead_in.index for u in units if u.lead_in is not None}
        unit_words: dict[int, list[str]] = {}
        doc_counts: Counter = Counter()
        for paragraph in body:
            for sentence in paragraph.sentences:
                words = self.pipeline.words(sentence.analysis)
                if paragraph.kind != HEADING or paragraph.index > 0:
                    doc_counts.update(words)
                if sentence.index in in_units:
                    unit_words[sentence.index] = words
        doc_weights = weighted_counts(doc_counts, self.idf)
        vocabulary: dict[str, int] = {}
        rows = sparse_tfidf_rows(
            [[w for s in _with_lead_in(u) for w in unit_words.get(s.index, ())] for u in units], self.idf, vocabulary
        )
        doc_vector = _over_columns(doc_weights, vocabulary)

        scores = self._scores(units, rows, doc_vector, kind)
        if self.weights.title:
            title_words = [w for i in sorted(title_paragraphs(document)) for w in self.pipeline.words(document.paragraphs[i].analysis)]
            title_vector = _over_columns(weighted_counts(Counter(title_words), self.idf), vocabulary)
            scores = scores + self.weights.title * rows.row_sums(title_vector)
        total_weight = max(sum(doc_weights.values()), 1e-12)
        # A notice says who issued it and when in its sign-off: the summary opens with it
        # (国家税务总局2020年2月10日发文：…) when the budget leaves room for a measure after it.
        issued = issued_by(document) if kind == parts.NOTICE and self.weights.issuer else None
        if issued is not None:
            budget = length.char_budget(sum(len(u.text) for u in units if u.lead_in is None))
            if budget is not None and budget - len(issued[0]) - 1 < MIN_AFTER_ISSUER:
                issued = None
        reserved = len(issued[0]) + 1 if issued is not None else 0
        chosen = self._select(units, rows, doc_vector / total_weight, scores, length, reserved=reserved)
        sentences = _summary_sentences(units, chosen, scores, issued)
        # The heaviest terms of two characters or more, ties in order of first use (nlargest is a stable sort's head).
        keywords = tuple(heapq.nlargest(self.n_keywords, [t for t in doc_weights if len(t) > 1], key=doc_weights.__getitem__))
        return Summary(sentences, keywords, document.source, simplified)

    def _scores(self, units: list[Unit], rows, doc_vector: np.ndarray, kind: str) -> np.ndarray:
        w = self.weights
        centrality = rows.row_sums(doc_vector)
        # Rank among the report's units; a unit with its heading lead-in ranks as the unit alone.
        firsts = sorted({u.first.index for u in units})
        rank_of = {index: r for r, index in enumerate(firsts)}
        rank = np.array([rank_of[u.first.index] for u in units], dtype=float)
        position = np.exp(-w.position_decay * rank)
        if kind == parts.NOTICE:
            # A notice opens with its purpose (为…，根据…) and then its measures: only the purpose
            # sentence gets the opening's bonus, not the background before it.
            position_weight = w.notice_position
            position = position * np.array([rank[i] == 0 or parts.is_purpose(u.first.analysis) for i, u in enumerate(units)], dtype=float)
        else:
            position_weight = w.position
        paragraph_first: dict[int, int] = {}
        for u in units:
            paragraph_first.setdefault(u.first.paragraph, u.first.index)
        first_in_paragraph = np.array([paragraph_first[u.first.paragraph] == u.first.index for u in units], dtype=float)
        section_start = np.array([u.section_start for u in units], dtype=float)
        lengths = np.array([len(u.text) + (len(u.lead_in.text) if u.lead_in is not None else 0) for u in units], dtype=float)
        damping = np.minimum(1.0, lengths / w.short_chars)
        figures = np.array([min(3, len(_FIGURE.findall(u.analysis))) / 3 for u in units])
        is_heading = np.array([u.lead_in is not None for u in units], dtype=float)
        score = (
            (w.headings or 0.0) * float(kind == parts.NOTICE) * is_heading
            + w.specifics * figures
            + w.centrality * centrality
            + position_weight * position
            + w.paragraph_start * first_in_paragraph
            + w.section_start * section_start
            + w.news_lead * float(kind == parts.NEWS) * (rank == 0)
        )
        if w.platitude:
            score = score - w.platitude * np.array([parts.is_platitude(u.analysis) for u in units], dtype=float)
        return score * damping

    def _select(self, units: list[Unit], rows, term_weights: np.ndarray, scores: np.ndarray, length: Length, *, reserved: int = 0) -> list[int]:
        """Greedy choice under the budget: prior score plus coverage of the document's
        uncovered terms, per character**density; no near-duplicates, no dangling openers."""
        w = self.weights
        doc_chars = sum(len(u.text) for u in units if u.lead_in is None)  # each unit once
        budget = length.char_budget(doc_chars)
        max_units = length.sentences if length.sentences is not None else len(units)
        if budget is not None:
            budget -= reserved  # the issuer lead-in printed before the first unit
        # Lengths as printed: a heading lead-in, a label's number dropped, a dateline cut
        # (the floor of 200 is what a reader gets).
        lengths = np.array([max(1, len(u.printed(analysis=False))) for u in units], dtype=float)
        uncovered = np.ones_like(term_weights)
        open_ = np.ones(len(units), dtype=bool)  # not chosen, not rejected
        chosen: list[int] = []
        chosen_sentences: set[int] = set()
        conditional = [i for i, u in enumerate(units) if u.refers_back or u.needs_name or u.names]
        chosen_texts: dict[int, str] = {}  # first sentence index -> analysis, of chosen units
        chosen_bigrams: list[set[str]] = []  # per chosen sentence
        used = 0
        while len(chosen) < max_units:
            gain = rows.row_sums(term_weights * uncovered, weighted=False)
            key = (scores + w.coverage * gain) / lengths**w.density
            reads = np.ones(len(units), dtype=bool)
            for i in conditional:  # only openers pointing back depend on what is chosen
                reads[i] = _reads_alone(units[i], chosen_sentences, chosen_texts)
            eligible = open_ & reads
            if budget is not None:
                fitting = eligible & (used + lengths <= budget)
                if not fitting.any() and used < length.floor(doc_chars):
                    # The default promises at least 200 characters: one more unit, within 500.
                    fitting = eligible & (used + lengths <= DEFAULT_MAX_CHARS - reserved)
                eligible = fitting
            if not eligible.any():
                break
            best = int(np.flatnonzero(eligible)[np.argmax(key[eligible])])
            open_[best] = False
            if units[best].first.index in chosen_sentences:
                continue  # the same unit with or without its heading is already in
            # As printed: a dateline (央视网消息(新闻联播):) hid that two openings repeat each other.
            own = [parts.bigrams(piece) for piece in split_sentences(parts.strip_dateline(units[best].analysis))]
            if _repeats(own, chosen_bigrams):
                continue  # one of its sentences says what a chosen one (or another of its own) says
            chosen.append(best)
            chosen_sentences.update(s.index for s in units[best].sentences)
            chosen_texts[units[best].first.index] = units[best].analysis
            chosen_bigrams.extend(own)
            used += int(lengths[best])
            uncovered[rows.row_terms(best)] = 0.0
        if not chosen:  # nothing fits: one unit is always returned, one that reads alone
            alone = [i for i in range(len(units)) if not (units[i].refers_back or units[i].needs_name or units[i].names)]
            chosen.append(max(alone or range(len(units)), key=lambda i: scores[i]))
        return chosen


def _over_columns(weights: dict[str, float], vocabulary: dict[str, int]) -> np.ndarray:
    """Term weights as a dense vector over the columns of ``vocabulary`` (its terms in column order); 0 for the rest."""
    return np.array([weights.get(term, 0.0) for term in vocabulary], dtype=float)


def _with_lead_in(unit: Unit) -> list[Sentence]:
    return [unit.lead_in, *unit.sentences] if unit.lead_in is not None else unit.sentences


def _reads_alone(unit: Unit, chosen_sentences: set[int], chosen_texts: dict[int, str] | None = None) -> bool:
    """A unit pointing back reads only after the sentence before it; 该区… only after some sentence;
    平台每天… only after a sentence naming the 平台."""
    if unit.refers_back and unit.first.index - 1 not in chosen_sentences:
        return False
    if unit.needs_name and not any(i < unit.first.index for i in chosen_sentences):
        return False
    if unit.names and not any(i < unit.first.index and parts.names(text, unit.names) for i, text in (chosen_texts or {}).items()):
        return False
    return True


def _summary_sentences(
    units: list[Unit], chosen: list[int], scores: np.ndarray, issued: tuple[str, str] | None = None
) -> tuple[SummarySentence, ...]:
    """The chosen units in article order, as printed; the first opened by who issued the notice and when."""
    sentences = []
    for i in sorted(chosen, key=lambda i: units[i].first.index):
        text, analysis = units[i].printed(analysis=False), units[i].printed(analysis=True)
        if issued is not None and not sentences:
            # 国家卫生健康委办公厅2020年2月3日发文加强疫情期间医用防护用品管理工作：当前，… (in place of
            # the unit's own lead-in, which would make two in a row).
            text = issued[0] + "：" + units[i].printed(analysis=False, lead_in=False)
            analysis = issued[1] + "：" + units[i].printed(analysis=True, lead_in=False)
        sentences.append(SummarySentence(text, units[i].first.index, units[i].first.paragraph, float(scores[i]), analysis))
    return tuple(sentences)


# The issuer lead-in is printed only when the budget leaves this many characters after it.
MIN_AFTER_ISSUER = 60


def issued_by(document: Document) -> tuple[str, str] | None:
    """Who issued a notice and when, from its sign-off (国务院扶贫办 / 财政部 / 2020年2月17日):
    ``国务院扶贫办、财政部2020年2月17日发文`` as printed and in analysis form, or None."""
    paragraphs = [p for p in document.paragraphs if parts.content_chars(p.analysis)]
    found = parts.signature_block([p.analysis for p in paragraphs])
    titles = [document.paragraphs[i] for i in sorted(title_paragraphs(document))]
    if found is None:
        return _issued_by_title(titles)
    issuers, date = found

    def said(form: str) -> str:
        names = ["".join(getattr(paragraphs[i], form).strip() for i in lines) for lines in issuers]
        # 福建省人力资源和社会保障厅等6部门: more than three issuers are named by the first
        who = names[0] + f"等{len(names)}部门" if len(names) > 3 else "、".join(names)
        lines = [getattr(p, form).strip() for p in titles]
        # the title on one line or split over two (国务院扶贫办 / 财政部关于…的通知)
        purposes = [parts.title_purpose(t) for t in lines + [a + b for a, b in zip(lines, lines[1:])]]
        return who + getattr(paragraphs[date], form).strip() + "发文" + next((p for p in purposes if p), "")

    return said("text"), said("analysis")


def _issued_by_title(titles) -> tuple[str, str] | None:
    """With no sign-off, who issued a notice from the start of its one-line title, no date
    (北京市住房和城乡建设委员会发文加强…：); never the whole title."""
    for title in titles:
        text, analysis = title.text.strip(), title.analysis.strip()
        who = parts.title_issuer(analysis)
        if who and len(text) == len(analysis):  # the printed name is the same span of the printed title
            purpose = parts.title_purpose(analysis)
            return text[: len(who)] + "发文" + parts.title_purpose(text), who + "发文" + purpose
    return None


def _repeats(candidate: list[set[str]], chosen: list[set[str]]) -> bool:
    """Whether a sentence of the candidate nearly repeats a chosen sentence or an earlier one of its own."""
    earlier = list(chosen)
    for own in candidate:
        if len(own) >= 5 and any(parts.overlap(own, other) >= parts.NEAR_DUPLICATE for other in earlier):
            return True
        earlier.append(own)
    return False
