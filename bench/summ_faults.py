"""Fault counts over summaries: this toolkit, lead and LexRank, at several lengths.

    python bench/summ_faults.py                          # domain_dev, summ_extra, 300 corpus documents
    python bench/summ_faults.py --corpus 300 --lengths 200,300,500 --systems toolkit,lead,lexrank
    python bench/summ_faults.py --show bare_label        # also print each faulty sentence found

For each set, length and system: the number of summaries and, per fault
kind (toolkit/summarising/faults.py), the number of summaries with at least
one such fault (and the share of summaries).  Corpus documents: the first
N local-response reports and notices of shared/corpus/manifest.jsonl with at
least 800 characters, in manifest order.  Needs the bench extra for LexRank.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from summ_bench import LexRank, load_set, system_lead  # noqa: E402

from toolkit.api import read_document, summarise  # noqa: E402
from toolkit.summarising.faults import FAULTS, ArticleIndex, count_faults, summary_sentences  # noqa: E402
from toolkit.text.cleaning import ScriptConverter  # noqa: E402


def corpus_texts(shared: Path, n: int) -> list[str]:
    rows = [json.loads(line) for line in (shared / "corpus" / "manifest.jsonl").open(encoding="utf-8")]
    chosen = [r for r in rows if r["topic_hint"] == "local_response" and r["chars"] >= 800][:n]
    return [(shared / "corpus" / r["file"]).read_text(encoding="utf-8") for r in chosen]


def system_toolkit(text: str, budget: int) -> str:
    return summarise(text, max_chars=budget, simplified=True).text()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--corpus", type=int, default=300, help="how many corpus documents")
    parser.add_argument("--lengths", default="200,300,500")
    parser.add_argument("--systems", default="toolkit,lead,lexrank")
    parser.add_argument("--sets", default="domain_dev,summ_extra,corpus")
    parser.add_argument("--show", help="print the sentences found with this fault")
    args = parser.parse_args()

    texts = {
        "domain_dev": lambda: [r["text"] for r in load_set("domain_dev", args.shared, None)],
        "summ_extra": lambda: [r["text"] for r in load_set(str(ROOT / "data/bench/summ_extra.jsonl"), args.shared, None)],
        "corpus": lambda: corpus_texts(args.shared, args.corpus),
    }
    systems = {"toolkit": system_toolkit, "lead": system_lead}
    if "lexrank" in args.systems:
        systems["lexrank"] = LexRank()
    to_simplified = ScriptConverter("t2s")
    short = {f: f.replace("_", " ").replace("bare ", "") for f in FAULTS}
    print("summaries with at least one fault of each kind (share of summaries)")
    print(f"{'set':11} {'chars':>5} {'system':8} {'n':>4} " + " ".join(f"{short[f]:>15}" for f in FAULTS))
    for set_name in args.sets.split(","):
        documents = texts[set_name]()
        articles = [ArticleIndex(read_document(t)) for t in documents]
        for length in (int(x) for x in args.lengths.split(",")):
            for name in args.systems.split(","):
                with_fault: Counter = Counter()
                for text, article in zip(documents, articles):
                    summary = systems[name](text, length)
                    found = count_faults(summary, article, to_simplified)
                    with_fault.update(set(found))
                    if args.show and found[args.show]:
                        print(f"  [{name}] {args.show}: {summary_sentences(summary, to_simplified)}", file=sys.stderr)
                n = len(documents)
                cells = " ".join(f"{with_fault[f]:>6} ({100 * with_fault[f] / n:4.1f}%)" for f in FAULTS)
                print(f"{set_name:11} {length:>5} {name:8} {n:>4} {cells}", flush=True)


if __name__ == "__main__":
    main()
