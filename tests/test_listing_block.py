"""`list` in tsv, json and jsonl writes the listing as one text SQLite joins (Store.fact_block)
when every line is SQLite's to make and none needs quoting: the same bytes as the Fact path,
in the same order, for many facts added in no order; and back to line by line otherwise."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from conftest import Run, scribble_on_facts, through_facts
from pptrack import service
from pptrack.models import FACT_FIELDS
from pptrack.store import open_db


def block(db: Path, fmt: str) -> tuple[bytes, int] | None:
    store = open_db(db, write=False)
    try:
        return service.list_fact_block(store, service.ListQuery(), fmt)
    finally:
        store.close()


@pytest.fixture
def many(run: Run, db_path: Path) -> Path:
    """120 facts of three sources, added in shuffled date order, days, months and years mixed."""
    rng = random.Random(8)
    dates = [f"{y}-{m:02d}-{d:02d}" for y in (2021, 2023, 2025) for m in (1, 6, 12) for d in (1, 15)]
    dates += [f"{y}-{m:02d}" for y in (2021, 2023, 2025) for m in (1, 6, 12)] + ["2021", "2023", "2025"]
    rows = [(rng.choice(dates), str(rng.randint(1, 5000)), rng.choice(["Viasna", "EU", "UN"])) for _ in range(120)]
    for date, value, source in rows:
        result = run("add", "pp", value, "--date", date, "--source", source, "--tag", "t" + value[:1])
        assert result.exit_code == 0, result.stderr
    return db_path


@pytest.mark.parametrize("fmt", ["tsv", "json", "jsonl"])
def test_many_facts_list_in_order_as_through_facts(fmt: str, many: Path, run: Run) -> None:
    assert block(many, fmt) is not None  # the one-text path is the one taken
    result = run("list", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes.decode() == through_facts(many, fmt)


@pytest.mark.parametrize("fmt", ["tsv", "json", "jsonl"])
def test_a_filtered_and_limited_listing_keeps_its_order(fmt: str, many: Path, run: Run) -> None:
    result = run("list", "--format", fmt, "--source", "EU", "--since", "2023-03", "--limit", "7")
    assert result.exit_code == 0, result.stderr
    expected = through_facts(many, fmt, sources=["EU"], since="2023-03", limit=7)
    assert result.stdout_bytes.decode() == expected
    assert expected.count("2023") + expected.count("2025") >= 7


@pytest.mark.parametrize("fmt", ["tsv", "json", "jsonl", "csv"])
def test_an_empty_listing(fmt: str, run: Run, db_path: Path) -> None:
    run("add", "pp", "5", "--date", "2021", "--source", "X")
    result = run("list", "--format", fmt, "--source", "X", "--until", "2020")
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes.decode() == through_facts(db_path, fmt, sources=["X"], until="2020")
    assert result.stdout_bytes.decode() == {"tsv": "\t".join(FACT_FIELDS) + "\n", "json": "[]\n"}.get(
        fmt, "" if fmt == "jsonl" else ",".join(FACT_FIELDS) + "\n"
    )


def test_a_line_to_quote_or_to_write_in_python_sends_the_listing_line_by_line(many: Path, run: Run) -> None:
    from pptrack.render import plain_block

    run("add", "pp", "5", "--date", "2024", "--source", "UN", "--quote", 'he said "free them"')
    made = block(many, "tsv")
    assert made is not None and made[1] == 121 and b'"free them"' in made[0]
    assert not plain_block(*made, "tsv", len(FACT_FIELDS))  # a cell with a quote is quoted in tsv
    assert plain_block(*(block(many, "json") or (b"", 0)), "json", len(FACT_FIELDS))
    run("add", "pp", "about 0.3", "--date", "2024", "--source", "UN")
    assert block(many, "json") is None  # 0.35 is a number SQLite writes otherwise
    for fmt in ("tsv", "json", "jsonl", "csv"):
        result = run("list", "--format", fmt)
        assert result.exit_code == 0, result.stderr
        assert result.stdout_bytes.decode() == through_facts(many, fmt), fmt


def test_a_listing_too_long_for_one_sqlite_text_goes_line_by_line(many: Path) -> None:
    store = open_db(many, write=False)
    try:
        store.conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 4096)
        query = service.ListQuery()
        assert service.list_fact_block(store, query, "tsv") is None
        assert len(service.list_fact_lines(store, query, "tsv")) == 120
    finally:
        store.close()


@pytest.mark.parametrize("fmt", ["tsv", "json", "jsonl"])
def test_a_damaged_page_met_by_the_one_text_query_names_the_file(fmt: str, many: Path, run: Run) -> None:
    scribble_on_facts(many)
    result = run("list", "--format", fmt)
    assert result.exit_code == 1 and result.stdout == ""
    assert (
        result.stderr.strip()
        == f"error: {many} is damaged (database disk image is malformed); restore it from a backup copy"
    )
