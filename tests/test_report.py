"""The corpus report: its data dict on real reports, dates, metadata, escaping, the command."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

import toolkit
from toolkit.cli.report import report_command
from toolkit.reporting.dates import date_from_text, parse_date_value, period_of
from toolkit.reporting.page import render_page

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))[:2]
CORPUS = ROOT.parent / "shared" / "corpus"
CORPUS_FILES = ["xwlb/00001.txt", "xwlb/00002.txt", "ncp_policies/00001.txt"]

# A real seed paragraph wrapped in markup that would run if it were ever parsed as HTML.
BOOBY_TRAP = (
    '<script>window.pwned = "script"</script>防控通知"><img src=x onerror="window.pwned=\'img\'">\n'
    "2020年2月18日 记者获悉</textarea><textarea>\n"
    "全区各社区开展拉网式排查，对返乡人员逐户登记、测量体温，落实居家隔离医学观察措施。"
    "<script>window.pwned = 'body'</script>\n"
)


def build_corpus_folder(folder: Path) -> Path:
    """A small corpus: two seeds, three files of the shared corpus (with the manifest), one booby-trapped report."""
    if not CORPUS.exists():
        pytest.skip("needs ../shared/corpus beside the repository")
    for seed in SEEDS:
        (folder / "seeds").mkdir(parents=True, exist_ok=True)
        shutil.copy(seed, folder / "seeds" / seed.name)
    for name in CORPUS_FILES:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPUS / name, folder / name)
    (folder / "trap").mkdir(exist_ok=True)
    (folder / "trap" / "booby.txt").write_text(BOOBY_TRAP, encoding="utf-8")
    manifest = [json.loads(line) for line in (CORPUS / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    with open(folder / "manifest.jsonl", "w", encoding="utf-8") as out:
        for row in manifest:
            if row["file"] in CORPUS_FILES:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return folder


@pytest.fixture(scope="module")
def corpus_folder(tmp_path_factory) -> Path:
    return build_corpus_folder(tmp_path_factory.mktemp("report_corpus"))


@pytest.fixture(scope="module")
def report_data(corpus_folder) -> dict:
    return toolkit.report([str(corpus_folder), str(corpus_folder / "missing")], metadata=corpus_folder / "manifest.jsonl")


def document(data: dict, suffix: str) -> dict:
    return next(d for d in data["documents"] if d["file"].endswith(suffix))


def test_corpus_counts_add_up(report_data):
    corpus = report_data["corpus"]
    assert corpus["documents"] == len(SEEDS) + len(CORPUS_FILES) + 1
    assert corpus["paragraphs"] == sum(len(d["strip"]) for d in report_data["documents"])
    assert corpus["characters"] == sum(d["chars"] for d in report_data["documents"]) > 5000
    assert [f["file"] for f in corpus["failed"]] == [str(Path(report_data["documents"][0]["file"]).parents[1] / "missing")]
    assert "no such file or folder" in corpus["failed"][0]["error"]


def test_theme_shares_follow_the_documents(report_data):
    documents = report_data["documents"]
    for i, theme in enumerate(report_data["themes"]):
        having = sum(theme in d["themes"] for d in documents)
        share = report_data["theme_share"][theme]
        assert share["documents"] == having == report_data["cooccurrence"][i][i]
        assert share["paragraphs"] == sum(p["labels"].count(theme) for d in documents for p in d["paragraphs"])
    # The seed about door-to-door checks is a screening report.
    assert "screening" in document(report_data, SEEDS[0].name)["themes"]


def test_dates_come_from_metadata_then_from_the_text(report_data):
    xwlb = document(report_data, "xwlb/00001.txt")
    manifest_date = next(
        json.loads(line)["date"] for line in (CORPUS / "manifest.jsonl").read_text(encoding="utf-8").splitlines() if '"xwlb/00001.txt"' in line
    )
    assert (xwlb["date"], xwlb["date_source"]) == (manifest_date, "metadata")
    trap = document(report_data, "booby.txt")
    assert (trap["date"], trap["date_source"]) == ("2020-02-18", "text")
    timeline = report_data["timeline"]
    assert timeline["dated"] + timeline["undated"] == report_data["corpus"]["documents"]
    assert sum(timeline["documents"]) == timeline["dated"] - timeline["outside"]


def test_facets_are_folders_and_few_valued_metadata_columns(report_data):
    facets = report_data["facets"]
    assert {v: facets["folder"][v]["documents"] for v in facets["folder"]} == {"seeds": 2, "xwlb": 2, "ncp_policies": 1, "trap": 1}
    # 'url' and 'docid' differ for every file: filters, not facets; the title is never a facet.
    assert "title" not in facets and "url" not in facets
    assert document(report_data, "xwlb/00002.txt")["title"].startswith(
        json.loads(next(l for l in (CORPUS / "manifest.jsonl").read_text(encoding="utf-8").splitlines() if '"xwlb/00002.txt"' in l))["title"][:5]
    )


def test_examples_come_from_different_documents_and_are_their_sentences(report_data):
    assert report_data["examples"]
    for theme, examples in report_data["examples"].items():
        documents = [e["document"] for e in examples]
        assert len(documents) == len(set(documents))
        for example in examples:
            source = report_data["documents"][example["document"]]
            assert theme in source["themes"]
            assert example["text"] in "".join(p["text"] for p in source["paragraphs"])


def test_full_text_limit_keeps_summary_and_strip(corpus_folder):
    data = toolkit.report([str(corpus_folder / "xwlb")], full_text_limit=1)
    assert [d["paragraphs"] is None for d in data["documents"]] == [False, True]
    assert all(d["summary"] and d["strip"] for d in data["documents"])


def test_from_tag_records_gives_the_same_themes(corpus_folder, report_data, tmp_path):
    records = tmp_path / "themes.jsonl"
    with open(records, "w", encoding="utf-8") as out:
        for d in report_data["documents"]:
            for p in toolkit.tag(Path(d["file"]).read_bytes(), source=d["file"]):
                out.write(json.dumps({"file": d["file"], **p.to_json()}, ensure_ascii=False) + "\n")
    again = toolkit.report([str(corpus_folder)], metadata=corpus_folder / "manifest.jsonl", from_tags=records)
    assert again["theme_share"] == report_data["theme_share"]
    assert [d["file"] for d in again["documents"]] == [d["file"] for d in report_data["documents"]]


def test_datelines_in_report_text():
    assert date_from_text(["疫情通报", "发布时间：2020-01-31 17:34 来源：市卫健委"]) == date(2020, 1, 31)
    assert date_from_text(["2020年2月18日，全市召开会议"]) == date(2020, 2, 18)
    # 2月18日 takes the year the document names further down.
    assert date_from_text(["2月18日上午，区委召开会议", "……", "2020年全区经济工作"]) == date(2020, 2, 18)
    assert date_from_text(["2月18日上午，区委召开会议"]) is None
    # A date deep in a long sentence cites a law or an event: not the report's date.
    assert date_from_text(["根据《中华人民共和国传染病防治法》和省政府的有关要求，参照国务院办公厅1995年3月2日印发的规定，现就做好疫情防控期间的工作通知如下。"]) is None
    assert date_from_text(["2月18日上午"], default_year=2020) == date(2020, 2, 18)
    assert parse_date_value("2020-13-01") is None and parse_date_value("2020年3月5日") == date(2020, 3, 5)
    assert period_of(date(2020, 2, 18), "week") == "2020-W08" and period_of(date(2020, 2, 18), "month") == "2020-02"


def test_page_shows_untrusted_text_as_text(report_data):
    page = render_page(report_data)
    assert "window.pwned" in page  # the text is there...
    for raw in ("<script>window.pwned", '"><img src=x', "<img src=x", "</textarea><textarea>"):
        assert raw not in page  # ...but never as markup
    assert page.count("<script") == 2  # the data block and the page's own script
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in page
    assert "default-src 'none'" in page


def test_command_writes_once_and_refuses_to_overwrite(corpus_folder, tmp_path):
    output = tmp_path / "page.html"
    runner = CliRunner()
    result = runner.invoke(report_command, [str(corpus_folder / "xwlb"), "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert output.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    again = runner.invoke(report_command, [str(corpus_folder / "xwlb"), "-o", str(output)])
    assert again.exit_code == 2 and "already exists" in again.output
    output.write_text("an older page", encoding="utf-8")
    forced = runner.invoke(report_command, [str(corpus_folder / "xwlb"), "-o", str(output), "--force"])
    assert forced.exit_code == 0, forced.output
    assert output.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]  # no temporary left beside it


def test_command_names_a_bad_metadata_file(corpus_folder, tmp_path):
    bad = tmp_path / "meta.jsonl"
    bad.write_text('{"file": "xwlb/00001.txt"}\nnot json\n', encoding="utf-8")
    result = CliRunner().invoke(report_command, [str(corpus_folder / "xwlb"), "--metadata", str(bad), "-o", str(tmp_path / "p.html")])
    assert result.exit_code == 2
    assert f"{bad}: line 2: not JSON" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "p.html").exists()


def test_command_exit_1_when_a_file_fails(corpus_folder, tmp_path):
    result = CliRunner().invoke(report_command, [str(corpus_folder / "xwlb"), str(tmp_path / "nope.txt"), "-o", str(tmp_path / "p.html")])
    assert result.exit_code == 1
    assert "nope.txt: no such file or folder" in result.output


def test_summaries_from_a_summarise_json_run(corpus_folder, report_data, tmp_path):
    summaries = tmp_path / "summaries.jsonl"
    xwlb = [d for d in report_data["documents"] if "/xwlb/" in d["file"]]
    with open(summaries, "w", encoding="utf-8") as out:
        for d in xwlb:
            summary = toolkit.summarise(Path(d["file"]).read_bytes(), sentences=2)
            out.write(json.dumps(summary.to_json() | {"file": d["file"]}, ensure_ascii=False) + "\n")
    data = toolkit.report([str(corpus_folder / "xwlb")], summaries=summaries)
    for d in data["documents"]:
        expected = toolkit.summarise(Path(d["file"]).read_bytes(), sentences=2)
        assert d["summary"].startswith(expected.sentences[0].text)


def test_csv_metadata_rows_are_found_by_path_or_unique_name(tmp_path):
    from toolkit.reporting.metadata import MetadataError, read_metadata

    table_file = tmp_path / "meta.csv"
    table_file.write_text("file,region,date\nxwlb/00001.txt,北京,2020-01-20\nseeds/a.txt,兰州,\nother/a.txt,昆明,\n", encoding="utf-8")
    table = read_metadata(table_file)
    assert table.find("/data/corpus/xwlb/00001.txt", "xwlb/00001.txt")["region"] == "北京"
    assert table.find("/elsewhere/00001.txt", "00001.txt")["region"] == "北京"  # the name is unique
    assert table.find("/elsewhere/a.txt", "a.txt") is None  # two rows are called a.txt
    table_file.write_text("region\n北京\n", encoding="utf-8")
    with pytest.raises(MetadataError, match="meta.csv: row 1 has no 'file' value"):
        read_metadata(table_file)


def test_time_chart_keeps_the_main_span_of_dates():
    from toolkit.reporting.data import main_span

    corpus_days = [date(2020, 1, 20), date(2020, 2, 3), date(2020, 3, 30), date(2020, 5, 1)]
    assert main_span([date(2018, 2, 1), *corpus_days]) == corpus_days  # a reprinted 2018 notice is left out


def test_command_names_a_bad_tag_file(corpus_folder, tmp_path):
    records = tmp_path / "themes.jsonl"
    records.write_text('{"file": "a.txt", "text": "防控"}\n', encoding="utf-8")
    result = CliRunner().invoke(report_command, [str(corpus_folder / "xwlb"), "--from", str(records), "-o", str(tmp_path / "p.html")])
    assert result.exit_code == 2
    assert result.output.strip() == f"report: error: {records}: line 1: a tag record needs text and labels"


def test_command_without_jinja2_says_how_to_install_it(corpus_folder, tmp_path, monkeypatch):
    """`pip install .` has no Jinja2 (the page is the `report` extra): one line saying what to install."""
    import sys

    monkeypatch.setitem(sys.modules, "jinja2", None)  # import jinja2 now raises ImportError
    result = CliRunner().invoke(report_command, [str(corpus_folder / "xwlb"), "-o", str(tmp_path / "page.html")])
    assert result.exit_code == 2
    assert result.output.strip() == "report: error: the report page needs Jinja2: pip install 'cn-news-toolkit[report]'"
    assert not (tmp_path / "page.html").exists()
