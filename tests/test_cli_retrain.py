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
