"""Sources side by side: each one's latest figure per period, where they agree and where they cannot both be right.

Functions here take a Store or plain figures, return models, and never print.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property, partial
from itertools import chain, combinations
from operator import attrgetter, is_not
from typing import TYPE_CHECKING, Any, NamedTuple

from .errors import BadInput
from .models import Interval, number
from .store import Store

if TYPE_CHECKING:
    from decimal import Decimal

# decimal is imported where a fraction needs it: the figures of most metrics are whole
# numbers, whose spreads and means integers give exactly.

PERIODS = ("month", "quarter", "year")
GROUPINGS = ("source", "via")  # who counted, or who published it


def period_of(date: str, precision: str, period: str) -> str:
    """The label of the period a fact dated `date` (ISO at `precision`) falls in.

    A fact coarser than the period keeps a period of its own precision: `2021` stays
    `2021` in a month view. A month fits in a quarter; a year does not.
    """
    if period == "year" or precision == "year":
        return date[:4]
    if period == "quarter":
        return f"{date[:4]}-Q{(int(date[5:7]) + 2) // 3}"
    return date[:7]


def period_key(label: str) -> tuple[str, int]:
    """Periods sort by the month they start in, the coarser first on a tie (`2025` before `2025-Q1`)."""
    if len(label) == 4:
        return f"{label}-01", 0
    if "Q" in label:
        return f"{label[:4]}-{3 * int(label[-1]) - 2:02d}", 1
    return label, 2


_LOW, _HIGH, _VALUE = attrgetter("low"), attrgetter("high"), attrgetter("value")
_given = partial(is_not, None)


def consistent(intervals: Iterable[Interval | Figure]) -> bool:
    """Whether the figures can all be true at once: every two of them overlap.

    On a line that is the same as one point lying in all of them: the highest lower end
    must lie below the lowest upper end, or be that end with every interval closed there.
    """
    found = list(intervals)
    # The ends read and the open ones left out by map and filter over C callables: a million
    # facts give 130 periods of 40 figures, and a comprehension is a Python step a figure.
    low = max(filter(_given, map(_LOW, found)), default=None)
    high = min(filter(_given, map(_HIGH, found)), default=None)
    if low is None or high is None or low < high:
        return True
    if low > high:
        return False
    return not any(i.open_low for i in found if i.low == low) and not any(i.open_high for i in found if i.high == high)


def _exact(x: float) -> Decimal:
    from decimal import Decimal

    # Through repr: 2.5 - 2.2 is 0.3 here, not 0.2999999999999998.
    return Decimal(repr(x)) if isinstance(x, float) else Decimal(x)


def _plain(x: Decimal | int | float) -> float | int:
    out = number(float(x))
    assert out is not None
    return out


def spread(values: Iterable[float]) -> float | int | None:
    """The largest value minus the smallest; None with fewer than two values."""
    found = list(values)
    if len(found) < 2:
        return None
    high, low = max(found), min(found)
    if type(high) is int and type(low) is int:  # exact as it is (SQLite's integers have 19 digits at most)
        return _plain(high - low)
    return _plain(_exact(high) - _exact(low))


# The records are NamedTuples: a frozen dataclass costs a millisecond to define at import and
# 2 µs to make (a comparison of 50 sources makes 1,225 pairs), a NamedTuple a tenth.
class Figure(NamedTuple):
    """One fact as the comparison needs it; `source` is its column (who counted or who published)."""

    source: str
    date: str
    precision: str
    value: float
    low: float | None
    high: float | None
    qualifier: str
    display: str

    # A Figure is read as its interval without making one (a comparison of a million facts
    # tests 5,000 of them): Interval's own ends, which read only value, low, high and
    # qualifier, serve it as they are.
    open_low = Interval.open_low
    open_high = Interval.open_high


class Row(NamedTuple):
    """One period: each source's latest figure in it, their spread, and whether all can be true."""

    period: str
    figures: dict[str, Figure]
    spread: float | int | None
    consistent: bool

    @classmethod
    def of(cls, period: str, figures: dict[str, Figure]) -> Row:
        found = figures.values()
        return cls(period, figures, spread(map(_VALUE, found)), consistent(found))

    @property
    def values(self) -> dict[str, float | int | None]:
        return {name: number(f.value) for name, f in self.figures.items()}

    def to_dict(self, sources: Sequence[str]) -> dict[str, object]:
        figures = self.figures
        return {
            "period": self.period,
            "values": {s: number(figures[s].value) if s in figures else None for s in sources},
            "spread": self.spread,
            "consistent": self.consistent,
        }


class Pair(NamedTuple):
    """Two sources over the periods both reported: how far apart, and which reads higher."""

    a: str
    b: str
    n: int
    mean_diff: float | int | None  # mean of a - b
    a_higher: int  # periods where a reads higher
    b_higher: int

    @property
    def higher(self) -> str | None:
        if self.a_higher > self.b_higher:
            return self.a
        if self.b_higher > self.a_higher:
            return self.b
        return None

    def to_dict(self) -> dict[str, object]:
        return {"a": self.a, "b": self.b, "n": self.n, "mean_diff": self.mean_diff, "higher": self.higher}


class Comparison:
    """One metric's rows (periods) and columns (sources or publishers), and what to tell the user.

    A plain class: a dataclass costs a millisecond to define at every start, and `pairs`
    is worked out only when asked for."""

    def __init__(self, metric: str, period: str, by: str, sources: tuple[str, ...], rows: list[Row]) -> None:
        self.metric = metric
        self.period = period
        self.by = by
        self.sources = sources
        self.rows = rows
        self.notices: list[str] = []

    @cached_property
    def pairs(self) -> list[Pair]:
        # Only the table and json show them: csv, tsv and jsonl never pay for 1,225 pairs.
        return compare_pairs(self.rows, self.sources)

    @property
    def conflicts(self) -> list[Row]:
        return [r for r in self.rows if not r.consistent]

    def to_dict(self) -> dict[str, object]:
        return {
            "metric": self.metric,
            "period": self.period,
            "sources": list(self.sources),
            "rows": [r.to_dict(self.sources) for r in self.rows],
            "pairs": [p.to_dict() for p in self.pairs],
        }


def rows_by_period(figures: Iterable[Sequence[Any]], period: str) -> list[Row]:
    """One row per period with each source's latest figure in it; each source's `figures`
    come in date order (the sources' may interleave or follow one another). They are
    Figures, or tuples laid out as Figures: only the latest are made into Figures.
    """
    latest: dict[str, dict[str, Sequence[Any]]] = {}
    labels: dict[str, str] = {}  # many facts share a date (which, as ISO text, holds its precision)
    for f in figures:
        label = labels.get(f[1])
        if label is None:
            label = labels[f[1]] = period_of(f[1], f[2], period)
        found = latest.get(label)
        if found is None:  # not setdefault(label, {}): no dict made and dropped a fact
            found = latest[label] = {}
        found[f[0]] = f
    # tuple.__new__ makes the Figure as Figure._make does, without a Python call a figure
    # (a million facts keep 5,000 of them): the store's rows have Figure's fields, in order.
    make = partial(tuple.__new__, Figure)
    return [
        Row.of(label, dict(zip(latest[label], map(make, latest[label].values()), strict=True)))
        for label in sorted(latest, key=period_key)
    ]


def compare_pairs(rows: Sequence[Row], sources: Sequence[str]) -> list[Pair]:
    """Every two sources, in column order, over the periods both reported.

    Gathered period by period rather than pair by pair (1,225 pairs of 130 periods are
    100,000 pairs of figures, 13 ms of Python one by one; 5,000 figures are 4 ms): each
    source keeps, for every other source at once, the sum of its own values over the
    periods both reported and how many of them it read higher, as fields of bits of one
    integer (adding two such integers adds every field at once); a pair reads its fields out.
    """
    # Exact arithmetic on integers: every value scaled by the same power of ten.
    # Only fractions need Decimal to be scaled exactly; whole numbers are exact as they are.
    values = set(map(_VALUE, chain.from_iterable(r.figures.values() for r in rows)))
    exact = {v: _exact(v) for v in values if type(v) is not int}
    places = max((-int(d.as_tuple().exponent) for d in exact.values()), default=0)
    scale = 10 ** max(places, 0)
    if exact:
        scaled = {v: int(exact[v] * scale) if v in exact else v * scale for v in values}
    else:  # whole numbers only (the usual metric), each its own scaled value
        scaled = dict(zip(values, values, strict=True))
    column = {s: i for i, s in enumerate(sources)}
    # Values shifted up by `offset` are never negative, so that fields never borrow from each other.
    offset = max(map(abs, scaled.values()), default=0) + 1
    # Field widths: a sum of a's (value + offset) over the periods b reported too; a count of periods.
    sum_bits = (len(rows) * 2 * offset).bit_length() + 1
    count_bits = len(rows).bit_length() + 1
    sum_one = [1 << (sum_bits * i) for i in range(len(sources))]
    count_one = [1 << (count_bits * i) for i in range(len(sources))]
    reported = [0] * len(sources)  # each source's periods, a bit each
    sums = [0] * len(sources)
    higher = [0] * len(sources)  # for each other source, the periods where this one read higher
    for k, r in enumerate(rows):
        present = [(scaled[f.value], column[name]) for name, f in r.figures.items() if name in column]
        present.sort()
        everyone = sum([sum_one[i] for _, i in present])
        period_bit = 1 << k
        below = 0  # the sources whose value is below the one at hand, as count fields
        tied = 0  # those whose value is the one at hand: neither of two equal reads higher
        last = None
        for value, i in present:
            if value != last:
                below += tied
                tied, last = 0, value
            tied += count_one[i]
            reported[i] |= period_bit
            sums[i] += (value + offset) * everyone
            higher[i] += below
    sum_mask, count_mask = (1 << sum_bits) - 1, (1 << count_bits) - 1
    pairs: list[Pair] = []
    make = partial(tuple.__new__, Pair)  # as Pair(...) makes it, without a Python call a pair
    for (ia, a), (ib, b) in combinations(enumerate(sources), 2):
        n = (reported[ia] & reported[ib]).bit_count()
        if not n:
            pairs.append(make((a, b, 0, None, 0, 0)))
            continue
        # The offsets cancel: both fields hold n of them. Dividing two integers gives the
        # float nearest the exact mean (as Fraction would), without Decimal's rounding first.
        diff = ((sums[ia] >> (sum_bits * ib)) & sum_mask) - ((sums[ib] >> (sum_bits * ia)) & sum_mask)
        a_higher = (higher[ia] >> (count_bits * ib)) & count_mask
        b_higher = (higher[ib] >> (count_bits * ia)) & count_mask
        pairs.append(make((a, b, n, number(diff / (n * scale)), a_higher, b_higher)))
    return pairs


def diff_sources(
    store: Store, metric: str, *, sources: Sequence[str] = (), period: str = "month", by: str = "source"
) -> Comparison:
    """Compare the sources (or, `by="via"`, the publishers) of one metric period by period.

    `sources` picks and orders the columns; by default every one that reported the
    metric, in alphabetical order.
    """
    from .names import name_key
    from .service import resolve_metric, resolve_source

    if period not in PERIODS:
        raise BadInput(f"unknown period {period!r}; accepted: {', '.join(PERIODS)}")
    if by not in GROUPINGS:
        raise BadInput(f"cannot compare by {by!r}; accepted: {', '.join(GROUPINGS)}")
    metric_id = resolve_metric(store, metric, create=False)
    picked = list(dict.fromkeys(resolve_source(store, s, create=False) for s in sources))
    by_via = by == "via"
    rows = rows_by_period(store.comparison_facts(metric_id, by_via=by_via, group_ids=picked), period)
    if picked:
        names = store.source_names(picked)
        columns = tuple(names[i] for i in picked)
    else:
        columns = tuple(sorted(set().union(*(r.figures for r in rows)), key=lambda n: (name_key(n), n)))
    slug = store.metric_slug(metric_id)
    comparison = Comparison(slug, period, by, columns, rows)
    comparison.notices.extend(_notices(comparison))
    return comparison


def _notices(c: Comparison) -> list[str]:
    who = "publisher" if c.by == "via" else "source"
    if not c.rows:
        return [f"no facts for {c.metric}{' from these ' + who + 's' if c.sources else ''}: nothing to compare"]
    if len(c.sources) < 2:
        return [f"only one {who} reports {c.metric} here: nothing to compare"]
    if not any(len(r.figures) > 1 for r in c.rows):
        coarser = " (a longer --period may pair them)" if c.period != "year" else ""
        return [f"no two {who}s report {c.metric} in the same {c.period}: nothing to compare{coarser}"]
    return []
