"""Build the blind reader panel: one packet per document, three summaries labelled A/B/C.

    python bench/panel_build.py --out /work/panel            # 15 + 8 + 8 documents, 300 characters
    python bench/panel_build.py --out DIR --news 10 --notices 10 --chars 300 --seed 2020
    python bench/panel_build.py --out DIR --seed 2029 --sizes 1000 8000   # round 5: fresh notices ran short

Documents are ones the summariser was never tuned on: the test half of
domain_dev (odd positions) and corpus local-response reports and notices
(1,500 to 6,000 characters, or --sizes) that are neither in domain_dev nor in
data/bench/summ_extra.jsonl nor shown to the readers of an earlier panel or
pairwise check (data/bench/*/key), drawn with a fixed seed.  For each document the
packet holds the article (as cleaned for every system) and three summaries of
the same length in characters ("fit, never over"): this toolkit, lead (first
sentences) and LexRank, in an order drawn from the seed and shown only as
A, B, C.  Written:

    OUT/packets/NN.md            what a reader sees
    OUT/ratings/template.json    the form a reader fills in and saves as OUT/ratings/<reader>.json
    OUT/key/key.json             which letter is which system: keep it from the readers

Tally with ``python bench/panel_tally.py OUT``.  Needs the bench extra (LexRank).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from summ_bench import LexRank, _JiebaTokenizer, load_set  # noqa: E402

from toolkit.api import read_document, summarise  # noqa: E402
from toolkit.summarising import parts  # noqa: E402
from toolkit.text.document import BOILERPLATE  # noqa: E402

SYSTEMS = ("toolkit", "lead", "lexrank")
LETTERS = ("A", "B", "C")
RATING_FORM = {"informative": None, "readable": None, "not_repetitive": None, "rank": None}
INSTRUCTIONS = """For each document read the article, then summaries A, B and C.
Rate each 1 (poor) to 5 (good) on: informative (the gist and key facts a reader
needs), readable (whole, clear sentences that read as a text), not_repetitive
(5 = nothing said twice, nothing the title already says). Then rank the three:
1 = the summary you would choose, 3 = the last. Fill in ratings/template.json
and save it as ratings/<your name>.json."""


def panel_documents(
    shared: Path, n_news: int, n_notices: int, seed: int, sizes: tuple[int, int] = (1500, 6000), *, exclude: set[str] = frozenset()
) -> list[dict]:
    """The test half of domain_dev, then corpus news reports and notices no tuning set holds."""
    dev = load_set("domain_dev", shared, None)
    documents = [{"id": row["id"], "source": "domain_dev test half", "text": row["text"]} for row in dev if row["split"] == "test"]
    excluded = {row["file"] for row in dev}
    excluded |= {json.loads(line)["file"] for line in (ROOT / "data/bench/summ_extra.jsonl").open(encoding="utf-8")}
    excluded |= set(exclude)
    # Corpus documents an earlier panel or pairwise check showed readers: their notes may have shaped the rules.
    for key in sorted((ROOT / "data" / "bench").glob("*/key/key.json")):
        stored = json.loads(key.read_text(encoding="utf-8"))
        excluded |= {entry["document"] for entry in stored.get("packets", stored).values()}  # a pairwise check keeps them under "packets"
    manifest = [json.loads(line) for line in (shared / "corpus" / "manifest.jsonl").open(encoding="utf-8")]
    pools: dict[str, list[dict]] = {parts.NEWS: [], parts.NOTICE: []}
    for row in manifest:
        name = f"corpus/{row['file']}"
        if name in excluded or row["topic_hint"] != "local_response" or not sizes[0] <= row["chars"] <= sizes[1]:
            continue
        text = (shared / "corpus" / row["file"]).read_text(encoding="utf-8")
        document = read_document(text)
        title = document.title.analysis if document.title else ""
        kind = parts.document_kind(title, [p.analysis for p in document.paragraphs[:200]])
        pools[kind].append({"id": name, "source": f"corpus {kind}", "text": text})
    rng = random.Random(seed)
    for kind, count in ((parts.NEWS, n_news), (parts.NOTICE, n_notices)):
        documents += rng.sample(pools[kind], min(count, len(pools[kind])))
    return documents


# The baselines read the same sentences the toolkit does (its cleaning and splitting) and are
# printed the same way, a new line where they skip to another paragraph, so readers judge the
# choice of sentences, not the layout.


def article_sentences(text: str) -> list[tuple[str, int]]:
    document = read_document(text)
    return [(s.text, s.paragraph) for s in document.sentences if document.paragraphs[s.paragraph].kind != BOILERPLATE]


def render(sentences: list[tuple[str, int]], ranked: list[int], budget: int) -> str:
    """Sentences in rank order while they fit (at least one), printed in article order."""
    chosen, used = [], 0
    for i in ranked:
        if used + len(sentences[i][0]) <= budget:
            chosen.append(i)
            used += len(sentences[i][0])
    chosen = sorted(chosen or ranked[:1])
    out = []
    for position, i in enumerate(chosen):
        if position and sentences[i][1] != sentences[chosen[position - 1]][1]:
            out.append("\n")
        out.append(sentences[i][0])
    return "".join(out)


def lead_summary(text: str, budget: int) -> str:
    sentences = article_sentences(text)
    return render(sentences, list(range(len(sentences))), budget)


def lexrank_summary(lexrank: LexRank, text: str, budget: int) -> str:
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence

    sentences = article_sentences(text)
    tokenizer = _JiebaTokenizer(lexrank.jieba)
    model = ObjectDocumentModel([Paragraph([Sentence(s, tokenizer) for s, _ in sentences])])
    summarizer = lexrank.summarizer
    words = [summarizer._to_words_set(s) for s in model.sentences]
    matrix = summarizer._create_matrix(words, summarizer.threshold, summarizer._compute_tf(words), summarizer._compute_idf(words))
    scores = list(summarizer.power_method(matrix, summarizer.epsilon))
    return render(sentences, sorted(range(len(sentences)), key=lambda i: (-scores[i], i)), budget)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--news", type=int, default=8)
    parser.add_argument("--notices", type=int, default=8)
    parser.add_argument("--chars", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument(
        "--sizes", type=int, nargs=2, default=(1500, 6000), metavar=("MIN", "MAX"),
        help="corpus documents of this many characters (earlier panels used up most notices of 1,500 to 6,000)",
    )
    parser.add_argument("--exclude", nargs="*", default=[], help="corpus documents not to show (corpus/xwlb/00100.txt ...): ones read while working on the rules")
    args = parser.parse_args()
    if (args.out / "key").exists():
        sys.exit(f"panel_build: {args.out} already holds a panel; choose another --out")

    lexrank = LexRank()
    systems = {
        "toolkit": lambda text: summarise(text, max_chars=args.chars).text(),
        "lead": lambda text: lead_summary(text, args.chars),
        "lexrank": lambda text: lexrank_summary(lexrank, text, args.chars),
    }
    documents = panel_documents(args.shared, args.news, args.notices, args.seed, tuple(args.sizes), exclude=set(args.exclude))
    rng = random.Random(args.seed)
    for folder in ("packets", "ratings", "key"):
        (args.out / folder).mkdir(parents=True, exist_ok=True)
    key, form = {}, {}
    for number, doc in enumerate(documents, start=1):
        packet_id = f"{number:02d}"
        # Every system reads the same cleaned article the reader sees.
        article = read_document(doc["text"]).text()
        order = list(SYSTEMS)
        rng.shuffle(order)
        summaries = {letter: systems[system](article) for letter, system in zip(LETTERS, order)}
        key[packet_id] = {"document": doc["id"], "source": doc["source"], **dict(zip(LETTERS, order))}
        form[packet_id] = {letter: dict(RATING_FORM) for letter in LETTERS}
        lines = [f"# Packet {packet_id}", "", "## Article", "", article, ""]
        for letter in LETTERS:
            lines += [f"## Summary {letter}", "", summaries[letter], ""]
        (args.out / "packets" / f"{packet_id}.md").write_text("\n".join(lines), encoding="utf-8")
    (args.out / "README.md").write_text(INSTRUCTIONS + "\n", encoding="utf-8")
    (args.out / "ratings" / "template.json").write_text(json.dumps(form, ensure_ascii=False, indent=1), encoding="utf-8")
    (args.out / "key" / "key.json").write_text(json.dumps(key, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(documents)} packets in {args.out / 'packets'}; key in {args.out / 'key' / 'key.json'}")


if __name__ == "__main__":
    main()
