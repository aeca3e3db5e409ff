"""Running the real commands on hostile input: one case, one subprocess, one table row.

Shared by the fast fault tests (tests/test_faults.py) and the slow fault
benchmark (bench/faults.py).  Each case runs an installed console command
(`tag`, `summarise`, `retrain`) in a subprocess with a timeout and an
address-space limit (RLIMIT_AS), and records what a user would see: the exit
code, whether a Python traceback reached stderr, the first error line, how
long it took and the child's peak resident memory (from wait4's rusage).
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
SHIPPED_MODEL = ROOT / "models" / "themes"
DEFAULT_MEMORY_LIMIT = 3 * 1024**3  # address space, not RSS: numpy, scipy and the BLAS reserve a lot
DEFAULT_TIMEOUT = 60.0


@dataclass
class Outcome:
    case: str
    exit_code: int | None  # None: killed by the timeout
    stdout: str
    stderr: str
    seconds: float
    peak_rss_mb: float
    timed_out: bool = False
    good_intact: bool | None = None  # set by the case: the good inputs' outputs are all there
    notes: dict = field(default_factory=dict)

    @property
    def traceback(self) -> bool:
        return "Traceback (most recent call last)" in self.stderr

    @property
    def message(self) -> str:
        """The first error line (or the last stderr line), for the table."""
        lines = [line for line in self.stderr.splitlines() if line.strip()]
        errors = [line for line in lines if ": error:" in line or line.startswith("Error")]  # click: "Error: Invalid value ..."
        warnings = [line for line in lines if ": warning:" in line]
        usage = [line for line in lines if line.startswith("Usage")]
        return (errors or warnings or usage or lines[-1:] or [""])[0]

    def row(self) -> str:
        intact = {None: "-", True: "yes", False: "NO"}[self.good_intact]
        code = "HANG" if self.timed_out else str(self.exit_code)
        message = re.sub(r"/tmp/\S*?/(?=[^/\s]+(:|$| ))", "", self.message)  # temporary folders say nothing
        message = message if len(message) <= 100 else message[:99] + "…"
        return (
            f"| {self.case} | {code} | {'YES' if self.traceback else 'no'} | {intact} "
            f"| {self.seconds:.2f} | {self.peak_rss_mb:.0f} | {message.replace('|', '/')} |"
        )


TABLE_HEADER = "| case | exit | traceback | good outputs intact | time (s) | peak RSS (MB) | message |\n|---|---|---|---|---|---|---|"


def command(name: str) -> str:
    # The commands installed beside this Python first (a venv run without activating it), then PATH.
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        raise RuntimeError(f"the {name!r} command is not installed: pip install -e . in this checkout")
    return found


def run_case(
    case: str,
    argv: Sequence[str | bytes | os.PathLike],
    *,
    cwd: Path | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT,
    stdin: bytes | int | None = None,
    env: dict | None = None,
    umask: int | None = None,
    after_start=None,
) -> Outcome:
    """Run ``argv`` (its first item a console command name) and wait for it, killing it after ``timeout``.

    ``after_start(process)`` runs once the process has started (to send it a signal, start a rival...).
    """
    program = [command(str(argv[0])), *argv[1:]]

    def limit() -> None:
        if memory_limit is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
        if umask is not None:
            os.umask(umask)

    full_env = {**os.environ, "PYTHONIOENCODING": "utf-8", "OPENBLAS_NUM_THREADS": "1", **(env or {})}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            program,
            cwd=cwd,
            stdin=subprocess.PIPE if isinstance(stdin, bytes) else (stdin if stdin is not None else subprocess.DEVNULL),
            stdout=out,
            stderr=err,
            env=full_env,
            preexec_fn=limit,
        )
        if isinstance(stdin, bytes):
            try:
                process.stdin.write(stdin)
            except BrokenPipeError:
                pass
            process.stdin.close()
        if after_start is not None:
            after_start(process)
        status, usage, timed_out = _wait(process, timeout)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    exit_code = None if timed_out else (process.returncode if status is None else os.waitstatus_to_exitcode(status))
    return Outcome(case, exit_code, stdout, stderr, seconds, (usage.ru_maxrss / 1024) if usage else 0.0, timed_out)


def _wait(process: subprocess.Popen, timeout: float):
    """wait4 in a polling loop: the child's own rusage (peak RSS), and a kill at the timeout."""
    deadline = time.monotonic() + timeout
    timed_out = False
    while True:
        try:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        except ChildProcessError:  # an after_start hook's poll() reaped it first: its code is kept, its rusage lost
            return None, None, timed_out
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return status, usage, timed_out
        if time.monotonic() > deadline and not timed_out:
            timed_out = True
            os.kill(process.pid, signal.SIGKILL)
        time.sleep(0.01)


# --- inputs ---------------------------------------------------------------------------------


def good_reports(folder: Path, count: int = 2) -> list[Path]:
    """Copies of the first seed reports: the good inputs whose outputs must survive every case."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for seed in SEEDS[:count]:
        target = folder / f"good_{seed.name[:3]}.txt"
        shutil.copyfile(seed, target)
        paths.append(target)
    return paths


def jsonl_files(text: str) -> dict[str, int]:
    """Records per file of a tag JSONL output; raises ValueError on a line that is not strict JSON."""
    counts: dict[str, int] = {}
    for line in text.splitlines():
        record = json.loads(line, parse_constant=_refuse_constant)
        counts[record["file"]] = counts.get(record["file"], 0) + 1
    return counts


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def small_model(source: Path, target: Path, *, terms_per_block: int = 3000) -> Path:
    """A copy of a model folder with each block cut to its first terms (and the weights' columns with
    it), written in the term-list format (3), which every loader still reads: loading takes a
    fraction of the time.  Tagging quality is irrelevant to the fault cases that use it."""
    from toolkit.themes.features import BLOCK_PREFIXES
    from toolkit.themes.model import ThemeModel

    description = json.loads((source / "model.json").read_text(encoding="utf-8"))
    with np.load(source / "arrays.npz", allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    names = ThemeModel.load(source).features.feature_names()
    sizes = description.pop("block_sizes", None) or {block: len(terms) for block, terms in description["vocabularies"].items()}
    vocabularies, keep_columns, start = {}, [], 0
    for block, size in sizes.items():
        kept = min(terms_per_block, size)
        keep_columns.extend(range(start, start + kept))
        vocabularies[block] = [name.removeprefix(BLOCK_PREFIXES[block]) for name in names[start : start + kept]]
        arrays[f"idf_{block}"] = arrays[f"idf_{block}"][:kept]
        start += size
    arrays = {name: array for name, array in arrays.items() if name in ("coef", "intercept", "primary_coef", "primary_intercept") or name.startswith("idf_")}
    for name in ("coef", "primary_coef"):
        if name in arrays:
            arrays[name] = np.ascontiguousarray(arrays[name][:, keep_columns])
    description |= {"format_version": 3, "vocabularies": vocabularies}
    target.mkdir(parents=True, exist_ok=True)
    (target / "model.json").write_text(json.dumps(description, ensure_ascii=False), encoding="utf-8")
    np.savez(target / "arrays.npz", **arrays)
    shutil.copyfile(source / "manifest.json", target / "manifest.json")
    return target


def model_arrays(folder: Path) -> dict[str, np.ndarray]:
    with np.load(folder / "arrays.npz", allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


def totals(outcomes: Sequence[Outcome]) -> str:
    tracebacks = sum(o.traceback for o in outcomes)
    hangs = sum(o.timed_out for o in outcomes)
    lost = sum(o.good_intact is False for o in outcomes)
    code_runs = sum(bool(o.notes.get("code_ran")) for o in outcomes)
    return f"{len(outcomes)} cases: {tracebacks} tracebacks, {hangs} hangs, {lost} with good outputs lost, {code_runs} code runs"
