"""Names and filter values with quotes, `%`, `_` and `;--` are matched literally: SQL gets
them as parameters only, never built into its text."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from conftest import Run, add
from pptrack.cli import COMMANDS

METRIC = "x'); DROP TABLE facts;--"
SOURCE = 'O\'Brien "%_" Institute;--'
VIA = "50% off_ ' OR '1'='1"


@pytest.fixture
def tricky(run: Run, db_path: Path) -> Path:
    add(run, METRIC, "5", "2021", SOURCE, "--via", VIA, "--tag", "%", "--tag", "'--")
    add(run, METRIC, "6", "2022", SOURCE, "--tag", "_", "--tag", "a%")
    add(run, "plain", "7", "2023", "Plain", "--tag", "abc", "--tag", "a_c")
    add(run, "plain", "8", "2024", "Plain", "--tag", "[x]", "--tag", "' OR 1=1 --")
    return db_path


def values(run: Run, *args: str) -> list[int]:
    result = run("list", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return sorted(f["value"] for f in json.loads(result.stdout))


def tables(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return sorted(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
    finally:
        conn.close()


def test_names_are_stored_as_written(run: Run, tricky: Path) -> None:
    facts = json.loads(run("list", "--format", "json").stdout)
    by_value = {f["value"]: f for f in facts}
    assert by_value[5]["source"] == SOURCE and by_value[5]["via"] == VIA
    assert by_value[5]["metric"] == "x-drop-table-facts"
    assert by_value[8]["tags"] == ["[x]", "' OR 1=1 --"]
    assert "facts" in tables(tricky)


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("%", [5]), ("_", [6]), ("'--", [5]), ("a%", [6]), ("a_c", [7]), ("abc", [7]), ("' OR 1=1 --", [8]), ("a", [])],
)
def test_tag_filter_matches_literally(run: Run, tricky: Path, tag: str, expected: list[int]) -> None:
    assert values(run, "--tag", tag) == expected


def test_name_filters_match_the_names_only(run: Run, tricky: Path) -> None:
    assert values(run, "--metric", METRIC) == [5, 6]
    assert values(run, "--source", SOURCE) == [5, 6]
    assert values(run, "--via", VIA) == [5]
    assert values(run, "--source", "Plain") == [7, 8]


@pytest.mark.parametrize("name", ["%", "_", "' OR '1'='1", "%%", "x%", "plai_"])
def test_wildcards_are_no_names(run: Run, tricky: Path, name: str) -> None:
    for option in ("--metric", "--source", "--via"):
        result = run("list", option, name, "--format", "json")
        assert result.exit_code in (1, 2) and result.stdout == ""
        assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("date", ["2021' OR '1'='1", "2021;--", "%"])
def test_date_filters_are_read_not_pasted(run: Run, tricky: Path, date: str) -> None:
    result = run("list", "--since", date)
    assert result.exit_code == 2 and result.stdout == ""


def test_names_work_in_every_command_that_takes_them(run: Run, tricky: Path) -> None:
    commands = [
        ["timeline", METRIC, "--source", SOURCE, "--format", "json"],
        ["latest", METRIC, "--format", "json"],
        ["diff-sources", METRIC, "--source", SOURCE, "--format", "json"],
        ["sources", "alias", SOURCE, "Alias ' ;-- %"],
        ["metrics", "alias", METRIC, "metric ' ;-- _"],
        ["list", "--source", "Alias ' ;-- %", "--metric", "metric ' ;-- _", "--format", "json"],
        ["sources", "merge", SOURCE, VIA],
        ["metrics", "rename", METRIC, "y'); DELETE FROM facts;--"],
    ]
    for args in commands:
        if args[0] not in COMMANDS:
            continue
        result = run(*args)
        assert result.exit_code == 0, (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert values(run, "--metric", "y-delete-from-facts") == [5, 6]
    assert values(run) == [5, 6, 7, 8]
    assert "facts" in tables(tricky)
    assert run("check").exit_code == 0
