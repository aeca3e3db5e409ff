"""Temporary files and folders beside a target, for outputs that appear whole or not at all.

Their names carry the writing process's id (``.NAME.PID.XXXXXXXX.part``
for files, ``.NAME.PID.XXXXXXXX.staging`` for folders), so a later run can
tell litter from work in progress: it sweeps only those whose process is gone.
While a temporary exists, SIGTERM and SIGINT remove it before acting as they
did before; ``kill -9`` cannot be caught, so the next run for the same target
sweeps what it left.  Created files and folders honour the umask (mkstemp and
mkdtemp make them private).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

PART_SUFFIX = ".part"
STAGING_SUFFIX = ".staging"


def parent_folder(target: Path) -> Path:
    return target.parent if str(target.parent) else Path(".")


def temporary_file(target: Path) -> tuple[int, Path]:
    """An open descriptor and the path of a new file beside ``target``, mode per the umask."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=PART_SUFFIX, dir=parent_folder(target))
    os.fchmod(fd, 0o666 & ~current_umask())
    return fd, Path(name)


def temporary_folder(target: Path) -> Path:
    """A new folder beside ``target``, mode per the umask."""
    name = tempfile.mkdtemp(prefix=f".{target.name}.{os.getpid()}.", suffix=STAGING_SUFFIX, dir=parent_folder(target))
    os.chmod(name, 0o777 & ~current_umask())
    return Path(name)


def sweep_litter(target: Path) -> list[Path]:
    """Remove temporaries of ``target`` whose writing process no longer runs; returns what went.

    Only names made by :func:`temporary_file` and :func:`temporary_folder`
    match: other tools' files beside the target (a resume journal) are never touched.
    """
    target = Path(target)
    pattern = re.compile(
        rf"\.{re.escape(target.name)}\.(\d+)\.[A-Za-z0-9_]{{8}}(?:{re.escape(PART_SUFFIX)}|(?:\.old)?{re.escape(STAGING_SUFFIX)})"
    )
    removed: list[Path] = []
    try:
        entries = list(os.scandir(parent_folder(target)))
    except OSError:
        return removed
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None or _process_alive(int(match.group(1))):
            continue
        remove_path(Path(entry.path))
        removed.append(Path(entry.path))
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # someone else's process, or not a pid at all: leave the file alone
    return True


def remove_path(path: Path) -> None:
    """Remove a file or a folder tree; missing is fine."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink()
    except OSError:
        pass


@contextmanager
def removed_on_signal(litter: Callable[[], Path | None]) -> Iterator[None]:
    """While the block runs, SIGTERM and SIGINT first remove ``litter()`` (a path or None), then act
    as the handler before did (SIGINT raises KeyboardInterrupt, SIGTERM ends the process); the
    previous handlers are restored afterwards.  Outside the main thread it does nothing (Python
    allows handlers there only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: dict[int, object] = {}

    def remove_then_pass_on(signum, frame):
        path = litter()
        if path is not None:
            remove_path(Path(path))
        handler = previous.get(signum)
        if callable(handler):
            handler(signum, frame)
            return
        signal.signal(signum, signal.SIG_DFL if handler in (None, signal.SIG_DFL) else handler)
        if handler != signal.SIG_IGN:
            os.kill(os.getpid(), signum)  # die of the signal, as without this handler

    for signum in (signal.SIGTERM, signal.SIGINT):
        previous[signum] = signal.signal(signum, remove_then_pass_on)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)


def current_umask() -> int:
    # The only portable way to read the umask is to set it; it is set straight back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def signals_deferred() -> Iterator[None]:
    """SIGTERM and SIGINT wait until the block is done (a swap of two renames must not be cut in
    half: the old version moved away, the new one not yet in place)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    signals = {signal.SIGTERM, signal.SIGINT}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
