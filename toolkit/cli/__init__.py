"""Command line: one module per command, each a thin layer over the Python API.

Exit codes: 0 every input done; 1 some inputs could not be read (each named
on stderr, the rest still done); 2 usage error; 3 model missing, damaged or
refused.

The commands are imported on first use: the `tag` entry point (``toolkit.cli.tag``) then loads
neither `retrain`'s nor `summarise`'s modules, a few hundredths of a second of every start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__all__ = ["summarise_command", "tag_command", "retrain_command"]

if TYPE_CHECKING:
    from toolkit.cli.retrain import retrain_command
    from toolkit.cli.summarise import summarise_command
    from toolkit.cli.tag import tag_command


def __getattr__(name: str):
    if name in __all__:
        import importlib

        return getattr(importlib.import_module(f"toolkit.cli.{name.removesuffix('_command')}"), name)
    raise AttributeError(f"module 'toolkit.cli' has no attribute {name!r}")
