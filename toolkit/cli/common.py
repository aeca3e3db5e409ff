"""Command line, shared parts: exit codes, error lines, option checks, model loading.

The commands parse arguments, call the Python API, format output, map errors to exit codes.

Exit codes: 0 every input done; 1 some inputs could not be read (each named
on stderr, the rest still done); 2 usage error; 3 model missing, damaged or
refused; 130 interrupted (Ctrl-C); 141 standard output closed early (``| head``).
Heavy modules (scikit-learn, joblib, tqdm) are imported inside the commands
that need them, so ``summarise`` starts fast.
"""

from __future__ import annotations

import contextlib
import errno
import math
import os
import sys
from dataclasses import dataclass, field
from typing import Sequence

import click

from toolkit.text.reading import printable  # noqa: F401  (the commands import it from here)

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2
EXIT_MODEL = 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for Ctrl-C
EXIT_CLOSED_PIPE = 141  # 128 + SIGPIPE, what `set -o pipefail` expects from `... | head`

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}



def error_line(program: str, message: str) -> None:
    click.echo(f"{program}: error: {printable(message)}", err=True)


def warning_line(program: str, message: str) -> None:
    click.echo(f"{program}: warning: {printable(message)}", err=True)


def positive(ctx, param, value):
    if value is not None and value < 1:
        raise click.BadParameter("must be at least 1")
    return value


def relative_pattern(ctx, param, value):
    """``--glob``: a file-name pattern applied under each folder, so neither empty nor absolute."""
    if not value:
        raise click.BadParameter("must not be empty (e.g. '*.txt')")
    if os.path.isabs(value):
        raise click.BadParameter(f"{value!r} is an absolute path: give a pattern relative to each folder, such as '*.txt' or 'sub/*.txt'")
    return value


def ratio_in_unit_interval(ctx, param, value):
    if value is not None and not 0 < value <= 1:
        raise click.BadParameter("must be in (0, 1]")
    return value


def finite_score(ctx, param, value):
    """click.FloatRange lets NaN through (every comparison with NaN is false)."""
    if value is not None and not math.isfinite(value):
        raise click.BadParameter("must be a number between 0 and 1")
    return value


def text_encoding(ctx, param, value):
    """A usage error up front for an unknown codec or one that does not decode bytes to text (rot13, base64)."""
    if value is None:
        return value
    try:
        # Not b"": decoding empty bytes skips the codec lookup.  Two NULs are a complete character
        # in every text encoding's eyes (or a decode error, which still proves it is a text codec).
        b"\x00\x00".decode(value)
    except UnicodeError:
        pass
    except LookupError as error:
        reason = "not a text encoding" if "text encoding" in str(error) else "unknown encoding"
        raise click.BadParameter(f"{reason}: {value!r} (e.g. utf-8, gb18030, big5, utf-16)") from None
    return value


def stdin_is_piped() -> bool:
    """Standard input comes from a pipe or a file, not a terminal: read it when no file is named."""
    try:
        return not sys.stdin.isatty()
    except (AttributeError, ValueError):  # closed or replaced stdin
        return False


def inputs_or_stdin(paths: Sequence[str]) -> tuple[str, ...]:
    """The paths given; none, with a pipe on standard input, means ``-``; none otherwise is a usage error."""
    if paths:
        return tuple(paths)
    if stdin_is_piped():
        return ("-",)
    raise click.UsageError("no input: name files or folders, or pipe text to standard input")


@dataclass
class Selection:
    """Files to process, in order, and what went wrong finding them."""

    files: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # one-line error messages
    empty_folders: list[str] = field(default_factory=list)


def select_files(paths: Sequence[str], pattern: str) -> Selection:
    """Files named directly, and files under folders (recursively) matching ``pattern`` (see
    ``batch.tagging.find_files``: anything that is not a folder is taken, so the reader names what
    it cannot read), plus the folders where nothing matched, for a warning."""
    from toolkit.batch.tagging import find_files

    selection = Selection()
    for name in paths:
        found, missing = find_files([name], pattern)
        if not found and not missing and name != "-":
            selection.empty_folders.append(name)
        selection.files.extend(found)
        selection.missing.extend(result.error for result in missing)
    return selection


def report_selection(program: str, selection: Selection, pattern: str) -> None:
    for message in selection.missing:
        error_line(program, message)
    for folder in selection.empty_folders:
        warning_line(program, f"{folder}: no files match {pattern!r} (see --glob)")
    if not selection.files:
        warning_line(program, "nothing to do: no input files")


def refuse_existing_output(program: str, output: str | None, force: bool) -> None:
    """Usage error (exit 2) for an ``-o`` that exists without ``--force``, or whose folder is missing or not writable."""
    if not output:
        return
    from toolkit.batch.output import OutputError, check_output_target

    try:
        check_output_target(output, force=force)
    except OutputError as error:
        error_line(program, str(error))
        sys.exit(EXIT_USAGE)


@contextlib.contextmanager
def written_atomically(program: str, output: str, *, force: bool):
    """An ``-o`` file written atomically (``batch.output.AtomicOutput``, given ``force`` so a forced
    run may replace the target), or a one-line error: exit 2 when refused at the start (exists,
    claimed by another run), 1 when writing failed (a full disk); nothing is left behind."""
    from toolkit.batch.output import AtomicOutput, OutputError

    try:
        with AtomicOutput(output, force=force) as out:
            yield out
    except OutputError as error:
        error_line(program, str(error))
        sys.exit(EXIT_USAGE if error.at_start else EXIT_SOME_FAILED)


def load_model_or_exit(program: str, path, trust: bool, *, cached: bool = False, quiet: bool = True):
    """The theme model, or a one-line error and exit code 3.  ``cached``: keep it for batch.tag_file."""
    from toolkit.batch.tagging import cached_model
    from toolkit.modelfiles import ModelError
    from toolkit.themes.model import ThemeModel

    if not quiet:
        # Loading takes several seconds on a cold start: say so rather than show a bar stuck at 0%.
        click.echo(f"{program}: loading the theme model {'(shipped)' if path is None else printable(str(path))}…", err=True)
    try:
        return cached_model(path, trust) if cached else ThemeModel.load(path, trust=trust)
    except ModelError as error:
        error_line(program, str(error))
        sys.exit(EXIT_MODEL)


def closing_line(program: str, done: int, verb: str, details: str, failed: int, output: str | None, seconds: float) -> str:
    where = f" -> {printable(output)}" if output else ""
    return f"{program}: {done} file{'' if done == 1 else 's'} {verb} ({details}), {failed} failed{where} in {seconds:.1f} s"


def version_option(program: str):
    """``--version``: the installed package's version, looked up only when asked for."""

    def show(ctx, param, value):
        if not value or ctx.resilient_parsing:
            return
        import toolkit

        click.echo(f"{program} (cn-news-toolkit) {toolkit.__version__}")
        ctx.exit(EXIT_OK)

    return click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=show, help="Show the version and exit.")


def _quiet_stdout() -> None:
    """After a reader closed the pipe: point stdout at /dev/null so the final flush raises nothing."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


class ToolkitCommand(click.Command):
    """A click command with the exit codes users expect from a Unix tool.

    Click maps Ctrl-C to exit 1 ("Aborted!") and a closed pipe to exit 1, the
    code this toolkit uses for unreadable inputs; here they are 130 and 141,
    without a traceback or a message.  Names starting with ``-`` that are
    existing files (``-notes.txt``) are taken as files, not option clusters.
    """

    def parse_args(self, ctx, args):
        return super().parse_args(ctx, self._files_after_double_dash(list(args)))

    def _files_after_double_dash(self, args: list[str]) -> list[str]:
        options = {opt: param for param in self.params if isinstance(param, click.Option) for opt in [*param.opts, *param.secondary_opts]}
        tail: list[str] = []
        if "--" in args:
            cut = args.index("--")
            args, tail = args[:cut], args[cut + 1 :]
        option_args: list[str] = []
        positional: list[str] = []
        dash_files = False
        takes_value = False
        for arg in args:
            if takes_value:
                option_args.append(arg)
                takes_value = False
            elif arg in options:
                option_args.append(arg)
                takes_value = not options[arg].is_flag and not options[arg].count
            elif arg == "-" or not arg.startswith("-"):
                positional.append(arg)
            elif "=" not in arg and os.path.lexists(arg):
                positional.append(arg)
                dash_files = True
            else:
                option_args.append(arg)  # an option cluster such as -n3, or a typo click will report
        if not dash_files:
            return args + (["--", *tail] if tail else [])
        # Everything after "--" is a file to click; the files keep their order.
        return option_args + ["--", *positional, *tail]

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except BrokenPipeError:
            _quiet_stdout()
            sys.exit(EXIT_CLOSED_PIPE)
        except OSError as error:
            if error.errno != errno.EPIPE:
                raise
            _quiet_stdout()
            sys.exit(EXIT_CLOSED_PIPE)


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
