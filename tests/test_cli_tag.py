import csv
import io
import json
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


def test_table_format(seed_paths):
    result = run(seed_paths["002"], "--format", "table")
    assert result.exit_code == 0
    assert f"{seed_paths['002']}:1" in result.output


def test_summarise_by_theme(seed_paths):
    result = CliRunner().invoke(summarise_command, ["--by-theme", str(seed_paths["000"])])
    assert result.exit_code == 0
    assert "[supplies]" in result.output and "[organisation]" in result.output
    as_json = CliRunner().invoke(summarise_command, ["--by-theme", "--json", str(seed_paths["000"])])
    record = json.loads(as_json.output)
    assert {t["theme"] for t in record["themes"]} >= {"supplies", "organisation"}
