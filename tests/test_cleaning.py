from toolkit.text.cleaning import (
    ScriptConverter,
    analysis_form,
    is_boilerplate,
    remove_artifacts,
    strip_inline_bylines,
)


def test_gateway_pinyin_is_removed_from_seed_lines(seed_texts):
    line = seed_texts["000"].splitlines()[4]
    assert "(qū)" in line
    cleaned = remove_artifacts(line)
    assert cleaned.startswith("疫情發生后,官渡區迅速制定《疫情防控工作方案》,建立區委、區政府主要負責人任雙組長")
    for text in seed_texts.values():
        cleaned = remove_artifacts(text)
        for syllable in ("(qū)", "(zhàn)", "(yīng)", "(shí)", "(zé)"):
            assert syllable not in cleaned


def test_gateway_mojibake_remnants_are_removed(seed_texts):
    # Seed 000's line 5 holds a mangled "。“區(qū)": 責(zé)任?!皡^(qū)衛(wèi)生
    line = seed_texts["000"].splitlines()[4]
    assert "?!皡^(qū)" in line
    cleaned = remove_artifacts(line)
    assert "?!" not in cleaned and "皡^" not in cleaned
    # it held the end of a sentence and an opening quote (a quote closes after it): both come back,
    # so 責任 ends its sentence and the quoted list reads as one (not 責任衛生健康局…)
    assert "堅決扛起疫情防控政治責任。“衛生健康局防控人員24小時在崗待命”“區文化和旅游局" in cleaned
    # the same remnant with letters in it (seed 000, further down the same line): 愛心?!北kU(xiǎn)
    assert remove_artifacts("戰(zhàn)疫愛心?!北kU(xiǎn)、官渡區(qū)潤土") == "戰疫愛心、官渡區潤土"
    assert remove_artifacts("真的嗎?!好") == "真的嗎?!好"  # a real "?!" is kept


def test_real_brackets_are_kept():
    for text in ["各鎮(街道)、村(社區)", "許可證:(京)字第07311號", "（京）字", "(記者 楊陽)", "(a)項"]:
        assert remove_artifacts(text) == text


def test_pinyin_inside_byline_bracket(seed_texts):
    last = seed_texts["000"].splitlines()[-1]
    cleaned = remove_artifacts(last)
    assert cleaned.endswith("(昆明日報 記者楊陽 通訊員熊楠 向文)")
    assert strip_inline_bylines(cleaned).endswith("貢獻“巾幗”力量。")


def test_leading_dateline_byline_is_removed(seed_texts):
    first = seed_texts["004"].splitlines()[0]
    assert strip_inline_bylines(first).startswith("疫情就是命令。在市委、市政府的坚强领导下")


def test_control_and_zero_width_characters_are_dropped():
    assert remove_artifacts("防\u200b控\u0007工作\ufeff") == "防控 工作"


def test_html_character_references_are_decoded_and_bare_ampersands_kept():
    # ncp_policies/00102 (a Nanchang notice copied from a web page): the splitter took the ; of &gt; for a sentence end
    line = "根据…交通工作组《关于转发&lt;江西省…运输车辆正常通行的紧急通知&gt;的通知》有关精神"
    assert remove_artifacts(line) == "根据…交通工作组《关于转发<江西省…运输车辆正常通行的紧急通知>的通知》有关精神"
    # ncp_policies/00299: quotes written as entities
    assert remove_artifacts("作为&ldquo;不忘初心、牢记使命&rdquo;主题教育") == "作为“不忘初心、牢记使命”主题教育"
    assert remove_artifacts("R&D投入与AT&T、&#x4E2D;&#22269;") == "R&D投入与AT&T、中国"


def test_analysis_form_folds_width_and_script():
    to_simplified = ScriptConverter()
    assert analysis_form("聯防聯控，ＣＯＶＩＤ－１９", to_simplified) == "联防联控,COVID-19"


def test_boilerplate_lines_of_the_seeds(seed_texts):
    to_simplified = ScriptConverter()
    lines = [
        "企業為社區居民送蔬菜。官渡區委宣傳部供圖",
        "來源:中國網 時間:2020-01-31 17:34:24 編輯:周姿彤",
        "责任编辑:张煜",
        seed_texts["004"].splitlines()[-2],
        seed_texts["004"].splitlines()[-1],
        seed_texts["001"].splitlines()[-1],
    ]
    for line in lines:
        assert is_boilerplate(analysis_form(remove_artifacts(line), to_simplified)), line
    for line in seed_texts["002"].splitlines():
        assert not is_boilerplate(analysis_form(line, to_simplified)), line
