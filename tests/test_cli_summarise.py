import json

from click.testing import CliRunner

import toolkit
from toolkit.cli import summarise_command


def run(*args, input=None):
    return CliRunner().invoke(summarise_command, list(args), input=input)


def test_summarise_a_seed(seed_paths):
    result = run(str(seed_paths["004"]))
    assert result.exit_code == 0
    assert result.output == str(toolkit.summarise(seed_paths["004"].read_bytes())) + "\n"


def test_several_files_get_headers(seed_paths):
    result = run("--max-chars", "200", str(seed_paths["002"]), str(seed_paths["003"]))
    assert result.exit_code == 0
    assert f"==> {seed_paths['002']} <==" in result.output
    assert f"==> {seed_paths['003']} <==" in result.output


def test_json_output(seed_paths):
    result = run("--sentences", "3", "--json", str(seed_paths["001"]))
    assert result.exit_code == 0
    record = json.loads(result.output)
    assert record["file"] == str(seed_paths["001"])
    assert len(record["sentences"]) == 3
    assert set(record["sentences"][0]) == {"text", "index", "paragraph", "score"}
    assert record["keywords"]


def test_stdin_and_simplified(seed_paths):
    data = seed_paths["003"].read_bytes().decode("utf-8").encode("gb18030")
    result = CliRunner().invoke(summarise_command, ["--simplified", "-n", "2", "-"], input=data)
    assert result.exit_code == 0
    assert "遂宁" in result.output or "园区" in result.output or "春节" in result.output  # 春節 in the article
    assert "區" not in result.output


def test_bad_files_are_named_and_the_rest_still_summarised(tmp_path, seed_paths):
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(bytes(range(256)) * 10)
    result = run(str(tmp_path / "missing.txt"), str(binary), str(seed_paths["004"]))
    assert result.exit_code == 1
    assert f"summarise: error: {tmp_path / 'missing.txt'}: no such file" in result.output
    assert f"summarise: error: {binary}: binary data, not text" in result.output
    assert "Traceback" not in result.output
    assert str(toolkit.summarise(seed_paths["004"].read_bytes())) in result.output


def test_usage_errors_exit_2(seed_paths, monkeypatch):
    monkeypatch.setattr("toolkit.cli.common.stdin_is_piped", lambda: False)  # as on a terminal
    assert run().exit_code == 2
    assert run("--sentences", "0", str(seed_paths["004"])).exit_code == 2
    assert run("--ratio", "2", str(seed_paths["004"])).exit_code == 2
    help_text = run("--help").output
    assert "--max-chars" in help_text and "--by-theme" in help_text


# --- batch summaries, conventions and faults (issues 14 and 10) ---

import os
import shutil

import pytest

from toolkit.summarising.summariser import DEFAULT_MAX_CHARS, DEFAULT_MIN_CHARS


@pytest.fixture
def reports(tmp_path, seed_paths):
    folder = tmp_path / "reports"
    (folder / "sub").mkdir(parents=True)
    for name, path in seed_paths.items():
        shutil.copy(path, folder / ("sub" if name in ("001", "003") else "") / path.name)
    (folder / "notes.md").write_text("not a report")
    return folder


def _records(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_folder_tree_to_jsonl_with_the_closing_line(reports, tmp_path, seed_paths):
    out = tmp_path / "summaries.jsonl"
    result = run(str(reports), "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = _records(out)
    assert sorted(os.path.basename(r["file"]) for r in rows) == sorted(p.name for p in seed_paths.values())
    by_name = {os.path.basename(r["file"]): r for r in rows}
    expected = toolkit.summarise(seed_paths["004"].read_bytes())
    assert [s["text"] for s in by_name[seed_paths["004"].name]["sentences"]] == [s.text for s in expected.sentences]
    assert "summarise: 5 files summarised" in result.output
    assert f"0 failed -> {out} in " in result.output
    assert not list(tmp_path.glob(".summaries.jsonl*"))


def test_glob_and_two_workers_give_the_same_records(reports, tmp_path):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert run(str(reports), "--glob", "0*.txt", "-o", str(one)).exit_code == 0
    assert run(str(reports), "--glob", "0*.txt", "-j", "2", "-o", str(two)).exit_code == 0
    assert _records(one) == _records(two) and len(_records(one)) == 5


def test_an_existing_output_is_kept_without_force(reports, tmp_path):
    out = tmp_path / "s.jsonl"
    out.write_text("keep me")
    result = run(str(reports), "-o", str(out))
    assert result.exit_code == 2 and "already exists" in result.output
    assert out.read_text() == "keep me"


def test_a_folder_with_no_match_warns_and_exits_1(reports):
    result = run(str(reports), "--glob", "*.docx")
    assert result.exit_code == 1
    assert f"summarise: warning: {reports}: no files match '*.docx'" in result.output


def test_odd_inputs_are_skipped_by_name_and_the_rest_summarised(tmp_path, seed_paths, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(seed_paths["002"], tmp_path / "-dash.txt")  # a file whose name looks like an option
    (tmp_path / "-folder").mkdir()  # a folder (empty) among the files
    locked = tmp_path / "locked.txt"
    shutil.copy(seed_paths["003"], locked)
    locked.chmod(0)
    args = [str(seed_paths["004"]), "-dash.txt", "-folder", str(locked), "missing.txt", "--max-chars", "120"]
    result = run(*args)
    assert result.exit_code == 1
    assert "summarise: warning: -folder: no files match '*.txt'" in result.output
    assert "summarise: error: missing.txt: no such file or folder" in result.output
    assert "==> -dash.txt <==" in result.output
    assert str(toolkit.summarise(seed_paths["002"].read_bytes(), max_chars=120)) in result.output
    assert str(toolkit.summarise(seed_paths["004"].read_bytes(), max_chars=120)) in result.output
    if os.geteuid() != 0:  # root reads any file
        assert f"summarise: error: {locked}: permission denied" in result.output
    assert "Traceback" not in result.output


def test_a_newline_in_a_name_stays_on_one_error_line(tmp_path, seed_paths):
    result = run(str(tmp_path / "two\nlines.txt"), str(seed_paths["004"]))
    assert result.exit_code == 1
    error = [line for line in result.output.splitlines() if "error" in line]
    assert error == [f"summarise: error: {tmp_path}/two\\nlines.txt: no such file or folder"]


@pytest.mark.parametrize("encoding", ["rot13", "foo", "base64"])
def test_an_encoding_that_is_not_a_text_codec_is_a_usage_error(encoding, seed_paths):
    result = run("--encoding", encoding, str(seed_paths["004"]))
    assert result.exit_code == 2
    assert "--encoding" in result.output and encoding in result.output
    assert "Traceback" not in result.output


def test_options_that_would_do_nothing_are_usage_errors(seed_paths):
    by_theme_with_length = run("--by-theme", "-n", "2", str(seed_paths["000"]))
    assert by_theme_with_length.exit_code == 2 and "--by-theme" in by_theme_with_length.output
    model_without_by_theme = run("--model", "models/themes", str(seed_paths["000"]))
    assert model_without_by_theme.exit_code == 2 and "--model" in model_without_by_theme.output


def test_piped_standard_input_without_a_dash(seed_paths):
    result = run("-n", "2", input=seed_paths["003"].read_bytes())
    assert result.exit_code == 0
    assert result.output == str(toolkit.summarise(seed_paths["003"].read_bytes(), sentences=2)) + "\n"


def test_version_and_help_with_examples_and_exit_codes():
    version = run("--version")
    assert version.exit_code == 0 and version.output == f"summarise (cn-news-toolkit) {toolkit.__version__}\n"
    assert toolkit.__version__[0].isdigit()
    help_text = run("--help").output
    assert "Examples:" in help_text and "summarise reports/ -o summaries.jsonl" in help_text
    assert "Exit codes:" in help_text and "130" in help_text


def test_default_length_is_200_to_500_characters_on_every_seed(seed_paths):
    for path in seed_paths.values():
        summary = toolkit.summarise(path.read_bytes())
        length = sum(len(s.text) for s in summary.sentences)
        assert DEFAULT_MIN_CHARS <= length <= DEFAULT_MAX_CHARS, (path.name, length)


def test_json_keywords_are_whole_words_in_the_articles_script(seed_paths):
    traditional = json.loads(run("--json", str(seed_paths["000"])).output)  # a traditional-script report
    assert "官渡區" in traditional["keywords"] and "官渡区" not in traditional["keywords"]
    simplified = json.loads(run("--json", "--simplified", str(seed_paths["000"])).output)
    assert "官渡区" in simplified["keywords"]
    fragments = json.loads(run("--json", str(seed_paths["004"])).output)["keywords"]
    assert fragments and not {"该区", "余条", "万余张", "各乡镇"} & set(fragments)
    assert "摸排" in fragments


def test_force_replaces_an_existing_output_and_without_it_nothing_is_touched(seed_paths, tmp_path):
    out = tmp_path / "summaries.jsonl"
    out.write_text("an older run\n", encoding="utf-8")
    refused = run(str(seed_paths["001"]), "-o", str(out))
    assert refused.exit_code == 2 and "already exists" in refused.output
    assert out.read_text(encoding="utf-8") == "an older run\n"
    forced = run(str(seed_paths["001"]), "-o", str(out), "--force")
    assert forced.exit_code == 0, forced.output
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["file"].endswith("001_c7bb10757f092b7d.txt")
    assert [p.name for p in tmp_path.iterdir()] == ["summaries.jsonl"]
