from __future__ import annotations

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
