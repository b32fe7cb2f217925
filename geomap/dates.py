"""Calendar vocabulary and full-date parsing shared by ingest and temporal.

Examples
--------
>>> parse_date("Posted 5 января 2022,, 10:42")
datetime.date(2022, 1, 5)
>>> parse_date("Jan. 5, 2022"), parse_date("2022-01-05T10:42:00+06:00")
(datetime.date(2022, 1, 5), datetime.date(2022, 1, 5))
>>> parse_date("05.01.2022")
datetime.date(2022, 1, 5)
"""

from __future__ import annotations

import re
from datetime import date

__all__ = ["MONTHS", "MONTH_PATTERN", "WEEKDAYS", "WEEKDAY_PATTERN", "find_full_date", "parse_date"]

MONTHS: dict[str, int] = {}
for _n, _names in enumerate(
    (
        "january jan январь января январе янв қаңтар қаңтардың",
        "february feb февраль февраля феврале фев ақпан",
        "march mar март марта марте наурыз",
        "april apr апрель апреля апреле апр сәуір",
        "may май мая мае мамыр",
        "june jun июнь июня июне маусым",
        "july jul июль июля июле шілде",
        "august aug август августа августе авг тамыз",
        "september sep sept сентябрь сентября сентябре сен қыркүйек",
        "october oct октябрь октября октябре окт қазан",
        "november nov ноябрь ноября ноябре ноя қараша",
        "december dec декабрь декабря декабре дек желтоқсан",
    ),
    start=1,
):
    for _name in _names.split():
        MONTHS[_name] = _n

WEEKDAYS: dict[str, int] = {}
for _n, _names in enumerate(
    (
        "monday mon понедельник понедельника",
        "tuesday tue tues вторник вторника",
        "wednesday wed среда среду среды",
        "thursday thu thurs четверг четверга",
        "friday fri пятница пятницу пятницы",
        "saturday sat суббота субботу субботы",
        "sunday sun воскресенье воскресенья",
    )
):
    for _name in _names.split():
        WEEKDAYS[_name] = _n

# Longest names first, so "january" wins over "jan".
MONTH_PATTERN = "|".join(sorted(MONTHS, key=len, reverse=True))
WEEKDAY_PATTERN = "|".join(sorted((w for w in WEEKDAYS if len(w) > 3), key=len, reverse=True))

_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_NUMERIC = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{4})\b")
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MONTH_PATTERN})\.?,?\s+(\d{{4}})\b", re.I)
_MONTH_DAY_YEAR = re.compile(rf"\b({MONTH_PATTERN})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_full_date(text: str) -> tuple[date, int, int] | None:
    """The first complete calendar date (day, month and year) in ``text``, with its span.

    Numeric dates are read day first ("05.01.2022" is 5 January), as in the
    Russian and European press; ISO dates are year-month-day.

    Examples
    --------
    >>> find_full_date("Updated on 2 January 2022 at noon")
    (datetime.date(2022, 1, 2), 11, 25)
    """
    found: list[tuple[int, int, date]] = []
    for m in _ISO.finditer(text):
        d = _make(int(m[1]), int(m[2]), int(m[3]))
        if d:
            found.append((m.start(), m.end(), d))
    for m in _NUMERIC.finditer(text):
        d = _make(int(m[3]), int(m[2]), int(m[1]))
        if d:
            found.append((m.start(), m.end(), d))
    for m in _DAY_MONTH_YEAR.finditer(text):
        d = _make(int(m[3]), MONTHS[m[2].lower()], int(m[1]))
        if d:
            found.append((m.start(), m.end(), d))
    for m in _MONTH_DAY_YEAR.finditer(text):
        d = _make(int(m[3]), MONTHS[m[1].lower()], int(m[2]))
        if d:
            found.append((m.start(), m.end(), d))
    if not found:
        return None
    start, end, d = min(found, key=lambda f: f[0])
    return d, start, end


def parse_date(text: str) -> date | None:
    """The first complete calendar date in ``text``, or None."""
    found = find_full_date(text)
    return found[0] if found else None
