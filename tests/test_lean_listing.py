"""`list` in json, jsonl, csv and tsv writes lines SQLite makes (Store.fact_lines), and as a table
the cells SQLite reads (Store.fact_table), not Facts:
byte for byte what the Fact path (Fact.to_dict through render.write_records) writes, for odd
text and for any number, so that the two definitions of a fact's shape cannot drift apart."""

from __future__ import annotations

import dataclasses
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Run, through_facts
from pptrack import service
from pptrack.models import FACT_FIELDS, PRECISIONS, QUALIFIERS, Fact
from pptrack.store import open_db

FORMATS = ("json", "jsonl", "csv", "tsv")
# Separators, quotes, line breaks, formula starts, leading quotes, control and bidi characters,
# other scripts, a number written as text.
ODD = st.lists(
    st.sampled_from([",", ";", '"', "'", "\n", "\r", "\t", " ", "=", "+", "-", "@", "a", "1", "\x01", "-5", "2.5"])
    | st.sampled_from(["Вясна", "囚犯", "🙂", "سجناء", "\u202e", "\u2028", "\x1b[2J", "\x85", "\x7f", "\x00", "\\"]),
    max_size=6,
).map("".join)
NAME = st.sampled_from(["Viasna", "Вясна", "'=cmd", "@home", "a, b", "-x", "tab\there", 'q"uote', "a\u202eb"])
VALUE = st.sampled_from(["888", "nearly 1,400", "~1,189", "1,200-1,400", "2.5", "0", "~4", "about 0.3", "1.5 million"])
NUMBER = (
    st.none()
    | st.integers(-(2**63), 2**63 - 1)  # what SQLite stores as an integer
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([0.5, 27494.5, -3.25, 0.0625, 999_999_999.9375, 1e9 + 0.5, 0.1, 1e-5, 1e16, 1e20, -0.0, 2.0**70])
)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_same(run: Run, db: str) -> None:
    for fmt in (*FORMATS, "table"):
        result = run("list", "--db", db, "--format", fmt)
        assert result.exit_code == 0, result.stderr
        assert result.stdout_bytes.decode() == through_facts(db, fmt), fmt  # .stdout turns "\r\n" into "\n"


@SETTINGS
@given(
    facts=st.lists(
        st.tuples(VALUE, NAME, st.none() | NAME | ODD, ODD, ODD, ODD, st.lists(ODD.filter(lambda t: ";" not in t))),
        min_size=1,
        max_size=4,
    )
)
def test_odd_text_lists_as_through_facts(run: Run, facts: list) -> None:
    db = str(Path(tempfile.mkdtemp()) / "lean.db")
    for value, source, via, quote, note, url, tags in facts:
        extra = ["--quote", quote, "--note", note, "--url", url, *(a for t in tags for a in ("--tag", t))]
        if via:
            extra += ["--via", via]
        result = run("add", "pp", value, "--date", "2025-08", "--source", source, "--db", db, *extra)
        if result.exit_code != 0:  # text the CLI refuses (an empty name, a blank tag) is not listed
            assert result.exit_code == 2, result.stderr
    assert_same(run, db)


@SETTINGS
@given(numbers=st.lists(st.tuples(NUMBER.filter(lambda x: x is not None), NUMBER, NUMBER), min_size=1, max_size=4))
def test_any_stored_number_lists_as_through_facts(run: Run, numbers: list) -> None:
    """Numbers as stored, whatever they are: SQLite prints only integers and reals it prints
    as Python does; the others are written by Python."""
    db = str(Path(tempfile.mkdtemp()) / "lean.db")
    for _ in numbers:
        assert run("add", "pp", "5", "--date", "2025-08", "--source", "Viasna", "--db", db).exit_code == 0
    with sqlite3.connect(db) as conn:
        for fact_id, (value, low, high) in enumerate(numbers, start=1):
            conn.execute("UPDATE facts SET value = ?, low = ?, high = ? WHERE id = ?", (value, low, high, fact_id))
    assert_same(run, db)


@pytest.mark.parametrize("tags", ["[true]", '[1, "x"]', "[null]", '[["a"]]', '[{"a": 1}]', '["x", false]'])
def test_tags_another_program_wrote_list_as_through_facts(run: Run, tags: str) -> None:
    """Tags that are not all text (written by another program): json_each reads `true` as 1
    and SQLite wrote 1 where the Fact path writes "true"; such a line is left to Python."""
    db = str(Path(tempfile.mkdtemp()) / "lean.db")
    assert run("add", "pp", "5", "--date", "2025-08", "--source", "Viasna", "--db", db).exit_code == 0
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE facts SET tags = ?", (tags,))
    assert_same(run, db)


@pytest.mark.parametrize("field", ["url", "quote", "note"])
def test_a_nul_in_the_one_optional_text_lists_as_through_facts(run: Run, field: str) -> None:
    """url, quote and note are looked at one by one only when a fact has one of them: a NUL in
    the only one it has is found (printf would end the text there), and its line is Python's."""
    db = str(Path(tempfile.mkdtemp()) / "lean.db")
    assert run("add", "pp", "5", "--date", "2025-08", "--source", "Viasna", "--db", db).exit_code == 0
    assert (
        run("add", "pp", "6", "--date", "2025-09", "--source", "Viasna", f"--{field}", "a\x00b", "--db", db).exit_code
        == 0
    )
    assert_same(run, db)
    store = open_db(Path(db), write=False)
    try:
        lines = service.list_fact_lines(store, service.ListQuery(), "tsv")
        assert [(line is None, key) for line, key in lines] == [(True, 2), (False, 1)]
    finally:
        store.close()


@pytest.mark.parametrize("named", ["source", "via", "neither"])
def test_a_nul_in_a_source_name_lists_as_through_facts(run: Run, named: str) -> None:
    """A source name with a NUL (another program wrote it), where printf would end the name: the
    tsv line of a fact that names it, as source or via, is Python's. The sources are looked at once
    for a NUL, each fact's names only when one has it: a name no listed fact uses changes nothing."""
    db = str(Path(tempfile.mkdtemp()) / "lean.db")
    assert run("add", "pp", "5", "--date", "2025-08", "--source", "Viasna", "--via", "EU", "--db", db).exit_code == 0
    assert run("add", "pp", "6", "--date", "2025-09", "--source", "Other", "--db", db).exit_code == 0
    assert run("add", "pp", "7", "--date", "2025-07", "--source", "Unused", "--db", db).exit_code == 0
    assert run("rm", "3", "--db", db).exit_code == 0
    target = {"source": "Viasna", "via": "EU", "neither": "Unused"}[named]
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE sources SET name = name || char(0) || 'tail' WHERE name = ?", (target,))
    assert_same(run, db)
    store = open_db(Path(db), write=False)
    try:
        lines = service.list_fact_lines(store, service.ListQuery(), "tsv")
        assert [(line is None, key) for line, key in lines] == [(False, 2), (named != "neither", 1)]
        assert (service.list_fact_block(store, service.ListQuery(), "tsv") is None) == (named != "neither")
    finally:
        store.close()


def test_a_clean_listing_is_written_by_sqlite_and_an_odd_one_by_python(run: Run) -> None:
    """The lean path is taken (no Fact for a clean line), and a line it cannot write is redone."""
    from pptrack.render import lines_to_redo

    db = str(Path(tempfile.mkdtemp()) / "lean.db")
    assert run("add", "pp", "~4", "--date", "2025-08", "--source", "Viasna", "--db", db).exit_code == 0
    assert run("add", "pp", "5", "--date", "2025-07", "--source", "EU", "--note", "a, b", "--db", db).exit_code == 0
    store = open_db(Path(db), write=False)
    try:
        for fmt, redo in (("json", []), ("tsv", []), ("csv", [])):  # SQLite quotes "a, b" in csv
            assert lines_to_redo(service.list_fact_lines(store, service.ListQuery(), fmt), fmt, 19) == redo, fmt
        # so the whole csv listing is one text SQLite makes (it went line by line: 10,000 facts 219 -> 118 ms)
        assert service.list_fact_block(store, service.ListQuery(), "csv") is not None
    finally:
        store.close()
    assert run("add", "pp", "7", "--date", "2025-09", "--source", "=cmd", "--db", db).exit_code == 0
    store = open_db(Path(db), write=False)
    try:
        for fmt, redo in (("json", []), ("tsv", [3]), ("csv", [3])):
            lines = service.list_fact_lines(store, service.ListQuery(), fmt)
            assert [key for _, key in lines] == [3, 1, 2]
            # tsv: the line is made and found to need escaping; csv: SQLite leaves it to Python
            assert [line is not None for line, _ in lines] == [fmt != "csv", True, True]
            assert lines_to_redo(lines, fmt, len(FACT_FIELDS)) == redo, fmt
    finally:
        store.close()
    assert_same(run, db)


@given(
    values=st.tuples(
        st.integers(),
        st.text(),
        st.text(),
        NUMBER.filter(lambda x: x is not None),
        NUMBER,
        NUMBER,
        st.sampled_from(QUALIFIERS),
        st.text(),
        st.text(),
        st.sampled_from(PRECISIONS),
        st.none() | st.text(),
        st.text(),
        st.none() | st.text(),
        st.none() | st.text(),
        st.none() | st.text(),
        st.none() | st.text(),
        st.lists(st.text()).map(tuple),
        st.text(),
        st.text(),
        st.booleans(),
    )
)
def test_fact_of_is_the_fact_its_init_makes(values: tuple) -> None:
    """Fact.of, which listings use for speed, makes the same frozen Fact as Fact(...)."""
    fact = Fact.of(values)
    assert fact == Fact(*values) and hash(fact) == hash(Fact(*values)) and fact.to_dict() == Fact(*values).to_dict()
    with pytest.raises(dataclasses.FrozenInstanceError):
        fact.id = 0  # type: ignore[misc]
