from toolkit.text.cleaning import remove_artifacts
from toolkit.text.splitting import looks_like_heading, split_lines, split_sentences


def test_closing_quote_stays_with_its_sentence():
    paragraph = "“這是24小時待命狀態！”他說。大家都在。"
    assert split_sentences(paragraph) == ["“這是24小時待命狀態！”", "他說。", "大家都在。"]


def test_seed_sentences(seed_texts):
    paragraph = remove_artifacts(seed_texts["003"].splitlines()[2])
    assert split_sentences(paragraph)[:3] == [
        "一場突如其來的疫情,讓2020年的春節變得與眾不同、終身難忘。",
        "疫情就是命令,防控就是責任。",
        "面對來勢洶洶的新型冠狀病毒感染肺炎疫情,遂寧高新區認真貫徹落實省委、市委重大決策部署,萬眾一心、全力以赴,"
        "黨政班子調度指揮,共産黨員挺身在前,廣大群眾積極響應,一場疫情防控阻擊戰全面打響。",
    ]


def test_question_marks_and_quotes_in_seed_003(seed_texts):
    line = next(l for l in seed_texts["003"].splitlines() if "請問有什麼可以幫您" in l)
    sentences = split_sentences(line)
    assert "“您好,這裡是遂寧高新區防疫應急指揮部,請問有什麼可以幫您?”" in sentences


def test_semicolons_and_half_width_marks_end_sentences(seed_texts):
    line = remove_artifacts(seed_texts["001"].splitlines()[2])
    sentences = split_sentences(line)
    assert sentences[0] == "疫情防控,總結起來說,安寧區側重做了三方面的工作:宣傳引導,把夢中的人喚醒;"
    assert split_sentences("好!真的?是的;") == ["好!", "真的?", "是的;"]


def test_trailing_sentence_without_end_mark_is_kept():
    assert split_sentences("第一句。第二句沒有句號") == ["第一句。", "第二句沒有句號"]
    assert split_sentences("") == []


def test_no_text_is_lost_in_splitting(seed_texts):
    for text in seed_texts.values():
        for line in split_lines(text):
            assert "".join(split_sentences(line)).replace(" ", "") == line.strip().replace(" ", "")


def test_headings_of_seed_002(seed_texts):
    lines = seed_texts["002"].splitlines()
    assert looks_like_heading(lines[2])  # 强检查、严防控
    assert not looks_like_heading(lines[3])
    assert split_lines("a\r\nb\rc\n") == ["a", "b", "c", ""]
