"""Calendar vocabulary and date arithmetic shared by ingest and temporal."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geomap.dates import (
    MONTHS,
    WEEKDAYS,
    find_full_date,
    find_full_dates,
    latest_weekday,
    make_date,
    month_number,
    parse_date,
    shift,
    week_start,
    weekday_number,
    year_less,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Posted 5 января 2022, 10:42", date(2022, 1, 5)),
        ("Jan. 5, 2022", date(2022, 1, 5)),
        ("January 5th, 2022", date(2022, 1, 5)),
        ("the 5th of January 2022", date(2022, 1, 5)),
        ("2022-01-05T10:42:00+06:00", date(2022, 1, 5)),
        ("05.01.2022", date(2022, 1, 5)),
        ("5 қаңтар 2022", date(2022, 1, 5)),
        ("no date here", None),
        ("31 February 2022", None),
        ("2022-13-01", None),
    ],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_find_full_date_gives_the_first_with_its_span() -> None:
    text = "Updated 6 January 2022; first posted 2022-01-05"
    assert find_full_date(text) == (date(2022, 1, 6), 8, 22)
    assert [d for d, _, _ in find_full_dates(text)] == [date(2022, 1, 6), date(2022, 1, 5)]


def test_full_date_with_odd_case_folding_does_not_raise() -> None:
    # "ſ" (long s) matches "s" case-insensitively but lower-cases to itself
    assert parse_date("5 ſep 2022") is None


def test_tables_cover_three_languages() -> None:
    assert MONTHS["january"] == MONTHS["января"] == MONTHS["қаңтар"] == 1
    assert WEEKDAYS["wednesday"] == WEEKDAYS["среду"] == 2
    assert month_number("Dec.") == 12
    assert month_number("Moon") is None
    assert weekday_number("Sunday") == 6
    assert weekday_number("someday") is None


def test_make_date_and_shift_never_raise() -> None:
    assert make_date(2022, 2, 29) is None
    assert make_date(0, 1, 1) is None
    assert shift(date.max, 1) is None
    assert shift(date(2022, 1, 1), -1) == date(2021, 12, 31)


def test_latest_weekday() -> None:
    wednesday = date(2022, 1, 5)
    assert latest_weekday(wednesday, 2) == wednesday
    assert latest_weekday(wednesday, 1) == date(2022, 1, 4)
    assert latest_weekday(wednesday, 3) == date(2021, 12, 30)
    assert latest_weekday(wednesday, 2, strictly_before=True) == date(2021, 12, 29)
    assert latest_weekday(date.min, 6) is None


def test_week_start() -> None:
    assert week_start(date(2022, 1, 5)) == date(2022, 1, 3)
    assert week_start(date(2022, 1, 3)) == date(2022, 1, 3)


@pytest.mark.parametrize(
    ("month", "day", "reference", "expected"),
    [
        (12, 30, date(2022, 1, 3), date(2021, 12, 30)),  # last year
        (1, 2, date(2022, 1, 3), date(2022, 1, 2)),
        (1, 19, date(2022, 1, 8), date(2022, 1, 19)),  # coming up: an end date
        (3, 2, date(2022, 1, 5), date(2021, 3, 2)),  # too far ahead: last March
        (1, 2, date(2021, 12, 30), date(2022, 1, 2)),  # coming up across the new year
        (2, 29, date(2022, 3, 1), date(2020, 2, 29)),
        (2, 30, date(2022, 1, 3), None),
    ],
)
def test_year_less(month: int, day: int, reference: date, expected: date | None) -> None:
    assert year_less(month, day, reference) == expected


@given(st.integers(1, 12), st.integers(1, 31), st.dates())
def test_year_less_lies_before_or_just_after_the_reference(month: int, day: int, reference: date) -> None:
    found = year_less(month, day, reference, ahead=10)
    if found is not None:
        assert (found.month, found.day) == (month, day)
        assert (found - reference).days <= 10
        assert (reference - found).days <= 366 * 4 + 1


@given(st.text())
def test_parse_date_never_raises(text: str) -> None:
    found = parse_date(text)
    assert found is None or isinstance(found, date)
