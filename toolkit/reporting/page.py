"""The report page: the data dict rendered into one self-contained HTML file.

Jinja2 with autoescaping renders every document text as text; the documents
travel as JSON inside ``<script type="application/json">`` through Jinja's
``tojson`` (which escapes ``<``, ``>``, ``&`` and quotes), and the page's own
script builds the list with ``textContent`` only.  A Content-Security-Policy
allows just that one script (by hash) and no network at all, so even a missed
escape could neither run code nor fetch anything.
"""

from __future__ import annotations

import base64
import hashlib
from importlib.resources import files

from toolkit.reporting.charts import OTHER_COLOUR, THEME_COLOURS, heatmap, share_bars

FACET_CHART_VALUES = 20  # values beyond this many are still filters, just not charted
THEME_LETTERS = "abcdefghijklmnopqrstuvwxyz"  # theme i is letter i in the compact strips
OTHER_LETTER = "-"


class MissingExtraError(RuntimeError):
    """Jinja2 is not installed: the report needs the ``report`` extra."""


def asset(name: str) -> str:
    return files("toolkit.reporting").joinpath("assets", name).read_text(encoding="utf-8")


def compact_documents(data: dict) -> dict:
    """Documents as short arrays, with folders and facet values as indices into shared lists.

    Keys, folder paths and facet values then appear once in the page, not
    100,000 times: that keeps a 100,000-document page under 60 MB.
    """
    letters = {theme: THEME_LETTERS[i] for i, theme in enumerate(data["themes"])}
    columns = [c for c in data["facets"] if c != "folder"]
    folders: dict[str, int] = {}
    values: list[dict[str, int]] = [{} for _ in range(len(columns) + 1)]

    def value_index(column: int, value: str) -> int:
        if not value:
            return -1
        return values[column].setdefault(value, len(values[column]))

    compact = []
    for d in data["documents"]:
        paragraphs = None
        if d["paragraphs"] is not None:
            paragraphs = [[p["text"], "".join(letters.get(l, "") for l in p["labels"])] for p in d["paragraphs"]]
        folder, _, name = d["file"].replace("\\", "/").rpartition("/")
        compact.append(
            [
                d["title"],
                name,
                d["date"] or "",
                [value_index(0, d["folder"]), *(value_index(i + 1, d["facets"].get(c, "")) for i, c in enumerate(columns))],
                d["summary"],
                "".join(letters.get(label, OTHER_LETTER) for label in d["strip"]),
                "".join(letters[t] for t in d["themes"] if t in letters),
                paragraphs,
                folders.setdefault(folder, len(folders)),
            ]
        )
    return {
        "docs": compact,
        "folders": list(folders),
        "facetColumns": ["folder", *columns],
        "facetValues": [list(column) for column in values],
    }


def charts(data: dict) -> dict:
    themes = data["themes"]
    share = data["theme_share"]
    result = {
        "share": share_bars(
            themes,
            [share[t]["document_share"] for t in themes],
            [share[t]["paragraph_share"] for t in themes],
            "Share of documents and paragraphs per theme",
        )
    }
    matrix = data["cooccurrence"]
    result["cooccurrence"] = heatmap(
        themes,
        themes,
        [[matrix[i][j] / matrix[i][i] if matrix[i][i] else 0.0 for j in range(len(themes))] for i in range(len(themes))],
        "Themes that occur together (documents)",
        labels=[[str(v) for v in row] for row in matrix],
        tooltips=[[f"{matrix[i][j]} documents have {themes[i]} and {themes[j]}" for j in range(len(themes))] for i in range(len(themes))],
        column_label_rotate=True,
    )
    timeline = data["timeline"]
    result["timeline"] = None  # no document has a date: the page says so instead
    if timeline["periods"]:
        periods = timeline["periods"]
        totals = timeline["documents"]
        result["timeline"] = heatmap(
            ["documents", *themes],
            periods,
            [[n / max(totals) for n in totals]]
            + [[n / totals[k] if totals[k] else 0.0 for k, n in enumerate(timeline["themes"][t])] for t in themes],
            f"Themes by {timeline['unit']}: share of the period's documents",
            tooltips=[[f"{p}: {n} documents" for p, n in zip(periods, totals)]]
            + [[f"{p}: {n} of {totals[k]} documents have {t}" for k, (p, n) in enumerate(zip(periods, timeline["themes"][t]))] for t in themes],
            column_label_rotate=True,
            cell=22 if len(periods) > 20 else 34,
        )
    result["facets"] = {}
    for column, values in data["facets"].items():
        shown = list(values.items())[:FACET_CHART_VALUES]
        result["facets"][column] = heatmap(
            [value for value, _ in shown],
            themes,
            [[v["themes"][t] / v["documents"] if v["documents"] else 0.0 for t in themes] for _, v in shown],
            f"Themes by {column}: share of documents",
            labels=[[f"{v['themes'][t] / v['documents']:.0%}" if v["documents"] else "" for t in themes] for _, v in shown],
            tooltips=[[f"{value}: {v['themes'][t]} of {v['documents']} documents have {t}" for t in themes] for value, v in shown],
            column_label_rotate=True,
        )
    return result


def render_page(data: dict, *, title: str = "Corpus report") -> str:
    try:
        import jinja2
    except ImportError:
        raise MissingExtraError("the report page needs Jinja2: pip install 'cn-news-toolkit[report]'") from None
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("toolkit.reporting", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    # Chinese stays as UTF-8 (3 bytes a character, not 6 as \\uXXXX); tojson still escapes < > & '.
    environment.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "separators": (",", ":")}
    script = asset("report.js")
    script_hash = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    page_data = {
        "themes": data["themes"],
        "colours": [THEME_COLOURS[i % len(THEME_COLOURS)] for i in range(len(data["themes"]))],
        "otherColour": OTHER_COLOUR,
        **compact_documents(data),
    }
    return environment.get_template("report.html").render(
        title=title,
        data=data,
        page_data=page_data,
        charts=charts(data),
        style=asset("report.css"),
        script=script,
        script_hash=script_hash,
        colours=page_data["colours"],
    )
