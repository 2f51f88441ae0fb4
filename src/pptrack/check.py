"""`pptrack check`: everything that can be wrong in a database file, found and named."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .dates import from_stored, precision_rank
from .errors import BadInput
from .models import QUALIFIERS
from .service import time_order_problems
from .store import DB_ERRORS, Store
from .values import format_number, parse_value, parse_written

NUMBER_TYPES = ("integer", "real")


@dataclass(frozen=True)
class Problem:
    check: str  # integrity, orphan, foreign-key, names, history, value, date, tags, via, times
    table: str
    id: int | None  # the row (rowid) the problem is in, where there is one
    problem: str

    def to_dict(self) -> dict[str, object]:
        return {"check": self.check, "table": self.table, "id": self.id, "problem": self.problem}


def check_database(store: Store) -> list[Problem]:
    """All problems found, in the order of the checks; empty when the database is sound.

    A file that fails SQLite's own integrity check is reported as such and read no
    further: rows read from damaged pages would only add noise.
    """
    try:
        integrity = store.integrity_problems()
    except DB_ERRORS as e:  # a schema SQLite cannot even load
        integrity = [str(e)]
    if integrity:
        return [Problem("integrity", "", None, line) for line in integrity]
    problems: list[Problem] = []
    orphans = store.orphans()
    problems += [Problem("orphan", table, rowid, f"{missing} does not exist") for table, rowid, missing in orphans]
    seen = {(table, rowid) for table, rowid, _ in orphans}
    problems += [
        Problem("foreign-key", table, rowid, f"refers to a row of {parent} that does not exist")
        for table, rowid, parent in store.foreign_key_problems()
        if (table, rowid) not in seen
    ]
    problems += [Problem("names", table, rowid, "answers to no name") for table, rowid in store.nameless()]
    no_start = store.facts_without_added_version()
    problems += [
        Problem("history", "facts", fact_id, "a live fact without an 'added' version in its history")
        for fact_id in no_start
    ]
    problems += [Problem("history", "facts", i, p) for i, p in history_problems(store, named=set(no_start))]
    for row in store.stored_facts():
        fact_id = int(row["id"])
        problems += [Problem("value", "facts", fact_id, p) for p in value_problems(row)]
        problems += [Problem("date", "facts", fact_id, p) for p in date_problems(row)]
        tags = tags_problem(row["tags"])
        if tags:
            problems.append(Problem("tags", "facts", fact_id, tags))
    for row in store.facts_to_check_more():
        fact_id = int(row["id"])
        if row["via_id"] is not None and row["via_id"] == row["source_id"]:
            clear = f"`pptrack edit {fact_id} --via ''` clears it"
            problems.append(Problem("via", "facts", fact_id, f"its via is its source; {clear}"))
        problems += [Problem("times", "facts", fact_id, p) for p in time_problems(row)]
    return problems


_STORED_TIME = re.compile(r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{6}Z")


def time_problems(row: Mapping[str, Any]) -> list[str]:
    """A time not as pptrack writes it (UTC, to the microsecond: only so do times compare
    as text in the order they happened), or a change or removal before the fact was made."""
    stamps = {c: row[c] for c in ("created_at", "updated_at", "removed_at")}
    odd = [
        f"{c} {t!r} is not a UTC time as pptrack writes it (2025-09-12T10:00:00.000000Z)"
        for c, t in stamps.items()
        if t is not None and not _STORED_TIME.fullmatch(t)
    ]
    if odd:
        return odd
    return [f"{column}: {message}" for column, message in time_order_problems(*stamps.values())]


def history_problems(store: Store, *, named: set[int]) -> list[tuple[int, str]]:
    """Each fact (but those `named` already) that its last stored version does not show as it
    is: another value, text or date, or removed when its history says not (and the reverse;
    an edit after a removal leaves it removed). An import records the change it finds so in
    a fact that comes with its history (io: a copy changed by hand): another program's
    writing makes such a fact."""
    found: list[tuple[int, str]] = []
    for row in store.last_versions():
        fact_id = int(row["id"])
        if fact_id in named:
            continue
        differ = history_differences(row)
        if differ is None:
            found.append((fact_id, "its last version is not a fact as JSON"))
        elif differ:
            found.append((fact_id, f"differs from the last version of its history in {', '.join(differ)}"))
    return found


def history_differences(row: Mapping[str, Any]) -> list[str] | None:
    """What of a fact (a row of Store.last_versions) its last version shows otherwise: the
    fields (Store.VERSIONED_FIELDS) and "removed"; None if that version is not a fact as JSON."""
    try:
        data = json.loads(row["data"])
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return None
    differ = [f for f in Store.VERSIONED_FIELDS if not _same_field(f, row[f], data.get(f, _MISSING))]
    if (row["removed_at"] is not None) != (row["state"] == "removed"):
        differ.append("removed")
    return differ


_MISSING = object()


def _same_field(name: str, stored: Any, versioned: Any) -> bool:
    if name == "tags":
        try:
            return bool(json.loads(stored) == versioned)
        except (TypeError, ValueError):
            return False
    if name in ("value", "low", "high"):  # numbers, compared as value_problems compares them
        numbers = all(x is None or type(x) in (int, float) for x in (stored, versioned))
        return numbers and _same(stored, versioned)
    return bool(stored == versioned)


def value_problems(row: Mapping[str, Any]) -> list[str]:
    """What is wrong with a stored fact's value, bounds, qualifier and written display."""
    value, low, high, qualifier = row["value"], row["low"], row["high"], str(row["qualifier"])
    types = {"value": row["value_type"], "low": row["low_type"], "high": row["high_type"]}
    bad_types = [
        f"{name} is stored as {kind}"
        for name, kind in types.items()
        if kind not in NUMBER_TYPES and not (name != "value" and kind == "null")
    ]
    if bad_types:
        return [f"{', '.join(bad_types)}, not a number"]
    problem = interval_problem(value, low, high, qualifier)
    if problem:
        return [problem]
    display = str(row["display"])
    try:
        written = parse_value(display)
    except BadInput:
        try:  # as an older pptrack read it (`1.400` as 1.4): the stored value says if it was
            written = parse_written(display, decimal_points=True)
        except BadInput:
            return [f"the value as written, {display!r}, cannot be read"]
    if written.qualifier != qualifier or not all(
        _same(a, b) for a, b in ((written.value, value), (written.low, low), (written.high, high))
    ):
        return [
            f"the value as written, {display!r}, reads as {_shown(written.qualifier, written.low, written.high)}"
            f" but is stored as {_shown(qualifier, low, high)} with value {format_number(value)}"
        ]
    return []


def interval_problem(value: float, low: float | None, high: float | None, qualifier: str) -> str | None:
    """Why (value, low, high) cannot be what `qualifier` makes of a written value, or None."""
    if qualifier not in QUALIFIERS:
        return f"unknown qualifier {qualifier!r}; known: {', '.join(QUALIFIERS)}"
    if not all(x is None or math.isfinite(x) for x in (value, low, high)):
        return "a value or bound is not a finite number"
    if low is not None and low > value:
        return f"low {format_number(low)} is above the value {format_number(value)}"
    if high is not None and high < value:
        return f"high {format_number(high)} is below the value {format_number(value)}"
    wants: dict[str, tuple[bool, str]] = {
        "exact": (low == value and high == value, "low = value = high"),
        "approx": (
            low is not None and high is not None and low < value < high and _same((low + high) / 2, value),
            "low < value < high, with the value in the middle",
        ),
        "nearly": (low is not None and low < value and high == value, "low < value = high"),
        "under": (low is not None and low < value and high == value, "low < value = high"),
        "over": (low == value and high is not None and high > value, "low = value < high"),
        "at_least": (low == value and high is None, "low = value and no high"),
        "at_most": (high == value and low is None, "high = value and no low"),
        "range": (
            low is not None and high is not None and _same((low + high) / 2, value),
            "the value midway between low and high",
        ),
    }
    ok, rule = wants[qualifier]
    if ok:
        return None
    return f"{qualifier} needs {rule}; stored: {_shown(qualifier, low, high)} with value {format_number(value)}"


def date_problems(row: Mapping[str, Any]) -> list[str]:
    """Whether the stored span and precision are those of the date's text."""
    text = str(row["date"])
    try:
        written = from_stored(text)
    except BadInput:
        return [f"the date {text!r} is not an ISO date at year, month or day precision"]
    stored = (row["date_precision"], row["date_start"], row["date_end"], row["date_rank"])
    expected = (
        written.precision,
        written.start.isoformat(),
        written.end.isoformat(),
        precision_rank(written.precision),
    )
    problems = []
    if stored != expected:
        problems.append(
            f"the date {text!r} is {written.precision} {expected[1]}..{expected[2]} (rank {expected[3]}), "
            f"but is stored as {stored[0]} {stored[1]}..{stored[2]} (rank {stored[3]})"
        )
    published = row["published"]
    if published is not None:
        try:
            from_stored(str(published))
        except BadInput:
            problems.append(f"the published date {published!r} is not an ISO date")
    return problems


def tags_problem(text: object) -> str | None:
    try:
        tags = json.loads(str(text))
    except ValueError:
        return f"tags {text!r} are not JSON"
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        return f"tags {text!r} are not a JSON list of text"
    return None


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _shown(qualifier: str, low: float | None, high: float | None) -> str:
    lo = "-inf" if low is None else format_number(low)
    hi = "inf" if high is None else format_number(high)
    return f"{qualifier} [{lo}, {hi}]"
