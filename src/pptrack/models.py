"""Plain frozen records passed between the layers of pptrack.

The small records are NamedTuples: each frozen dataclass costs about 1 ms to create
when the module is imported (its methods are compiled from generated source), and
every command imports this module; a NamedTuple costs a tenth of that. Fact stays a
dataclass (code and tests build new facts from old with `dataclasses.replace`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Sequence

QUALIFIERS = ("exact", "approx", "nearly", "over", "at_least", "under", "at_most", "range")
PRECISIONS = ("year", "month", "day")  # coarse to fine: the sort order on a tie
KINDS = ("stock", "cumulative", "flow")
# A fact's fields as the SPEC's JSON shape gives them, in order: JSON, CSV headers, `show`.
FACT_FIELDS = (
    "id",
    "uid",
    "metric",
    "value",
    "low",
    "high",
    "qualifier",
    "display",
    "date",
    "date_precision",
    "published",
    "source",
    "via",
    "url",
    "quote",
    "note",
    "tags",
    "created_at",
    "updated_at",
)


class Interval(NamedTuple):
    """A value as written, read as the interval it stands for.

    `low`/`high` are None where the interval is open to infinity. Which ends
    are open follows from the qualifier (see `open_low` / `open_high`).
    """

    value: float
    low: float | None
    high: float | None
    qualifier: str

    @property
    def open_low(self) -> bool:
        return self.qualifier in ("over", "at_most") or self.low is None

    @property
    def open_high(self) -> bool:
        return self.qualifier in ("nearly", "under", "at_least") or self.high is None

    def overlaps(self, other: Interval) -> bool:
        """Whether both can be true at once: the intervals share a point."""
        return _below(self, other) and _below(other, self)

    def contains(self, x: float) -> bool:
        return self.overlaps(Interval(x, x, x, "exact"))


def _below(a: Interval, b: Interval) -> bool:
    """True when a's lower end lies below (or touches, if both closed) b's upper end."""
    if a.low is None or b.high is None:
        return True
    if a.low < b.high:
        return True
    return a.low == b.high and not a.open_low and not b.open_high


class FactDate(NamedTuple):
    """A date at the precision it was written: `iso` is `2025-08` for a month."""

    iso: str
    precision: str
    start: date
    end: date


@dataclass(frozen=True)
class Fact:
    id: int
    uid: str
    metric: str
    value: float
    low: float | None
    high: float | None
    qualifier: str
    display: str
    date: str
    date_precision: str
    published: str | None
    source: str
    via: str | None
    url: str | None
    quote: str | None
    note: str | None
    tags: tuple[str, ...]
    created_at: str
    updated_at: str
    removed: bool = False

    @classmethod
    def of(cls, values: Sequence[object]) -> Fact:
        """A Fact from the values of all its fields in order (FACT_FIELDS, then removed), made
        without the frozen dataclass's __init__, which sets each field through
        object.__setattr__ (3.6 against 0.9 µs: listings make tens of thousands). Fact has
        no __post_init__ to skip."""
        fact = object.__new__(cls)
        fact.__dict__.update(zip(_FACT_ATTRIBUTES, values, strict=True))
        return fact

    @property
    def interval(self) -> Interval:
        return Interval(self.value, self.low, self.high, self.qualifier)

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "uid": self.uid,
            "metric": self.metric,
            "value": number(self.value),
            "low": number(self.low),
            "high": number(self.high),
            "qualifier": self.qualifier,
            "display": self.display,
            "date": self.date,
            "date_precision": self.date_precision,
            "published": self.published,
            "source": self.source,
            "via": self.via,
            "url": self.url,
            "quote": self.quote,
            "note": self.note,
            "tags": list(self.tags),
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


_FACT_ATTRIBUTES = (*FACT_FIELDS, "removed")


class Metric(NamedTuple):
    slug: str
    label: str
    unit: str | None
    kind: str
    aliases: tuple[str, ...] = ()
    facts: int = 0

    def to_dict(self) -> dict[str, object]:
        return {
            "slug": self.slug,
            "label": self.label,
            "unit": self.unit,
            "kind": self.kind,
            "aliases": list(self.aliases),
            "facts": self.facts,
        }


class Source(NamedTuple):
    name: str
    aliases: tuple[str, ...] = ()
    url: str | None = None
    facts: int = 0

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "aliases": list(self.aliases), "url": self.url, "facts": self.facts}


def number(x: float | int | None) -> float | int | None:
    """A stored number as JSON should carry it: 1400, not 1400.0."""
    if x is None:
        return None
    if isinstance(x, float) and x.is_integer():
        return int(x)
    return x
