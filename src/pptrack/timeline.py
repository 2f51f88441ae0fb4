"""How a figure moves: timelines with the change from one figure to the next, and the latest figure per metric."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

from .store import Store

if TYPE_CHECKING:
    from decimal import Decimal

    from .models import Fact

# The service (names, values, dates), decimal and Fact (pptrack.fact, a frozen dataclass) are
# imported where they are used: `latest` without a metric or a date needs none of them, and
# pays nothing for them at start-up. The records are NamedTuples: a frozen dataclass costs a
# millisecond to define at import and 2 µs to make (timeline makes one a figure, 10,000 for
# a big metric), a NamedTuple a tenth.


class TimelineRow(NamedTuple):
    """A fact and how it differs from the figure before it in its timeline."""

    fact: Fact
    change: float | int | None  # None for the first figure of a metric
    change_pct: float | None  # percent of the previous value; None when that is 0 or there is none
    approximate: bool  # either figure is not exact, so the change is only approximately known

    def to_dict(self) -> dict[str, object]:
        return {**self.fact.to_dict(), "change": self.change, "change_pct": self.change_pct}


class Timeline(NamedTuple):
    """One metric's figures in date order."""

    metric: str
    rows: list[TimelineRow]


def change_between(previous: Fact, current: Fact) -> tuple[float | int, float | None]:
    """current − previous, and that as a percent of previous (None when previous is 0).
    Computed in decimal so that 2.5 − 1.2 is 1.3, not 1.2999999999999998."""
    if isinstance(previous.value, int) and isinstance(current.value, int):  # the common case, kept cheap
        change: int | float = current.value - previous.value
        return change, None if previous.value == 0 else change / abs(previous.value) * 100
    before, after = _decimal(previous.value), _decimal(current.value)
    diff = after - before
    pct = None if before == 0 else float(diff / abs(before) * 100)
    return (int(diff) if diff == diff.to_integral_value() else float(diff)), pct


def _decimal(x: float | int) -> Decimal:
    from decimal import Decimal

    return Decimal(repr(x)) if isinstance(x, float) else Decimal(x)


def with_changes(facts: Sequence[Fact]) -> list[TimelineRow]:
    """Facts of one metric, in date order, each with its change from the one before."""
    rows: list[TimelineRow] = []
    previous: Fact | None = None
    for fact in facts:
        if previous is None:
            rows.append(TimelineRow(fact, None, None, False))
        else:
            change, pct = change_between(previous, fact)
            approximate = fact.qualifier != "exact" or previous.qualifier != "exact"
            rows.append(TimelineRow(fact, change, pct, approximate))
        previous = fact
    return rows


def timelines(
    store: Store,
    metric: str | None = None,
    *,
    sources: Sequence[str] = (),
    since: str | None = None,
    until: str | None = None,
    dayfirst: bool | None = None,
) -> list[Timeline]:
    """Each metric's figures in date order (spans by their start, the coarser first on a
    tie, then by id), one timeline per metric by slug. The change of the first figure
    shown is None: changes are between the figures shown, filters included."""
    from .service import ListQuery, fact_filter

    query = ListQuery(metric=metric, sources=sources, since=since, until=until, dayfirst=dayfirst)
    flt = fact_filter(store, query, newest_first=False)
    by_metric: dict[str, list[Fact]] = {}
    for fact in store.query_facts(flt):
        by_metric.setdefault(fact.metric, []).append(fact)
    return [Timeline(slug, with_changes(by_metric[slug])) for slug in sorted(by_metric)]


class Dated(NamedTuple):
    """A fact and its age in days on the as-of date."""

    fact: Fact
    age_days: int

    def to_dict(self) -> dict[str, object]:
        return {**self.fact.to_dict(), "age_days": self.age_days}


class Latest(NamedTuple):
    """A metric's most recent figure, and each other source's latest beside it."""

    current: Dated
    others: list[Dated]

    def to_dict(self) -> dict[str, object]:
        return {**self.current.to_dict(), "others": [o.to_dict() for o in self.others]}


class LatestFigure(NamedTuple):
    """One source's latest figure of a metric as the table of `latest` shows it (a tuple:
    on a million facts there are 5,000, read from an index without building their facts)."""

    id: int
    metric: str
    date: str
    display: str
    source: str
    via: str | None
    age_days: int


def as_of_day(text: str | None, *, dayfirst: bool | None = None, today: date | None = None) -> date:
    """The as-of date as a day: a coarser date stands for its last day (`2025-08` is 31 August)."""
    if text is None:
        return today or date.today()
    from .dates import parse_date

    return parse_date(text, dayfirst=dayfirst, today=today).end


def age_in_days(span_end: date, as_of: date) -> int:
    """Days from the end of a fact's span to `as_of`; 0 while the span has not ended."""
    return max(0, (as_of - span_end).days)


def _latest_rows(store: Store, metric: str | None, day: date) -> list[list[Any]]:
    """Store.latest_per_source of the metric named (all when None) on `day`."""
    metric_id = None
    if metric is not None:
        from .service import resolve_metric

        metric_id = resolve_metric(store, metric, create=False)
    return store.latest_per_source(day.isoformat(), metric_id)


def _ages(span_ends: Iterable[str], as_of: date) -> dict[str, int]:
    """The age on `as_of` of each last day of a span, once each: many figures share one."""
    return {end: age_in_days(date.fromisoformat(end), as_of) for end in set(span_ends)}


def latest_figures(store: Store, metric: str | None = None, *, as_of: date | None = None) -> list[list[LatestFigure]]:
    """Per metric (by slug), every source's latest figure whose span starts on or before
    the as-of date (default today), the most recent first: the first is the metric's
    current figure, the others what the other sources last said."""
    day = as_of or date.today()
    rows = _latest_rows(store, metric, day)
    ages = _ages((row[6] for row in rows), day)
    groups: list[list[LatestFigure]] = []
    for fact_id, slug, written, display, source, via, span_end in rows:
        if not groups or groups[-1][0].metric != slug:
            groups.append([])
        groups[-1].append(LatestFigure(fact_id, slug, written, display, source, via, ages[span_end]))
    return groups


def latest_table(store: Store, metric: str | None = None, *, as_of: date | None = None) -> list[list[str]]:
    """The figures of `latest_figures` as the cells of `latest`'s table, column by column:
    metric (named on its first row only), date, value, source, via (blank for none) and
    days old; no columns when nothing matches. Made a column at a time from the query's
    rows (5,000 on a million facts), with no record a row."""
    day = as_of or date.today()
    rows = _latest_rows(store, metric, day)
    if not rows:
        return []
    _, slugs, dates, displays, sources, vias, ends = (list(column) for column in zip(*rows, strict=True))
    ages = {end: str(age) for end, age in _ages(ends, day).items()}
    metrics = [slug if slug != before else "" for slug, before in zip(slugs, [None, *slugs[:-1]], strict=True)]
    vias = list(map({None: ""}.get, vias, vias))  # blank for none, else the name: in C, no Python call a row
    return [metrics, dates, displays, sources, vias, list(map(ages.__getitem__, ends))]


def latest(store: Store, metric: str | None = None, *, as_of: date | None = None) -> list[Latest]:
    """`latest_figures` with their whole facts."""
    groups = latest_figures(store, metric, as_of=as_of)
    facts = store.facts_by_id([f.id for group in groups for f in group])
    dated = [[Dated(facts[f.id], f.age_days) for f in group] for group in groups]
    return [Latest(first, others) for first, *others in dated]
