import csv
import io
import json
import os
import shutil

import pytest
from click.testing import CliRunner

from toolkit.cli import summarise_command, tag_command

REQUIRED = {"file", "line", "paragraph", "text", "labels", "scores"}


@pytest.fixture
def reports(tmp_path, seed_paths):
    folder = tmp_path / "reports"
    (folder / "sub").mkdir(parents=True)
    for name, path in seed_paths.items():
        target = folder / ("sub" if name in ("001", "003") else "") / path.name
        shutil.copy(path, target)
    (folder / "notes.md").write_text("not a report")
    return folder


def run(*args):
    return CliRunner().invoke(tag_command, [str(a) for a in args])


def _jsonl(text):
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_tag_a_folder_tree(reports):
    result = run(reports)
    assert result.exit_code == 0, result.output
    rows = _jsonl(result.output)
    assert len({r["file"] for r in rows}) == 5
    assert all(set(r) == REQUIRED for r in rows)
    assert "tag: 5 files tagged" in result.output and "0 failed" in result.output


def test_bad_file_is_named_and_the_rest_tagged(reports):
    (reports / "sub" / "broken.txt").write_bytes(bytes(range(256)) * 8)
    result = run(reports, "-j", "2")
    assert result.exit_code == 1
    assert f"tag: error: {reports / 'sub' / 'broken.txt'}: binary data, not text" in result.output
    assert len({r["file"] for r in _jsonl(result.output)}) == 5
    assert "1 failed" in result.output


def test_missing_path_exit_1(reports):
    result = run(reports / "nope", reports)
    assert result.exit_code == 1
    assert "no such file or folder" in result.output


def test_two_workers_give_the_same_output(reports):
    one, two = run(reports, "-j", "1"), run(reports, "-j", "2")
    assert _jsonl(one.output) == _jsonl(two.output)


def test_csv_output_to_file_is_atomic_and_never_overwrites(reports, tmp_path):
    out = tmp_path / "themes.csv"
    result = run(reports, "--format", "csv", "-o", out)
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert set(rows[0]) == REQUIRED
    assert all(row["labels"] for row in rows)
    assert any(";" in row["labels"] for row in rows)
    assert not list(tmp_path.glob(".themes.csv.*"))  # no temporary file left behind
    before = out.read_text(encoding="utf-8")
    again = run(reports, "--format", "csv", "-o", out)
    assert again.exit_code == 2 and "already exists" in again.output
    assert out.read_text(encoding="utf-8") == before
    assert run(reports, "--format", "csv", "-o", out, "--force").exit_code == 0


def test_top_k_min_score_and_explain(seed_paths):
    rows = _jsonl(run(seed_paths["000"], "--top-k", "1").output)
    assert all(len(r["labels"]) == 1 for r in rows)
    rows = _jsonl(run(seed_paths["000"], "--min-score", "0.99").output)
    assert all(r["labels"] == ["other"] or all(r["scores"][l] >= 0.99 for l in r["labels"]) for r in rows)
    rows = _jsonl(run(seed_paths["004"], "--explain").output)
    assert rows[1]["explain"]["organisation"]


def test_table_fits_the_terminal_width_counting_chinese_as_two_columns(seed_paths, monkeypatch):
    from toolkit.batch.output import display_width

    monkeypatch.setenv("COLUMNS", "80")
    result = run(seed_paths["002"], "--format", "table", "--explain", "-q")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == f"==> {seed_paths['002']} <=="
    assert all(display_width(line) <= 80 for line in lines)
    rows = [line for line in lines[1:] if line[:3].strip().isdigit()]
    assert len(rows) == 45 and any(line.endswith("…") for line in rows)
    labels = {"care", "mobilisation", "organisation", "publicity", "quarantine", "reopening", "restrictions", "sanitation", "screening", "supplies"}
    # labels are never cut: each label cell is whole labels with scores, then "+N" for ones that did not fit
    for line in rows:
        cell = line.split("  ")[1] if "  " in line else ""
        for part in cell.replace(" +", ", +").split(", "):
            assert part == "other" or part.split(" ")[0] in labels or part.startswith("+"), line
    assert display_width("遂宁市") == 6 and display_width("ab") == 2


def test_wide_csv_with_a_bom_has_one_score_column_per_theme(reports, tmp_path):
    out = tmp_path / "wide.csv"
    assert run(reports, "--format", "csv-wide", "--bom", "-o", out, "-q").exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0])[:5] == ["file", "line", "paragraph", "text", "labels"]
    score_columns = [c for c in rows[0] if c.startswith("score_")]
    assert len(score_columns) == 10 and "score_reopening" in score_columns
    narrow = _jsonl(run(reports, "-q").output)
    assert len(rows) == len(narrow)
    first = narrow[0]
    assert {c: round(float(rows[0][c]), 4) for c in score_columns} == {f"score_{t}": round(v, 4) for t, v in first["scores"].items()}
    assert run(reports, "--bom").exit_code == 2  # a BOM in JSONL would break every JSON reader


def test_per_document_records(reports, seed_paths):
    result = run(reports, "--per-document", "-q")
    assert result.exit_code == 0
    documents = _jsonl(result.output)
    assert len(documents) == 5
    paragraphs = _jsonl(run(seed_paths["000"], "-q").output)
    mine = next(d for d in documents if d["file"].endswith(seed_paths["000"].name))
    assert mine["paragraphs"] == len(paragraphs)
    supplies = sum("supplies" in p["labels"] for p in paragraphs)
    assert mine["shares"]["supplies"] == round(supplies / len(paragraphs), 4)
    assert mine["main_themes"][0] == max(mine["shares"], key=lambda t: (t != "other", mine["shares"][t]))
    assert "supplies" in mine["main_themes"]
    table = run(reports, "--per-document", "--format", "table", "-q").output
    assert "paragraphs" in table and len(table.splitlines()) == 5


def test_list_themes_gives_definitions_and_thresholds():
    result = run("--list-themes")
    assert result.exit_code == 0
    assert "quarantine 隔离救治  (threshold 0.27)" in result.output
    assert "home observation and centralised quarantine" in result.output
    assert "other 其他" in result.output


def test_min_score_nan_and_bad_encoding_are_usage_errors(seed_paths):
    nan = run(seed_paths["000"], "--min-score", "nan")
    assert nan.exit_code == 2 and "--min-score" in nan.output
    assert run(seed_paths["000"], "--encoding", "rot13").exit_code == 2


def test_empty_selection_warns(reports):
    result = run(reports / "sub", "--glob", "*.pdf")
    assert result.exit_code == 1
    assert f"tag: warning: {reports / 'sub'}: no files match '*.pdf'" in result.output
    assert "tag: 0 files tagged" in result.output


def test_output_follows_the_umask_and_the_closing_line_names_it(reports, tmp_path):
    out = tmp_path / "themes.jsonl"
    previous = os.umask(0o022)
    try:
        result = run(reports, "-o", out)
    finally:
        os.umask(previous)
    assert result.exit_code == 0
    assert out.stat().st_mode & 0o777 == 0o644
    assert f"0 failed -> {out} in " in result.output
    assert "tag: loading the theme model" in result.output


def test_version_and_help():
    import toolkit

    assert run("--version").output == f"tag (cn-news-toolkit) {toolkit.__version__}\n"
    help_text = run("--help").output
    assert "Examples:" in help_text and "--per-document" in help_text and "quarantine" in help_text
    assert "141" in help_text


def test_summarise_by_theme(seed_paths):
    result = CliRunner().invoke(summarise_command, ["--by-theme", str(seed_paths["000"])])
    assert result.exit_code == 0
    assert "[supplies]" in result.output and "[organisation]" in result.output
    as_json = CliRunner().invoke(summarise_command, ["--by-theme", "--json", str(seed_paths["000"])])
    record = json.loads(as_json.stdout)
    assert {t["theme"] for t in record["themes"]} >= {"supplies", "organisation"}


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "csv-wide", "table"])
@pytest.mark.parametrize("per_document", [False, True])
def test_records_formatted_by_the_workers_are_the_bytes_formatted_here(seed_paths, fmt, per_document):
    """Workers send back each file's records as text (RecordFormat.body), the first after the header:
    the same bytes as formatting the tagged paragraphs in the main process, for every format."""
    from toolkit.batch.output import RecordFormat
    from toolkit.batch.tagging import TagSettings, tag_chunk
    from toolkit.themes.model import default_theme_model

    themes = (*default_theme_model().labels, "other")
    record_format = RecordFormat(fmt, themes=themes, bom=fmt.startswith("csv"), per_document=per_document, width=90)
    paths = [str(seed_paths[name]) for name in ("000", "002", "004")]
    plain = tag_chunk(paths, TagSettings(explain=3 if not per_document else 0))
    formatted = tag_chunk(paths, TagSettings(explain=3 if not per_document else 0), record_format)
    assert all(r.output and not r.paragraphs and r.paragraph_count == len(p.paragraphs) for r, p in zip(formatted, plain))
    for position, (worker_side, main_side) in enumerate(zip(formatted, plain)):
        header = position == 0
        assert record_format(worker_side, header) == record_format(main_side, header)
    text = "".join(record_format(r, i == 0) for i, r in enumerate(formatted))
    assert text.count("\ufeff") == (1 if fmt.startswith("csv") else 0)
    assert "002_" in text and len(text) > 250
