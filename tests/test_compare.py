"""Source comparison as pure logic: the overlap rules of the value table, periods, rows and pairs."""

from __future__ import annotations

from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pptrack.compare import (
    Figure,
    compare_pairs,
    consistent,
    period_key,
    period_of,
    rows_by_period,
    spread,
)
from pptrack.models import Interval
from pptrack.values import parse_value

# --- overlap: the SPEC's value table, pair by pair ---------------------------------------

# (written a, written b, can both be true)
PAIRS = [
    ("nearly 1,200", "1,200", False),  # [1100, 1200) never holds 1200
    ("over 1,000", "1,000", False),  # (1000, 2000] never holds 1000
    ("about 1,400", "1,380", True),  # [1350, 1450]
    ("~1,400", "1,450", True),  # approx is closed at both ends
    ("~1,400", "1,451", False),
    ("nearly 1,400", "over 1,400", False),  # [1300, 1400) and (1400, 1500]
    ("nearly 1,400", "1,300", True),  # nearly is closed below
    ("nearly 1,200", "more than 1,000", True),  # [1100, 1200) and (1000, 2000]
    ("over 1,000", "2,000", True),  # over is closed above
    ("over 1,000", "2,001", False),
    ("at least 8", "at most 8", True),  # they share 8
    ("at least 8", "7", False),
    ("at least 8", "1,000,000", True),  # open to infinity
    ("at most 50", "-1,000", True),
    ("at most 50", "51", False),
    ("at most 50", "under 50", True),  # (-inf, 50] and [40, 50)
    ("under 50", "50", False),
    ("under 50", "at most 40", True),  # both hold 40
    ("under 50", "at least 50", False),
    ("over 1,000", "at most 1,000", False),
    ("1,200-1,400", "1,400", True),  # a range is closed
    ("1,200-1,400", "over 1,400", False),
    ("1,200-1,400", "nearly 1,200", False),  # [1100, 1200) stops short of 1200
    ("1,200-1,400", "about 1,500", False),  # [1450, 1550] misses [1200, 1400]
    ("1,200-1,400", "about 1,450", False),  # the unit of 1,450 is 10: [1445, 1455]
    ("1,200-1,400", "about 1,400", True),  # [1350, 1450]
    ("888", "888", True),
    ("888", "889", False),
    ("1,189", "nearly 1,200", True),
    ("1,189", "over 1,000", True),
]


@pytest.mark.parametrize(("a", "b", "both"), PAIRS)
def test_value_table_pairs(a: str, b: str, both: bool) -> None:
    x, y = parse_value(a), parse_value(b)
    assert x.overlaps(y) is both
    assert y.overlaps(x) is both
    assert consistent([x, y]) is both


# --- overlap: properties against a brute-force oracle -------------------------------------


@st.composite
def intervals(draw: st.DrawFn) -> Interval:
    """Intervals of every shape of the value table, on small integers so that ends often touch."""
    qualifier = draw(st.sampled_from(["exact", "approx", "nearly", "over", "at_least", "under", "at_most", "range"]))
    a = draw(st.integers(-4, 4))
    b = draw(st.integers(a, 5))
    if qualifier == "exact":
        return Interval(a, a, a, qualifier)
    if qualifier in ("approx", "range"):
        return Interval((a + b) / 2, a, b, qualifier)
    if qualifier in ("nearly", "under"):
        return Interval(b + 1, a, b + 1, qualifier)  # [a, b+1)
    if qualifier == "over":
        return Interval(a, a, b + 1, qualifier)  # (a, b+1]
    if qualifier == "at_least":
        return Interval(a, a, None, qualifier)
    return Interval(a, None, a, qualifier)  # at_most


def holds(i: Interval, x: float) -> bool:
    """x lies in i, by the open and closed ends of the value table."""
    above = i.low is None or x > i.low or (x == i.low and not i.open_low)
    below = i.high is None or x < i.high or (x == i.high and not i.open_high)
    return above and below


def candidate_points(found: list[Interval]) -> list[float]:
    """Enough points to find a shared one if any exists: every end, between ends, beyond them."""
    ends = sorted({e for i in found for e in (i.low, i.high) if e is not None})
    if not ends:
        return [0.0]
    between = [(x + y) / 2 for x, y in zip(ends, ends[1:], strict=False)]
    return [ends[0] - 1, *ends, *between, ends[-1] + 1]


def share_a_point(found: list[Interval]) -> bool:
    return any(all(holds(i, x) for i in found) for x in candidate_points(found))


@given(intervals(), intervals())
def test_overlap_is_symmetric(a: Interval, b: Interval) -> None:
    assert a.overlaps(b) == b.overlaps(a)


@given(intervals(), intervals())
def test_overlap_means_a_shared_point(a: Interval, b: Interval) -> None:
    assert a.overlaps(b) == share_a_point([a, b])


@given(intervals())
def test_an_interval_overlaps_itself(a: Interval) -> None:
    assert a.overlaps(a)


@given(intervals(), st.integers(-6, 7).map(lambda n: n / 2))
def test_a_point_inside_overlaps(a: Interval, x: float) -> None:
    point = Interval(x, x, x, "exact")
    assert a.overlaps(point) == holds(a, x) == a.contains(x)


@given(st.integers(-(10**6), 10**6), st.integers(-(10**6), 10**6))
def test_exact_points_overlap_only_when_equal(x: int, y: int) -> None:
    assert Interval(x, x, x, "exact").overlaps(Interval(y, y, y, "exact")) == (x == y)


@settings(max_examples=500)
@given(st.lists(intervals(), max_size=6))
def test_consistent_means_one_point_in_all(found: list[Interval]) -> None:
    # On a line, intervals that meet two by two all meet in one point.
    assert consistent(found) == share_a_point(found)
    assert consistent(found) == all(a.overlaps(b) for a, b in combinations(found, 2))
    assert consistent(reversed(found)) == consistent(found)


# --- periods -------------------------------------------------------------------------------

PERIOD_CASES = [
    ("2025-08-20", "day", "month", "2025-08"),
    ("2025-08", "month", "month", "2025-08"),
    ("2021", "year", "month", "2021"),  # coarser than the period: a row of its own
    ("2025-01-31", "day", "quarter", "2025-Q1"),
    ("2025-04-01", "day", "quarter", "2025-Q2"),
    ("2025-08", "month", "quarter", "2025-Q3"),  # a month fits in a quarter
    ("2025-12", "month", "quarter", "2025-Q4"),
    ("2025", "year", "quarter", "2025"),  # a year does not
    ("2025-08-20", "day", "year", "2025"),
    ("2025-08", "month", "year", "2025"),
    ("2025", "year", "year", "2025"),
]


@pytest.mark.parametrize(("date", "precision", "period", "label"), PERIOD_CASES)
def test_period_of(date: str, precision: str, period: str, label: str) -> None:
    assert period_of(date, precision, period) == label


def test_periods_sort_by_start_coarser_first() -> None:
    labels = ["2025-08", "2025-Q3", "2025", "2024-12", "2025-07", "2025-Q1", "2024", "2025-01"]
    assert sorted(labels, key=period_key) == [
        "2024",
        "2024-12",
        "2025",
        "2025-Q1",
        "2025-01",
        "2025-Q3",
        "2025-07",
        "2025-08",
    ]


@given(st.dates(), st.sampled_from(["month", "quarter", "year"]))
def test_a_day_falls_in_the_period_that_holds_its_month(day, period: str) -> None:
    by_day = period_of(day.isoformat(), "day", period)
    assert by_day == period_of(day.isoformat()[:7], "month", period)
    start, _ = period_key(by_day)
    assert start <= day.isoformat()[:7]


# --- rows and pairs ------------------------------------------------------------------------


def fig(source: str, date: str, written: str) -> Figure:
    precision = {4: "year", 7: "month", 10: "day"}[len(date)]
    i = parse_value(written)
    return Figure(source, date, precision, i.value, i.low, i.high, i.qualifier, written)


def test_rows_keep_each_sources_latest_figure_per_period() -> None:
    rows = rows_by_period(
        [
            fig("A", "2025-08", "1,000"),
            fig("A", "2025-08-20", "1,100"),  # later in August: it wins
            fig("B", "2025-08-01", "nearly 1,100"),
            fig("A", "2025-09-01", "1,050"),
        ],
        "month",
    )
    assert [r.period for r in rows] == ["2025-08", "2025-09"]
    assert rows[0].values == {"A": 1100, "B": 1100}
    assert rows[0].spread == 0
    assert rows[0].consistent is False  # exactly 1,100 is not in [1000, 1100)
    assert rows[1].values == {"A": 1050}
    assert rows[1].spread is None and rows[1].consistent is True


def test_spread_is_exact_in_decimals() -> None:
    assert spread([2.5, 2.2]) == 0.3
    assert spread([1400, 1189, 888]) == 512
    assert spread([7]) is None
    assert spread([]) is None


def test_pairs_over_shared_periods() -> None:
    rows = rows_by_period(
        [
            fig("A", "2025-01", "110"),
            fig("B", "2025-01", "100"),
            fig("A", "2025-02", "90"),
            fig("B", "2025-02", "100"),
            fig("A", "2025-03", "130"),
            fig("B", "2025-03", "100"),
            fig("C", "2025-04", "5"),
        ],
        "month",
    )
    ab, ac, bc = compare_pairs(rows, ["A", "B", "C"])
    assert ab.to_dict() == {"a": "A", "b": "B", "n": 3, "mean_diff": 10, "higher": "A"}
    assert (ab.a_higher, ab.b_higher) == (2, 1)
    assert ac.to_dict() == {"a": "A", "b": "C", "n": 0, "mean_diff": None, "higher": None}
    assert bc.n == 0
    # Column order decides which is a: the sign of the mean follows it.
    (ba,) = compare_pairs(rows, ["B", "A"])
    assert (ba.mean_diff, ba.higher) == (-10, "A")


def test_a_tie_names_no_higher_source() -> None:
    rows = rows_by_period(
        [fig("A", "2025-01", "10"), fig("B", "2025-01", "12"), fig("A", "2025-02", "10"), fig("B", "2025-02", "8")],
        "month",
    )
    (ab,) = compare_pairs(rows, ["A", "B"])
    assert ab.to_dict() == {"a": "A", "b": "B", "n": 2, "mean_diff": 0, "higher": None}


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(-50, 50), st.integers(-50, 50)), max_size=12))
def test_mean_diff_is_the_mean_of_a_minus_b(readings: list[tuple[int, int, int]]) -> None:
    figures = []
    for month, a, b in sorted(readings):
        figures += [fig("A", f"2025-{month + 1:02d}", str(a)), fig("B", f"2025-{month + 1:02d}", str(b))]
    rows = rows_by_period(figures, "month")
    (pair,) = compare_pairs(rows, ["A", "B"])
    diffs = [r.values["A"] - r.values["B"] for r in rows]
    assert pair.n == len(rows)
    if diffs:
        assert pair.mean_diff == pytest.approx(sum(diffs) / len(diffs))
        above, below = sum(d > 0 for d in diffs), sum(d < 0 for d in diffs)
        assert pair.higher == ("A" if above > below else "B" if below > above else None)
    else:
        assert pair.mean_diff is None and pair.higher is None
