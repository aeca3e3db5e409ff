"""Build models/idf.json: inverse document frequencies of the domain corpus.

    python scripts/build_idf.py [--shared ../shared] [--out models]

Documents: every file of shared/corpus/ (news items and policy documents)
and the five seed reports.  shared/holdout/ is never read.  Writes the table
and a manifest (corpus, counts, date, versions) beside it.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import platform
import sys
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from toolkit.summarising.idf import IdfTable, document_frequencies  # noqa: E402
from toolkit.text.document import TextPipeline  # noqa: E402

MIN_DF = 2  # terms seen in one document only get the unseen-term weight anyway


def corpus_files(shared: Path) -> list[Path]:
    files = sorted((shared / "corpus").rglob("*.txt")) + sorted((shared / "seeds").glob("*.txt"))
    assert not any("holdout" in f.parts for f in files)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = Path(__file__).resolve().parents[1]
    parser.add_argument("--shared", type=Path, default=root.parent / "shared")
    parser.add_argument("--out", type=Path, default=root / "models")
    args = parser.parse_args()

    pipeline = TextPipeline()
    files = corpus_files(args.shared)
    digest = hashlib.sha256()
    token_lists = []
    for path in files:
        data = path.read_bytes()
        digest.update(data)
        document = pipeline.document(data, source=str(path))
        token_lists.append(pipeline.words(document.text(analysis=True)))
    df = document_frequencies(token_lists)
    table = IdfTable.from_document_frequencies(df, len(files), min_df=MIN_DF)

    args.out.mkdir(parents=True, exist_ok=True)
    manifest = {
        "what": "inverse document frequencies, ln((1+N)/(1+df))+1, of content words",
        "corpus": ["shared/corpus/xwlb", "shared/corpus/ncp_policies", "shared/seeds"],
        "n_documents": len(files),
        "n_terms_seen": len(df),
        "n_terms_kept": len(table.idf),
        "min_df": MIN_DF,
        "tokens": sum(len(t) for t in token_lists),
        "corpus_sha256": digest.hexdigest(),
        "segmenter": pipeline.segmenter.backend,
        "date": datetime.date.today().isoformat(),
        "versions": {
            "python": platform.python_version(),
            **{name: metadata.version(name) for name in ("rjieba", "opencc", "numpy")},
        },
        "command": "python scripts/build_idf.py",
    }
    _write_json(args.out / "idf.json", table.to_json())
    _write_json(args.out / "idf.manifest.json", manifest)
    print(f"{len(files)} documents, {len(table.idf)} terms -> {args.out / 'idf.json'}")


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1 if "idf" not in data else None) + "\n", encoding="utf-8")
    os.replace(tmp, path)


if __name__ == "__main__":
    main()
