"""Command line, shared parts: exit codes, error lines, option checks, model loading.

The commands parse arguments, call the Python API, format output, map errors to exit codes.

Exit codes: 0 every input done; 1 some inputs could not be read (each named
on stderr, the rest still done); 2 usage error; 3 model missing, damaged or
refused.  Heavy modules (scikit-learn, joblib, tqdm) are imported inside the
commands that need them, so ``summarise`` starts fast.
"""

from __future__ import annotations

import sys

import click

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2
EXIT_MODEL = 3


def error_line(program: str, message: str) -> None:
    click.echo(f"{program}: error: {message}", err=True)


def positive(ctx, param, value):
    if value is not None and value < 1:
        raise click.BadParameter("must be at least 1")
    return value


def ratio_in_unit_interval(ctx, param, value):
    if value is not None and not 0 < value <= 1:
        raise click.BadParameter("must be in (0, 1]")
    return value


def load_model_or_exit(program: str, path, trust: bool, *, cached: bool = False):
    """The theme model, or a one-line error and exit code 3.  ``cached``: keep it for batch.tag_file."""
    from toolkit.batch.tagging import cached_model
    from toolkit.modelfiles import ModelError
    from toolkit.themes.model import ThemeModel

    try:
        return cached_model(path, trust) if cached else ThemeModel.load(path, trust=trust)
    except ModelError as error:
        error_line(program, str(error))
        sys.exit(EXIT_MODEL)




def feature_blocks(ctx, param, value):
    """``--features word,char``: a tuple of block names, checked; None when not given."""
    if value is None:
        return None
    from toolkit.themes.model import FeatureSpace

    blocks = tuple(part.strip() for part in value.split(",") if part.strip())
    unknown = [b for b in blocks if b not in FeatureSpace.BLOCKS]
    if unknown or not blocks:
        raise click.BadParameter(f"{unknown[0] if unknown else value!r} is not a feature block (choose from {','.join(FeatureSpace.BLOCKS)})")
    if "word" not in blocks:
        raise click.BadParameter("the 'word' block is always used: include it")
    return blocks
