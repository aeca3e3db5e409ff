"""The summary fault checker: what readers object to, counted over any summary.

Works on plain summary text (any system: this toolkit, lead, LexRank) read
against its article, so the same counts compare systems.  Each summary line
is split into sentences as the article is; a sentence is matched to the
article's sentences on its analysis form.  The faults:

* ``heading_alone``: a sentence that is a section heading of the article;
* ``bare_label``: a numbered label (``一是组织到位。``) not followed by the
  next sentence of its own paragraph;
* ``bare_attribution``: ``王明说。`` not preceded by the sentence it attributes;
* ``caption``: captions, photo credits and bylines, and a speaker's label (``【张流波】…``);
* ``boilerplate``: document numbers, addressees, ``现将…通知如下``,
  responsibility and contact notes, sign-offs, date lines, share links;
* ``dangling_opener``: an opener that points back (``对此，``, ``这些``) without
  the sentence before it, ``该区…``, ``此次…`` or ``据介绍，…`` as the first sentence, or a body
  named by its kind alone (``平台每天…``, ``指挥部1、2、3号通告…``) that no earlier sentence or the title names;
* ``figure_opener``: a summary that opens with a data line (mostly figures, little text);
* ``near_duplicate``: a sentence sharing most of its character bigrams with
  an earlier one of the same summary, or a lead-in that says what its sentence says;
* ``repeated_title``: a sentence that repeats the title;
* ``fragment``: a sentence that starts in the middle of another (a closing
  quote or bracket with no opener, ``落实优惠促发展”为主题…``, ``华小峰）``) without
  the sentence before it, one cut short (``…预计近。``), a lone figure
  (``20``, ``7:22``), a line ending in ``；`` (a list cut off), or a lead-in that
  is not whole (``本报讯（记者：``);
* ``slogan``: a short exclamation with nothing concrete (``全是干货！``).

The form-line and label rules are those of :mod:`toolkit.summarising.parts`
(the summariser avoids what they find); headings, titles, duplicates and
missing neighbours are read from the article itself.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from toolkit.summarising import parts
from toolkit.summarising.summariser import title_paragraphs
from toolkit.text.cleaning import ScriptConverter, analysis_form
from toolkit.text.document import HEADING, Document
from toolkit.text.splitting import split_sentences

FAULTS = (
    "heading_alone",
    "bare_label",
    "bare_attribution",
    "caption",
    "boilerplate",
    "dangling_opener",
    "figure_opener",
    "near_duplicate",
    "repeated_title",
    "fragment",
    "slogan",
)


@dataclass
class ArticleIndex:
    """The article's sentences and headings by analysis form, for matching summary sentences."""

    document: Document

    def __post_init__(self) -> None:
        self.position = {}
        self.occurrences: dict[str, set[int]] = {}  # every position of a sentence the article repeats
        for position, sentence in enumerate(self.document.sentences):
            compact = parts.compact(sentence.analysis)
            for key in (
                _key(sentence.analysis),
                _key(compact),  # as summaries print it
                _key(parts.strip_label(compact)),  # 1.由… printed 由…
                _key(parts.strip_dateline(compact)),  # lead without 央视网消息：
                _key(parts.strip_open_tail(parts.strip_scrap_head(compact))),  # without 华小峰）
            ):
                self.position.setdefault(key, position)
                self.occurrences.setdefault(key, set()).add(position)
        titles = [self.document.paragraphs[i] for i in sorted(title_paragraphs(self.document))]
        self.title_keys = {_key(p.analysis) for p in titles}
        self.title_text = "".join(p.analysis for p in titles)
        self.title_bigrams = set().union(*(parts.bigrams(p.analysis) for p in titles))
        self.heading_keys = {_key(p.analysis) for p in self.document.paragraphs if p.kind == HEADING and p.index not in title_paragraphs(self.document)}

    def find(self, analysis: str, *, following: int | None = None) -> int | None:
        """The article position of a summary sentence; one opened by a heading lead-in
        (``强检查、严防控：每天坚持…``) is found by what follows the lead-in.  A sentence the
        article says more than once (a table's 2.税务机关受理申请；) is found right after
        ``following`` (the summary's sentence before) when it stands there, else where it first stands."""
        key = _key(analysis)
        if following is not None and following + 1 in self.occurrences.get(key, ()):
            return following + 1
        position = self.position.get(key)
        # After each colon in turn: a heading lead-in may hold a colon of its own
        # (工行河南省分行:“九个着力”挺复工：“当前…).
        for colon, _ in zip(_COLON.finditer(analysis), range(4)):
            if position is not None:
                break
            position = self.position.get(_key(analysis[colon.end() :]))
        if position is None and "”" in analysis[:-1]:
            # A quote printed with the sentence after it (“您好，…”近日，一些市民接到了这样的电话。):
            # the article split them at the closing mark; the printed line stands where its second half does.
            position = self.position.get(_key(analysis[analysis.rindex("”", 0, len(analysis) - 1) + 1 :]))
        return position

    def previous_sentence(self, position: int) -> int | None:
        """The article sentence before ``position``, skipping lines that are only quote marks
        (pages that break lines at quote marks: ``”`` alone between a quote and its attribution)."""
        sentences = self.document.sentences
        position -= 1
        while position >= 0 and not _key(sentences[position].analysis):
            position -= 1
        return position if position >= 0 else None

    def ends_a_list(self, position: int | None, before: int | None) -> bool:
        """A short numbered item that closes a list the summary gives in full up to it, within one
        line (…；2.税务机关受理申请；3.税务机关核准并送达文书。): the list's last item, no label
        waiting for content (a heading line such as 三、加强宣传 stands on a line of its own)."""
        if position is None or before is None or self.next_in_paragraph(position) is not None:
            return False
        sentences = self.document.sentences
        return (
            self.previous_sentence(position) == before
            and sentences[before].paragraph == sentences[position].paragraph
            and sentences[before].analysis.rstrip().endswith((";", "；"))
        )

    def next_in_paragraph(self, position: int) -> int | None:
        sentences = self.document.sentences
        if position + 1 < len(sentences) and sentences[position + 1].paragraph == sentences[position].paragraph:
            return position + 1
        return None


_COLON = re.compile(r"[:：]")


def _key(analysis: str) -> str:
    return "".join(ch for ch in analysis if ch.isalnum())


def summary_sentences(summary: str, to_simplified: ScriptConverter) -> list[str]:
    """Analysis forms of a summary's sentences, line by line."""
    return [analysis_form(s, to_simplified) for line in summary.splitlines() for s in split_sentences(line)]


def count_faults(summary: str, article: ArticleIndex, to_simplified: ScriptConverter) -> Counter:
    """How many of each fault one summary has."""
    found: Counter = Counter()
    for line in summary.splitlines():
        line = analysis_form(line, to_simplified).strip()
        if line.endswith((";", "；")):
            found["fragment"] += 1  # a list cut off
        elif parts.form_kind(line) not in (None, "empty") and len(split_sentences(line)) > 1:
            found["boilerplate"] += 1  # a note split at its semicolon: (牵头单位：…；责任单位：…）
    sentences = summary_sentences(summary, to_simplified)
    positions: list[int | None] = []
    for sentence in sentences:
        positions.append(article.find(sentence, following=positions[-1] if positions else None))
    seen_bigrams: list[set[str]] = []
    for i, sentence in enumerate(sentences):
        key = _key(sentence)
        before = positions[i - 1] if i > 0 else None
        after = positions[i + 1] if i + 1 < len(sentences) else None
        here = positions[i]
        # (the analysis form spells the colon ":": NFKC)
        lead_in = _COLON.split(sentence, 1)[0] if here is not None and key not in article.position and _COLON.search(sentence) else ""
        if key in article.title_keys or parts.repeats_title(sentence, article.title_bigrams):
            found["repeated_title"] += 1
        elif key in article.heading_keys:
            found["heading_alone"] += 1
        if parts.is_label(sentence) and (here is None or after is None or article.next_in_paragraph(here) != after):
            if not article.ends_a_list(here, before):
                found["bare_label"] += 1
        if parts.is_attribution(sentence) and (here is None or before is None or before != article.previous_sentence(here)):
            found["bare_attribution"] += 1
        kind = parts.form_kind(sentence)
        # A numbered item's own title before its colon (8.消毒：社区要协助…, printed without the 8.) is no speaker.
        numbered = here is not None and parts.LABEL_PREFIX.match(article.document.sentences[here].analysis)
        speaker = parts.has_speaker_label(sentence) and not lead_in and not numbered
        if kind in (parts.CAPTION, parts.BYLINE) or parts.DATELINE.match(sentence) or speaker:
            found["caption"] += 1
        elif kind is not None and kind != "empty":
            found["boilerplate"] += 1
        # A label that leads in (3.上述捐赠款物…：我们将…) opens where the label stands in the article.
        opening = article.find(lead_in) if lead_in else None
        anchor = opening if opening is not None else here
        if parts.refers_back(sentence) and (anchor is None or before is None or before != article.previous_sentence(anchor)):
            found["dangling_opener"] += 1
        elif parts.needs_name_before(sentence) and i == 0:
            found["dangling_opener"] += 1
        elif (noun := parts.definite_noun(sentence)) and not any(parts.names(s, noun) for s in [article.title_text, *sentences[:i]]):
            found["dangling_opener"] += 1
        if i == 0 and parts.is_data_line(sentence):
            found["figure_opener"] += 1
        # A section heading's lead-in (强检查、严防控：…) is not part of what the sentence says.
        body = sentence[len(lead_in) + 1 :] if lead_in else sentence
        own = parts.bigrams(body)
        follows = here is not None and before is not None and before == article.previous_sentence(here)
        if (
            (parts.unmatched_closer(sentence) is not None and not follows)
            or parts.is_cut(sentence)
            or (lead_in and not parts.is_balanced(lead_in))
        ):
            found["fragment"] += 1
        if parts.is_slogan(sentence) or (lead_in and parts.is_slogan(lead_in)):
            found["slogan"] += 1
        if (len(own) >= 5 and any(parts.overlap(own, other) >= parts.NEAR_DUPLICATE for other in seen_bigrams)) or (
            lead_in and "发文" not in lead_in and parts.lead_in_repeats(lead_in, body)
        ):  # …or a heading lead-in saying what its sentence says (规范疫情防控检查指导：各地要强化疫情防控检查指导…)
            found["near_duplicate"] += 1
        seen_bigrams.append(own)
    return found
