"""`export` in json and jsonl writes lines SQLite makes (Store.export_lines) for most facts and
records (io.export_record) for the rest: byte for byte what the record path (export_records
through render.write_records) writes, for odd text, any stored number and every kind of history,
to a file, to stdout and through the CLI runner; a batch at a time, from one snapshot."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Run, add
from pptrack import render
from pptrack.io import EXPORT_FIELDS, csv_record, export_lines, export_records
from pptrack.store import open_db

FORMATS = ("jsonl", "json", "csv")
ODD_TEXT = [
    "plain",
    'a "quote"',
    "back\\slash",
    "tab\there",
    "line\nbreak",
    "carriage\rreturn",
    "bell\x07",
    "escape\x1b[2J",
    "delete\x7f",
    "c1\x85",
    "bidi\u202eevil",
    "isolate\u2067x",
    "separator\u2028",
    "Вясна, 囚犯 🙂",
    "nul\x00inside",
    "=1+1",
    "=a, b",
    "-5",
    "'quoted",
    "\tfirst",
    "comma, here",
    "@home",
    "",
]
NUMBERS = [1e21, 0.1, -0.0, 1 / 3, 2.5, -3.25, 1e16, 1e9 + 0.5, 999_999_999.9375, 2.0**70, 10**18, 2**63 - 1, -(2**63)]
NUMBER = (
    st.none()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(NUMBERS)
)
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=6) | st.sampled_from(ODD_TEXT)


def through_records(db: Path, fmt: str) -> bytes:
    """What `export --format fmt` writes when every fact goes through its record."""
    store = open_db(db, write=False)
    try:
        records = list(export_records(store))
    finally:
        store.close()
    out = io.StringIO()
    render.write_records(
        list(map(csv_record, records)) if fmt == "csv" else records, fmt, [], fields=EXPORT_FIELDS, out=out
    )
    return out.getvalue().encode()


def on_a_file(db: Path, *args: str) -> bytes:
    """`pptrack export ARGS` in a fresh process whose stdout is a file: the writev path."""
    result = subprocess.run(
        [sys.executable, "-c", "from pptrack import main; main()", "export", *args, "--db", str(db)],
        capture_output=True,
        env=os.environ,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def assert_same(run: Run, db: Path, *, processes: bool = True) -> None:
    for fmt in FORMATS:
        expected = through_records(db, fmt)
        result = run("export", "--format", fmt, "--db", str(db))
        assert result.exit_code == 0, result.stderr
        assert result.stdout_bytes == expected, fmt
        if processes:
            assert on_a_file(db, "--format", fmt) == expected, fmt
            out = db.with_name(f"out.{fmt}")
            assert on_a_file(db, "-o", str(out)) == b""
            assert out.read_bytes() == expected, fmt


def lines_made(db: Path, fmt: str = "jsonl") -> dict[int, bool]:
    """Whether SQLite made each fact's line, by fact id."""
    store = open_db(db, write=False)
    try:
        return {fact_id: line is not None for batch in store.export_lines(100, fmt) for line, fact_id in batch}
    finally:
        store.close()


@pytest.fixture
def plain(run: Run, db_path: Path) -> Path:
    """Facts whose lines SQLite makes: integers and halves, NULL via and url, tags, other scripts."""
    for value, date, source, extra in [
        ("888", "2021-12", "human-rights organisations", []),
        ("nearly 1,400", "2024-05-21", "EU", ["--via", "EU Neighbours East", "--url", "https://x.eu/a?b=1"]),
        ("~1,189", "2025-05", "Вясна", ["--tag", "Беларусь", "--tag", "b"]),
        ("2.5", "2025", "People In Need", ["--quote", "about 2.5 (thousand)", "--note", "囚犯 🙂"]),
    ]:
        add(run, "pp", value, date, source, *extra)
    add(run, "aa", "5", "2020", "EU")
    return db_path


def test_plain_facts_are_written_by_sqlite_in_the_record_paths_bytes(run: Run, plain: Path) -> None:
    assert lines_made(plain) == {1: True, 2: True, 3: True, 4: True, 5: True}
    assert lines_made(plain, "csv") == {1: True, 2: True, 3: True, 4: True, 5: True}  # "nearly 1,400" quoted
    assert_same(run, plain)


@pytest.mark.parametrize(
    ("text", "made"),
    [("a, b", True), ('say "x"', True), ("two\nlines", True), ("=1", False), ("-5", False), ("'q", False)]
    + [("\tx", False), ("+x", False), ("@x", False), ("cr\rx", False), ("x=1", True), ("", True)],
)
def test_csv_lines_sqlite_quotes_and_those_python_escapes(run: Run, plain: Path, text: str, made: bool) -> None:
    """SQLite quotes a cell with a comma, a quote or a newline; Python writes a line with a
    formula sign or quote first in a cell (the uid too), or a carriage return."""
    with sqlite3.connect(plain) as conn:
        conn.execute("UPDATE facts SET note = ? WHERE id = 1", (text,))
        conn.execute("UPDATE facts SET uid = ? || uid WHERE id = 2", (text,))
        conn.execute("UPDATE facts SET tags = json_array(?) WHERE id = 3", (text,))
    assert lines_made(plain, "csv") == {1: made, 2: made, 3: made, 4: True, 5: True}
    assert_same(run, plain, processes=False)


@pytest.mark.parametrize("text", ODD_TEXT)
def test_odd_text_exports_as_through_records(run: Run, plain: Path, text: str) -> None:
    with sqlite3.connect(plain) as conn:  # as any writer may have stored it: a NUL too
        conn.execute(
            "UPDATE facts SET note = ?, quote = ?, url = ?, display = ? || display WHERE id = 2",
            (text, text, text, text),
        )
        conn.execute("UPDATE sources SET name = ? || name WHERE name = 'EU'", (text,))
        conn.execute("UPDATE facts SET tags = json_array(?, 'x') WHERE id = 3", (text,))
    made = lines_made(plain)
    assert made[2] and made[1]
    assert made[3] == ("\x00" not in text)  # json_each ends a tag at a NUL: Python writes that one
    assert_same(run, plain)


@pytest.mark.parametrize("tags", ['[true, 5, null, "x", [1], {"a": 1.0}]', '["a", false]', '["a\\u0000b"]'])
def test_tags_another_program_wrote_export_as_through_records(run: Run, plain: Path, tags: str) -> None:
    with sqlite3.connect(plain) as conn:
        conn.execute("UPDATE facts SET tags = ? WHERE id = 3", (tags,))
    assert not lines_made(plain)[3]
    assert_same(run, plain, processes=False)


@pytest.mark.parametrize("number", NUMBERS)
def test_numbers_export_as_through_records(run: Run, plain: Path, number: float) -> None:
    with sqlite3.connect(plain) as conn:
        conn.execute("UPDATE facts SET value = ?, low = NULL, high = ? WHERE id = 3", (number, number))
    assert_same(run, plain, processes=False)


@pytest.mark.parametrize("value", ["abc", "=1", "7 apples", "Вясна"])
def test_text_where_a_number_belongs_exports_as_through_records(run: Run, plain: Path, value: str) -> None:
    with sqlite3.connect(plain) as conn:
        conn.execute("UPDATE facts SET value = ?, low = 5, high = 6 WHERE id = 1", (value,))
    assert lines_made(plain)[1]
    assert_same(run, plain, processes=False)


def test_every_kind_of_history_exports_as_through_records(run: Run, plain: Path) -> None:
    run("edit", "1", "--value", "about 890", "--note", "checked")
    run("rm", "2")
    add(run, "pp", "7", "2019", "Viasna")  # 6
    run("rm", "6")
    run("restore", "6")
    run("metrics", "rename", "aa", "bb")  # 5: its 'added' version keeps the old name
    add(run, "cc", "9", "2022", "Old name")  # 7
    run("sources", "merge", "Viasna", "Old name")  # 7: counted by Viasna now
    made = lines_made(plain)
    assert made == {1: False, 2: False, 3: True, 4: True, 5: False, 6: False, 7: False}
    assert_same(run, plain)
    records = {r["uid"]: r for r in map(__import__("json").loads, run("export").stdout.splitlines())}
    assert sum(1 for r in records.values() if r["history"]) == 5


def test_a_fact_that_stores_its_added_version_unchanged_is_still_plain(run: Run, plain: Path) -> None:
    """Databases written before versions were kept only on change store an 'added' version for
    every fact: it matches the fact, nothing need be written, and SQLite makes the line."""
    store = open_db(plain, write=True)
    try:
        with store.transaction():
            store.keep_added_versions("1")
    finally:
        store.close()
    with sqlite3.connect(plain) as conn:
        assert conn.execute("SELECT count(*) FROM fact_versions").fetchone()[0] == 5
        conn.execute("UPDATE fact_versions SET changed_at = 'then' WHERE fact_id = 4")  # not as it stands
    assert lines_made(plain) == {1: True, 2: True, 3: True, 4: False, 5: True}
    assert_same(run, plain, processes=False)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    facts=st.lists(
        st.tuples(NUMBER.filter(lambda x: x is not None), NUMBER, NUMBER, TEXT, TEXT, st.lists(TEXT, max_size=2)),
        min_size=1,
        max_size=4,
    )
)
def test_any_stored_fact_exports_as_through_records(run: Run, facts: list) -> None:
    db = Path(tempfile.mkdtemp()) / "lines.db"
    for _ in facts:
        assert run("add", "pp", "5", "--date", "2025-08", "--source", "Viasna", "--db", str(db)).exit_code == 0
    with sqlite3.connect(db) as conn:
        for fact_id, (value, low, high, note, display, tags) in enumerate(facts, start=1):
            conn.execute(
                "UPDATE facts SET value = ?, low = ?, high = ?, note = ?, display = ?, tags = ? WHERE id = ?",
                (value, low, high, note, display, __import__("json").dumps(tags, ensure_ascii=False), fact_id),
            )
    assert_same(run, db, processes=False)


def test_many_facts_go_out_batch_by_batch_in_order(run: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pptrack.io

    csv_file = db_path.with_name("many.csv")
    rows = [f"m{i % 3},{i},20{10 + i % 7}-0{1 + i % 9},S{i % 5}" for i in range(40)]
    csv_file.write_text("metric,value,date,source\n" + "\n".join(rows) + "\n")
    assert run("import", str(csv_file)).exit_code == 0
    run("edit", "7", "--value", "77")
    monkeypatch.setattr(pptrack.io, "EXPORT_BATCH", 6)
    store = open_db(db_path, write=False)
    try:
        done: list[int] = []
        batches = list(export_lines(store, progress=done.append))
    finally:
        store.close()
    assert max(map(len, batches)) == 6 and sum(map(len, batches)) == 40
    assert done[-1] == 40 and done == sorted(done)
    assert sum(1 for batch in batches for x in batch if isinstance(x, dict)) == 1  # the edited fact
    assert_same(run, db_path, processes=False)


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_a_batch_is_out_before_the_next_is_read(fmt: str) -> None:
    out = io.StringIO()
    seen: list[str] = []

    def batches():  # type: ignore[no-untyped-def]
        for i in range(3):
            seen.append(out.getvalue())
            yield [b'{"a":%d}' % i, {"b": i, "c": "\u202e"}]

    render.write_lines(batches(), fmt, fields=(), out=out)
    if fmt == "jsonl":
        assert seen == [
            "",
            '{"a":0}\n{"b":0,"c":"\\u202e"}\n',
            '{"a":0}\n{"b":0,"c":"\\u202e"}\n{"a":1}\n{"b":1,"c":"\\u202e"}\n',
        ]
    else:
        assert seen[1] == '[\n{"a":0},\n{"b":0,"c":"\\u202e"}'
    records = [{"a": i} if k == 0 else {"b": i, "c": "\u202e"} for i in range(3) for k in range(2)]
    expected = io.StringIO()
    render.write_records(records, fmt, [], out=expected)
    assert out.getvalue() == expected.getvalue()


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_no_facts(fmt: str) -> None:
    out = io.StringIO()
    render.write_lines(iter([]), fmt, fields=(), out=out)
    assert out.getvalue() == ("[]\n" if fmt == "json" else "")


def test_an_export_is_one_snapshot(run: Run, db_path: Path) -> None:
    """A fact added while an export runs is in the next export, never half in this one: the
    metrics are read one after the other, all in one read transaction."""
    add(run, "aa", "1", "2020", "EU")
    add(run, "bb", "2", "2020", "EU")
    store = open_db(db_path, write=False)
    try:
        batches = export_lines(store)
        first = next(batches)
        assert add(run, "bb", "3", "2021", "EU")["id"] == 3  # another process, meanwhile (WAL: no wait)
        rest = list(batches)
    finally:
        store.close()
    assert [len(first), *map(len, rest)] == [1, 1]
    assert len(run("export").stdout.splitlines()) == 3


def test_a_csv_batch_is_out_before_the_next_is_read() -> None:
    out = io.StringIO()
    seen: list[str] = []

    def batches():  # type: ignore[no-untyped-def]
        for i in range(3):
            seen.append(out.getvalue())
            yield [b"%d,x" % i, {"a": -i, "b": "=y, \r"}]

    render.write_lines(batches(), "csv", fields=["a", "b"], out=out)
    assert seen[:2] == ["", 'a,b\n0,x\n"0","\'=y, \r"\n']  # the header goes out with the first batch
    records = [{"a": i, "b": "x"} if k == 0 else {"a": -i, "b": "=y, \r"} for i in range(3) for k in range(2)]
    expected = io.StringIO()
    render.write_records(records, "csv", [], fields=["a", "b"], out=expected)
    assert out.getvalue() == expected.getvalue()
    empty = io.StringIO()
    render.write_lines(iter([]), "csv", fields=["a", "b"], out=empty)
    assert empty.getvalue() == "a,b\n"


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv", "tsv"])
def test_lines_as_text_as_bytes_and_records_mixed_write_what_the_records_would(fmt: str) -> None:
    """One writer serves the listing (text lines, or one block of them) and export (UTF-8 lines):
    each line made already is written as it is, each record as write_records writes it."""
    records = [
        {"a": 1, "b": "x"},
        {"a": -2, "b": "=y, \r"},
        {"a": 3, "b": "\u202e Вясна\ttab"},
        {"a": None, "b": ['q"', "r"]},
        {"a": 2.5, "b": ""},
    ]
    expected = io.StringIO()
    render.write_records(records, fmt, [], fields=["a", "b"], out=expected)
    lines = expected.getvalue().removeprefix("[\n").removesuffix("\n]\n").removesuffix("\n")
    lines = lines.split(",\n" if fmt == "json" else "\n")[1 if fmt in ("csv", "tsv") else 0 :]
    assert len(lines) == len(records)  # no cell of these holds a line break
    block = (",\n" if fmt == "json" else "\n").join(lines)  # as Store.fact_block joins a listing
    shapes = {
        "text and records": [[lines[0], records[1], lines[2].encode(), records[3], lines[4]]],
        "batches of bytes and records": [[records[0]], [], [lines[1].encode(), lines[2].encode()], records[3:]],
        "one block": [[block.encode()]],
    }
    for name, batches in shapes.items():
        out = io.StringIO()
        render.write_lines(batches, fmt, fields=["a", "b"], out=out)
        assert out.getvalue() == expected.getvalue(), name
