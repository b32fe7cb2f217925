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
from datetime import date, timedelta

__all__ = [
    "MONTHS",
    "MONTH_PATTERN",
    "WEEKDAYS",
    "WEEKDAY_PATTERN",
    "find_full_date",
    "find_full_dates",
    "latest_weekday",
    "make_date",
    "month_number",
    "parse_date",
    "shift",
    "week_start",
    "weekday_number",
    "year_less",
]

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
_DAY_MONTH_YEAR = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MONTH_PATTERN})\.?,?\s+(\d{{4}})\b", re.I
)
_MONTH_DAY_YEAR = re.compile(rf"\b({MONTH_PATTERN})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)


def make_date(year: int, month: int, day: int) -> date | None:
    """Return ``date(year, month, day)``, or None where no such day exists.

    Examples
    --------
    >>> make_date(2022, 1, 5), make_date(2022, 2, 30)
    (datetime.date(2022, 1, 5), None)
    """
    try:
        return date(year, month, day)
    except (ValueError, OverflowError):
        return None


def find_full_dates(text: str) -> list[tuple[date, int, int]]:
    """Return every complete calendar date in ``text`` with its span, in text order.

    Examples
    --------
    >>> [str(d) for d, _, _ in find_full_dates("From 2 January 2022 to 05.01.2022.")]
    ['2022-01-02', '2022-01-05']
    """
    found: list[tuple[int, int, date]] = []
    for m in _ISO.finditer(text):
        d = make_date(int(m[1]), int(m[2]), int(m[3]))
        if d:
            found.append((m.start(), m.end(), d))
    for m in _NUMERIC.finditer(text):
        d = make_date(int(m[3]), int(m[2]), int(m[1]))
        if d:
            found.append((m.start(), m.end(), d))
    for m in _DAY_MONTH_YEAR.finditer(text):
        month = MONTHS.get(m[2].lower())
        d = make_date(int(m[3]), month, int(m[1])) if month else None
        if d:
            found.append((m.start(), m.end(), d))
    for m in _MONTH_DAY_YEAR.finditer(text):
        month = MONTHS.get(m[1].lower())
        d = make_date(int(m[3]), month, int(m[2])) if month else None
        if d:
            found.append((m.start(), m.end(), d))
    found.sort(key=lambda f: (f[0], -f[1]))
    return [(d, start, end) for start, end, d in found]


def find_full_date(text: str) -> tuple[date, int, int] | None:
    """Return the first complete calendar date (day, month and year) in ``text``, with its span.

    Numeric dates are read day first ("05.01.2022" is 5 January), as in the
    Russian and European press; ISO dates are year-month-day.

    Examples
    --------
    >>> find_full_date("Updated on 2 January 2022 at noon")
    (datetime.date(2022, 1, 2), 11, 25)
    """
    found = find_full_dates(text)
    return found[0] if found else None


def parse_date(text: str) -> date | None:
    """Return the first complete calendar date in ``text``, or None."""
    found = find_full_date(text)
    return found[0] if found else None


def month_number(name: str) -> int | None:
    """Return the month (1-12) a month name or abbreviation stands for, in any listed language.

    Examples
    --------
    >>> month_number("Jan."), month_number("января"), month_number("Moon")
    (1, 1, None)
    """
    return MONTHS.get(name.lower().rstrip("."))


def weekday_number(name: str) -> int | None:
    """Return the weekday (Monday=0) a weekday name stands for.

    Examples
    --------
    >>> weekday_number("Wednesday"), weekday_number("среду"), weekday_number("someday")
    (2, 2, None)
    """
    return WEEKDAYS.get(name.lower().rstrip("."))


def shift(day: date, days: int) -> date | None:
    """Return ``day`` moved by ``days`` days, or None past the ends of the calendar.

    Examples
    --------
    >>> shift(date(2022, 1, 1), -1), shift(date.min, -1)
    (datetime.date(2021, 12, 31), None)
    """
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return None


def latest_weekday(reference: date, weekday: int, *, strictly_before: bool = False) -> date | None:
    """Return the latest ``weekday`` (Monday=0) on or before ``reference`` (strictly before if asked).

    Examples
    --------
    >>> latest_weekday(date(2022, 1, 5), 2)  # a Wednesday article's "on Wednesday"
    datetime.date(2022, 1, 5)
    >>> latest_weekday(date(2022, 1, 5), 1), latest_weekday(date(2022, 1, 5), 2, strictly_before=True)
    (datetime.date(2022, 1, 4), datetime.date(2021, 12, 29))
    """
    back = (reference.weekday() - weekday) % 7
    if back == 0 and strictly_before:
        back = 7
    return shift(reference, -back)


def week_start(day: date) -> date | None:
    """Return the Monday of ``day``'s week.

    Examples
    --------
    >>> week_start(date(2022, 1, 5))
    datetime.date(2022, 1, 3)
    """
    return shift(day, -day.weekday())


def year_less(month: int, day: int, reference: date, *, ahead: int = 31) -> date | None:
    """Return the date a year-less ``month``/``day`` names in a text written on ``reference``.

    The latest such day on or before ``reference``, unless the day comes up
    within ``ahead`` days after it: "December 30" in a 3 January article is last
    December, "January 19" in an 8 January article ("until January 19") is this
    January, and "March 2" in a January article is last March.

    Examples
    --------
    >>> year_less(12, 30, date(2022, 1, 3)), year_less(1, 19, date(2022, 1, 8))
    (datetime.date(2021, 12, 30), datetime.date(2022, 1, 19))
    >>> year_less(3, 2, date(2022, 1, 5)), year_less(1, 2, date(2021, 12, 30))
    (datetime.date(2021, 3, 2), datetime.date(2022, 1, 2))
    >>> print(year_less(2, 30, date(2022, 1, 3)))
    None
    """
    for year in range(reference.year + 1, reference.year - 5, -1):
        found = make_date(year, month, day)  # a 29 February can be four years back
        if found is None:
            continue
        if (found - reference).days <= ahead:
            return found
    return None
