"""Reading commands at their edges: a database not made yet, options given empty, who
published a fact, dates at the start of the calendar."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import PP, Run, add


@pytest.mark.parametrize(
    ("args", "empty"),
    [
        (["list", "--metric", PP], []),
        (["list", "--source", "Viasna", "--via", "People In Need"], []),
        (["timeline", PP], []),
        (["latest", PP], []),
        (["diff-sources", PP], {"metric": PP, "period": "month", "sources": [], "rows": [], "pairs": []}),
    ],
)
def test_a_metric_named_in_a_database_not_made_yet_has_no_facts(run: Run, tmp_path: Path, args, empty) -> None:
    """SPEC: a command that only reads finds no facts in a database that does not exist yet
    (exit 0) and creates nothing, whichever metric or source it names."""
    import json

    db = tmp_path / "not-yet" / "pptrack.db"
    result = run(*args, "--db", str(db), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == empty
    assert not db.parent.exists()


def test_a_metric_named_in_a_database_not_made_yet_is_still_checked(run: Run, tmp_path: Path) -> None:
    db = tmp_path / "not-yet" / "pptrack.db"
    result = run("list", "--metric", "!!", "--db", str(db))
    assert result.exit_code == 2 and "the metric name '!!' is empty or only punctuation" in result.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["list", "--metric="], "the metric name '' is empty"),
        (["list", "--source="], "the source name '' is empty"),
        (["list", "--via="], "the source name '' is empty"),
        (["list", "--since="], "the date is empty"),
        (["list", "--until=", "--format", "json"], "the date is empty"),
        (["timeline", ""], "the metric name '' is empty"),
        (["timeline", "--since="], "the date is empty"),
        (["latest", ""], "the metric name '' is empty"),
        (["latest", "--as-of="], "the date is empty"),
        (["diff-sources", ""], "the metric name '' is empty"),
        (["diff-sources", PP, "--source="], "the source name '' is empty"),
    ],
)
def test_an_option_given_empty_is_bad_input_not_left_out(run: Run, belarus: None, args, says) -> None:
    """`--since=` is not "no --since": a date that can't be read is refused (exit 2)."""
    result = run(*args)
    assert result.exit_code == 2 and says in result.stderr and result.stdout == ""


def test_via_matches_what_a_source_published_itself(run: Run, run_json, belarus: None) -> None:
    """Who published a fact is its via, or its source when it has none (SPEC, Words)."""
    by_pin = run_json("list", "--via", "People In Need")
    assert [(f["source"], f["via"], f["display"]) for f in by_pin] == [
        ("People In Need", None, "more than 1,000"),
        ("Viasna", "People In Need", "nearly 1,200"),
    ]
    assert [f["display"] for f in run_json("list", "--via", "Pozirk")] == ["1,189"]
    assert run_json("list", "--via", "Viasna") == []  # Viasna counted, others published
    tsv = run("list", "--via", "People In Need", "--format", "tsv").stdout.splitlines()
    assert len(tsv) == 3


def test_since_in_the_first_year_of_the_calendar(run: Run, run_json) -> None:
    add(run, "q", "5", "0001", "A")
    add(run, "q", "6", "0002-03", "A")
    assert [f["display"] for f in run_json("list", "--since", "0001-06-01")] == ["6", "5"]
    assert [f["display"] for f in run_json("timeline", "q", "--since", "0002")] == ["6"]
    assert [f["display"] for f in run_json("list", "--since", "0001-01-01", "--until", "0001")] == ["5"]
