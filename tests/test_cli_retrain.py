import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import toolkit
from toolkit.cli import retrain_command

LABELS = Path(__file__).resolve().parents[1].parent / "shared" / "labels" / "paragraphs.jsonl"
pytestmark = pytest.mark.skipif(not LABELS.exists(), reason="needs ../shared/labels beside the repository")


def run(*args):
    return CliRunner().invoke(retrain_command, [str(a) for a in args])


def test_one_fold_is_a_usage_error_that_says_why(tmp_path):
    result = run(LABELS, "--out", tmp_path / "model", "--folds", "1")
    assert result.exit_code == 2
    assert "at least 2 folds" in result.output
    assert not (tmp_path / "model").exists()


def test_an_out_folder_under_a_file_fails_before_training(tmp_path):
    labels = tmp_path / "labels.jsonl"
    shutil.copy(LABELS, labels)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run(labels, "--out", blocker / "model")
    assert result.exit_code == 3
    assert f"retrain: error: {blocker / 'model'}: cannot be created: {blocker} is a file, not a folder" in result.output
    assert "cross-validation" not in result.output  # refused before any training started


def test_version_and_help():
    assert run("--version").output == f"retrain (cn-news-toolkit) {toolkit.__version__}\n"
    help_text = run("--help").output
    assert "Examples:" in help_text and "Exit codes:" in help_text


def test_every_bad_line_of_a_file_is_reported_at_once(tmp_path):
    """A user mends a labelled file in one go: each bad line named on its own line, nothing written."""
    import json

    rows = [json.loads(line) for line in LABELS.open(encoding="utf-8")][:40]
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    lines[3] = '{"text": "各社区开展消杀", "labels": []}'
    lines[10] = "not json"
    lines[20] = json.dumps({"text": "", "labels": ["care"]})
    labelled = tmp_path / "labels.jsonl"
    labelled.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(labelled, "--out", tmp_path / "model")
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("retrain: error:")]
    assert [e.split(":")[3] for e in errors] == ["4", "11", "21"]
    assert "not valid JSON" in errors[1] and "empty or missing 'text'" in errors[2]
    assert not (tmp_path / "model").exists()

    many = tmp_path / "many.jsonl"
    many.write_text("not json\n" * 30, encoding="utf-8")
    result = run(many, "--out", tmp_path / "model")
    errors = [line for line in result.output.splitlines() if line.startswith("retrain: error:")]
    assert len(errors) == 21 and "stopped after 20 bad lines" in errors[-1]


def test_progress_names_each_fold_as_it_finishes(tmp_path):
    import json

    documents: list[str] = []
    rows = []
    for line in LABELS.open(encoding="utf-8"):
        row = json.loads(line)
        if row["file"] not in documents:
            if len(documents) == 30:
                continue
            documents.append(row["file"])
        rows.append(row)
    labelled = tmp_path / "labels.jsonl"
    labelled.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    result = run(labelled, "--out", tmp_path / "model", "--folds", "3")
    assert result.exit_code == 0, result.output
    for k in (1, 2, 3):
        assert f"retrain: fold {k} of 3 (" in result.output
    assert "retrain: the final model fitted" in result.output
