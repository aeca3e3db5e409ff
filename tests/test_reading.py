import codecs

import opencc
import pytest

from toolkit.text.reading import ReadError, decode, read_text


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-8-sig"])
def test_every_seed_decodes_from_legacy_encodings(seed_texts, encoding):
    for name, text in seed_texts.items():
        assert decode(text.encode(encoding)) == text, name


def test_big5_traditional_text_is_detected(seed_texts):
    # Big5 cannot hold the gateway pinyin or simplified characters, so convert
    # a seed to Taiwan-standard traditional script and keep what Big5 can hold.
    text = opencc.OpenCC("s2tw").convert(seed_texts["003"])
    text = text.encode("big5", errors="ignore").decode("big5")
    assert decode(text.encode("big5")) == text


def test_utf8_bom_is_removed(seed_texts):
    data = codecs.BOM_UTF8 + seed_texts["004"].encode("utf-8")
    assert decode(data) == seed_texts["004"]


def test_explicit_encoding_overrides_detection(seed_texts):
    text = seed_texts["002"][:200]
    assert decode(text.encode("gb18030"), encoding="gb18030") == text
    with pytest.raises(ReadError, match="not valid utf-8"):
        decode(text.encode("gb18030"), encoding="utf-8", source="x.txt")
    with pytest.raises(ReadError, match="unknown encoding"):
        decode(b"abc", encoding="no-such-codec")


def test_binary_and_truncated_files_are_refused(tmp_path, seed_texts):
    with pytest.raises(ReadError, match="binary"):
        decode(bytes(range(256)) * 20, source="blob.bin")
    cut = seed_texts["004"].encode("utf-8")[:1001]  # ends inside a three-byte character
    with pytest.raises(ReadError, match="truncated"):
        decode(cut, source="cut.txt")


def test_missing_file_error_names_the_file(tmp_path):
    missing = tmp_path / "gone.txt"
    with pytest.raises(ReadError) as error:
        read_text(missing)
    assert str(error.value) == f"{missing}: no such file"
    assert "\n" not in str(error.value)
