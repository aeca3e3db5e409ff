from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    return {path.name[:3]: path.read_text(encoding="utf-8") for path in SEEDS}


@pytest.fixture(scope="session")
def seed_paths() -> dict[str, Path]:
    return {path.name[:3]: path for path in SEEDS}


def small_batch(folder: Path, corpus_part: str, count: int) -> list[str]:
    """A small real batch in ``folder``: the seeds, one unreadable file (sorted among them) and the
    first ``count`` reports of ``shared/corpus/<corpus_part>``; the paths in sorted order."""
    for path in SEEDS:
        shutil.copy(path, folder / path.name)
    (folder / "002_z_broken.txt").write_bytes(bytes(range(256)) * 8)
    corpus = SHARED / "corpus" / corpus_part
    if corpus.is_dir():
        for path in sorted(corpus.glob("*.txt"))[:count]:
            shutil.copy(path, folder / f"corpus_{path.name}")
    return sorted(str(p) for p in folder.glob("*.txt"))
