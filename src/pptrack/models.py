"""Plain frozen records passed between the layers of pptrack.

The small records are NamedTuples: each frozen dataclass costs about 1 ms to create
when the module is imported (its methods are compiled from generated source), and
every command imports this module; a NamedTuple costs a tenth of that. Fact stays a
dataclass (tests build new facts from old with `dataclasses.replace`), defined
in pptrack.fact and imported from here on first use: a listing in a data format builds
no Fact and so never pays for it (nor for importing dataclasses): 2.4 ms.

No `from __future__ import annotations`: a NamedTuple's fields written as text are each
compiled when the class is made (typing's ForwardRef): 18 of them, 0.4 ms of every command.
"""

from datetime import date
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from .fact import Fact as Fact  # for type checkers; made on first use by __getattr__ below

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

    def overlaps(self, other: "Interval") -> bool:
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


def __getattr__(name: str) -> Any:
    """`Fact`, imported from pptrack.fact when first asked for (`from .models import Fact`)."""
    if name == "Fact":
        from .fact import Fact

        globals()["Fact"] = Fact  # later lookups find it without this call
        return Fact
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def stored_tags(stored: str) -> tuple[str, ...]:
    """The tags of a fact as stored (a JSON list), each as text: a tag another program wrote
    as true, null, a number or a list is its JSON text ("true"), so that every command shows,
    edits and exports it as the text a tag is. (json is imported here, for the first tags.)"""
    if stored == "[]":
        return ()
    import json

    return tuple(t if type(t) is str else json.dumps(t, ensure_ascii=False) for t in json.loads(stored))


def number(x: float | int | None) -> float | int | None:
    """A stored number as JSON should carry it: 1400, not 1400.0."""
    if x is None:
        return None
    if isinstance(x, float) and x.is_integer():
        return int(x)
    return x
