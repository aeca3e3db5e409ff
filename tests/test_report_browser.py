"""The report page in a real headless Chromium (Debian's, driven by Playwright; nothing downloaded).

The page's Content-Security-Policy forbids eval, so waits use Playwright's
``expect`` on locators, not ``wait_for_function``.  Skips when Playwright or /usr/bin/chromium is missing, except in CI (CI=true),
where .ci/run installs them and a skip would hide a broken page.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

import toolkit
from toolkit.reporting.page import render_page

CHROMIUM = os.environ.get("REPORT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def need_browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs playwright (the test extra) and Debian's chromium (.ci/run installs it)")
        pytest.skip("needs playwright and /usr/bin/chromium")
    return sync_playwright


@pytest.fixture(scope="module")
def page_file(tmp_path_factory) -> Path:
    from test_report import build_corpus_folder

    folder = build_corpus_folder(tmp_path_factory.mktemp("browser_corpus"))
    data = toolkit.report([str(folder)], metadata=folder / "manifest.jsonl")
    path = folder / "report.html"
    path.write_text(render_page(data), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser_page(page_file):
    sync_playwright = need_browser()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        seen = {"console_errors": [], "requests": [], "dialogs": []}
        page.on("console", lambda message: message.type == "error" and seen["console_errors"].append(message.text))
        page.on("pageerror", lambda error: seen["console_errors"].append(str(error)))
        page.on("request", lambda request: seen["requests"].append(request.url))
        page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
        page.goto(page_file.as_uri())
        page.wait_for_selector("body[data-ready=true]", timeout=10_000)
        yield page, seen
        browser.close()


def count_shown(page) -> int:
    return int(page.inner_text("#count").split(" of ")[0].replace(",", ""))


def test_page_loads_without_errors_or_network(browser_page, page_file):
    page, seen = browser_page
    assert seen["console_errors"] == []
    assert seen["requests"] == [page_file.as_uri()]  # the file itself, nothing else
    assert count_shown(page) == 6


def test_charts_are_drawn(browser_page):
    page, _ = browser_page
    charts = page.query_selector_all("svg.chart")
    assert len(charts) >= 4  # shares, co-occurrence, time, folder
    for chart in charts:
        box = chart.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 50
    bars = page.query_selector_all("svg.chart rect.bar")
    assert any(bar.bounding_box()["width"] > 20 for bar in bars)


def test_search_and_theme_change_the_count(browser_page):
    from playwright.sync_api import expect

    page, _ = browser_page
    everything = count_shown(page)
    page.fill("#search", "新闻联播")
    expect(page.locator("#count")).not_to_have_text(re.compile(f"^{everything} "))
    assert 0 < count_shown(page) < everything
    page.fill("#search", "")
    expect(page.locator("#count")).to_have_text(re.compile(f"^{everything} "))
    page.select_option("#theme", label="reopening")
    assert 0 < count_shown(page) < everything
    page.select_option("#theme", value="")
    assert count_shown(page) == everything


def test_example_link_opens_its_document(browser_page):
    page, _ = browser_page
    example = page.locator("ol.examples li").first
    sentence = example.inner_text()[:12]
    link = example.locator("a.doclink")
    target = link.get_attribute("data-doc")
    link.click()
    opened = page.locator(f"#doc-{target} .paragraphs")
    assert opened.is_visible()
    assert sentence in opened.inner_text()  # the example is one of the document's sentences


def test_booby_trapped_document_runs_nothing(browser_page):
    from playwright.sync_api import expect

    page, seen = browser_page
    page.fill("#search", "pwned")
    expect(page.locator("#count")).to_have_text(re.compile("^1 "))
    page.click("#doclist li button.doctitle")
    paragraphs = page.inner_text("#doclist li .paragraphs")
    assert "<script>window.pwned" in paragraphs and "<img src=x" in paragraphs and "</textarea>" in paragraphs
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.query_selector("#doclist img") is None and page.query_selector("textarea") is None
    assert seen["dialogs"] == [] and seen["console_errors"] == []
    assert len(seen["requests"]) == 1
