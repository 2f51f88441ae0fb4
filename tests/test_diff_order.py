"""diff-sources reads each source's facts in date order, one source after another (the order of
the live-facts index, which needs no sort): rows and pairs are the same as from all facts in date order."""

from __future__ import annotations

import math
from fractions import Fraction
from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pptrack.commands.compare import mean_text
from pptrack.compare import Figure, Row, compare_pairs, rows_by_period
from pptrack.models import number
from pptrack.values import format_number, parse_value

RANK = {4: 0, 7: 1, 10: 2}  # year, month, day: the coarser first on a tie

written_dates = st.one_of(
    st.builds(lambda y: f"{y}", st.integers(2024, 2025)),
    st.builds(lambda y, m: f"{y}-{m:02d}", st.integers(2024, 2025), st.integers(1, 12)),
    st.builds(lambda y, m, d: f"{y}-{m:02d}-{d:02d}", st.integers(2024, 2025), st.integers(1, 12), st.integers(1, 28)),
)
facts = st.lists(
    st.tuples(
        st.sampled_from(["A", "B", "C", "D"]),
        written_dates,
        st.sampled_from(["1,000", "nearly 1,100", "over 900", "~1,050", "at least 800", "950-1,000", "2.5"]),
    ),
    max_size=40,
)


def figure(source: str, date: str, written: str) -> Figure:
    i = parse_value(written)
    precision = {4: "year", 7: "month", 10: "day"}[len(date)]
    return Figure(source, date, precision, i.value, i.low, i.high, i.qualifier, written)


def date_order(rows: list[tuple[str, str, str]]) -> list[Figure]:
    """As the facts table sorts them: span start, the coarser first, then id (here: the position)."""
    start = {4: "-01-01", 7: "-01", 10: ""}
    keyed = sorted(enumerate(rows), key=lambda p: (p[1][1] + start[len(p[1][1])], RANK[len(p[1][1])], p[0]))
    return [figure(*row) for _, row in keyed]


@given(facts, st.sampled_from(["month", "quarter", "year"]))
def test_source_by_source_gives_what_date_order_gives(rows: list[tuple[str, str, str]], period: str) -> None:
    in_date_order = date_order(rows)
    by_source = sorted(in_date_order, key=lambda f: f.source)  # stable: each source's stay in date order
    expected = rows_by_period(in_date_order, period)
    found = rows_by_period(by_source, period)
    assert found == expected
    assert [r.to_dict(["A", "B", "C", "D"]) for r in found] == [r.to_dict(["A", "B", "C", "D"]) for r in expected]
    assert compare_pairs(found, ["A", "B", "C", "D"]) == compare_pairs(expected, ["A", "B", "C", "D"])


def test_the_latest_of_a_source_in_a_period_wins_whatever_comes_between() -> None:
    by_source = [
        figure("A", "2025-08", "1,000"),
        figure("A", "2025-08-20", "1,100"),
        figure("B", "2025-08-01", "nearly 1,100"),
        figure("B", "2025-08-31", "over 900"),
    ]
    [row] = rows_by_period(by_source, "month")
    assert {name: f.display for name, f in row.figures.items()} == {"A": "1,100", "B": "over 900"}


def pairs_one_by_one(rows: list[Row], sources: list[str]) -> list[tuple[str, str, int, object, int, int]]:
    """What compare_pairs gives, worked out pair by pair in exact fractions."""
    out = []
    for a, b in combinations(sources, 2):
        shared = [(r.figures[a].value, r.figures[b].value) for r in rows if a in r.figures and b in r.figures]
        diffs = [Fraction(repr(x)) - Fraction(repr(y)) for x, y in shared]
        mean = None if not diffs else number(float(sum(diffs) / len(diffs)))
        out.append((a, b, len(diffs), mean, sum(d > 0 for d in diffs), sum(d < 0 for d in diffs)))
    return out


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["A", "B", "C", "D", "E"]),
            st.integers(1, 9),
            st.one_of(
                st.integers(-3, 3), st.integers(-(10**12), 10**12), st.sampled_from([2.5, -0.25, 0.1, 1e9 + 0.5])
            ),
        ),
        max_size=60,
    ),
    st.permutations(["A", "B", "C", "D", "E"]),
    st.integers(0, 5),
)
def test_pairs_period_by_period_are_the_pairs_one_by_one(
    facts: list[tuple[str, int, int | float]], order: list[str], left_out: int
) -> None:
    rows = rows_by_period([Figure(s, f"2025-{m:02d}", "month", v, v, v, "exact", str(v)) for s, m, v in facts], "month")
    sources = order[left_out:]  # a source left out of the columns is left out of the pairs
    found = [(p.a, p.b, p.n, p.mean_diff, p.a_higher, p.b_higher) for p in compare_pairs(rows, sources)]
    assert found == pairs_one_by_one(rows, sources)


def test_a_tie_reads_higher_for_neither() -> None:
    rows = rows_by_period(
        [figure(s, "2025-08", v) for s, v in [("A", "5"), ("B", "5"), ("C", "4"), ("D", "6")]], "month"
    )
    pairs = {(p.a, p.b): (p.a_higher, p.b_higher) for p in compare_pairs(rows, ["A", "B", "C", "D"])}
    assert pairs == {
        ("A", "B"): (0, 0),
        ("A", "C"): (1, 0),
        ("A", "D"): (0, 1),
        ("B", "C"): (1, 0),
        ("B", "D"): (0, 1),
        ("C", "D"): (0, 1),
    }


means = st.builds(lambda total, n: total / n, st.integers(-(10**15), 10**15), st.integers(1, 500))


@given(st.one_of(means, st.floats(-1e15, 1e15, allow_nan=False), st.integers(-(10**16), 10**16), st.none()))
def test_a_mean_is_shown_to_one_decimal_as_format_number_writes_it(x: float | int | None) -> None:
    shown = mean_text(x)
    if x is None or x == 0 or abs(x) >= 1:
        assert shown == format_number(None if x is None else round(x, 1))
    else:  # below 1: two significant digits, never a 0 for a difference there is
        assert float(shown) != 0 and (float(shown) < 0) == (x < 0)
        assert math.isclose(float(shown), x, rel_tol=0.05)


@pytest.mark.parametrize(
    ("x", "shown"),
    [(2e-05, "0.00002"), (-2e-05, "-0.00002"), (0.05, "0.05"), (0.123, "0.12"), (-0.96, "-0.96"), (12.34, "12.3")],
)
def test_a_small_mean_keeps_two_significant_digits(x: float, shown: str) -> None:
    assert mean_text(x) == shown
