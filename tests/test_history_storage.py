"""How history is stored: a fact not changed since it was added stores no version (its one
version is the fact itself); its first change stores that 'added' version first. Whatever
changes a fact, or the names its versions carry, must keep the version before it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from conftest import Run, add


def stored_versions(db: Path) -> list[tuple[int, int, str]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT fact_id, version, change FROM fact_versions ORDER BY fact_id, version").fetchall()
    finally:
        conn.close()


def test_an_unchanged_fact_stores_no_version_and_shows_one(run: Run, run_json: Any, db_path: Path) -> None:
    fact = add(run, "pp", "nearly 1,400", "2024-05-21", "EU", "--via", "EU Neighbours East", "--tag", "x")
    assert stored_versions(db_path) == []
    (version,) = run_json("history", "1")
    assert version == {**fact, "version": 1, "changed_at": fact["created_at"], "change": "added"}


def test_the_first_edit_keeps_the_fact_as_it_was(run: Run, run_json: Any, db_path: Path) -> None:
    fact = add(run, "pp", "0.1", "2024-05-21", "EU", "--note", "first")
    assert run("edit", "1", "--value", "1,189", "--note", "").exit_code == 0
    assert stored_versions(db_path) == [(1, 1, "added"), (1, 2, "edited")]
    first, second = run_json("history", "1")
    assert first == {**fact, "version": 1, "changed_at": fact["created_at"], "change": "added"}
    assert (second["value"], second["note"]) == (1189, None)


def test_removing_an_unchanged_fact_keeps_its_added_version(run: Run, run_json: Any) -> None:
    fact = add(run, "pp", "888", "2021", "HRO")
    assert run("rm", "1").exit_code == 0
    versions = run_json("history", "1")
    assert [v["change"] for v in versions] == ["added", "removed"]
    assert versions[0]["updated_at"] == fact["updated_at"] == fact["created_at"]


def test_renaming_a_metric_keeps_the_old_slug_in_history(run: Run, run_json: Any) -> None:
    add(run, "pp", "888", "2021", "HRO")
    assert run("metrics", "rename", "pp", "political-prisoners").exit_code == 0
    (version, renamed) = run_json("history", "1")
    assert version["metric"] == "pp"
    assert run_json("show", "1")["metric"] == "political-prisoners" == renamed["metric"]  # the last as it is


def test_merging_sources_keeps_the_old_names_in_history(run: Run, run_json: Any) -> None:
    add(run, "pp", "888", "2021", "HRO")
    add(run, "pp", "nearly 1,200", "2025-08", "PIN", "--via", "HRO")
    add(run, "pp", "1,189", "2025-05", "Viasna")
    assert run("sources", "merge", "Viasna", "HRO").exit_code == 0
    first = run_json("history", "1")
    assert [(v["change"], v["source"]) for v in first] == [("added", "HRO"), ("edited", "Viasna")]
    second = run_json("history", "2")
    assert [(v["change"], v["via"]) for v in second] == [("added", "HRO"), ("edited", "Viasna")]
    assert [v["change"] for v in run_json("history", "3")] == ["added"]


def test_export_and_import_carry_histories_either_way(run: Run, run_json: Any, tmp_path: Path) -> None:
    add(run, "pp", "888", "2021", "HRO")
    add(run, "pp", "nearly 1,400", "2024-05", "EU")
    assert run("edit", "2", "--note", "EU statement").exit_code == 0
    add(run, "pp", "1,189", "2025-05", "Viasna")
    assert run("rm", "3").exit_code == 0
    exported = tmp_path / "all.jsonl"
    assert run("export", "-o", str(exported)).exit_code == 0
    records = [json.loads(line) for line in exported.read_text().splitlines()]
    assert [len(r["history"]) for r in records] == [0, 2, 2]  # the unchanged fact's history is the fact
    histories = {i: run_json("history", str(i)) for i in (1, 2, 3)}
    other = tmp_path / "other.db"
    assert run("import", str(exported), "--db", str(other)).exit_code == 0
    by_uid = {v[0]["uid"]: v for v in histories.values()}
    for i in (1, 2, 3):
        again = run_json("history", str(i), "--db", str(other))
        assert again == [{**v, "id": i} for v in by_uid[again[0]["uid"]]]
    assert stored_versions(other) == [(2, 1, "added"), (2, 2, "edited"), (3, 1, "added"), (3, 2, "removed")]
    assert run("check", "--db", str(other)).exit_code == 0
