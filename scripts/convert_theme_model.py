"""Rewrite a theme model folder in the current format without retraining.

    python scripts/convert_theme_model.py models/themes [--out OTHER_FOLDER]

Format 4 stores the feature vocabularies as sorted code tables in
``arrays.npz`` (see toolkit/themes/features.py), so loading a model for
tagging only reads arrays instead of rebuilding vectorisers from term lists.
The weights, thresholds and score smoothing are copied unchanged; the
manifest is kept, with a note saying when and from which format the files
were converted.  Tagging scores stay the same within float32 rounding.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path

from toolkit.modelfiles import ModelError
from toolkit.themes.model import FORMAT_VERSION, ThemeModel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path, help="theme model folder to convert")
    parser.add_argument("--out", type=Path, help="write here instead of replacing the folder")
    args = parser.parse_args()
    try:
        old_format = json.loads((args.model / "model.json").read_text(encoding="utf-8")).get("format_version")
        model = ThemeModel.load(args.model)
    except (OSError, ValueError, ModelError) as error:
        sys.exit(f"convert: {args.model}: {error}")
    if old_format == FORMAT_VERSION:
        print(f"{args.model}: already format {FORMAT_VERSION}")
        return
    model.manifest = dict(model.manifest) | {
        "format_conversion": f"converted from format {old_format} to {FORMAT_VERSION} on {datetime.date.today().isoformat()} "
        "by scripts/convert_theme_model.py: same weights, thresholds and smoothing, no retraining"
    }
    out = args.out or args.model
    model.save(out, force=True)
    print(f"{out}: format {old_format} -> {FORMAT_VERSION}")


if __name__ == "__main__":
    main()
