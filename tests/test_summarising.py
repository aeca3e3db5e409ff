import codecs

import numpy as np

import opencc
import pytest

import toolkit
from toolkit.api import read_document


def _texts(summary):
    return [s.text for s in summary.sentences]


def _consecutive_sentences(document, index: int, text: str) -> bool:
    """Whether text is whole consecutive sentences of one paragraph, from sentence ``index`` on."""
    joined = ""
    for sentence in document.sentences[index:]:
        if sentence.paragraph != document.sentences[index].paragraph:
            break
        joined += sentence.text
        if joined == text:
            return True
    return False


def test_summary_is_whole_sentences_in_article_order(seed_texts):
    for name, text in seed_texts.items():
        document = read_document(text)
        headings = {p.text for p in document.paragraphs if p.kind == "heading"}
        summary = toolkit.summarise(text)
        by_index = {s.index: s for s in document.sentences}
        indices = [s.index for s in summary.sentences]
        assert indices == sorted(indices), name
        for chosen in summary.sentences:
            assert by_index[chosen.index].paragraph == chosen.paragraph
            lead_in, _, rest = chosen.text.partition("：")
            label = by_index[chosen.index].text
            # whole sentences, or a section heading of the article as lead-in before them, or a
            # numbered label (一是组织到位。) as the lead-in of its own content (组织到位：…)
            assert (
                _consecutive_sentences(document, chosen.index, chosen.text)
                or (any(lead_in in h for h in headings) and _consecutive_sentences(document, chosen.index, rest))
                or (lead_in and lead_in in label and _consecutive_sentences(document, chosen.index + 1, rest))
            ), (name, chosen.text)
        assert str(summary).replace("\n", "") == "".join(_texts(summary))


def test_boilerplate_never_appears_in_summaries(seed_texts):
    for text in seed_texts.values():
        summary = str(toolkit.summarise(text, max_chars=2000))
        for junk in ("供圖", "責任编辑", "责任编辑", "版权所有", "【詳細】", "編輯:周姿彤", "(qū)"):
            assert junk not in summary


@pytest.mark.parametrize("max_chars", [1, 50, 120, 300])
def test_max_chars_is_never_exceeded_but_one_sentence_is_given(seed_texts, max_chars):
    for text in seed_texts.values():
        summary = toolkit.summarise(text, max_chars=max_chars)
        assert len(summary.sentences) >= 1
        if len(summary.sentences) > 1:
            assert sum(len(s.text) for s in summary.sentences) <= max_chars


def test_sentence_count_and_ratio(seed_texts):
    text = seed_texts["001"]
    assert len(toolkit.summarise(text, sentences=3).sentences) == 3
    total = sum(len(s.text) for s in read_document(text).sentences)
    summary = toolkit.summarise(text, ratio=0.1)
    assert sum(len(s.text) for s in summary.sentences) <= 0.1 * total


def test_default_length_suits_a_long_report(seed_texts):
    summary = toolkit.summarise(seed_texts["001"])
    chars = sum(len(s.text) for s in summary.sentences)
    assert 150 <= chars <= 500 and len(summary.sentences) >= 2


def test_own_script_by_default_simplified_on_request(seed_texts):
    summary = toolkit.summarise(seed_texts["003"], sentences=3)
    assert any(ch in str(summary) for ch in "區園戰與這")
    simplified = summary.text(simplified=True)
    assert simplified == opencc.OpenCC("t2s").convert(str(summary)) or not any(ch in simplified for ch in "區園戰")


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-16"])
def test_re_encoded_seeds_summarise_exactly_like_utf8(seed_texts, encoding):
    for name, text in seed_texts.items():
        original = toolkit.summarise(text.encode("utf-8")).to_json()
        again = toolkit.summarise(text.encode(encoding)).to_json()
        assert again == original, (name, encoding)


def test_big5_seeds_summarise_exactly_like_utf8(seed_texts):
    to_traditional = opencc.OpenCC("s2tw")
    for name, text in seed_texts.items():
        # Big5 holds neither simplified characters nor pinyin: convert first, drop what it cannot hold.
        big5_text = to_traditional.convert(text).encode("big5", errors="ignore").decode("big5")
        utf8 = toolkit.summarise(big5_text.encode("utf-8")).to_json()
        assert toolkit.summarise(big5_text.encode("big5")).to_json() == utf8, name
        assert toolkit.summarise(codecs.BOM_UTF8 + big5_text.encode("utf-8")).to_json() == utf8, name


def test_keywords_are_domain_terms(seed_texts):
    keywords = toolkit.summarise(seed_texts["004"]).keywords
    assert "盐湖区" in keywords


def test_empty_and_heading_only_texts():
    assert toolkit.summarise("").sentences == ()
    assert len(toolkit.summarise("保障民生做實做細").sentences) == 1


def test_invalid_lengths_are_refused():
    for kwargs in ({"sentences": 0}, {"max_chars": -1}, {"ratio": 1.5}):
        with pytest.raises(ValueError):
            toolkit.summarise("疫情防控。", **kwargs)


def test_sparse_rows_agree_with_dense_tfidf(seed_texts):
    from toolkit.api import default_summariser
    from toolkit.summarising.idf import sparse_tfidf_rows, tfidf_rows

    summariser = default_summariser()
    tokens = [summariser.pipeline.words(s.analysis) for s in read_document(seed_texts["002"]).sentences[:20]]
    dense, terms = tfidf_rows(tokens, summariser.idf)
    vocabulary: dict[str, int] = {}
    sparse = sparse_tfidf_rows(tokens, summariser.idf, vocabulary)
    probe = np.arange(len(vocabulary), dtype=float)  # any per-term vector
    dense_probe = np.array([probe[vocabulary[t]] for t in terms])
    assert np.allclose(sparse.row_sums(probe), dense @ dense_probe)


def test_many_short_lines_are_ranked_within_the_cap():
    from toolkit.summarising.summariser import MAX_CANDIDATES, report_units

    # 3,000 distinct one-line items: only the first MAX_CANDIDATES are ranked, and the
    # summary still comes out under its budget (the old dense all-pairs matrix grew as n squared).
    text = "\n".join(f"第{i}号卡口今日登记返程人员{i % 97}人次。" for i in range(3_000))
    document = read_document(text)
    assert len(report_units(document)) == MAX_CANDIDATES
    summary = toolkit.summarise(document, max_chars=200)
    assert 1 <= len(summary.sentences) and sum(len(s.text) for s in summary.sentences) <= 200


def test_a_huge_report_is_summarised_from_its_first_half_million_characters(seed_texts):
    """Ranking looks at the first MAX_CANDIDATES units only, so the summariser reads no further than
    SUMMARY_INPUT_CHARS: a report many times longer costs no more than one of that length."""
    from toolkit.summarising.summariser import SUMMARY_INPUT_CHARS

    seed = seed_texts["002"]
    huge = "\n".join([seed] * (2 * SUMMARY_INPUT_CHARS // len(seed) + 1))
    head = read_document(huge, max_chars=SUMMARY_INPUT_CHARS)
    assert sum(len(p.text) + 1 for p in head.paragraphs) <= SUMMARY_INPUT_CHARS + len(seed)  # cut at a line end
    assert len(huge) > 2 * SUMMARY_INPUT_CHARS
    summary = toolkit.summarise(huge)
    assert summary.sentences and max(s.index for s in summary.sentences) < len(head.sentences)
