"""Model files: where the shipped models are, and loading them without running code.

A theme model is a folder of plain data:

* ``model.json``: labels, thresholds, vectoriser settings and vocabularies;
* ``arrays.npz``: IDF weights, coefficients and intercepts, loaded with
  ``allow_pickle=False`` so the file cannot execute anything;
* ``manifest.json``: labels, metrics, training-data hash, package versions, date.

Pickle and joblib files can run arbitrary code when loaded: they are refused
unless the caller says it trusts them, and even then a folder holding a
plain-data model (``model.json``) is always loaded as plain data, whatever
else lies beside it.

Everything read is validated before use (JSON objects where objects are
expected, array shapes against vocabularies and labels, finite numbers), so a
damaged model is one :class:`ModelError` naming the file, never a traceback
half-way through tagging.  Writing refuses NaN and infinities for the same reason.
"""

from __future__ import annotations

import json
import math
import os
import shutil
from pathlib import Path

from toolkit.atomic import removed_on_signal, signals_deferred, sweep_litter, temporary_folder

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


def read_json_object(path: Path) -> dict:
    """A JSON file that must hold an object, or a one-line :class:`ModelError` naming it."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ModelError(f"{path}: cannot be read ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise ModelError(f"{path}: damaged model files (not UTF-8 text)") from None
    except (json.JSONDecodeError, RecursionError) as error:
        detail = f"{error.msg} at line {error.lineno}" if isinstance(error, json.JSONDecodeError) else "nested too deeply"
        raise ModelError(f"{path}: damaged model files (not valid JSON: {detail})") from None
    if not isinstance(value, dict):
        raise ModelError(f"{path}: damaged model files (expected a JSON object, found {type(value).__name__})")
    return value


def read_arrays(path: Path) -> dict:
    """The arrays of an ``.npz`` file, loaded without pickles: numeric and finite, or text (a
    format-4 model's token table), or :class:`ModelError`."""
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
    except OSError as error:
        raise ModelError(f"{path}: damaged model files ({error.strerror or error})") from None
    except Exception as error:  # noqa: BLE001 - a corrupt archive fails in zipfile, zlib or numpy, in many ways
        raise ModelError(f"{path}: damaged model files ({type(error).__name__}: {_one_line(error)})") from None
    for name, array in arrays.items():
        if array.dtype.kind == "U":  # strings: plain data, nothing to check for NaN
            continue
        if not np.issubdtype(array.dtype, np.number):
            raise ModelError(f"{path}: damaged model files ({name!r} is {array.dtype}, not numbers)")
        if not np.isfinite(array).all():
            raise ModelError(f"{path}: damaged model files ({name!r} holds NaN or infinite values)")
    return arrays


def read_model_folder(path: Path) -> tuple[dict, dict]:
    """The JSON description and the arrays of a model folder, without running code."""
    model_json = path / MODEL_JSON
    arrays_file = path / ARRAYS
    if not model_json.is_file() or not arrays_file.is_file():
        raise ModelError(f"{path}: not a model folder (needs {MODEL_JSON} and {ARRAYS})")
    return read_json_object(model_json), read_arrays(arrays_file)


def read_manifest(path: Path) -> dict:
    """The folder's manifest.json, or {} when there is none."""
    manifest_file = path / MANIFEST
    return read_json_object(manifest_file) if manifest_file.is_file() else {}


def check_theme_model(path: Path, description: dict, arrays: dict) -> None:
    """Refuse a theme model whose parts do not fit together, before anything is built from it.

    Checks labels, thresholds and blend weights (finite numbers), each
    vocabulary against its IDF array, and the weights' shapes against the
    labels and the total number of features.
    """
    model_json, arrays_file = path / MODEL_JSON, path / ARRAYS

    def damaged(where: Path, problem: str) -> ModelError:
        return ModelError(f"{where}: damaged model files ({problem})")

    labels = description.get("labels")
    if not isinstance(labels, list) or not labels or not all(isinstance(l, str) and l for l in labels):
        raise damaged(model_json, "'labels' must be a non-empty list of names")
    if len(set(labels)) != len(labels):
        raise damaged(model_json, "'labels' has duplicates")
    thresholds = description.get("thresholds")
    if not isinstance(thresholds, list) or len(thresholds) != len(labels):
        raise damaged(model_json, f"'thresholds' must be a list of {len(labels)} numbers, one per label")
    if not all(_finite_number(t) for t in thresholds):
        raise damaged(model_json, "'thresholds' holds NaN, infinite or non-numeric values")
    blend = description.get("score_smoothing", {})
    if not isinstance(blend, dict) or not all(_finite_number(v) for v in blend.values()):
        raise damaged(model_json, "'score_smoothing' must map names to finite numbers")
    if not isinstance(description.get("settings"), dict):
        raise damaged(model_json, "no 'settings' object")
    for block in ("word", "char", "context", "document"):  # block weights scale every feature of their block
        weight = description["settings"].get(f"{block}_weight", 1.0)
        if not _finite_number(weight) or weight < 0:
            raise damaged(model_json, f"setting '{block}_weight' must be a finite number, not negative")
    if "block_sizes" in description:  # format 4: the vocabularies are code tables in the arrays
        features = _check_feature_tables(description["block_sizes"], arrays, damaged, model_json, arrays_file)
    else:
        vocabularies = description.get("vocabularies")
        if not isinstance(vocabularies, dict) or not vocabularies:
            raise damaged(model_json, "no 'vocabularies' object")
        features = 0
        for block, terms in vocabularies.items():
            if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
                raise damaged(model_json, f"vocabulary {block!r} must be a list of strings")
            _check_idf(arrays, block, len(terms), damaged, arrays_file)
            features += len(terms)
    expected = {"coef": (len(labels), features), "intercept": (len(labels),)}
    if "primary_coef" in arrays or "primary_intercept" in arrays:
        expected |= {"primary_coef": (len(labels) + 1, features), "primary_intercept": (len(labels) + 1,)}
    for name, shape in expected.items():
        if name not in arrays:
            raise damaged(arrays_file, f"no {name!r}")
        if arrays[name].shape != shape:
            raise damaged(arrays_file, f"{name!r} has shape {arrays[name].shape}, expected {shape} for {len(labels)} labels and {features} features")


def _check_idf(arrays: dict, block: str, size: int, damaged, arrays_file: Path) -> None:
    idf = arrays.get(f"idf_{block}")
    if idf is None:
        raise damaged(arrays_file, f"no 'idf_{block}'")
    if idf.shape != (size,):
        raise damaged(arrays_file, f"'idf_{block}' has shape {idf.shape}, block {block!r} has {size} features")


def _check_feature_tables(sizes, arrays: dict, damaged, model_json: Path, arrays_file: Path) -> int:
    """Format 4's code tables: each maps tokens, bigrams or character n-grams to columns of its block.

    Returns the number of features.  Every column must lie inside its block, so a
    damaged table cannot index past the weights while tagging.
    """
    if not isinstance(sizes, dict) or not sizes or not all(isinstance(n, int) and n >= 0 for n in sizes.values()):
        raise damaged(model_json, "'block_sizes' must map blocks to feature counts")

    def table(name: str):
        if name not in arrays:
            raise damaged(arrays_file, f"no {name!r}")
        return arrays[name]

    def columns_inside(name: str, size: int, *, unused_allowed: bool) -> None:
        columns = table(name)
        low = -1 if unused_allowed else 0
        if columns.size and (columns.min() < low or columns.max() >= size):
            raise damaged(arrays_file, f"{name!r} points outside its block of {size} features")

    tokens = table("tokens")
    for block, size in sizes.items():
        _check_idf(arrays, block, size, damaged, arrays_file)
        if block == "char":
            if table("char_codes").shape != table("char_columns").shape:
                raise damaged(arrays_file, "'char_codes' and 'char_columns' differ in length")
            columns_inside("char_columns", size, unused_allowed=False)
            continue
        if table(f"token_columns_{block}").shape != tokens.shape:
            raise damaged(arrays_file, f"'token_columns_{block}' does not have one entry per token")
        columns_inside(f"token_columns_{block}", size, unused_allowed=True)
        if block == "word" and "bigram_codes" in arrays:
            if table("bigram_codes").shape != table("bigram_columns").shape:
                raise damaged(arrays_file, "'bigram_codes' and 'bigram_columns' differ in length")
            columns_inside("bigram_columns", size, unused_allowed=False)
    return sum(sizes.values())


def _finite_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or "unreadable"


def check_writable_target(path: str | Path, *, force: bool = False) -> None:
    """Refuse, before any work, an output that could not be written: raises :class:`ModelError`.

    The target must not exist (unless ``force``), its parent must be an
    existing, writable folder (not a file: ``--out file/x``).
    """
    path = Path(path)
    if path.exists() and not force:
        raise ModelError(f"{path}: already exists (use --force to replace it)")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        # write_model_folder creates missing folders: the nearest existing ancestor must be a writable folder.
        ancestor = parent
        while not ancestor.exists() and ancestor != ancestor.parent:
            ancestor = ancestor.parent
        parent = ancestor
    if not parent.is_dir():
        raise ModelError(f"{path}: cannot be written ({parent} is not a folder)")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ModelError(f"{path}: cannot be written (no write permission in {parent})")


def write_model_folder(
    path: Path, description: dict, arrays: dict, manifest: dict, *, force: bool = False, compressed: bool = True
) -> None:
    """Write a model folder atomically: built beside the target, then renamed into place.

    The staging folder is removed on failure and on SIGTERM/SIGINT; NaN and
    infinities are refused (JSON has no such numbers and the model would be unusable).
    ``compressed=False`` stores the arrays uncompressed: float32 weights shrink little, and
    reading them back then costs a copy instead of a decompression.
    """
    import numpy as np

    path = Path(path)
    check_writable_target(path, force=force)
    for name, array in arrays.items():
        array = np.asarray(array)
        if array.dtype.kind in "fc" and not np.isfinite(array).all():  # integer and text arrays are always finite
            raise ModelError(f"{path}: refusing to write {name!r}: it holds NaN or infinite values")
    try:
        texts = {
            MODEL_JSON: json.dumps(description, ensure_ascii=False, allow_nan=False) + "\n",
            MANIFEST: json.dumps(manifest, ensure_ascii=False, indent=2, allow_nan=False) + "\n",
        }
    except ValueError as error:
        raise ModelError(f"{path}: refusing to write NaN or infinity into JSON ({error})") from None
    staging: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        sweep_litter(path)  # staging folders of an earlier run that was killed
        with removed_on_signal(lambda: staging):
            staging = temporary_folder(path)
            (staging / MODEL_JSON).write_text(texts[MODEL_JSON], encoding="utf-8")
            (np.savez_compressed if compressed else np.savez)(staging / ARRAYS, **arrays)
            (staging / MANIFEST).write_text(texts[MANIFEST], encoding="utf-8")
            with signals_deferred():
                if path.exists():
                    old = temporary_folder(path)
                    os.replace(path, old / path.name)
                    os.replace(staging, path)
                    staging = old  # removed below, like a failed staging folder
                else:
                    os.replace(staging, path)
                    staging = None
    except OSError as error:
        raise ModelError(f"{path}: cannot be written ({error.strerror or error})") from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
