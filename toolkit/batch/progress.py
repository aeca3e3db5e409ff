"""The batch progress bar on stderr: files done of all, characters tagged and the rate."""

from __future__ import annotations

import contextlib
import sys
import time

from toolkit.batch.tagging import FileResult


class BatchProgress:
    """A tqdm bar counting files; its postfix shows characters and characters per second of this run.

    ``done`` files were finished by an earlier, interrupted run: the bar starts
    there, and the rate counts only what this run tags.  The bar is drawn only
    when ``shown`` and stderr is a terminal (tqdm is then not even imported).
    """

    def __init__(self, total: int, *, done: int = 0, done_chars: int = 0, shown: bool = True) -> None:
        self._bar = None
        if shown and _is_terminal(sys.stderr):
            from tqdm import tqdm

            self._bar = tqdm(total=total, initial=done, unit="file", file=sys.stderr, leave=False, dynamic_ncols=True)
        self.chars = done_chars
        self._run_chars = 0
        self._start = time.perf_counter()

    def update(self, result: FileResult) -> None:
        self.chars += result.chars
        self._run_chars += result.chars
        if self._bar is None:
            return
        elapsed = max(time.perf_counter() - self._start, 1e-9)
        self._bar.set_postfix_str(f"{self.chars:,} chars, {self._run_chars / elapsed:,.0f} chars/s", refresh=False)
        self._bar.update(1)

    def lifted(self):
        """While printing to the terminal: the bar is cleared, then redrawn below what was printed."""
        return self._bar.external_write_mode(file=sys.stderr) if self._bar is not None else contextlib.nullcontext()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()

    def __enter__(self) -> "BatchProgress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
