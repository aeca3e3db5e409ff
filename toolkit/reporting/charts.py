"""The page's charts as inline SVG, drawn here from the aggregates.

SVG text is laid out by the browser with the page's own CJK font stack, so
theme names and facet values in Chinese render like the rest of the page,
with no chart library to inline and nothing to run in the browser.  Every
label goes through ``markupsafe.escape`` (Jinja's escaper): facet values come
from user metadata.
"""

from __future__ import annotations

from typing import Sequence

from markupsafe import Markup, escape

# Tableau 10, its grey swapped for olive so no theme looks like "other" (light grey).
THEME_COLOURS = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#8c8c1c")
OTHER_COLOUR = "#e6e6e6"
CHAR_WIDTH = 13  # px per CJK character at the chart font size, for sizing label columns


def theme_colour(index: int) -> str:
    return THEME_COLOURS[index % len(THEME_COLOURS)]


def label_width(labels: Sequence[str], least: int = 60, most: int = 260) -> int:
    widest = max((sum(2 if ord(c) > 0x2E80 else 1 for c in label) for label in labels), default=0)
    return max(least, min(most, widest * CHAR_WIDTH // 2 + 12))


def share_bars(themes: Sequence[str], documents: Sequence[float], paragraphs: Sequence[float], title: str) -> Markup:
    """Per theme two bars: its share of documents (solid) and of paragraphs (light)."""
    left = label_width(themes)
    width, bar, row = 640, 11, 30
    plot = width - left - 60
    height = 24 + row * len(themes) + 10
    parts = [svg_open(width, height, title)]
    for i, theme in enumerate(themes):
        y = 24 + i * row
        colour = theme_colour(i)
        parts.append(text(left - 8, y + 15, theme, anchor="end"))
        for offset, value, opacity, kind in ((0, documents[i], 1.0, "documents"), (bar + 1, paragraphs[i], 0.45, "paragraphs")):
            length = max(1.0, plot * value)
            parts.append(
                f'<rect class="bar" x="{left}" y="{y + offset}" width="{length:.1f}" height="{bar}" fill="{colour}" fill-opacity="{opacity}">'
                f"<title>{escape(theme)}: {value:.1%} of {kind}</title></rect>"
            )
            parts.append(text(left + length + 4, y + offset + 10, f"{value:.0%}", size=10))
    parts.append(text(left, 14, "■ share of documents   □ share of paragraphs", size=11))
    parts.append("</svg>")
    return Markup("".join(parts))


def heatmap(
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float]],
    title: str,
    *,
    labels: Sequence[Sequence[str]] | None = None,
    tooltips: Sequence[Sequence[str]] | None = None,
    column_label_rotate: bool = False,
    cell: int = 34,
) -> Markup:
    """Cells shaded by value in [0, 1]; ``labels`` printed in the cells, ``tooltips`` on hover."""
    left = label_width(rows)
    top = label_width(columns, least=40, most=140) if column_label_rotate else 28
    width = left + cell * len(columns) + 10
    height = top + cell * len(rows) + 10
    parts = [svg_open(width, height, title)]
    for j, column in enumerate(columns):
        x = left + j * cell + cell / 2
        if column_label_rotate:
            parts.append(f'<text x="{x:.1f}" y="{top - 6}" font-size="11" transform="rotate(-60 {x:.1f} {top - 6})">{escape(column)}</text>')
        else:
            parts.append(text(x, top - 8, column, anchor="middle", size=11))
    for i, row_name in enumerate(rows):
        y = top + i * cell
        parts.append(text(left - 8, y + cell / 2 + 4, row_name, anchor="end"))
        for j, _ in enumerate(columns):
            value = max(0.0, min(1.0, values[i][j]))
            x = left + j * cell
            tooltip = tooltips[i][j] if tooltips else f"{value:.0%}"
            parts.append(
                f'<rect class="cell" x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="#2f5d8a" fill-opacity="{0.04 + 0.96 * value:.3f}">'
                f"<title>{escape(tooltip)}</title></rect>"
            )
            if labels:
                colour = "#fff" if value > 0.55 else "#222"
                parts.append(text(x + (cell - 2) / 2, y + cell / 2 + 3, labels[i][j], anchor="middle", size=10, fill=colour))
    parts.append("</svg>")
    return Markup("".join(parts))


def svg_open(width: float, height: float, title: str) -> str:
    return (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    )


def text(x: float, y: float, content: str, *, anchor: str = "start", size: int = 12, fill: str = "#222") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}">{escape(content)}</text>'
