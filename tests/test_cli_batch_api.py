"""The Python side of the batch commands, called directly: batch summaries, document records, table cells, names."""

import json

from toolkit.api import read_document
from toolkit.batch.output import display_width, document_record, fit_to_width
from toolkit.batch.summaries import SummarySettings, article_keywords, summarise_files
from toolkit.batch.tagging import TagSettings, tag_file
from toolkit.cli.common import printable, select_files


def test_batch_summaries_keep_file_order_and_carry_on_after_a_bad_file(tmp_path, seed_paths):
    broken = tmp_path / "broken.txt"
    broken.write_bytes(bytes(range(256)) * 4)
    files = [str(seed_paths["001"]), str(broken), str(seed_paths["002"])]
    results = list(summarise_files(files, SummarySettings(max_chars=150)))
    assert [r.file for r in results] == files
    assert results[1].error == f"{broken}: binary data, not text" and results[1].record is None
    good = results[0]
    assert good.chars > 1000 and len(good.text.replace("\n", "")) <= 150  # a new line where the summary skips paragraphs
    assert json.dumps(good.record, ensure_ascii=False)  # JSON-ready as it is
    assert "".join(s["text"] for s in good.record["sentences"]) == good.text.replace("\n", "")


def test_keywords_are_mapped_back_to_the_articles_script(seed_paths):
    document = read_document(seed_paths["000"].read_bytes())
    assert article_keywords(["官渡区", "该区", "万余张", "铺开"], document) == ["官渡區", "鋪開"]
    assert article_keywords(["官渡区", "余条"], document, simplified=True) == ["官渡区"]


def test_document_record_shares_and_main_themes(seed_paths):
    result = tag_file(str(seed_paths["003"]), TagSettings())
    record = document_record(result)
    assert record["paragraphs"] == len(result.paragraphs) == 24
    mobilisation = sum("mobilisation" in p.labels for p in result.paragraphs)
    assert record["shares"]["mobilisation"] == round(mobilisation / 24, 4)
    assert record["main_themes"][0] == "mobilisation"
    assert list(record["shares"].values()) == sorted(record["shares"].values(), reverse=True)


def test_widths_and_cutting_count_chinese_as_two_columns():
    assert display_width("防控ab") == 6
    assert fit_to_width("新型冠状病毒", 7) == "新型冠…" and display_width("新型冠…") == 7
    assert fit_to_width("reports/sub/001.txt", 8, keep_end=True) == "…001.txt"
    assert fit_to_width("short", 10) == "short"


def test_printable_names_are_one_line_in_any_encoding():
    name = b"bad\xff\xfe\nname.txt".decode("utf-8", "surrogateescape")
    shown = printable(name)
    assert shown == "bad\\xff\\xfe\\nname.txt"
    shown.encode("ascii")  # nothing left that a strict encoder could refuse
    assert printable("遂宁.txt") == "遂宁.txt"


def test_selection_keeps_named_odd_files_and_reports_empty_folders(tmp_path, seed_paths):
    (tmp_path / "empty").mkdir()
    named = tmp_path / "notes.md"
    named.write_text("x")
    selection = select_files([str(tmp_path / "empty"), str(named), str(tmp_path / "gone.txt"), "-"], "*.txt")
    assert selection.files == [str(named), "-"]
    assert selection.empty_folders == [str(tmp_path / "empty")]
    assert selection.missing == [f"{tmp_path / 'gone.txt'}: no such file or folder"]


def test_folders_are_listed_in_the_order_and_with_the_files_rglob_gives(tmp_path):
    """The scandir walk of ``find_files`` against the pathlib route it replaced, on the awkward cases."""
    import os
    from pathlib import Path

    from toolkit.batch.tagging import find_files

    tree = tmp_path / "in"
    for name in ["a/x.txt", "a-b.txt", "a/b/c.txt", "a.b/y.txt", ".hidden.txt", "Upper.TXT", "z/é.txt", "z/note.md", "dir.txt/inner.txt"]:
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_text("疫情防控。", encoding="utf-8")
    os.symlink("loop.txt", tree / "loop.txt")  # a symlink loop: taken, so its reader names the problem
    os.mkfifo(tree / "fifo.txt")
    os.symlink(tree / "a", tree / "linked")  # a link to a folder: not descended, as rglob does
    for pattern in ["*.txt", "*", "?.txt", "[a-z]*.txt", "*/*.txt"]:
        expected = [str(p) for p in sorted(Path(tree).rglob(pattern)) if not p.is_dir()]
        found, missing = find_files([str(tree)], pattern)
        assert found == expected and not missing, pattern
    assert str(tree / "loop.txt") in find_files([str(tree)])[0] and str(tree / "linked" / "x.txt") not in find_files([str(tree)])[0]


def test_model_folders_take_the_umask(tmp_path):
    """Staged private nowhere: the folder and its files get the modes a plain mkdir/open would."""
    import os

    import numpy as np

    from toolkit.modelfiles import write_model_folder

    folder = tmp_path / "model"
    previous = os.umask(0o027)
    try:
        write_model_folder(folder, {"format": 4}, {"coef": np.zeros((2, 3), dtype=np.float32)}, {"seed": 0})
    finally:
        os.umask(previous)
    assert folder.stat().st_mode & 0o777 == 0o750
    assert {child.name: child.stat().st_mode & 0o777 for child in folder.iterdir()} == {
        "model.json": 0o640, "arrays.npz": 0o640, "manifest.json": 0o640,
    }
