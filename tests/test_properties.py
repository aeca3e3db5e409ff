"""Property tests: arbitrary text never crashes the pipeline, and summaries keep their promises."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import toolkit
from toolkit.api import read_document

# Text drawn from what real reports contain: CJK, both punctuation widths,
# pinyin-like brackets, Latin, digits, whitespace, and any other code point.
_pieces = st.one_of(
    st.text(alphabet="疫情防控區衛生健康联防联控。！？；…,.!?;“”（）()\n 0123456789abcqū", max_size=40),
    st.sampled_from(["區(qū)", "供圖", "责任编辑:张煜", "【詳細】", "\u200b", "\ufeff", "\r\n", "(街道)"]),
    st.text(max_size=10),
)
_texts = st.lists(_pieces, max_size=12).map("".join)
_settings = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_settings
@given(text=_texts, max_chars=st.integers(min_value=1, max_value=400))
def test_summary_sentences_come_from_the_cleaned_input_within_limits(text, max_chars):
    document = read_document(text)
    sentences = {s.index: s.text for s in document.sentences}
    summary = toolkit.summarise(text, max_chars=max_chars)
    article = _without_added_marks("".join(s.text for s in document.sentences))
    for chosen in summary.sentences:
        # A summary sentence is the article's own text: one or more sentences from ``index`` on (a quote with its
        # attribution, a label with its content), asides dropped, maybe led in by its section heading and "：".
        assert chosen.index in sentences
        assert _is_subsequence(_without_added_marks(chosen.text), article)
    if len(summary.sentences) > 1:
        assert sum(len(s.text) for s in summary.sentences) <= max_chars
    assert [s.index for s in summary.sentences] == sorted(s.index for s in summary.sentences)


def _without_added_marks(text: str) -> str:
    """Without the marks a summary may add: "：" after a heading lead-in, "。" where a clause was cut."""
    return text.replace("：", "").replace("。", "")


def _is_subsequence(part: str, whole: str) -> bool:
    characters = iter(whole)
    return all(character in characters for character in part)


@_settings
@given(text=_texts, k=st.integers(min_value=1, max_value=5))
def test_sentence_limit_holds(text, k):
    assert len(toolkit.summarise(text, sentences=k).sentences) <= k


@_settings
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes_either_summarise_or_raise_read_error(data):
    try:
        toolkit.summarise(data)
    except toolkit.ReadError as error:
        assert "\n" not in str(error)


@_settings
@given(text=st.one_of(_texts, st.text(max_size=60)))
def test_fold_is_nfkc(text):
    """The fast fold (full-width ASCII translated first, NFKC only when still needed) is NFKC exactly."""
    import unicodedata

    from toolkit.text.cleaning import fold

    assert fold(text) == unicodedata.normalize("NFKC", text)


@_settings
@given(text=_texts)
def test_each_sentence_analysis_is_its_own_cleaning(text):
    """A sentence's analysis form, cut from its paragraph's when folding kept the length, is what cleaning it alone gives."""
    from toolkit.text.cleaning import analysis_form
    from toolkit.text.document import default_pipeline

    pipeline = default_pipeline()
    for sentence in read_document(text).sentences:
        assert sentence.analysis == analysis_form(sentence.text, pipeline.to_simplified)
