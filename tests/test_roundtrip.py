"""export then import into an empty database gives the same facts, uids and history: every format,
odd text included; a colleague's export merges; the same facts give the same bytes."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Run, add

FORMATS = ("jsonl", "json", "csv")
# Text a CSV or a spreadsheet could trip on: separators, quotes, newlines, formula starts,
# leading quotes, other scripts, right-to-left text.
ODD = st.lists(
    st.sampled_from([",", ";", '"', "'", "\n", "\r", "\t", " ", "=", "+", "-", "@", "a", "1"])
    | st.sampled_from(["Вясна", "політв'язні", "سجناء", "囚犯", "🙂", "[bold]", ":smile:", "\u202e"]),
    max_size=8,
).map("".join)
NAME = st.sampled_from(["Viasna", "EU", "People In Need", "Вясна", "'=cmd", "@home", "a, b"])
VALUE = st.sampled_from(["888", "nearly 1,400", "over 1,000", "~1,189", "1,200-1,400", "at least 8", "2.5", "0"])
DATE = st.sampled_from(["2021", "2024-05-21", "August 2025", "2025-08", "Sep 12, 2025"])


def state(run: Run, db: str) -> list[dict]:
    """Every fact (removed ones too, through export) with its history, ids left out."""
    result = run("export", "--db", db)
    assert result.exit_code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def histories(run: Run, db: str) -> dict[str, list[dict]]:
    out = {}
    for fact in json.loads(run("list", "--db", db, "--format", "json").stdout):
        versions = json.loads(run("history", str(fact["id"]), "--db", db, "--format", "json").stdout)
        assert all(v["id"] == fact["id"] for v in versions)
        out[fact["uid"]] = [{k: v for k, v in version.items() if k != "id"} for version in versions]
    return out


def roundtrip(run: Run, source: str, fmt: str, folder: Path) -> str:
    out = folder / f"export.{fmt}"
    assert run("export", "--db", source, "-o", str(out)).exit_code == 0
    target = str(folder / f"copy-{fmt}.db")
    result = run("import", str(out), "--db", target)
    assert result.exit_code == 0, result.stderr
    return target


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    facts=st.lists(
        st.tuples(
            VALUE, DATE, NAME, st.none() | NAME, ODD, ODD, st.lists(ODD.filter(lambda t: ";" not in t), max_size=2)
        ),
        min_size=1,
        max_size=4,
    )
)
def test_every_format_gives_back_the_same_facts(run: Run, facts: list) -> None:
    folder = Path(tempfile.mkdtemp())
    source = str(folder / "source.db")
    for value, date, name, via, quote, note, tags in facts:
        extra = ["--quote", quote, "--note", note, *(a for t in tags for a in ("--tag", t))]
        if via:
            extra += ["--via", via]
        result = run("add", "pp", value, "--date", date, "--source", name, "--db", source, *extra)
        assert result.exit_code == 0, result.stderr
    before = state(run, source)
    for fmt in FORMATS:
        copy = roundtrip(run, source, fmt, folder)
        assert state(run, copy) == before, fmt
        assert histories(run, copy) == histories(run, source)


def test_history_removal_and_edits_survive(run: Run, tmp_path: Path, db_path: Path) -> None:
    a = add(run, "pp", "888", "2021", "HRO", "--quote", 'He said "888,\nor so"')
    b = add(run, "pp", "900", "2022", "HRO")
    run("edit", str(a["id"]), "--value", "about 890", "--tag", "x")
    run("rm", str(b["id"]))
    run("restore", str(b["id"]))
    run("rm", str(b["id"]))
    for fmt in FORMATS:
        copy = roundtrip(run, str(db_path), fmt, tmp_path)
        assert state(run, copy) == state(run, str(db_path))
        assert [f["display"] for f in json.loads(run("list", "--db", copy, "--format", "json").stdout)] == ["about 890"]
        versions = run("history", "2", "--db", copy, "--format", "json").stdout
        assert [v["change"] for v in json.loads(versions)] == ["added", "removed", "restored", "removed"]
        assert run("check", "--db", copy).exit_code == 0  # each fact is what its history last says


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_bytes_are_stable_across_copies(run: Run, tmp_path: Path, db_path: Path, fmt: str) -> None:
    add(run, "pp", "nearly 1,400", "2024-05-21", "EU", "--via", "EU Neighbours East")
    fact = add(run, "pp", "1,189", "2025-05-21", "Viasna", "--quote", "=1+1")
    run("edit", str(fact["id"]), "--note", "checked")
    first = run("export", "--format", fmt).stdout
    copy = roundtrip(run, str(db_path), fmt, tmp_path)
    assert run("export", "--format", fmt, "--db", copy).stdout == first
    # and importing the copy's export again adds nothing
    again = run("import", str(tmp_path / f"export.{fmt}"), "--db", copy)
    assert "imported 0 fact(s); 2 already present; 0 updated" in again.stderr


def test_a_colleagues_export_merges(run: Run, tmp_path: Path) -> None:
    mine, theirs = str(tmp_path / "mine.db"), str(tmp_path / "theirs.db")
    run("add", "pp", "888", "--date", "2021", "--source", "HRO", "--db", mine)
    shared = tmp_path / "facts.jsonl"
    run("export", "--db", mine, "-o", str(shared))
    run("import", str(shared), "--db", theirs)
    # each adds a figure; they also both typed in the same one by hand
    run("add", "pp", "1,189", "--date", "2025-05-21", "--source", "Viasna", "--db", theirs)
    run("add", "pp", "nearly 1,400", "--date", "2024-05", "--source", "EU", "--db", mine)
    run("add", "pp", "5", "--date", "2020", "--source", "X", "--db", mine)
    run("add", "pp", "5", "--date", "2020", "--source", "X", "--db", theirs)
    run("export", "--db", theirs, "-o", str(tmp_path / "theirs.jsonl"))
    result = run("import", str(tmp_path / "theirs.jsonl"), "--db", mine)
    assert "imported 1 fact(s); 2 already present; 0 updated" in result.stderr
    assert sorted(f["display"] for f in state(run, mine)) == ["1,189", "5", "888", "nearly 1,400"]


def test_a_newer_version_updates_an_older_copy(run: Run, tmp_path: Path, db_path: Path) -> None:
    fact = add(run, "pp", "888", "2021", "HRO")
    old = tmp_path / "old.jsonl"
    run("export", "-o", str(old))
    copy = str(tmp_path / "copy.db")
    run("import", str(old), "--db", copy)
    run("edit", str(fact["id"]), "--value", "nearly 900", "--note", "corrected")
    new = tmp_path / "new.jsonl"
    run("export", "-o", str(new))
    result = run("import", str(new), "--db", copy)
    assert "imported 0 fact(s); 0 already present; 1 updated" in result.stderr
    (got,) = state(run, copy)
    assert (got["display"], got["note"], got["uid"]) == ("nearly 900", "corrected", fact["uid"])
    assert [v["change"] for v in got["history"]] == ["added", "edited"]
    # the older file does not undo it
    assert "0 fact(s); 1 already present; 0 updated" in run("import", str(old), "--db", copy).stderr
    assert state(run, copy)[0]["display"] == "nearly 900"
    assert run("check", "--db", copy).exit_code == 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_value_with_three_decimals_round_trips(run: Run, tmp_path: Path, db_path: Path, fmt: str) -> None:
    # a range's midpoint written with three decimals in the value column: read as a number there
    fact = add(run, "pp", "1-1.25", "2021", "X")
    assert (fact["value"], fact["display"]) == (1.125, "1-1.25")
    add(run, "pp", "about 0.125", "2022", "X")
    copy = roundtrip(run, str(db_path), fmt, tmp_path)
    assert state(run, copy) == state(run, str(db_path))


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_display_an_older_pptrack_read_with_a_decimal_point_round_trips(
    run: Run, tmp_path: Path, db_path: Path, fmt: str
) -> None:
    # Before `1.400` was refused as ambiguous, pptrack stored it as 1.4: such a database's
    # export imports as it was stored, its `value` column saying how the display was read.
    add(run, "pp", "1.4", "2021", "X")
    add(run, "pp", "about 1.1250", "2022", "X")  # 1.125, from 1.1245 to 1.1255
    with closing(sqlite3.connect(db_path)) as db, db:
        db.execute("UPDATE facts SET display = '1.400' WHERE id = 1")
        db.execute("UPDATE facts SET display = 'about 1.125' WHERE id = 2")
    before = state(run, str(db_path))
    assert [(f["display"], f["value"], f["low"], f["high"]) for f in before] == [
        ("1.400", 1.4, 1.4, 1.4),
        ("about 1.125", 1.125, 1.1245, 1.1255),
    ]
    copy = roundtrip(run, str(db_path), fmt, tmp_path)
    assert state(run, copy) == before
    # the value column settles only the reading the display had: 1.4, not 1400
    export = tmp_path / f"export.{fmt}"
    text = export.read_text(encoding="utf-8")
    export.write_text(text.replace("1.4,", "1400,").replace('"value": 1.4,', '"value": 1400,'), encoding="utf-8")
    result = run("import", str(export), "--db", str(tmp_path / "other.db"))
    assert result.exit_code == 2 and "cannot read value '1.400' (a point before three digits" in result.stderr
    assert not (tmp_path / "other.db").exists()


def test_a_csv_cell_longer_than_the_csv_modules_default_limit_imports_back(
    run: Run, tmp_path: Path, db_path: Path
) -> None:
    """The csv module refuses cells over 131,072 characters unless told otherwise: a long quote,
    and the history cell of a fact edited a few times with it, must import back all the same."""
    fact = add(run, "pp", "1", "2021", "V", "--quote", "q" * 70_000)
    run("edit", str(fact["id"]), "--value", "2")
    run("edit", str(fact["id"]), "--value", "3")
    add(run, "pp", "5", "2022", "V", "--quote", "w" * 140_000)
    copy = roundtrip(run, str(db_path), "csv", tmp_path)
    history_cell = max(len(line) for line in (tmp_path / "export.csv").read_text().splitlines())
    assert history_cell > 200_000
    assert state(run, copy) == state(run, str(db_path))
