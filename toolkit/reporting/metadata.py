"""The --metadata table: CSV or JSONL with a ``file`` column and any others, keyed for lookup."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path


class MetadataError(ValueError):
    """A metadata file that cannot be used; the message names the file and the problem."""


class MetadataTable:
    """Rows keyed by their ``file`` value (normalised with forward slashes), and by bare file name."""

    def __init__(self, rows: dict[str, dict]) -> None:
        self.rows = rows
        names: dict[str, list[dict]] = {}
        for key, row in rows.items():
            names.setdefault(key.rsplit("/", 1)[-1], []).append(row)
        # A bare name is only a key when it is unambiguous.
        self.by_name = {name: found[0] for name, found in names.items() if len(found) == 1}

    def columns(self) -> list[str]:
        seen: dict[str, None] = {}
        for row in self.rows.values():
            seen.update(dict.fromkeys(row))
        return list(seen)

    def find(self, file: str, relative: str) -> dict | None:
        """The row for a file: by its path under the folder given, by its path as given, or by its name."""
        for key in (normal_key(relative), normal_key(file)):
            if key in self.rows:
                return self.rows[key]
        return self.by_name.get(Path(file).name)


def read_metadata(path: str | Path) -> MetadataTable:
    """The table in a CSV or JSONL file (JSONL when the name ends .jsonl, .ndjson or .json)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise MetadataError(f"{path}: cannot read ({error.__class__.__name__}: {error})") from None
    rows: list[dict]
    if path.suffix.lower() in (".jsonl", ".json", ".ndjson"):
        rows = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise MetadataError(f"{path}: line {number}: not JSON ({error.msg})") from None
            if not isinstance(row, dict):
                raise MetadataError(f"{path}: line {number}: not a JSON object")
            rows.append(row)
    else:
        rows = list(csv.DictReader(text.splitlines()))
    keyed: dict[str, dict] = {}
    for number, row in enumerate(rows, 1):
        if not row.get("file"):
            raise MetadataError(f"{path}: row {number} has no 'file' value")
        keyed[normal_key(str(row["file"]))] = row
    return MetadataTable(keyed)


def normal_key(name: str) -> str:
    return os.path.normpath(name).replace(os.sep, "/").removeprefix("./")

