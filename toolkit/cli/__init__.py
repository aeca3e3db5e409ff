"""Command line: one module per command, each a thin layer over the Python API.

Exit codes: 0 every input done; 1 some inputs could not be read (each named
on stderr, the rest still done); 2 usage error; 3 model missing, damaged or
refused.
"""

from toolkit.cli.retrain import retrain_command
from toolkit.cli.summarise import summarise_command
from toolkit.cli.tag import tag_command

__all__ = ["summarise_command", "tag_command", "retrain_command"]
