"""The logic of timelines and charts: changes, bars, ticks, ages; no CLI."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pptrack.chart import BAR_WIDTH, EIGHTHS, FULL, bar, bar_scale, by_source, date_ticks, midpoint, nice_ticks
from pptrack.commands.timeline import format_change, format_pct
from pptrack.models import Fact
from pptrack.timeline import age_in_days, as_of_day, change_between, with_changes

BASE = Fact(
    id=1,
    uid="u",
    metric="pp",
    value=888,
    low=888,
    high=888,
    qualifier="exact",
    display="888",
    date="2021-12",
    date_precision="month",
    published=None,
    source="A",
    via=None,
    url=None,
    quote=None,
    note=None,
    tags=(),
    created_at="t",
    updated_at="t",
)


def fact(value: float, qualifier: str = "exact", date: str = "2021-12", source: str = "A", id: int = 1) -> Fact:
    return replace(BASE, value=value, qualifier=qualifier, date=date, source=source, id=id)


@pytest.mark.parametrize(
    ("before", "after", "change", "pct"),
    [
        (888, 1400, 512, 512 / 888 * 100),
        (1400, 1189, -211, -211 / 1400 * 100),
        (1200, 1200, 0, 0.0),
        (0, 5, 5, None),
        (1.2, 2.5, 1.3, 108.33333333333333),
        (2.5, 2, -0.5, -20.0),
        (-10, -5, 5, 50.0),
    ],
)
def test_change_between(before: float, after: float, change: float, pct: float | None) -> None:
    got_change, got_pct = change_between(fact(before), fact(after))
    assert got_change == change and type(got_change) is type(change)
    assert got_pct == pytest.approx(pct) if pct is not None else got_pct is None


def test_the_first_figure_has_no_change_and_approximation_spreads_to_the_next() -> None:
    rows = with_changes([fact(888), fact(1400, "nearly", id=2), fact(1189, id=3), fact(1200, id=4)])
    assert [(r.change, r.approximate) for r in rows] == [(None, False), (512, True), (-211, True), (11, False)]
    assert rows[0].to_dict()["change"] is None and rows[0].to_dict()["change_pct"] is None
    assert rows[2].to_dict()["change_pct"] == -211 / 1400 * 100


@pytest.mark.parametrize(
    ("change", "approximate", "text"),
    [(None, False, ""), (12, False, "+12"), (-211, True, "~-211"), (0, False, "0"), (1234.5, False, "+1,234.5")],
)
def test_format_change(change: float | None, approximate: bool, text: str) -> None:
    assert format_change(change, approximate) == text


@pytest.mark.parametrize(
    ("pct", "approximate", "text"),
    [
        (None, False, ""),
        (57.657, True, "~+57.7%"),
        (-15.0714, False, "-15.1%"),
        (0.0, False, "0.0%"),
        (-0.01, False, "0.0%"),
    ],
)
def test_format_pct(pct: float | None, approximate: bool, text: str) -> None:
    assert format_pct(pct, approximate) == text


def test_bar_ends_and_eighths() -> None:
    assert bar(0, 0, 100) == ""
    assert bar(100, 0, 100) == FULL * BAR_WIDTH
    assert bar(50, 0, 100) == FULL * (BAR_WIDTH // 2)
    assert bar(1, 0, 160, width=20) == EIGHTHS[1]
    assert bar(5, 5, 5) == ""


def _cells(text: str) -> float:
    return sum(1 if c == FULL else EIGHTHS.index(c) / 8 for c in text)


@given(
    st.lists(st.floats(-1e9, 1e9, allow_nan=False), min_size=1, max_size=20),
    st.integers(1, 60),
)
def test_bar_is_proportional_and_fits(values: list[float], width: int) -> None:
    low, high = bar_scale(values)
    bars = [bar(v, low, high, width) for v in values]
    for v, b in zip(values, bars, strict=True):
        assert len(b) <= width
        assert set(b) <= set(EIGHTHS + FULL) - {" "}
        if high > low:
            assert abs(_cells(b) - (v - low) / (high - low) * width) <= 1 / 16 + 1e-9
    ordered = sorted(zip(values, bars, strict=True))
    assert [_cells(b) for _, b in ordered] == sorted(_cells(b) for _, b in ordered)


@given(st.floats(-1e6, 1e6, allow_nan=False), st.floats(0, 1e6, allow_nan=False))
def test_nice_ticks_cover_the_range_evenly(low: float, extent: float) -> None:
    high = low + extent
    ticks = nice_ticks(low, high)
    assert ticks[0] <= low + 1e-6 and ticks[-1] >= high - 1e-6
    assert 2 <= len(ticks) <= 7
    steps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    assert steps[0] > 0 and all(math.isclose(s, steps[0], rel_tol=1e-6) for s in steps)


def test_nice_ticks_for_the_belarus_figures() -> None:
    assert nice_ticks(888, 1400) == [800, 1000, 1200, 1400]


def test_date_ticks_years_months_or_none() -> None:
    assert [t for _, t in date_ticks(date(2021, 12, 16), date(2025, 9, 15), most=6)] == ["2022", "2023", "2024", "2025"]
    assert [t for _, t in date_ticks(date(2021, 12, 16), date(2025, 9, 15), most=2)] == ["2022", "2024"]
    assert [t for _, t in date_ticks(date(2025, 5, 21), date(2025, 9, 15), most=10)] == [
        "2025-06",
        "2025-07",
        "2025-08",
        "2025-09",
    ]
    assert date_ticks(date(2025, 8, 2), date(2025, 8, 20), most=10) == []


@given(st.dates(date(1900, 1, 1), date(2100, 1, 1)), st.integers(0, 20000), st.integers(2, 20))
def test_date_ticks_stay_in_range_and_under_the_limit(first: date, days: int, most: int) -> None:
    from datetime import timedelta

    last = min(first + timedelta(days=days), date(2100, 12, 31))
    ticks = date_ticks(first, last, most)
    assert len(ticks) <= most
    assert all(first <= d <= last for d, _ in ticks)
    assert [d for d, _ in ticks] == sorted(d for d, _ in ticks)


def test_midpoint_of_a_span() -> None:
    assert midpoint(fact(1, date="2021")) == date(2021, 7, 2)
    assert midpoint(fact(1, date="2025-08")) == date(2025, 8, 16)
    assert midpoint(fact(1, date="2025-05-21")) == date(2025, 5, 21)


def test_series_per_source_in_order_of_first_appearance() -> None:
    series = by_source([fact(1, source="B"), fact(2, source="A"), fact(3, source="B")])
    assert [(s.source, [f.value for f in s.facts]) for s in series] == [("B", [1, 3]), ("A", [2])]


def test_age_counts_from_the_end_of_the_span() -> None:
    assert age_in_days(date(2025, 8, 31), date(2025, 9, 30)) == 30
    assert age_in_days(date(2025, 8, 31), date(2025, 8, 10)) == 0  # the month has not ended
    assert age_in_days(date(2024, 5, 21), date(2024, 5, 22)) == 1


def test_as_of_a_coarse_date_is_its_last_day() -> None:
    assert as_of_day("2025-08") == date(2025, 8, 31)
    assert as_of_day("2024") == date(2024, 12, 31)
    assert as_of_day("03/04/2025", dayfirst=True) == date(2025, 4, 3)
    assert as_of_day(None, today=date(2026, 1, 2)) == date(2026, 1, 2)


def test_terminal_chart_in_colour_and_plain() -> None:
    import re

    from pptrack.chart import TERMINAL_HEIGHT, terminal_chart

    facts = [fact(888, date="2021-12"), fact(1400, "nearly", "2024-05-21", "EU", 2), fact(1189, date="2025-05-21")]
    plain, left_out = terminal_chart("pp", facts, width=80, color=False)
    coloured, _ = terminal_chart("pp", facts, width=80, color=True)
    assert left_out == []
    assert "\x1b[" not in plain and "\x1b[" in coloured
    assert [line.rstrip() for line in re.sub(r"\x1b\[[0-9;]*m", "", coloured).splitlines()] == plain.splitlines()
    assert len(plain.splitlines()) == TERMINAL_HEIGHT and max(map(len, plain.splitlines())) <= 80
    assert terminal_chart("pp", facts, width=10, color=False)[0].count("\n") == TERMINAL_HEIGHT  # at least 40 wide


def test_a_chart_draws_the_sources_with_most_figures() -> None:
    from pptrack.chart import Series, most_reported

    series = [Series(name, [fact(1)] * n) for name, n in [("a", 1), ("b", 3), ("c", 2), ("d", 3)]]
    drawn, rest = most_reported(series, 2)
    assert [s.source for s in drawn] == ["b", "d"] and [s.source for s in rest] == ["a", "c"]
    assert most_reported(series, 4) == (series, [])


@given(st.lists(st.integers(-(10**12), 10**12), min_size=1, max_size=30))
def test_changes_add_up_to_the_whole_move(values: list[int]) -> None:
    rows = with_changes([fact(v, id=i) for i, v in enumerate(values)])
    assert rows[0].change is None
    assert sum(r.change for r in rows[1:]) == values[-1] - values[0]
    for before, row in zip(values, rows[1:], strict=False):
        if before:
            assert row.change_pct == pytest.approx(row.change / abs(before) * 100)
        else:
            assert row.change_pct is None
