"""Build a blind pairwise check of two summariser settings: the article and two summaries, X and Y.

    python bench/pairwise_build.py --out DIR --b news_lead=0.6 --kind news --count 12 --seed 7
    python bench/pairwise_tally.py DIR

Version ``a`` is the summariser as shipped, version ``b`` the same with the
``SummaryWeights`` given by ``--b NAME=VALUE``.  Documents are corpus
local-response reports or notices that no tuning set holds and no earlier
panel or check showed readers (``panel_build.panel_documents``), drawn in a
seeded order; only those where the two versions differ at ``--chars`` are
kept, up to ``--count``.  Each packet shows the cleaned article and the two
summaries in a seeded order, as X and Y; ``DIR/key/key.json`` says which is
which (keep it from the readers).  ``--exclude`` names documents an engineer
has read while working on the rules, so they are not shown either.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import fields, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from panel_build import panel_documents  # noqa: E402

from toolkit.api import default_summariser, read_document  # noqa: E402
from toolkit.summarising.summariser import Length, SummaryWeights  # noqa: E402

INSTRUCTIONS = """Each packet is one Chinese article (local news or a government notice about COVID-19 prevention in
2020) and two short summaries of it, X and Y, of about the same length. For each packet read the article,
then both summaries, and decide which one you would rather read instead of the article (no ties). Rate
each summary 1 (poor) to 5 (good) on informative (the gist and key facts a busy reader needs: who, what,
when, the main measures or figures) and readable (whole, clear sentences that read as a short text: no
headings, fragments, dangling references, list labels without content, scraps of tables; nothing said
twice). Write ratings.json exactly as
{"01": {"prefer": "X", "X": {"informative": 3, "readable": 4}, "Y": {"informative": 2, "readable": 3}}, ...}
and notes.md with one line per packet saying why you preferred it.
"""


def weights_with(overrides: list[str]) -> SummaryWeights:
    """The shipped weights with NAME=VALUE overrides: numbers, ``none`` to turn a rule off
    (``headings=none``: no heading lead-ins), ``true``/``false`` for switches (``label_lead_ins=false``)."""
    known = {f.name for f in fields(SummaryWeights)}
    changes = {}
    for item in overrides:
        name, _, value = item.partition("=")
        if name not in known or not value:
            sys.exit(f"pairwise_build: --b {item!r}: expected NAME=VALUE with NAME one of {', '.join(sorted(known))}")
        words = {"none": None, "true": True, "false": False}
        changes[name] = words[value.lower()] if value.lower() in words else float(value)
    return replace(SummaryWeights(), **changes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--b", nargs="+", required=True, metavar="NAME=VALUE", help="version b's weights that differ")
    parser.add_argument("--kind", choices=("news", "notice", "both"), default="both")
    parser.add_argument("--count", type=int, default=12)
    parser.add_argument("--chars", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sizes", type=int, nargs=2, default=(1000, 8000), metavar=("MIN", "MAX"))
    parser.add_argument("--exclude", nargs="*", default=[], help="corpus documents not to show (corpus/xwlb/00100.txt ...)")
    args = parser.parse_args()
    if (args.out / "key").exists():
        sys.exit(f"pairwise_build: {args.out} already holds a check; choose another --out")

    shipped = default_summariser()
    versions = {"a": shipped, "b": replace(shipped, weights=weights_with(args.b))}
    pool = panel_documents(args.shared, 10**6, 10**6, args.seed, tuple(args.sizes), exclude=set(args.exclude))
    pool = [d for d in pool if d["source"].startswith("corpus") and (args.kind == "both" or d["source"] == f"corpus {args.kind}")]
    rng = random.Random(args.seed)
    rng.shuffle(pool)
    for folder in ("packets", "ratings", "key"):
        (args.out / folder).mkdir(parents=True, exist_ok=True)
    key, looked_at = {}, 0
    for doc in pool:
        if len(key) >= args.count:
            break
        looked_at += 1
        article = read_document(doc["text"]).text()
        shown = read_document(article)  # what the reader sees, read once for both versions
        summaries = {name: s.summarise(shown, Length(max_chars=args.chars)).text() for name, s in versions.items()}
        if summaries["a"] == summaries["b"]:
            continue
        packet_id = f"{len(key) + 1:02d}"
        order = ["a", "b"]
        rng.shuffle(order)
        key[packet_id] = {"document": doc["id"], "source": doc["source"], "X": order[0], "Y": order[1]}
        lines = [f"# Packet {packet_id}", "", "## Article", "", article, "", "## Summary X", "", summaries[order[0]], "", "## Summary Y", "", summaries[order[1]], ""]
        (args.out / "packets" / f"{packet_id}.md").write_text("\n".join(lines), encoding="utf-8")
    (args.out / "INSTRUCTIONS.md").write_text(INSTRUCTIONS, encoding="utf-8")
    about = {"a": "shipped SummaryWeights", "b": " ".join(args.b), "looked_at": looked_at, "differ": len(key), "chars": args.chars}
    (args.out / "key" / "key.json").write_text(json.dumps({"versions": about, "packets": key}, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(key)} packets (versions differ on {len(key)} of {looked_at} documents looked at) in {args.out / 'packets'}")


if __name__ == "__main__":
    main()
