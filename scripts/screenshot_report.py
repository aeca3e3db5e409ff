"""Render the demonstration corpus page headless and save docs/report.png (the README's screenshot).

    python scripts/screenshot_report.py                       # builds the page (tags 2,600 files: minutes)
    python scripts/screenshot_report.py --from themes.jsonl   # reuses a `tag ../shared/corpus -o themes.jsonl`
    python scripts/screenshot_report.py --page corpus.html    # an existing page

Uses Debian's /usr/bin/chromium through Playwright (pip install '.[test]').
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def build_page(corpus: Path, from_tags: str | None, out: Path) -> Path:
    import toolkit
    from toolkit.reporting.page import render_page

    data = toolkit.report([str(corpus)], metadata=corpus / "manifest.jsonl", from_tags=from_tags)
    out.write_text(render_page(data, title="COVID-19 local news 2020: demonstration corpus"), encoding="utf-8")
    return out


def screenshot(page_path: Path, png: Path, chromium: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1360, "height": 1500}, device_scale_factor=1)
        page.goto(page_path.as_uri())
        page.wait_for_selector("body[data-ready=true]", timeout=60_000)
        page.screenshot(path=str(png), full_page=False)  # the top: glance, themes, time
        browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--from", dest="from_tags", help="a finished `tag` JSONL of the corpus")
    parser.add_argument("--page", type=Path, help="screenshot this page instead of building one")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "report.png")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        page = args.page or build_page(args.corpus, args.from_tags, Path(folder) / "corpus.html")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        screenshot(page, args.out, args.chromium)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
