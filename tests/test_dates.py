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
