"""`pptrack check`: exit 0 and "no problems found" on a sound database; exit 1 and a list
of problems (table or JSON) for each thing that can be wrong in one."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import Run, add
from pptrack.check import interval_problem
from pptrack.values import parse_value

V1 = Path(__file__).resolve().parent / "data" / "pptrack-v1.db"


@pytest.fixture
def filled(run: Run, db_path: Path) -> Path:
    """Facts of every qualifier and precision: 1 exact, 2 nearly, 3 range, 4 over (via), 5 at least."""
    add(run, "political-prisoners", "888", "2021-12", "human-rights organisations", "--tag", "statement")
    add(run, "political-prisoners", "nearly 1,400", "May 21, 2024", "EU", "--via", "EU Neighbours East")
    add(run, "political-prisoners", "1,200-1,400", "2025", "Viasna")
    add(run, "political-prisoners", "more than 1,000", "2025-09", "People In Need", "--via", "Pozirk")
    add(run, "released", "at least 52", "2025-09-11", "Viasna")
    return db_path


def tamper(path: Path, *statements: str) -> None:
    """Change the file behind pptrack's back, as another program or a bug might."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = OFF")
    for sql in statements:
        conn.execute(sql)
    conn.close()


def problems(run: Run) -> list[dict[str, Any]]:
    result = run("check", "--format", "json")
    assert result.exit_code == 1, result.stdout + result.stderr
    found = json.loads(result.stdout)
    assert result.stderr == f"{len(found)} problem(s) found\n"
    return found


def test_sound_database(run: Run, filled: Path) -> None:
    result = run("check")
    assert result.exit_code == 0
    assert result.stdout == "" and result.stderr == "no problems found\n"
    as_json = run("check", "--format", "json")
    assert as_json.exit_code == 0 and json.loads(as_json.stdout) == []
    as_csv = run("check", "--format", "csv")
    assert as_csv.stdout == "check,table,id,problem\n"


def test_edits_removals_and_merges_stay_sound(run: Run, filled: Path) -> None:
    assert run("edit", "1", "--value", "about 900", "--date", "2021").exit_code == 0
    assert run("rm", "2").exit_code == 0
    assert run("restore", "2").exit_code == 0
    assert run("rm", "3").exit_code == 0
    assert run("sources", "merge", "Viasna", "People In Need").exit_code == 0
    assert run("metrics", "rename", "released", "released-prisoners").exit_code == 0
    assert run("check").exit_code == 0


def test_a_removed_fact_changed_later_stays_removed_and_sound(run: Run, run_json, filled: Path) -> None:
    """A bug: an edit, a merge or a rename that reached a removed fact put an 'edited' version
    after its 'removed' one, and check called the fact unlike its history ("in removed")."""
    assert run("rm", "4").exit_code == 0
    assert run("edit", "4", "--note", "kept for the record").exit_code == 0
    assert run("sources", "merge", "Viasna", "People In Need").exit_code == 0
    assert run("metrics", "rename", "political-prisoners", "prisoners").exit_code == 0
    changes = [v["change"] for v in run_json("history", "4")]
    assert changes == ["added", "removed", "edited", "edited", "edited"]
    assert 4 not in {f["id"] for f in run_json("list")}  # still removed
    result = run("check")
    assert result.exit_code == 0, result.stdout
    assert run("restore", "4").exit_code == 0 and run("check").exit_code == 0


def test_a_display_an_older_pptrack_read_with_a_decimal_point_checks_clean(run: Run, db_path: Path) -> None:
    # `1.400` is refused now (1400 or 1.4?); an older pptrack stored it as 1.4, which its value says
    add(run, "pp", "1.4", "2021", "X")
    add(run, "pp", "1.4", "2022", "X")
    tamper(db_path, "UPDATE facts SET display = '1.400'", "UPDATE facts SET value = 1400, low = 1400 WHERE id = 2")
    tamper(db_path, "UPDATE facts SET high = 1400 WHERE id = 2")
    assert problems(run) == [
        {
            "check": "value",
            "table": "facts",
            "id": 2,
            "problem": "the value as written, '1.400', reads as exact [1.4, 1.4] but is stored as exact [1,400, 1,400]"
            " with value 1,400",
        }
    ]


def test_a_database_that_does_not_exist_yet(run: Run, db_path: Path) -> None:
    result = run("check")
    assert result.exit_code == 0 and result.stderr == "no problems found\n"
    assert not db_path.exists()


def test_the_v1_database_checks_clean(run: Run, tmp_path: Path) -> None:
    copy = tmp_path / "v1.db"
    shutil.copyfile(V1, copy)
    result = run("check", "--db", str(copy))
    assert result.exit_code == 0, result.stdout


@pytest.mark.parametrize(
    ("statements", "expected"),
    [
        (
            ["UPDATE facts SET low = 890 WHERE id = 1"],
            {"check": "value", "table": "facts", "id": 1, "problem": "low 890 is above the value 888"},
        ),
        (
            ["UPDATE facts SET high = 889 WHERE id = 1"],
            {
                "check": "value",
                "table": "facts",
                "id": 1,
                "problem": "exact needs low = value = high; stored: exact [888, 889] with value 888",
            },
        ),
        (
            ["UPDATE facts SET value = 1250 WHERE id = 3"],
            {
                "check": "value",
                "table": "facts",
                "id": 3,
                "problem": "range needs the value midway between low and high; stored: range [1,200, 1,400] "
                "with value 1,250",
            },
        ),
        (
            ["UPDATE facts SET high = NULL WHERE id = 2"],
            {
                "check": "value",
                "table": "facts",
                "id": 2,
                "problem": "nearly needs low < value = high; stored: nearly [1,300, inf] with value 1,400",
            },
        ),
        (
            ["UPDATE facts SET qualifier = 'maybe' WHERE id = 5"],
            {
                "check": "value",
                "table": "facts",
                "id": 5,
                "problem": "unknown qualifier 'maybe'; known: exact, approx, nearly, over, at_least, under, at_most, "
                "range",
            },
        ),
        (
            ["UPDATE facts SET display = 'nearly 900' WHERE id = 1"],
            {
                "check": "value",
                "table": "facts",
                "id": 1,
                "problem": "the value as written, 'nearly 900', reads as nearly [800, 900] but is stored as "
                "exact [888, 888] with value 888",
            },
        ),
        (
            ["UPDATE facts SET value = 'many' WHERE id = 1"],
            {"check": "value", "table": "facts", "id": 1, "problem": "value is stored as text, not a number"},
        ),
        (
            ["UPDATE facts SET date_precision = 'day' WHERE id = 4"],
            {
                "check": "date",
                "table": "facts",
                "id": 4,
                "problem": "the date '2025-09' is month 2025-09-01..2025-09-30 (rank 1), but is stored as "
                "day 2025-09-01..2025-09-30 (rank 1)",
            },
        ),
        (
            ["UPDATE facts SET date_end = '2025-12-30' WHERE id = 3"],
            {
                "check": "date",
                "table": "facts",
                "id": 3,
                "problem": "the date '2025' is year 2025-01-01..2025-12-31 (rank 0), but is stored as "
                "year 2025-01-01..2025-12-30 (rank 0)",
            },
        ),
        (
            ["UPDATE facts SET date = '2024-02-30' WHERE id = 2"],
            {
                "check": "date",
                "table": "facts",
                "id": 2,
                "problem": "the date '2024-02-30' is not an ISO date at year, month or day precision",
            },
        ),
        (
            ["UPDATE facts SET tags = 'statement' WHERE id = 1"],
            {"check": "tags", "table": "facts", "id": 1, "problem": "tags 'statement' are not JSON"},
        ),
        (
            # never changed, it stores no version; but its updated_at says it was changed
            ["UPDATE facts SET updated_at = '2030-01-01T00:00:00.000000Z' WHERE id = 2"],
            {
                "check": "history",
                "table": "facts",
                "id": 2,
                "problem": "a live fact without an 'added' version in its history",
            },
        ),
        (
            [
                "INSERT INTO fact_versions (fact_id, version, changed_at, change, data)"
                " VALUES (2, 1, '2030-01-01T00:00:00.000000Z', 'edited', '{}')"
            ],
            {
                "check": "history",
                "table": "facts",
                "id": 2,
                "problem": "a live fact without an 'added' version in its history",
            },
        ),
        (
            ["DELETE FROM source_names WHERE name = 'People In Need'"],
            {"check": "names", "table": "sources", "id": 5, "problem": "answers to no name"},
        ),
        (
            [
                "INSERT INTO fact_versions (fact_id, version, changed_at, change, data)"
                " VALUES (9, 1, '2025-01-01T00:00:00.000000Z', 'added', '{}')"
            ],
            {"check": "orphan", "table": "fact_versions", "id": 1, "problem": "its fact does not exist"},
        ),
    ],
    ids=[
        "low-above-value",
        "exact-not-a-point",
        "range-not-midpoint",
        "nearly-open-above",
        "unknown-qualifier",
        "display-disagrees",
        "value-is-text",
        "precision-disagrees",
        "span-disagrees",
        "impossible-date",
        "tags-not-json",
        "changed-without-versions",
        "no-added-version",
        "source-without-name",
        "version-without-fact",
    ],
)
def test_each_problem_is_found(run: Run, filled: Path, statements: list[str], expected: dict[str, Any]) -> None:
    tamper(filled, *statements)
    assert problems(run) == [expected]


def test_orphans_are_named_once_each(run: Run, filled: Path) -> None:
    """A missing metric or source: each fact, name and via pointing at it is listed, and
    SQLite's own foreign-key check does not list the same row twice."""
    tamper(
        filled,
        "DELETE FROM metrics WHERE slug = 'released'",
        "DELETE FROM sources WHERE name = 'Pozirk'",
    )
    found = problems(run)
    assert [(p["check"], p["table"], p["problem"]) for p in found] == [
        ("orphan", "facts", "its metric does not exist"),
        ("orphan", "facts", "its via source does not exist"),
        ("orphan", "metric_names", "its metric does not exist"),
        ("orphan", "source_names", "its source does not exist"),
    ]
    assert [p["id"] for p in found[:2]] == [5, 4]


def test_table_output_lists_problems(run: Run, filled: Path) -> None:
    tamper(
        filled,
        "UPDATE facts SET low = 890 WHERE id = 1",
        "UPDATE facts SET updated_at = '2030-01-01T00:00:00.000000Z' WHERE id = 2",
    )
    result = run("check")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["check", "table", "id", "problem"]
    assert lines[2].split(None, 3) == ["history", "facts", "2", "a live fact without an 'added' version in its history"]
    assert lines[3].split(None, 3) == ["value", "facts", "1", "low 890 is above the value 888"]
    assert result.stderr == "2 problem(s) found\n"


def test_damaged_file(run: Run, filled: Path) -> None:
    """An index that no longer matches its table: SQLite's integrity check says so, and
    check reports that instead of reading on."""
    tamper(
        filled,
        "PRAGMA writable_schema = ON",
        "UPDATE sqlite_master SET sql = 'CREATE INDEX facts_by_via ON facts (source_id)' WHERE name = 'facts_by_via'",
    )
    found = problems(run)
    assert found and all(p["check"] == "integrity" and p["id"] is None for p in found)
    assert {"check": "integrity", "table": "", "id": None, "problem": "row 1 missing from index facts_by_via"} in found


def test_schema_sqlite_cannot_load(run: Run, filled: Path) -> None:
    conn = sqlite3.connect(filled, isolation_level=None)
    by_source = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'facts_by_source'").fetchone()[0]
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET rootpage = ? WHERE name = 'facts_by_via'", (by_source,))
    conn.close()
    found = problems(run)
    assert len(found) == 1 and found[0]["check"] == "integrity"
    assert "malformed database schema (facts_by_via)" in found[0]["problem"]


@given(
    st.integers(min_value=0, max_value=10**9),
    st.sampled_from(["", "about ", "nearly ", "over ", "at least ", "under ", "at most ", "some "]),
)
def test_every_value_pptrack_reads_is_consistent(n: int, prefix: str) -> None:
    interval = parse_value(f"{prefix}{n:,}")
    assert interval_problem(interval.value, interval.low, interval.high, interval.qualifier) is None


@given(st.decimals(min_value=0, max_value=10**6, places=2), st.decimals(min_value=0, max_value=10**6, places=2))
def test_every_range_pptrack_reads_is_consistent(a: Any, b: Any) -> None:
    low, high = sorted((a, b))
    interval = parse_value(f"{low}-{high}")
    assert interval_problem(interval.value, interval.low, interval.high, interval.qualifier) is None


def test_a_fact_unlike_the_last_version_of_its_history(run: Run, filled: Path) -> None:
    """A fact changed behind pptrack's back (or imported changed without its history) no
    longer is what its history says it became."""
    assert run("edit", "1", "--value", "about 900", "--tag", "a").exit_code == 0
    assert run("rm", "2").exit_code == 0
    assert run("edit", "3", "--note", "kept").exit_code == 0
    assert run("check").exit_code == 0
    tamper(
        filled,
        "UPDATE facts SET value = 999, low = 999, high = 999, qualifier = 'exact', display = '999' WHERE id = 1",
        "UPDATE facts SET removed_at = NULL WHERE id = 2",
        "UPDATE facts SET tags = '[\"b\"]', note = NULL WHERE id = 3",
    )
    assert problems(run) == [
        {
            "check": "history",
            "table": "facts",
            "id": 1,
            "problem": "differs from the last version of its history in value, low, high, qualifier, display",
        },
        {
            "check": "history",
            "table": "facts",
            "id": 2,
            "problem": "differs from the last version of its history in removed",
        },
        {
            "check": "history",
            "table": "facts",
            "id": 3,
            "problem": "differs from the last version of its history in note, tags",
        },
    ]


def test_a_via_that_is_the_source_is_found(run: Run, filled: Path) -> None:
    """Stored before add, edit, import and merge refused one (a fact via its own source)."""
    tamper(filled, "UPDATE facts SET via_id = source_id WHERE id = 3")
    clears = "its via is its source; `pptrack edit 3 --via ''` clears it"
    assert problems(run) == [{"check": "via", "table": "facts", "id": 3, "problem": clears}]
    assert run("edit", "3", "--via", "").exit_code == 0
    assert run("check").exit_code == 0


def test_times_not_as_pptrack_writes_them_are_found(run: Run, filled: Path) -> None:
    """Stored as given by imports before they were stored in UTC: they compare wrongly."""
    odd = "2025-09-12T13:00:00+03:00"
    tamper(filled, f"UPDATE facts SET created_at = '{odd}', updated_at = '{odd}' WHERE id = 3")
    written = "is not a UTC time as pptrack writes it (2025-09-12T10:00:00.000000Z)"
    assert problems(run) == [
        {"check": "times", "table": "facts", "id": 3, "problem": f"created_at '{odd}' {written}"},
        {"check": "times", "table": "facts", "id": 3, "problem": f"updated_at '{odd}' {written}"},
    ]


def test_a_change_before_the_fact_was_made_is_found(run: Run, filled: Path) -> None:
    tamper(filled, "UPDATE facts SET created_at = '2030-01-01T00:00:00.000000Z' WHERE id = 3")
    found = [p for p in problems(run) if p["check"] == "times"]
    assert len(found) == 1 and found[0]["id"] == 3
    assert (
        found[0]["problem"].startswith("updated_at: ")
        and "is before created_at 2030-01-01T00:00:00.000000Z" in (found[0]["problem"])
    )
