"""Model files: where the shipped models are, and loading them without running code.

A theme model is a folder of plain data:

* ``model.json``: labels, thresholds, vectoriser settings and vocabularies;
* ``arrays.npz``: IDF weights, coefficients and intercepts, loaded with
  ``allow_pickle=False`` so the file cannot execute anything;
* ``manifest.json``: labels, metrics, training-data hash, package versions, date.

Pickle and joblib files can run arbitrary code when loaded: they are refused
unless the caller says it trusts them.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

MODEL_JSON = "model.json"
ARRAYS = "arrays.npz"
MANIFEST = "manifest.json"
DEFAULT_THEME_MODEL = "themes"
PICKLE_SUFFIXES = (".pkl", ".pickle", ".joblib", ".jbl", ".sav", ".dill")


class ModelError(Exception):
    """A model that cannot be loaded or written.  ``str(error)`` is a one-line message."""


def models_dir() -> Path:
    """The shipped models: inside the installed package, or models/ of a source checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "models"
    if installed.is_dir():
        return installed
    return here.parent / "models"


def default_idf_path() -> Path:
    return models_dir() / "idf.json"


def default_theme_model_path() -> Path:
    return models_dir() / DEFAULT_THEME_MODEL


def is_pickle_file(path: Path) -> bool:
    if path.suffix.lower() in PICKLE_SUFFIXES:
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(2)
    except OSError:
        return False
    # Pickle protocol 2+ starts with PROTO (0x80) and the protocol number.
    return len(head) == 2 and head[0] == 0x80 and 2 <= head[1] <= 5


def find_pickles(path: Path) -> list[Path]:
    if path.is_file():
        return [path] if is_pickle_file(path) else []
    if path.is_dir():
        return [p for p in sorted(path.iterdir()) if p.is_file() and is_pickle_file(p)]
    return []


def read_model_folder(path: Path) -> tuple[dict, dict]:
    """The JSON description and the arrays of a model folder, without running code."""
    import numpy as np

    model_json = path / MODEL_JSON
    arrays_file = path / ARRAYS
    if not model_json.is_file() or not arrays_file.is_file():
        raise ModelError(f"{path}: not a model folder (needs {MODEL_JSON} and {ARRAYS})")
    try:
        description = json.loads(model_json.read_text(encoding="utf-8"))
        with np.load(arrays_file, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
    except (ValueError, OSError, json.JSONDecodeError) as error:
        raise ModelError(f"{path}: damaged model files ({error})") from None
    return description, arrays


def write_model_folder(
    path: Path, description: dict, arrays: dict, manifest: dict, *, force: bool = False, compressed: bool = True
) -> None:
    """Write a model folder atomically: built beside the target, then renamed into place.

    ``compressed=False`` stores the arrays uncompressed: float32 weights shrink little, and
    reading them back then costs a copy instead of a decompression.
    """
    import numpy as np

    path = Path(path)
    if path.exists() and not force:
        raise ModelError(f"{path}: already exists (use --force to replace it)")
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        (staging / MODEL_JSON).write_text(json.dumps(description, ensure_ascii=False) + "\n", encoding="utf-8")
        (np.savez_compressed if compressed else np.savez)(staging / ARRAYS, **arrays)
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        if path.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.old.", dir=path.parent))
            os.replace(path, old / path.name)
            os.replace(staging, path)
            shutil.rmtree(old)
        else:
            os.replace(staging, path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
