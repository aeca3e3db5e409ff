"""How big and how fast the report page is: the demonstration corpus (2,600 documents) and 100,000.

    tag ../shared/corpus -o themes.jsonl -j 2          # once: tagging is not what this measures
    python bench/report_scale.py --from themes.jsonl   # both sizes
    python bench/report_scale.py --from themes.jsonl --documents 0   # the corpus only

1. ``report --from themes.jsonl ../shared/corpus --metadata manifest.jsonl``
   (summaries made from the files): page size, build time and peak memory,
   and the time until the page is ready in headless Chromium.
2. The corpus repeated under new names up to ``--documents`` (symlinks in a
   temporary folder, with the tag records, manifest rows and summaries of
   step 1 copied under the new names): ``report --from ... --summaries ...``,
   page size, build time and peak memory, ready time in Chromium.

Builds run as child processes; peak memory is each one's maximum resident
set size (``os.wait4``'s resource usage, as ``resource.getrusage`` reports it).  Times are wall-clock
(``time.perf_counter``) and depend on how busy the machine is.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def build(arguments: list[str]) -> tuple[float, float]:
    """Run the report command; (seconds, its peak resident memory in MB)."""
    command = [sys.executable, "-c", "from toolkit.cli.report import report_command; report_command()", *arguments]
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)  # this child's own rusage, not the browser's
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):
        raise SystemExit(f"report failed with exit code {child.returncode}: {' '.join(arguments)}")
    return seconds, usage.ru_maxrss / 1024


def ready_seconds(page: Path, chromium: str) -> float:
    """From navigation to the page's script having built the list (body[data-ready])."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        tab = browser.new_page()
        start = time.perf_counter()
        tab.goto(page.as_uri(), timeout=300_000)
        tab.wait_for_selector("body[data-ready=true]", timeout=300_000)
        seconds = time.perf_counter() - start
        browser.close()
    return seconds


def report_line(name: str, documents: int, page: Path, seconds: float, peak_mb: float, ready: float | None) -> None:
    size = page.stat().st_size / 1e6
    ready_text = f"{ready:.2f} s" if ready is not None else "not measured"
    print(f"| {name} | {documents:,} | {size:.1f} MB | {seconds:.0f} s | {peak_mb:.0f} MB | {ready_text} |", flush=True)


def replicate(work: Path, corpus: Path, from_tags: Path, summaries: dict[str, str], documents: int) -> tuple[Path, list[str]]:
    """Symlinked copies of the corpus under copyNN/ with their tag records, manifest rows and summaries."""
    files = sorted(str(p.relative_to(corpus)) for p in corpus.rglob("*.txt"))
    manifest = {json.loads(l)["file"]: json.loads(l) for l in (corpus / "manifest.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()}
    records: dict[str, list[str]] = {}
    for line in open(from_tags, encoding="utf-8"):
        row = json.loads(line)
        records.setdefault(os.path.relpath(row["file"], corpus), []).append(line)
    root = work / "corpus"
    names: list[str] = []
    with open(work / "themes.jsonl", "w", encoding="utf-8") as tags, open(work / "manifest.jsonl", "w", encoding="utf-8") as meta, open(
        work / "summaries.jsonl", "w", encoding="utf-8"
    ) as summ:
        copy = 0
        while len(names) < documents:
            for name in files:
                if len(names) == documents:
                    break
                new = f"copy{copy:02d}/{name}"
                target = root / new
                target.parent.mkdir(parents=True, exist_ok=True)
                target.symlink_to(corpus / name)
                path = str(target)
                names.append(path)
                for line in records.get(name, []):
                    row = json.loads(line)
                    row["file"] = path
                    tags.write(json.dumps(row, ensure_ascii=False) + "\n")
                if name in manifest:
                    meta.write(json.dumps({**manifest[name], "file": new}, ensure_ascii=False) + "\n")
                summary = summaries.get(os.path.abspath(corpus / name))
                if summary is not None:
                    summ.write(json.dumps({"file": path, "summary": summary}, ensure_ascii=False) + "\n")
            copy += 1
    return root, names


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from", dest="from_tags", type=Path, required=True, help="`tag` JSONL of the corpus")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--documents", type=int, default=100_000, help="size of the repeated corpus (0: skip)")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    corpus = args.corpus.absolute()  # not resolved: the copies are symlinks, told apart by their own paths
    print("| corpus | documents | page | build | peak memory | ready in Chromium |")
    print("|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="report_scale_") as folder:
        work = Path(folder)
        page = work / "corpus.html"
        seconds, peak = build(
            [str(corpus), "--from", str(args.from_tags), "--metadata", str(corpus / "manifest.jsonl"), "-o", str(page)]
        )
        ready = None if args.no_browser else ready_seconds(page, args.chromium)
        from toolkit.reporting.collect import file_key

        # The summaries the corpus page embedded, to reuse for the copies (summarising is not what scales here).
        import re

        html = page.read_text(encoding="utf-8")
        embedded = json.loads(re.search(r'<script type="application/json" id="report-data">(.*?)</script>', html, re.S).group(1))
        summaries = {file_key(f"{embedded['folders'][d[8]]}/{d[1]}"): d[4] for d in embedded["docs"]}
        documents = len(embedded["docs"])
        report_line("demonstration corpus", documents, page, seconds, peak, ready)
        if args.documents:
            root, names = replicate(work, corpus, args.from_tags, summaries, args.documents)
            big = work / "big.html"
            seconds, peak = build(
                [str(root), "--from", str(work / "themes.jsonl"), "--summaries", str(work / "summaries.jsonl"),
                 "--metadata", str(work / "manifest.jsonl"), "-o", str(big)]
            )
            ready = None if args.no_browser else ready_seconds(big, args.chromium)
            report_line("corpus repeated", len(names), big, seconds, peak, ready)
    return 0


if __name__ == "__main__":
    sys.exit(main())
