"""Sources side by side: each one's latest figure per period, where they agree and where they cannot both be right.

Functions here take a Store or plain figures, return models, and never print.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations

from .errors import BadInput
from .models import Interval, number
from .store import Store

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


def consistent(intervals: Iterable[Interval]) -> bool:
    """Whether the figures can all be true at once: every two of them overlap.

    For intervals on a line that is the same as one point lying in all of them.
    """
    found = list(intervals)
    return all(a.overlaps(b) for a, b in combinations(found, 2))


def _exact(x: float) -> Decimal:
    # Through repr: 2.5 - 2.2 is 0.3 here, not 0.2999999999999998.
    return Decimal(repr(x)) if isinstance(x, float) else Decimal(x)


def _plain(x: Decimal) -> float | int:
    out = number(float(x))
    assert out is not None
    return out


def spread(values: Iterable[float]) -> float | int | None:
    """The largest value minus the smallest; None with fewer than two values."""
    found = [_exact(v) for v in values]
    if len(found) < 2:
        return None
    return _plain(max(found) - min(found))


@dataclass(frozen=True)
class Figure:
    """One fact as the comparison needs it; `source` is its column (who counted or who published)."""

    source: str
    date: str
    precision: str
    interval: Interval
    display: str


@dataclass(frozen=True)
class Row:
    """One period: each source's latest figure in it."""

    period: str
    figures: dict[str, Figure]

    @property
    def values(self) -> dict[str, float | int | None]:
        return {name: number(f.interval.value) for name, f in self.figures.items()}

    @property
    def spread(self) -> float | int | None:
        return spread(f.interval.value for f in self.figures.values())

    @property
    def consistent(self) -> bool:
        return consistent(f.interval for f in self.figures.values())

    def to_dict(self, sources: Sequence[str]) -> dict[str, object]:
        values = self.values
        return {
            "period": self.period,
            "values": {s: values.get(s) for s in sources},
            "spread": self.spread,
            "consistent": self.consistent,
        }


@dataclass(frozen=True)
class Pair:
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


@dataclass(frozen=True)
class Comparison:
    metric: str
    period: str
    by: str
    sources: tuple[str, ...]
    rows: list[Row]
    pairs: list[Pair]
    notices: list[str] = field(default_factory=list)

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


def rows_by_period(figures: Iterable[Figure], period: str) -> list[Row]:
    """One row per period with each source's latest figure in it; `figures` come in date order."""
    latest: dict[str, dict[str, Figure]] = {}
    for f in figures:
        latest.setdefault(period_of(f.date, f.precision, period), {})[f.source] = f
    return [Row(label, latest[label]) for label in sorted(latest, key=period_key)]


def compare_pairs(rows: Sequence[Row], sources: Sequence[str]) -> list[Pair]:
    """Every two sources, in column order, over the periods both reported."""
    pairs = []
    for a, b in combinations(sources, 2):
        diffs = [
            _exact(r.figures[a].interval.value) - _exact(r.figures[b].interval.value)
            for r in rows
            if a in r.figures and b in r.figures
        ]
        mean = _plain(sum(diffs) / len(diffs)) if diffs else None
        pairs.append(Pair(a, b, len(diffs), mean, sum(d > 0 for d in diffs), sum(d < 0 for d in diffs)))
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
    found = store.comparison_facts(metric_id, by_via=by_via, group_ids=picked)
    names = store.source_names(list({*picked, *(r[0] for r in found)}))
    figures = (
        Figure(names[group], date, precision, Interval(value, low, high, qualifier), display)
        for group, date, precision, value, low, high, qualifier, display in found
    )
    rows = rows_by_period(figures, period)
    if picked:
        columns = tuple(names[i] for i in picked)
    else:
        columns = tuple(sorted({n for r in rows for n in r.figures}, key=lambda n: (name_key(n), n)))
    slug = store.metric_slug(metric_id)
    comparison = Comparison(slug, period, by, columns, rows, compare_pairs(rows, columns))
    comparison.notices.extend(_notices(comparison))
    return comparison


def _notices(c: Comparison) -> list[str]:
    who = "publisher" if c.by == "via" else "source"
    if not c.rows:
        return [f"no facts for {c.metric}{' from these ' + who + 's' if c.sources else ''}: nothing to compare"]
    if len(c.sources) < 2:
        return [f"only one {who} reports {c.metric} here: nothing to compare"]
    if not any(p.n for p in c.pairs):
        coarser = " (a longer --period may pair them)" if c.period != "year" else ""
        return [f"no two {who}s report {c.metric} in the same {c.period}: nothing to compare{coarser}"]
    return []
