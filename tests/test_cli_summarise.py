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


def test_usage_errors_exit_2(seed_paths):
    assert run().exit_code == 2
    assert run("--sentences", "0", str(seed_paths["004"])).exit_code == 2
    assert run("--ratio", "2", str(seed_paths["004"])).exit_code == 2
    help_text = run("--help").output
    assert "--max-chars" in help_text and "--by-theme" in help_text
