"""A fact as pptrack reads it back: the one record frozen as a dataclass.

Imported by pptrack.models on first use of `models.Fact` (see there): defining a frozen
dataclass of twenty fields compiles its methods from generated source at import.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .models import FACT_FIELDS, Interval, number


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
