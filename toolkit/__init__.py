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

__all__ = ["summarise", "summarise_by_theme", "tag", "train", "load_model", "report", "ReadError", "ModelError"]

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


def __getattr__(name: str):
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'toolkit' has no attribute {name!r}")
