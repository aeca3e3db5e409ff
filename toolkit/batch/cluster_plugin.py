"""The worker plugin that ships a model folder's files once to every Dask worker (`tag --ship-model`).

Its own module because it subclasses distributed's WorkerPlugin: importing
it needs the [dask] extra, and `toolkit.batch.cluster` (imported by every
`tag` run for its error type) must not pay for importing distributed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from distributed.diagnostics.plugin import WorkerPlugin

from toolkit.batch.cluster import shipped_model_folder


class ShippedModel(WorkerPlugin):
    """A model folder's files, sent once to every worker and written to its local directory."""

    name = "cn-news-toolkit-model"

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        hasher = hashlib.sha256()
        for name in sorted(files):
            hasher.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
        self.digest = hasher.hexdigest()[:16]

    @classmethod
    def from_folder(cls, folder: str | Path) -> "ShippedModel":
        folder = Path(folder)
        return cls({p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()})

    def setup(self, worker) -> None:
        target = shipped_model_folder(worker.local_directory, self.digest)
        if target.exists():
            return
        partial = target.with_name(target.name + f".{os.getpid()}.part")
        partial.mkdir(parents=True, exist_ok=True)
        for name, data in self.files.items():
            (partial / name).write_bytes(data)
        try:
            partial.rename(target)
        except OSError:  # another worker process sharing the directory was first
            shutil.rmtree(partial, ignore_errors=True)
