"""The batch progress bar on stderr: files done of all, characters tagged and the rate."""

from __future__ import annotations

import sys
import time

from toolkit.batch.tagging import FileResult


class BatchProgress:
    """A tqdm bar counting files; its postfix shows characters and characters per second of this run.

    ``done`` files were finished by an earlier, interrupted run: the bar starts
    there, and the rate counts only what this run tags.
    """

    def __init__(self, total: int, *, done: int = 0, done_chars: int = 0) -> None:
        from tqdm import tqdm

        self._bar = tqdm(total=total, initial=done, unit="file", disable=None, file=sys.stderr, leave=False, dynamic_ncols=True)
        self.chars = done_chars
        self._run_chars = 0
        self._start = time.perf_counter()

    def update(self, result: FileResult) -> None:
        self.chars += result.chars
        self._run_chars += result.chars
        elapsed = max(time.perf_counter() - self._start, 1e-9)
        self._bar.set_postfix_str(f"{self.chars:,} chars, {self._run_chars / elapsed:,.0f} chars/s", refresh=False)
        self._bar.update(1)

    def close(self) -> None:
        self._bar.close()

    def __enter__(self) -> "BatchProgress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
