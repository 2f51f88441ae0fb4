"""The fast paths of a big import (whole numbers and ranges read without Decimal, new values read in the
plain-CSV loop, the search for repeated rows skipped when no two rows can be the same) give
exactly what the general paths give."""

from __future__ import annotations

import json
import sqlite3
from operator import itemgetter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Run, add
from pptrack.errors import BadInput
from pptrack.values import QUALIFIER_PREFIXES, parse_value, parse_written

# Whole numbers as written: any below 10**15, and round ones (1,400; 3,000,000) more often.
WHOLE = st.one_of(
    st.integers(0, 10**15 - 1), st.builds(lambda a, k: a * 10**k, st.integers(1, 999), st.integers(0, 12))
)


def read_as_the_grammar_reads(written: str) -> bool:
    """parse_value reads `written` as the full grammar does, types included; False where both refuse it."""
    try:
        want = parse_written(written)
    except BadInput:
        with pytest.raises(BadInput):
            parse_value(written)
        return False
    got = parse_value(written)
    assert got == want
    assert [type(x) for x in (got.value, got.low, got.high)] == [type(x) for x in (want.value, want.low, want.high)]
    return True


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "in.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


@given(
    st.sampled_from(["", *(p + " " for p, _ in QUALIFIER_PREFIXES), *(p for p, _ in QUALIFIER_PREFIXES)]),
    WHOLE,
)
def test_whole_numbers_read_fast_are_the_same_numbers_of_the_same_type(prefix: str, n: int) -> None:
    for written in (f"{prefix}{n}", f"{prefix}{n:,}", f"{prefix.upper()}{n}"):
        read_as_the_grammar_reads(written)  # or refused by both: a prefix glued to the number


def test_rows_read_by_the_plain_and_the_full_check_are_matched_with_each_other(
    run: Run, run_json, tmp_path: Path
) -> None:
    # The first row goes through the plain loop, the second (a note) through the full
    # check: the same fact all the same, whatever the written form of its value.
    path = write(
        tmp_path,
        'metric,value,date,source,note\npp,"1,400",2021,X,\npp,1400,2021,X,a note\npp,1401,2021,X,\n',
    )
    result = run("import", path)
    assert "imported 2 fact(s); 1 already present; 0 updated" in result.stderr
    path = write(tmp_path, 'metric,value,date,source\npp,7,2021,X\npp,8,2021,X\npp,"about 9",2021,X\npp,~9,2021,X\n')
    result = run("import", path)
    assert "imported 3 fact(s); 1 already present; 0 updated" in result.stderr
    assert sorted(f["display"] for f in run_json("list")) == ["1,400", "1401", "7", "8", "about 9"]


def test_no_two_rows_alike_is_not_taken_for_granted_past_the_memory_limit(
    run: Run, run_json, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pptrack.io._KEYS", 2)  # more rows than are told apart in memory
    lines = "".join(f"pp,{n},2021,X\n" for n in range(5))
    result = run("import", write(tmp_path, "metric,value,date,source\n" + lines + "pp,3,2021,X\n"))
    assert "imported 5 fact(s); 1 already present; 0 updated" in result.stderr
    assert len(run_json("list")) == 5


@pytest.mark.parametrize("uidless_at", [None, 0, 1, 4])
def test_past_the_memory_limit_only_a_row_without_uid_is_present_for_being_like_an_earlier_one(
    run: Run, run_json, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, uidless_at: int | None
) -> None:
    # Rows of an export, each with its uid: identical in content, each is the fact its uid
    # names (all added). A row without a uid, wherever it comes, that repeats an earlier row
    # is already present, however many rows came before it.
    monkeypatch.setattr("pptrack.io._KEYS", 2)  # more rows than are told apart in memory
    rows = [{"uid": f"u-{n}", "metric": "pp", "value": n % 2, "date": "2021", "source": "X"} for n in range(6)]
    if uidless_at is not None:
        rows.insert(uidless_at, {"metric": "pp", "value": 0, "date": "2021", "source": "X"})
    lines = "".join(json.dumps(r) + "\n" for r in rows)
    path = tmp_path / "in.jsonl"
    path.write_text(lines)
    result = run("import", str(path))
    present = 0 if uidless_at in (None, 0) else 1  # first, it repeats no row before it
    assert (
        result.stderr.splitlines()[-1]
        == f"imported {len(rows) - present} fact(s); {present} already present; 0 updated"
    )
    assert len(run_json("list")) == len(rows) - present


def test_a_row_like_an_early_one_is_found_once_intervals_are_no_longer_numbered(
    run: Run, run_json, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Past _MEMO distinct intervals a value read again gets no interval id: the last row, like
    # the first, was once told apart from it by ids and written a second time.
    monkeypatch.setattr("pptrack.io._MEMO", 3)
    lines = "pp,5,2021,X\npp,6,2022,X\npp,7,2022,X\npp,8,2023,X\npp,9,2024,X\npp,5,2021,X\n"
    result = run("import", write(tmp_path, "metric,value,date,source\n" + lines))
    assert result.stderr.splitlines()[-1] == "imported 5 fact(s); 1 already present; 0 updated"
    assert sorted((f["display"], f["date"]) for f in run_json("list")) == [
        ("5", "2021"), ("6", "2022"), ("7", "2022"), ("8", "2023"), ("9", "2024")
    ]  # fmt: skip


def test_a_bad_new_value_in_a_plain_file_is_reported_with_its_line(run: Run, tmp_path: Path) -> None:
    path = write(tmp_path, "metric,value,date,source\npp,5,2021,X\npp,lots,2021,X\npp,,2021,X\npp,6,2021,X\n")
    result = run("import", path)
    assert result.exit_code == 2
    assert "line 3, column value: " in result.stderr and "line 4, column value: empty" in result.stderr
    assert "nothing was imported" in result.stderr


def test_rows_staged_many_to_a_statement_keep_their_values_and_order(run: Run, run_json, tmp_path: Path) -> None:
    # 250 rows: two statements of 100 rows, the other 50 one by one; each row its own value.
    written = [f"about {n * 10:,}" if n % 2 else str(n) for n in range(1, 251)]
    lines = "".join(f'pp,"{w}",2021-{n % 12 + 1:02d},X\n' for n, w in enumerate(written))
    result = run("import", write(tmp_path, "metric,value,date,source\n" + lines))
    assert "imported 250 fact(s); 0 already present; 0 updated" in result.stderr
    listed = sorted(run_json("list"), key=lambda f: f["id"])
    assert [f["display"] for f in listed] == written
    assert [f["date"] for f in listed] == [f"2021-{n % 12 + 1:02d}" for n in range(250)]
    assert (listed[0]["low"], listed[0]["high"], listed[1]["low"]) == (5, 15, 2)  # "about 10": 10 ± 5; "2"


@given(WHOLE, WHOLE, st.booleans(), st.booleans())
def test_ranges_read_fast_are_the_same_ranges_of_the_same_type(a: int, b: int, commas_a: bool, commas_b: bool) -> None:
    written = f"{a:,}" if commas_a else str(a)
    written += "-" + (f"{b:,}" if commas_b else str(b))
    if not read_as_the_grammar_reads(written):  # a range from the larger number down: refused by both
        assert a > b


def indexes(db: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("text", "present"),
    [
        # plain rows go straight into an empty database; a row with a note is staged, and so is
        # every row after it, matched against the facts written before (the second `pp,1`)
        ("metric,value,date,source,note\npp,1,2021,X,\npp,2,2021,X,\npp,3,2021,X,\npp,4,2021,X,a note\n"
         "pp,5,2021,X,\npp,1,2021,X,\npp,6,2021,X,\n", 1),
        # a row like an earlier one ends the straight writing; it is already present
        ("metric,value,date,source\npp,1,2021,X\npp,2,2021,X\npp,3,2021,X\npp,4,2021,X\npp,1,2021,X\n"
         "pp,5,2021,X\npp,6,2021,X\n", 1),
    ],
    ids=["then-a-full-row", "then-a-repeated-row"],
)  # fmt: skip
def test_rows_written_straight_and_staged_keep_file_order(
    run: Run, run_json, tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, present: int
) -> None:
    add(run, "other", "1", "2020", "Y")  # the indexes a database has before any import
    before = indexes(db_path)
    empty = tmp_path / "empty.db"
    monkeypatch.setattr("pptrack.io._BATCH", 2)  # rows are written two by two
    result = run("import", write(tmp_path, text), "--db", str(empty))
    assert f"imported 6 fact(s); {present} already present; 0 updated" in result.stderr
    listed = sorted(run_json("list", "--db", str(empty)), key=lambda f: f["id"])
    assert [(f["id"], f["display"]) for f in listed] == [(n, str(n)) for n in range(1, 7)]
    assert indexes(empty) == before
    assert run("check", "--db", str(empty)).exit_code == 0


def test_a_bad_row_after_rows_written_straight_leaves_the_database_as_it_was(
    run: Run, tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("metrics", "add", "pp").exit_code == 0  # a database without facts
    before = indexes(db_path)
    monkeypatch.setattr("pptrack.io._BATCH", 2)
    text = "metric,value,date,source\npp,1,2021,X\npp,2,2021,X\npp,3,2021,X\npp,4,2021,X\npp,lots,2021,X\n"
    result = run("import", write(tmp_path, text))
    assert result.exit_code == 2 and "line 6, column value: " in result.stderr
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM facts").fetchone()[0] == 0
    conn.close()
    assert indexes(db_path) == before


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_row_with_a_uid_like_a_row_written_straight_is_added_with_its_uid(
    run: Run, run_json, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    # Rows written straight into facts are of this import: a later row with a uid is matched
    # only with facts stored before it, as a staged row would be; one without a uid is present.
    # (It was counted present, and its uid and note were lost.)
    monkeypatch.setattr("pptrack.io._BATCH", 2)
    plain = [("1", ""), ("2", ""), ("3", ""), ("1", "u-keep"), ("2", "")]
    if fmt == "csv":
        text = "metric,value,date,source,uid,note\n" + "".join(
            f"pp,{v},2021,X,{uid},{'the note' if uid else ''}\n" for v, uid in plain
        )
    else:
        text = "".join(
            json.dumps(
                {"metric": "pp", "value": v, "date": "2021", "source": "X"}
                | ({"uid": u, "note": "the note"} if u else {})
            )
            + "\n"
            for v, u in plain
        )
    path = tmp_path / f"in.{fmt}"
    path.write_text(text, encoding="utf-8")
    result = run("import", str(path), "--db", str(tmp_path / "new.db"))
    assert "imported 4 fact(s); 1 already present; 0 updated" in result.stderr, result.stderr
    kept = [f for f in run_json("list", "--db", str(tmp_path / "new.db")) if f["uid"] == "u-keep"]
    assert [(f["display"], f["note"]) for f in kept] == [("1", "the note")]


def listed_in_id_order(run_json, db: Path) -> list[tuple[int, str, str]]:
    listed = sorted(run_json("list", "--db", str(db)), key=lambda f: f["id"])
    return [(f["id"], f["display"], f["date"]) for f in listed]


def test_rows_repeated_past_the_memory_limit_are_written_straight_then_taken_out(
    run: Run, run_json, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Past _KEYS rows nothing is told apart in memory: rows still go straight into facts (not
    # through staging), and each one identical to an earlier row is taken out once the indexes
    # are back: already present, its id unused. The rows before the limit were told apart.
    monkeypatch.setattr("pptrack.io._KEYS", 3)
    monkeypatch.setattr("pptrack.io._BATCH", 2)
    staged: list[int] = []
    monkeypatch.setattr("pptrack.store.Store.stage_plain_rows", lambda self, rows: staged.extend(r[0] for r in rows))
    values = ["1", "2", "3", "4", "2", "1,000", "5", "1000", "1", "about 5", "~5"]  # 1,000 is 1000; ~5 is about 5
    text = "metric,value,date,source\n" + "".join(f'pp,"{v}",2021,X\n' for v in values)
    db = tmp_path / "new.db"
    result = run("import", write(tmp_path, text), "--db", str(db))
    assert result.stderr.splitlines()[-1] == "imported 7 fact(s); 4 already present; 0 updated"
    assert staged == []
    assert listed_in_id_order(run_json, db) == [
        (1, "1", "2021"), (2, "2", "2021"), (3, "3", "2021"), (4, "4", "2021"), (6, "1,000", "2021"),
        (7, "5", "2021"), (10, "about 5", "2021"),
    ]  # fmt: skip
    assert run("check", "--db", str(db)).exit_code == 0


def test_a_row_whose_hash_an_earlier_row_has_is_staged_and_matched(
    run: Run, run_json, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Told apart by hash, a row that shares its key's hash with an earlier one may be the same
    # row or (hashes colliding) another: it is staged and matched by content, so the straight
    # writing goes on and no id is left unused. Keyed by metric alone, every row here collides.
    monkeypatch.setattr("pptrack.io._plain_key", itemgetter(1))
    monkeypatch.setattr("pptrack.io._BATCH", 2)
    text = "metric,value,date,source\npp,1,2021,X\npp,2,2021,X\npp,1,2021,X\npp,2,2021,X\npp,3,2021,X\npp,3,2021,X\n"
    db = tmp_path / "new.db"
    result = run("import", write(tmp_path, text), "--db", str(db))
    assert result.stderr.splitlines()[-1] == "imported 3 fact(s); 3 already present; 0 updated"
    assert [display for _, display, _ in listed_in_id_order(run_json, db)] == ["1", "2", "3"]
    assert run("check", "--db", str(db)).exit_code == 0


def test_a_repeated_row_among_rows_written_straight_leaves_no_id_unused(
    run: Run, run_json, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pptrack.io._BATCH", 2)
    text = "metric,value,date,source\npp,1,2021,X\npp,2,2021,X\npp,1,2021,X\npp,3,2021,X\npp,1,2021,X\npp,4,2021,X\n"
    db = tmp_path / "new.db"
    result = run("import", write(tmp_path, text), "--db", str(db))
    assert result.stderr.splitlines()[-1] == "imported 4 fact(s); 2 already present; 0 updated"
    assert [(i, d) for i, d, _ in listed_in_id_order(run_json, db)] == [(1, "1"), (2, "2"), (3, "3"), (4, "4")]


@pytest.mark.parametrize("header", ["metric,value,date,source", "metric,value,date,source,note"])
def test_new_uids_are_uuid7_of_the_import_time_with_random_bits(
    run: Run, run_json, tmp_path: Path, header: str
) -> None:
    # Rows written straight (four columns) and rows staged (a note column) get their uids the
    # same way: version 7, the RFC variant, the import's time in ms, the row's line, random bits.
    import uuid
    from datetime import datetime

    extra = "," if header.endswith("note") else ""
    text = header + "\n" + "".join(f"pp,{n},2021,X{extra}\n" for n in range(300))
    db = tmp_path / "new.db"
    assert run("import", write(tmp_path, text), "--db", str(db)).exit_code == 0
    facts = run_json("list", "--db", str(db))
    assert len(facts) == 300
    randoms = set()
    for fact in facts:
        uid = uuid.UUID(fact["uid"])
        assert str(uid) == fact["uid"] and uid.version == 7 and uid.variant == uuid.RFC_4122
        ms = int(datetime.fromisoformat(fact["created_at"]).timestamp() * 1000)
        assert uid.int >> 80 == ms
        line = ((uid.int >> 64) & 0xFFF) << 12 | ((uid.int >> 60) & 3) << 24 | (uid.int >> 48) & 0xFFF
        assert line == int(fact["display"]) + 2
        randoms.add(uid.int & (2**48 - 1))
    assert len(randoms) == 300


# Cells of plain rows, some written differently for the same reading (1,000 and 1000; ~5 and
# about 5; 2021-05 and May 2021), so that rows repeat one another now and then.
PLAIN_ROW = st.tuples(
    st.sampled_from(["pp", "jj"]),
    st.sampled_from(["1", "2", "1,000", "1000", "about 5", "~5"]),
    st.sampled_from(["2021", "2021-05", "May 2021", "2022-01-02"]),
    st.sampled_from(["X", "Y"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(PLAIN_ROW, min_size=1, max_size=30), st.integers(1, 8), st.integers(1, 4), st.integers(1, 5))
def test_an_import_into_an_empty_database_adds_each_row_once_in_file_order(
    run: Run, run_json, rows: list[tuple[str, str, str, str]], keys: int, batch: int, memo: int
) -> None:
    # However few rows are told apart in memory (keys), values remembered (memo) and rows
    # written a statement (batch): each row is added the first time it comes, in file order,
    # and is already present every other time.
    import tempfile

    from pptrack.dates import parse_date

    first: dict[tuple[object, ...], tuple[str, str, str, str]] = {}
    for metric, value, date, source in rows:
        first.setdefault((metric, parse_value(value), parse_date(date).iso, source), (metric, value, date, source))
    with pytest.MonkeyPatch.context() as patch, tempfile.TemporaryDirectory() as folder:
        for name, setting in (("_KEYS", keys), ("_BATCH", batch), ("_MEMO", memo), ("_CHUNK", batch + 1)):
            patch.setattr(f"pptrack.io.{name}", setting)
        path = Path(folder) / "in.csv"
        path.write_text("metric,value,date,source\n" + "".join(f'{m},"{v}",{d},{s}\n' for m, v, d, s in rows))
        db = Path(folder) / "new.db"
        result = run("import", str(path), "--db", str(db))
        assert result.stderr.splitlines()[-1] == (
            f"imported {len(first)} fact(s); {len(rows) - len(first)} already present; 0 updated"
        )
        listed = sorted(run_json("list", "--db", str(db)), key=lambda f: f["id"])
    assert [(f["metric"], f["display"], f["source"]) for f in listed] == [(m, v, s) for m, v, _, s in first.values()]
