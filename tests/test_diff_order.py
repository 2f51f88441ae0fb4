"""diff-sources reads each source's facts in date order, one source after another (the order of
the live-facts index, which needs no sort): rows and pairs are the same as from all facts in date order."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pptrack.compare import Figure, compare_pairs, rows_by_period
from pptrack.values import parse_value

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
