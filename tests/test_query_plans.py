"""The queries behind `latest`, `timeline METRIC --since` and `diff-sources` go through
indexes: on a million facts a scan of the facts table is what makes a command slow, and
reading rows scattered over it (a page each) is what makes it slower than it need be.

Each command's statements are captured as SQLite runs them (with their parameters) and
their `EXPLAIN QUERY PLAN` is read: no step may read the facts table in full, and the
table of `latest` and the figures `diff-sources` compares come from an index alone.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import Run, add
from pptrack.compare import diff_sources
from pptrack.store import Store, open_db
from pptrack.timeline import latest, latest_figures, timelines

LIVE_INDEX = "facts_live_by_metric_source_date"  # m004


@pytest.fixture
def store(run: Run, db_path: Path) -> Iterator[Store]:
    for i, (value, date, source) in enumerate(
        [("nearly 1,400", "2024-05-21", "EU"), ("1,189", "2025-05-21", "Viasna"), ("nearly 1,200", "2025-08", "Viasna")]
    ):
        add(run, "political-prisoners", value, date, source, "--via", "Pozirk" if i else "EU Neighbours East")
    add(run, "journalists", "27", "2021", "Viasna")
    opened = open_db(db_path, write=False)
    yield opened
    opened.close()


def statements(store: Store, action: Callable[[], object]) -> list[str]:
    """The SELECT statements `action` runs, parameters filled in."""
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    try:
        action()
    finally:
        store.conn.set_trace_callback(None)
    return [s for s in seen if s.lstrip().upper().startswith(("SELECT", "WITH"))]


def table_scans(conn: sqlite3.Connection, sql: str) -> list[str]:
    """Steps that read the whole facts table (under any alias), through an index or not:
    these commands must SEARCH it by metric, by source or by date."""
    aliases = {"facts"} | {w for w in ("f", "g") if f"facts {w}" in sql}
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]
    return [p for p in plan if p.startswith("SCAN ") and p.split()[1] in aliases]


@pytest.mark.parametrize(
    "name, action",
    [
        ("latest", lambda s: latest(s)),
        ("latest METRIC", lambda s: latest(s, "political-prisoners")),
        ("timeline METRIC --since", lambda s: timelines(s, "political-prisoners", since="2025-01-01")),
        ("timeline --since", lambda s: timelines(s, since="2025-01-01")),
        ("diff-sources METRIC", lambda s: diff_sources(s, "political-prisoners")),
        ("diff-sources METRIC --by via", lambda s: diff_sources(s, "political-prisoners", by="via")),
    ],
)
def test_no_full_scan_of_facts(store: Store, name: str, action: Callable[[Store], object]) -> None:
    found = [s for s in statements(store, lambda: action(store)) if "facts" in s]
    assert found, f"{name} read no facts"
    scans = {s: table_scans(store.conn, s) for s in found}
    assert not any(scans.values()), f"{name} scans the facts table: {scans}"


def plan_of(store: Store, action: Callable[[], object]) -> list[str]:
    """Each step of the plans of the statements on facts that `action` runs."""
    found = [s for s in statements(store, action) if "facts" in s]
    assert found, "no statement read facts"
    return [row[3] for s in found for row in store.conn.execute("EXPLAIN QUERY PLAN " + s)]


def fact_steps(plan: list[str]) -> list[str]:
    """The steps that read facts (under any alias): SCAN or SEARCH of the table or an index of it."""
    return [p for p in plan if p.split()[:2] in (["SEARCH", "f"], ["SEARCH", "g"], ["SEARCH", "facts"])]


@pytest.mark.parametrize(
    "name, action",
    [
        ("latest (table)", lambda s: latest_figures(s)),
        ("latest METRIC (table)", lambda s: latest_figures(s, "political-prisoners")),
        ("diff-sources METRIC", lambda s: diff_sources(s, "political-prisoners")),
        ("diff-sources METRIC --by via", lambda s: diff_sources(s, "political-prisoners", by="via")),
        ("diff-sources METRIC --source", lambda s: diff_sources(s, "political-prisoners", sources=["Viasna", "EU"])),
    ],
)
def test_only_the_live_facts_index_is_read(store: Store, name: str, action: Callable[[Store], object]) -> None:
    steps = fact_steps(plan_of(store, lambda: action(store)))
    assert steps, f"{name} read no facts"
    assert all(f"USING COVERING INDEX {LIVE_INDEX} " in p for p in steps), f"{name} reads the facts table: {steps}"


def test_latest_with_whole_facts_reads_each_fact_once_by_id(store: Store) -> None:
    """json, csv: the probes as for the table, then each fact found read by its id."""
    steps = fact_steps(plan_of(store, lambda: latest(store)))
    assert [p for p in steps if LIVE_INDEX not in p] == ["SEARCH f USING INTEGER PRIMARY KEY (rowid=?)"]


def test_since_narrows_the_date_index(store: Store) -> None:
    action = lambda: timelines(store, "political-prisoners", since="2025-01-01")  # noqa: E731
    found = [s for s in statements(store, action) if "facts" in s]
    plan = " ".join(row[3] for s in found for row in store.conn.execute("EXPLAIN QUERY PLAN " + s))
    assert "date_start>?" in plan.replace(" ", "") or "date_start>=?" in plan.replace(" ", "")


def test_an_import_looks_for_repeated_facts_in_the_order_of_the_live_index(run: Run, db_path: Path) -> None:
    """Store.remove_twin_facts reads the facts through the live index, each one's earlier twins
    searched there: by id, a million facts took 3.1 s instead of 0.7 s."""
    add(run, "political-prisoners", "1,189", "2025-05-21", "Viasna")
    writable = open_db(db_path, write=True)
    try:
        seen: list[str] = []
        writable.conn.set_trace_callback(seen.append)
        writable.conn.execute("BEGIN")
        assert writable.remove_twin_facts(after=0) == 0
        writable.conn.execute("ROLLBACK")
        writable.conn.set_trace_callback(None)
        [delete] = [s for s in seen if s.lstrip().startswith("DELETE")]
        plan = [row[3] for row in writable.conn.execute("EXPLAIN QUERY PLAN " + delete)]
    finally:
        writable.close()
    assert f"SCAN f USING COVERING INDEX {LIVE_INDEX}" in plan, plan
    assert any(p.startswith(f"SEARCH g USING COVERING INDEX {LIVE_INDEX} (metric_id=?") for p in plan), plan


def test_add_looks_for_the_same_fact_by_the_live_index(run: Run, db_path: Path) -> None:
    """`add` looks for a live fact that is the same fact before adding one: by metric, source
    and date, down the live index. (It went down the via index, by via alone: on a million
    facts without a via, a one-fact `add` took 0.25-0.29 s instead of 0.10-0.14 s.)"""
    add(run, "political-prisoners", "1,189", "2025-05-21", "Viasna")
    opened = open_db(db_path, write=False)
    try:
        row = dict(opened.conn.execute("SELECT * FROM facts").fetchone())
        [probe] = statements(opened, lambda: opened.find_identical(row))
        plan = [r[3] for r in opened.conn.execute("EXPLAIN QUERY PLAN " + probe)]
    finally:
        opened.close()
    assert plan == [
        f"SEARCH f USING COVERING INDEX {LIVE_INDEX} (metric_id=? AND source_id=? AND date_start=? AND date_rank=?)"
    ], plan
