"""What start-up trimming replaced, held to what it replaced: month ends without calendar,
whole numbers written without decimal."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from pptrack.dates import make_date
from pptrack.values import format_number


@given(st.integers(1, 9999), st.integers(1, 12))
def test_a_month_spans_what_calendar_says(year: int, month: int) -> None:
    d = make_date(year, month)
    assert (d.iso, d.precision) == (f"{year:04d}-{month:02d}", "month")
    assert (d.start, d.end) == (date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))


@given(st.integers(-(10**18), 10**18))
def test_whole_numbers_are_written_as_decimal_writes_them(n: int) -> None:
    assert format_number(n) == format(Decimal(n), ",")
    assert format_number(float(n)) == format(Decimal(int(float(n))), ",")


def test_numbers_with_a_fraction_are_written_as_decimal_writes_them() -> None:
    assert [format_number(x) for x in (2.5, -211.25, 1e-05, 1234567.5)] == ["2.5", "-211.25", "0.00001", "1,234,567.5"]
    # never with an exponent, which Decimal gives below a millionth: a change of 2E-7 read so
    assert [format_number(x) for x in (2e-07, -1.5e-10)] == ["0.0000002", "-0.00000000015"]


@given(st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: not x.is_integer()))
def test_any_fraction_is_written_as_decimal_writes_its_repr(x: float) -> None:
    # repr without an exponent is grouped by format; with one (1e-07, 1e+16) it goes through
    # Decimal, written out in full
    assert format_number(x) == format(Decimal(repr(x)), ",f")
    assert "E" not in format_number(x)
