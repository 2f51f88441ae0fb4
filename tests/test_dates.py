"""The date rules of the SPEC: precision as written, no guessing."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pptrack.dates import parse_date
from pptrack.errors import BadInput

TODAY = date(2026, 11, 23)

TABLE = [
    ("2024-05-21", "2024-05-21", "day"),
    ("May 21, 2024", "2024-05-21", "day"),
    ("21 May 2024", "2024-05-21", "day"),
    ("Sep 12, 2025", "2025-09-12", "day"),
    ("Sept. 12, 2025", "2025-09-12", "day"),
    ("August 2025", "2025-08", "month"),
    ("aug 2025", "2025-08", "month"),
    ("2025-08", "2025-08", "month"),
    ("2021", "2021", "year"),
    ("today", "2026-11-23", "day"),
    ("yesterday", "2026-11-22", "day"),
    ("21.05.2025", "2025-05-21", "day"),
    ("05/21/2025", "2025-05-21", "day"),
    ("2025/05/21", "2025-05-21", "day"),
    ("05/05/2025", "2025-05-05", "day"),
    ("12th of May 2025", "2025-05-12", "day"),
    ("2024-02-29", "2024-02-29", "day"),
    ("2025-8-1", "2025-08-01", "day"),  # year first, as 2025/8/1: year, month, day
    ("2025-08-1", "2025-08-01", "day"),
]


@pytest.mark.parametrize(("written", "iso", "precision"), TABLE)
def test_date_table(written: str, iso: str, precision: str) -> None:
    d = parse_date(written, today=TODAY)
    assert (d.iso, d.precision) == (iso, precision)


def test_month_is_its_whole_span() -> None:
    d = parse_date("2025-02")
    assert (d.start, d.end) == (date(2025, 2, 1), date(2025, 2, 28))
    y = parse_date("2021")
    assert (y.start, y.end) == (date(2021, 1, 1), date(2021, 12, 31))


REFUSED = [
    "03/04/2025",  # a real date both ways
    "21.05.25",
    "May 21, 25",
    "05/21/25",  # two-digit years
    "May 21",  # no year
    "2020-02-30",
    "2023-02-29",
    "0000",
    "2025-13",
    "13/13/2025",
    "Feb 30 2025",
    "7H2UWUUU",
    "1A2B",
    "garbage",
    "",
    "   ",
    "May June 2025",
    "21",
    "late 2021",
]


@pytest.mark.parametrize("written", REFUSED)
def test_refused_dates(written: str) -> None:
    with pytest.raises(BadInput) as e:
        parse_date(written, today=TODAY)
    assert "e.g." in e.value.message


def test_ambiguous_date_settled_by_flag() -> None:
    assert parse_date("03/04/2025", dayfirst=True).iso == "2025-04-03"
    assert parse_date("03/04/2025", dayfirst=False).iso == "2025-03-04"


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)))
def test_iso_round_trip(d: date) -> None:
    assert parse_date(d.isoformat()).start == d
    assert parse_date(d.strftime("%B %-d, %Y")).iso == d.isoformat()
    assert parse_date(d.strftime("%B %Y")).iso == d.strftime("%Y-%m")


@given(st.text(max_size=30))
def test_garbage_never_crashes_nor_guesses_today(text: str) -> None:
    try:
        d = parse_date(text, today=TODAY)
    except BadInput:
        return
    if d.start == TODAY:
        assert text.strip().lower() in ("today", TODAY.isoformat()) or "2026" in text


# A year and one number: only a month makes them a date, read at month precision; written
# otherwise the reason says how to write a month, never that "a day needs its month".
MONTH_YEAR = [
    ("2025-8", "2025-08"),
    ("2025/08", "2025-08"),
    ("2025/8", "2025-08"),
    ("2025.08", "2025-08"),
    ("08/2025", "2025-08"),
    ("8/2025", "2025-08"),
    ("08.2025", "2025-08"),
    ("8-2025", "2025-08"),
    ("12/2025", "2025-12"),
    ("1/2025", "2025-01"),
    ("13/2025", "(13 is not a month; a month with its year is written e.g. 2025-08)"),
    ("2025/13", "(13 is not a month; a month with its year is written e.g. 2025-08)"),
    ("00/2025", "(0 is not a month; a month with its year is written e.g. 2025-08)"),
    ("2025 8", "(a month with its year is written e.g. 2025-08)"),
    ("8 2025", "(a month with its year is written e.g. 2025-08)"),
    ("8th 2025", "(a day needs its month)"),
    ("21 2025", "(a day needs its month)"),
]


@pytest.mark.parametrize(("written", "read"), MONTH_YEAR)
def test_a_month_and_its_year_in_numbers(written: str, read: str) -> None:
    if read.startswith("("):
        with pytest.raises(BadInput) as e:
            parse_date(written, today=TODAY)
        assert f"cannot read date {written!r} {read}; write e.g." in e.value.message
    else:
        d = parse_date(written, today=TODAY)
        assert (d.iso, d.precision) == (read, "month")
        assert d == parse_date(read)  # the same span as the ISO form


@given(st.integers(1000, 9999), st.integers(1, 12), st.sampled_from(["-", "/", "."]), st.booleans(), st.booleans())
def test_a_month_and_its_year_read_either_way_round(year: int, month: int, sep: str, pad: bool, first: bool) -> None:
    m = f"{month:02d}" if pad else str(month)
    d = parse_date(f"{year}{sep}{m}" if first else f"{m}{sep}{year}")
    assert d == parse_date(f"{year}-{month:02d}") and d.precision == "month"


@given(st.integers(1000, 9999), st.integers(13, 99) | st.just(0), st.sampled_from(["-", "/", "."]), st.booleans())
def test_a_number_that_is_no_month_is_refused_saying_so(year: int, number: int, sep: str, first: bool) -> None:
    written = f"{year}{sep}{number}" if first else f"{number}{sep}{year}"
    with pytest.raises(BadInput) as e:
        parse_date(written)
    assert "a day needs its month" not in e.value.message and "e.g." in e.value.message


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("2025-13", "13 is not a month: the year comes first, then the month"),
        ("2025-13-01", "13 is not a month: the year comes first, then the month"),
        ("2015-18", "18 is not a month"),
        ("08/25", "a date in numbers needs its year in four digits"),
        ("21.05", "a date in numbers needs its year in four digits"),
        ("2025-02-30", "not a real date"),
    ],
)
def test_a_refused_date_says_why(written: str, reason: str) -> None:
    with pytest.raises(BadInput) as e:
        parse_date(written)
    assert f"cannot read date {written!r} ({reason}" in e.value.message
