import pickle

from toolkit.text.words import Segmenter, domain_words


def test_domain_words_are_kept_whole():
    segmenter = Segmenter()
    tokens = segmenter.cut("各地联防联控，复工复产，网格化摸排，设置留观点和卡口，复工率达到九成")
    for word in ("联防联控", "复工复产", "网格化", "摸排", "留观点", "卡口", "复工率"):
        assert word in tokens


def test_words_drop_stop_words_numbers_and_punctuation():
    words = Segmenter().words("1月21日，官渡区的工作人员开展了摸排。")
    assert "的" not in words and "，" not in words and "21" not in words
    assert "摸排" in words and "官渡区" in words


def _boundaries(tokens: list[str]) -> set[int]:
    positions, offset = set(), 0
    for token in tokens:
        offset += len(token)
        positions.add(offset)
    return positions


def test_rjieba_segments_like_jieba(seed_texts):
    """The fast backend is jieba's algorithm: the same word boundaries on real text, almost everywhere."""
    fast, reference = Segmenter("rjieba"), Segmenter("jieba")
    for name, text in seed_texts.items():
        a, b = _boundaries(fast.cut(text)), _boundaries(reference.cut(text))
        assert len(a & b) / len(a | b) > 0.97, name


def test_segmenter_pickles_without_its_dictionary():
    segmenter = Segmenter()
    segmenter.cut("预热")
    clone = pickle.loads(pickle.dumps(segmenter))
    assert clone._cut is None
    assert clone.cut("联防联控") == ["联防联控"]
    assert len(domain_words()) > 50


def test_content_words_memo_filters_as_the_rule_says(seed_texts):
    """Words come from a per-token memo: the same as filtering each token (no stop words, no token without a CJK
    character or Latin letter, lowercased), the first time and from the memo."""
    import re

    segmenter = Segmenter()
    text = seed_texts["000"] + "COVID-19疫情，WHO表示。"
    tokens = segmenter.cut(text)
    stop = segmenter._stop_words
    expected = [t.lower() for t in tokens if t not in stop and re.search(r"[\u3400-\u9fffA-Za-z]", t)]
    assert segmenter.words(text) == expected == segmenter.words(text)
    assert "covid-19" in expected and "who" in expected and "的" not in expected
