"""Cleaning: strip web-gateway artefacts, and make the analysis form of a text.

Two forms of every line are kept downstream:

* the *display* form, printed to users: the article's own script, with
  gateway pinyin, control and zero-width characters and inline bylines
  removed;
* the *analysis* form, used for features: display form folded with NFKC
  (full-width letters, digits and punctuation to half-width) and converted
  from traditional to simplified script with OpenCC.

Lines that are not article text (captions, bylines, copyright footers,
lists of other headlines) are recognised by :func:`is_boilerplate`.
"""

from __future__ import annotations

import html
import re
import unicodedata

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# One pinyin syllable with a tone mark, as a traditional-script web gateway
# glues after each character it converts: 區(qū), 應(yīng), 戰(zhàn).
_SYLLABLE = rf"[a-zü]{{0,5}}[{_TONED}][a-zü]{{0,4}}"
_GATEWAY_PINYIN = re.compile(
    rf"(?<=[^\sA-Za-z(（])\({_SYLLABLE}\)"  # 區(qū), also after mojibake such as 皡^(qū)
    rf"|\?{_SYLLABLE}\)"  # mojibake that lost the character and its "(": 請?zhí)
)
# A mangled end mark and quote with the character after it: 責任?!皡^(qū)衛生 (seed 000) held
# "。“區", 愛心?!北kU(xiǎn)、 held "”保險".
_GATEWAY_REMNANT = re.compile(rf"\?![^\s(（]{{1,3}}\({_SYLLABLE}\)")
# The text after a remnant closes a quote before it opens one: the remnant held the opening quote.
_CLOSES_FIRST = re.compile(r"[^“”\n]*”")


def _mend_remnant(match: re.Match) -> str:
    """A remnant that held 。“ (a quote closes after it, on the same line, and CJK text comes
    before it) ends the sentence before and opens the quote again; any other is dropped."""
    text, start, end = match.string, match.start(), match.end()
    if start > 0 and "\u4e00" <= text[start - 1] <= "\u9fff" and _CLOSES_FIRST.match(text, end):
        return "。“"
    return ""

# Zero-width and invisible format characters that break words apart.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")

# Control (Cc, but newline), surrogate (Cs) and private-use (Co) characters: each becomes a space.
# One regex pass: a per-character generator made a string object per CJK character (1.3 GB for 50 MB).
_UNPRINTABLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]")

# Inline bylines: 中国报道讯(通讯员 杜向奎) at the start of a paragraph,
# (昆明日報 記者楊陽 通訊員熊楠 向文) or (遂寧高新區供稿) at its end.
_BYLINE_WORDS = r"(?:记者|記者|通讯员|通訊員|供稿|供图|供圖|编辑|編輯|摄影|攝影|来源|來源)"
_LEADING_BYLINE = re.compile(r"^[^。，,：:\s]{0,16}[讯訊电電]\s?[(（][^()（）]{0,30}[)）]\s*")
# Matched only against the last _TRAILING_BYLINE_MAX characters of a right-stripped paragraph: an
# unanchored "\s*(...)$" retries from every character of a long run of spaces (quadratic: 100,000
# spaces took minutes), while a bounded window keeps the cost constant per paragraph.
_TRAILING_BYLINE = re.compile(rf"[(（][^()（）]{{0,40}}{_BYLINE_WORDS}[^()（）]{{0,40}}[)）]$")
_TRAILING_BYLINE_MAX = 1 + 40 + 3 + 40 + 1

# Lines that are not article text, matched on the analysis (simplified, NFKC) form.
_BOILERPLATE = re.compile(
    r"^\s*(责任编辑|编辑|责编|审核|校对|作者|记者|通讯员|摄影|图片来源|来源|稿源|出处)\s*[:：]"
    r"|版权所有|版权声明|copyright|©|icp备|公网安备|许可证|法律顾问|电子邮件\s*[:：]|e-?mail\s*[:：]"
    r"|点击(进入|查看|阅读)"
    r"|^\s*(上一篇|下一篇|相关(新闻|阅读|链接)|返回(首页|顶部)|分享到)"
    r"|来源\s*[:：].{0,40}时间\s*[:：]"
    r"|^\s*\(?完\)?\s*$",
    re.IGNORECASE,
)
# A trailing "more" link of a headline teaser (…【詳細】, [详细], >>), matched on the display form
# within the last _LINK_MARKER_MAX characters of a right-stripped line (see _TRAILING_BYLINE).
_LINK_MARKER = re.compile(r"(?:【\s*(?:详细|詳細)\s*】|[\[［]\s*(?:详细|詳細)\s*[\]］]|[>＞]{2})$")
_LINK_MARKER_MAX = 12
# Photo captions: a short line ending in who supplied the photo (官渡區委宣傳部供圖).
_CAPTION = re.compile(r"(供图|摄|图片由.{0,20}提供)\s*$|^\s*(图为|图片[:：]|图\s*[:：])")
_CAPTION_MAX_CHARS = 80
# U+FF01..U+FF5E (！ to ～) are ASCII shifted by 0xFEE0; U+3000 is the ideographic space.
_FULL_WIDTH_TO_ASCII = str.maketrans({chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)} | {"\u3000": " "})


# Unicode categories Cc (control), Cs (surrogate) and Co (private use), but for \t and \n:
# one regex instead of a category lookup per character in Python.

# An HTML character reference left in copied page text: 《关于转发&lt;…紧急通知&gt;的通知》.  Only
# the complete ones (with their semicolon), so R&D and AT&T stay as written.
_CHARACTER_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _unescape_reference(found: re.Match) -> str:
    return html.unescape(found.group())


def remove_artifacts(text: str) -> str:
    """Display form of a text: HTML character references decoded (the splitter took the ``;`` of
    ``&gt;`` for a sentence end), gateway pinyin, invisible and control characters removed."""
    if "&" in text:
        text = _CHARACTER_REFERENCE.sub(_unescape_reference, text)
    if "?!" in text:
        text = _GATEWAY_REMNANT.sub(_mend_remnant, text)
    text = _GATEWAY_PINYIN.sub("", text)
    text = _INVISIBLE.sub("", text)
    return _UNPRINTABLE.sub(" ", text)


def strip_inline_bylines(paragraph: str) -> str:
    """Remove a leading dateline byline and a trailing reporter/source parenthesis."""
    paragraph = _LEADING_BYLINE.sub("", paragraph, count=1)
    body = paragraph.rstrip()
    byline = _TRAILING_BYLINE.search(body, max(0, len(body) - _TRAILING_BYLINE_MAX))
    return body[: byline.start()].rstrip() if byline else paragraph


def fold(text: str) -> str:
    """Fold full-width and compatibility variants (ＡＢＣ１２３，！ to ABC123,!): NFKC.

    Full-width ASCII and the ideographic space are mapped first by one ``translate`` (their
    NFKC forms, so the result is the same): almost every Chinese line is then already in
    NFKC, and the full normalisation, the slower step, runs only for the rest.
    """
    text = text.translate(_FULL_WIDTH_TO_ASCII)
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def strip_link_marker(line: str) -> str | None:
    """The line without its trailing "more" link (【詳細】, [详细], >>), or None when it has none.

    Such lines are teasers of other articles on a news page (boilerplate), except
    when a report is nothing but one: then its text is the article.
    """
    body = line.rstrip()
    marker = _LINK_MARKER.search(body, max(0, len(body) - _LINK_MARKER_MAX))
    return body[: marker.start()].rstrip() if marker else None


def is_boilerplate(analysis_line: str) -> bool:
    """True for captions, bylines, copyright footers and headline links (analysis form)."""
    if _BOILERPLATE.search(analysis_line) or strip_link_marker(analysis_line) is not None:
        return True
    return len(analysis_line) <= _CAPTION_MAX_CHARS and bool(_CAPTION.search(analysis_line))


class ScriptConverter:
    """Traditional to simplified conversion with OpenCC, created once and reused.

    Picklable: the OpenCC object is rebuilt after unpickling, so the converter
    can travel to worker processes.
    """

    def __init__(self, config: str = "t2s") -> None:
        self.config = config
        self._opencc = None

    def __call__(self, text: str) -> str:
        if self._opencc is None:
            import opencc

            self._opencc = opencc.OpenCC(self.config)
        return self._opencc.convert(text)

    def __getstate__(self) -> dict:
        return {"config": self.config, "_opencc": None}


def analysis_form(display_text: str, to_simplified: ScriptConverter) -> str:
    """The text features are computed from: folded and simplified."""
    return to_simplified(fold(display_text))
