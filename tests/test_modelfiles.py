import os
import pickle

import pytest
from click.testing import CliRunner

import toolkit
from toolkit.cli import tag_command
from toolkit.modelfiles import ModelError


class _Booby:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.fixture
def trapped(tmp_path):
    marker = tmp_path / "pwned"
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "model.pkl").write_bytes(pickle.dumps(_Booby(marker)))
    unnamed = tmp_path / "weights.bin"  # a pickle by content, whatever its name
    unnamed.write_bytes(pickle.dumps(_Booby(marker)))
    return folder, unnamed, marker


def test_pickles_are_refused_without_running_them(trapped):
    folder, unnamed, marker = trapped
    for path in (folder, folder / "model.pkl", unnamed):
        with pytest.raises(ModelError, match="can run code"):
            toolkit.load_model(path)
    assert not marker.exists()


def test_trusting_a_pickle_really_loads_it(trapped):
    folder, _, marker = trapped
    with pytest.raises(ModelError, match="not a theme model"):
        toolkit.load_model(folder, trust=True)
    assert marker.exists()  # the user said they trust it: the file ran


def test_tag_refuses_pickle_model_with_exit_3(trapped, seed_paths):
    folder, _, marker = trapped
    result = CliRunner().invoke(tag_command, ["--model", str(folder), str(seed_paths["004"])])
    assert result.exit_code == 3
    assert "can run code" in result.output and "--trust-model" in result.output
    assert "Traceback" not in result.output
    assert not marker.exists()


def test_missing_or_damaged_model_folders(tmp_path):
    with pytest.raises(ModelError, match="no such model"):
        toolkit.load_model(tmp_path / "nothing")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "model.json").write_text("{}")
    with pytest.raises(ModelError, match="not a model folder"):
        toolkit.load_model(tmp_path / "broken")
    (tmp_path / "broken" / "arrays.npz").write_bytes(b"not a zip")
    with pytest.raises(ModelError, match="damaged"):
        toolkit.load_model(tmp_path / "broken")


def test_shipped_model_is_plain_data():
    from toolkit.modelfiles import default_theme_model_path, find_pickles

    folder = default_theme_model_path()
    assert sorted(p.name for p in folder.iterdir()) == ["arrays.npz", "manifest.json", "model.json"]
    assert find_pickles(folder) == []


def test_a_model_folder_missing_an_array_is_refused_by_name(tmp_path):
    """A copy of the shipped model with the softmax's intercepts removed: one clear error, no traceback."""
    import numpy as np

    from toolkit.modelfiles import default_theme_model_path

    shipped = default_theme_model_path()
    folder = tmp_path / "themes"
    folder.mkdir()
    for name in ("model.json", "manifest.json"):
        (folder / name).write_bytes((shipped / name).read_bytes())
    with np.load(shipped / "arrays.npz", allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files if name != "primary_intercept"}
    np.savez_compressed(folder / "arrays.npz", **arrays)
    with pytest.raises(ModelError, match="damaged model files .no 'primary_intercept'"):
        toolkit.load_model(folder)
    result = CliRunner().invoke(tag_command, ["--model", str(folder), "-"], input="测试段落。")
    assert result.exit_code == 3 and "primary_intercept" in result.output and "Traceback" not in result.output
