"""Summarise and theme-tag Chinese local news reports on COVID-19 prevention and control.

The Python API (the command-line tools are thin layers over it)::

    import toolkit
    summary = toolkit.summarise(text, max_chars=200)
    paragraphs = toolkit.tag(text)
    model, report = toolkit.train(records)
    model = toolkit.load_model("models/mine")

Names are imported on first use, so ``import toolkit`` stays cheap and the
summariser never pays for scikit-learn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__all__ = ["__version__", "summarise", "summarise_by_theme", "tag", "train", "load_model", "report", "ReadError", "ModelError"]

_EXPORTS = {
    "summarise": "toolkit.api",
    "summarise_by_theme": "toolkit.api",
    "tag": "toolkit.api",
    "train": "toolkit.api",
    "load_model": "toolkit.api",
    "report": "toolkit.api",
    "ReadError": "toolkit.text.reading",
    "ModelError": "toolkit.modelfiles",
}

if TYPE_CHECKING:
    from toolkit.api import load_model, report, summarise, summarise_by_theme, tag, train
    from toolkit.modelfiles import ModelError
    from toolkit.text.reading import ReadError


def _installed_version() -> str:
    """The version of the installed distribution; a source tree that was never installed says so."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cn-news-toolkit")
    except PackageNotFoundError:
        return "0+unknown"


def __getattr__(name: str):
    # Looked up on first use: reading package metadata costs a few milliseconds at import.
    if name == "__version__":
        return _installed_version()
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'toolkit' has no attribute {name!r}")
