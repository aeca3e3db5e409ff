"""A document's date: from a metadata value, or from a dateline in its first lines.

Datelines in these reports look like ``2020-01-31 17:34``, ``2020年2月18日``
or ``2月18日``; a month-day dateline takes the year the document itself names
(its first four-digit year 19xx/20xx), so a report never gets a year it does
not imply.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Sequence

# Full dates: 2020-01-31, 2020/1/31, 2020.01.31, 2020年1月31日 (spaces allowed inside).
FULL_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})(?!\d)")
MONTH_DAY = re.compile(r"(?<![\d年])(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年")

DATELINE_LINES = 4  # datelines sit under the title; later dates are events, not the report's date
DATELINE_START = 12  # a dateline opens its line ("2020年2月18日 记者…", "发布时间：2020-01-31")…
DATELINE_SHORT_LINE = 40  # …or is most of a short line; a date deep in a sentence cites something else


def make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date_value(value: object) -> date | None:
    """A metadata value such as ``2020-02-18``, ``2020-02-18T09:00`` or ``2020年2月18日``."""
    if value is None:
        return None
    match = FULL_DATE.search(str(value))
    if not match:
        return None
    return make_date(*(int(part) for part in match.groups()))


def implied_year(lines: Sequence[str]) -> int | None:
    for line in lines:
        match = YEAR.search(line)
        if match:
            return int(match.group(1))
    return None


def date_from_text(lines: Sequence[str], *, default_year: int | None = None) -> date | None:
    """The first dateline in the first lines of a document (title first), or None.

    ``2月18日`` needs a year: the one the document names, else ``default_year``.
    """
    year = implied_year(lines) or default_year
    for line in lines[:DATELINE_LINES]:
        window = line if len(line) <= DATELINE_SHORT_LINE else line[: DATELINE_START + 12]
        full = FULL_DATE.search(window)
        partial = MONTH_DAY.search(window) if year else None
        if full and full.start() > DATELINE_START and len(line) > DATELINE_SHORT_LINE:
            full = None
        if partial and partial.start() > DATELINE_START and len(line) > DATELINE_SHORT_LINE:
            partial = None
        # Whichever comes first in the line is the dateline.
        if full and (not partial or full.start() <= partial.start()):
            found = make_date(*(int(part) for part in full.groups()))
        elif partial:
            found = make_date(year, int(partial.group(1)), int(partial.group(2)))
        else:
            continue
        if found:
            return found
    return None


def period_of(day: date, unit: str) -> str:
    """``2020-02`` for months, ``2020-W07`` (ISO week) for weeks."""
    if unit == "month":
        return f"{day.year:04d}-{day.month:02d}"
    iso = day.isocalendar()
    return f"{iso[0]:04d}-W{iso[1]:02d}"


def period_unit(days: Sequence[date]) -> str:
    """Weeks for a corpus spanning up to about four months, months beyond that."""
    if days and (max(days) - min(days)).days <= 120:
        return "week"
    return "month"
