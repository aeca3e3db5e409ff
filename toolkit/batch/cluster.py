"""Tagging on a Dask distributed cluster (`tag --scheduler`): the optional `[dask]` extra.

Files are grouped into partitions of many files, one task each, so the
scheduler handles hundreds of tasks rather than millions of files.  Tasks
carry file paths and the small TagSettings, never the model: each worker
process loads the model once (``tagging.cached_model``), either from a path
all workers can read (shared storage, or the model shipped inside the
package) or, with ``ship_model``, from the model's files sent once to each
worker by a WorkerPlugin (also to workers that join later, e.g. a
replacement for one that died) and written to its local directory.

Results are gathered in input order with a bounded number of partitions in
flight, so memory stays flat however long the batch.  A worker that dies
takes its tasks with it; the scheduler reruns them elsewhere, and tasks
that raise are retried ``retries`` times.  The same records come back as a
local run's, so the output written from them is byte-identical.
"""

from __future__ import annotations

import math
import os
from collections import deque
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Sequence

from toolkit.batch.tagging import BodyFormatter, FileResult, TagSettings, tag_files

if TYPE_CHECKING:
    from distributed import Client

INSTALL_HINT = "the Dask backend is not installed: pip install 'cn-news-toolkit[dask]' (in a checkout: pip install '.[dask]')"
LOCAL = "local"
MAX_PARTITION_FILES = 256


class ClusterError(Exception):
    """The cluster cannot be used: a one-line reason."""


def require_distributed():
    try:
        import distributed
    except ImportError:
        raise ClusterError(INSTALL_HINT) from None
    return distributed


def parse_scheduler(address: str) -> tuple[str, int | None]:
    """``local`` or ``local:N`` (N worker processes), or a scheduler address such as tcp://host:8786."""
    address = address.strip()
    if address == LOCAL or address.startswith(LOCAL + ":"):
        count = address[len(LOCAL) + 1 :]
        if not count:
            return LOCAL, None
        if not count.isdigit() or int(count) < 1:
            raise ClusterError(f"--scheduler {address}: expected local:N with N at least 1")
        return LOCAL, int(count)
    if "://" not in address:
        raise ClusterError(f"--scheduler {address}: expected tcp://HOST:PORT or local[:N]")
    return address, None


@contextmanager
def connect(address: str, *, timeout: float = 30) -> Iterator["Client"]:
    """A Client of the scheduler at ``address``, or of a new local cluster of worker processes for ``local[:N]``."""
    scheduler, workers = parse_scheduler(address)
    distributed = require_distributed()
    if scheduler == LOCAL:
        # One thread per worker process: tagging is Python-bound, so threads would only share one GIL.
        # Dashboard on any free port: two local runs side by side must not fight over 8787.
        cluster = distributed.LocalCluster(
            n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
        try:
            with distributed.Client(cluster, timeout=timeout) as client:
                yield client
        finally:
            cluster.close()
        return
    try:
        client = distributed.Client(scheduler, timeout=timeout)
    except (OSError, TimeoutError) as error:
        raise ClusterError(f"{scheduler}: cannot reach the Dask scheduler ({error})") from None
    with client:
        yield client


def shipped_model_folder(local_directory: str | Path, digest: str) -> Path:
    """Where a worker keeps the model files shipped to it (see cluster_plugin.ShippedModel)."""
    return Path(local_directory) / f"cn-news-toolkit-model-{digest}"


def tag_partition(
    paths: Sequence[str], settings: TagSettings, shipped_digest: str | None = None, formatter: BodyFormatter | None = None
) -> list[FileResult]:
    """One task: a partition of files, on a worker, tagged in chunks as local workers tag them
    (and formatted there with ``formatter``)."""
    if shipped_digest is not None:
        from distributed import get_worker

        settings = replace(settings, model=str(shipped_model_folder(get_worker().local_directory, shipped_digest)))
    return list(tag_files(paths, settings, formatter=formatter))


def partition_files(files: Sequence[str], workers: int, *, size: int | None = None) -> list[list[str]]:
    """Partitions of consecutive files: about eight per worker, at most MAX_PARTITION_FILES files each.

    Eight per worker keeps every worker busy to the end of the batch and
    bounds what a dying worker takes with it.
    """
    if size is None:
        size = min(MAX_PARTITION_FILES, max(1, math.ceil(len(files) / (8 * max(1, workers)))))
    return [list(files[i : i + size]) for i in range(0, len(files), size)]


def tag_files_on_cluster(
    files: Sequence[str],
    settings: TagSettings,
    client: "Client",
    *,
    partition_size: int | None = None,
    retries: int = 3,
    ship_model: bool = False,
    formatter: BodyFormatter | None = None,
) -> Iterator[FileResult]:
    """Results in file order, as soon as each partition is ready (cf. tagging.tag_files)."""
    distributed = require_distributed()
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    partitions = partition_files(files, workers, size=partition_size)
    digest = None
    if ship_model and partitions:
        from toolkit.batch.cluster_plugin import ShippedModel
        from toolkit.modelfiles import default_theme_model_path

        plugin = ShippedModel.from_folder(settings.model or default_theme_model_path())
        client.register_plugin(plugin)
        digest = plugin.digest
    in_flight_limit = 4 * workers  # bounds the results held by the cluster while an early partition is slow
    queued = iter(partitions)
    in_flight: deque = deque()

    def submit_next() -> None:
        partition = next(queued, None)
        if partition is not None:
            in_flight.append(client.submit(tag_partition, partition, settings, digest, formatter, retries=retries, pure=False))

    for _ in range(in_flight_limit):
        submit_next()
    while in_flight:
        future = in_flight.popleft()
        try:
            results = future.result()
        except distributed.KilledWorker as error:
            raise ClusterError(f"a partition of files kept killing its workers, giving up ({error})") from None
        future.release()
        submit_next()
        yield from results


@contextmanager
def joblib_on_cluster(address: str) -> Iterator["Client"]:
    """Inside, joblib.Parallel runs its tasks on the cluster (`retrain --scheduler`: the folds and the final fit).

    joblib's own Dask backend does the work: it sends each large argument
    (the prepared training matrices) to the cluster once, not with every
    task, and uses every worker whatever ``n_jobs`` says.
    """
    with connect(address) as client:
        from joblib import parallel_config

        with parallel_config(backend="dask"):
            yield client
