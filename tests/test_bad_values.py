"""Bad values never become data: whatever is thrown at the value and date readers and at
`add`, the answer is a valid fact or exit 2 with one line — never a traceback, never a
partial write."""

from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Run, add
from pptrack.check import interval_problem
from pptrack.dates import from_stored, parse_date
from pptrack.errors import BadInput
from pptrack.values import parse_value

BAD_VALUES = [
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "1e400",
    "9" * 400,
    "9" * 17,
    "1,5",
    "12,34,567",
    "nearly",
    "over",
    "at least",
    "~",
    "about about 5",
    "",
    "   ",
    "1,200-",
    "between 5 and",
    "between 9 and 2",
    "five five",
    "0x10",
    "1_000",
    "1.5e3",
    "5%",
    "5 people",
    "5\x00",
    "½",
]
BAD_DATES = [
    "2020-02-30",
    "2023-02-29",
    "0000",
    "0000-01-01",
    "0",
    "21",
    "05/21/25",
    "21.05.25",
    "7H2UWUUU",
    "1A2B",
    "2025-13",
    "2025-00",
    "May 32 2024",
    "31 February 2024",
    "May",
    "May June 2024",
    "tomorrow",
    "2024-05-21T00:00",
    "03/04/2025",
    "next week",
    "",
]


def snapshot(db: Path) -> tuple[int, ...]:
    """Row counts of every table: a write of any kind changes one."""
    if not db.exists():
        return ()
    conn = sqlite3.connect(db)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return tuple(conn.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in tables)
    finally:
        conn.close()


def assert_refused(result: object, db: Path, before: tuple[int, ...]) -> None:
    assert result.exit_code == 2, result.stdout  # type: ignore[attr-defined]
    stderr = result.stderr  # type: ignore[attr-defined]
    assert stderr.count("\n") == 1 and stderr.startswith("error: ") and "Traceback" not in stderr
    assert result.stdout == ""  # type: ignore[attr-defined]
    assert snapshot(db) == before


@pytest.mark.parametrize("value", BAD_VALUES)
def test_bad_value_is_refused_and_nothing_is_created(run: Run, db_path: Path, value: str) -> None:
    result = run("add", "--date", "2021", "--source", "X", "--", "pp", value)
    assert_refused(result, db_path, ())
    assert not db_path.exists()
    assert "e.g." in result.stderr  # says what would be accepted


@pytest.mark.parametrize("date", BAD_DATES)
def test_bad_date_is_refused_and_nothing_is_created(run: Run, db_path: Path, date: str) -> None:
    result = run("add", "pp", "5", "--date", date, "--source", "X")
    assert_refused(result, db_path, ())
    assert not db_path.exists()


@pytest.mark.parametrize("value", ["1,000,000,000,000,000", "1000000000000000", "2,000,000 billion", "over 2e15"])
def test_a_figure_too_large_to_keep_exactly_says_the_largest(run: Run, db_path: Path, value: str) -> None:
    result = run("add", "pp", value, "--date", "2021", "--source", "X")
    assert_refused(result, db_path, ())
    if "e" not in value:
        assert "the number is too large: figures are kept exactly up to 999,999,999,999,999" in result.stderr
    assert run("add", "pp", "999,999,999,999,999", "--date", "2021", "--source", "X").exit_code == 0


@pytest.mark.parametrize("value", ["NaN", "9" * 400, "nearly"])
def test_bad_value_in_an_existing_database_writes_nothing(run: Run, db_path: Path, value: str) -> None:
    add(run, "pp", "5", "2021", "X")
    before = snapshot(db_path)
    assert_refused(run("add", "pp2", value, "--date", "2021", "--source", "NewSource"), db_path, before)
    assert_refused(run("edit", "1", "--value", value), db_path, before)
    assert_refused(run("edit", "1", "--date", "2020-02-30"), db_path, before)
    assert_refused(run("add", "pp", "5", "--date", "2021", "--source", "X", "--published", "1A2B"), db_path, before)


def test_a_bad_row_fails_the_whole_import(run: Run, db_path: Path, tmp_path: Path) -> None:
    add(run, "pp", "5", "2021", "X")
    before = snapshot(db_path)
    rows = ["metric,value,date,source"] + [f"new-{i},{i},2022,New {i}" for i in range(50)] + ["pp,NaN,2021,X"]
    source = tmp_path / "rows.csv"
    source.write_text("\n".join(rows) + "\n")
    result = run("import", str(source))
    assert result.exit_code == 2 and "line 52" in result.stderr
    assert snapshot(db_path) == before


# --- properties ---------------------------------------------------------------

PIECES = st.sampled_from(
    [
        *("May", "21", "2024", "1st", ",", ".", "-", "/", " ", "of", "Sept", "0", "00", "99", "12", "31"),
        *("1,200", "nearly", "over", "between", "and", "to", "k", "thousand", "fifty", "two", "a", "hundred"),
        *("~", ">=", "<", "+", "or more", "1.5", "e5", "nan", "inf", "\x00", "\u202e", "–", "million", "1 000"),
        *("२०२४", "٣", "\udce9", "[bold]", "\x1b[2J", ":rocket:", "'", '"', "%", "_", ";--"),
    ]
)
TEXT = st.one_of(
    st.text(max_size=40),
    st.lists(PIECES, max_size=8).map(" ".join),
    st.lists(PIECES, max_size=8).map("".join),
)


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_value_reader_gives_a_consistent_interval_or_bad_input(text: str) -> None:
    try:
        interval = parse_value(text)
    except BadInput:
        return
    assert all(x is None or math.isfinite(x) for x in (interval.value, interval.low, interval.high))
    assert interval_problem(interval.value, interval.low, interval.high, interval.qualifier) is None


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_date_reader_gives_a_real_date_or_bad_input(text: str) -> None:
    try:
        date = parse_date(text)
    except BadInput:
        return
    assert date.start <= date.end and date.start.year >= 1
    assert from_stored(date.iso) == date


def mostly(valid: list[str]) -> st.SearchStrategy[str]:
    """Valid text three times out of four, anything else otherwise: so that some adds succeed."""
    return st.tuples(st.integers(0, 3), st.sampled_from(valid), TEXT).map(lambda t: t[2] if t[0] == 0 else t[1])


NAMES = mostly(["political-prisoners", "Political Prisoners", "Viasna", "EU", "Вясна", "[bold] :rocket:"])
VALUES = mostly(["888", "nearly 1,400", "1,200-1,400", "~5", "at least 8", "fifty-two", "000", "0"])
DATES = mostly(["2021", "2024-05", "May 21, 2024", "21.05.2025", "today"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(metric=NAMES, value=VALUES, date=DATES, source=NAMES, note=TEXT)
def test_add_gives_a_valid_fact_or_exit_2(
    run: Run, db_path: Path, metric: str, value: str, date: str, source: str, note: str
) -> None:
    before = snapshot(db_path)
    # `--opt=text` and `--` keep text that looks like an option (`--help`) as text
    result = run("add", f"--date={date}", f"--source={source}", f"--note={note}", "--format=json", "--", metric, value)
    assert result.exit_code in (0, 2), result.stderr
    assert "Traceback" not in result.stderr
    if result.exit_code == 2:
        assert_refused(result, db_path, before)
        return
    fact = json.loads(result.stdout)
    if "nothing added" in result.stderr:  # an identical fact (e.g. 000 for 0) was stored by an earlier example
        assert snapshot(db_path) == before
    else:
        assert fact["display"] == " ".join(value.split()) and fact["note"] == (note or None)
    assert interval_problem(fact["value"], fact["low"], fact["high"], fact["qualifier"]) is None
    assert from_stored(fact["date"]).precision == fact["date_precision"]
    checked = run("check")
    assert checked.exit_code == 0, checked.stdout
