"""The theme guideline (TAXONOMY.md, shipped as package data): what each theme label means."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

_ROW = re.compile(r"^\|\s*`(?P<id>[a-z_]+)`\s*\|(?P<chinese>[^|]*)\|(?P<meaning>[^|]*)\|(?P<words>[^|]*)\|\s*$")


@dataclass(frozen=True)
class ThemeDefinition:
    label: str
    chinese: str  # the Chinese name, e.g. 组织领导
    meaning: str  # what belongs here
    typical_words: tuple[str, ...]


def theme_definitions() -> dict[str, ThemeDefinition]:
    """Every theme of the guideline's table, ``other`` included, in the guideline's order."""
    text = resources.files("toolkit.data").joinpath("taxonomy.md").read_text(encoding="utf-8")
    definitions: dict[str, ThemeDefinition] = {}
    for line in text.splitlines():
        match = _ROW.match(line)
        if match:
            words = tuple(w.strip() for w in match["words"].split(",") if w.strip())
            definitions[match["id"]] = ThemeDefinition(match["id"], match["chinese"].strip(), match["meaning"].strip(), words)
    return definitions
