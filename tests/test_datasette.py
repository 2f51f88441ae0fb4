"""The database is an open data source: sqlite-utils and Datasette (real clients) read its views;
a schema-1 database upgrades to the views in place, facts and history intact."""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Run, add
from pptrack.migrations import SCHEMA_VERSION

BIN = Path(sys.executable).parent
V1 = Path(__file__).resolve().parent / "data" / "pptrack-v1.db"


@pytest.fixture
def figures(run: Run) -> None:
    add(run, "political-prisoners", "888", "2021", "HRO")
    add(run, "political-prisoners", "nearly 1,400", "2024-05-21", "EU", "--via", "EU Neighbours East")
    add(run, "political-prisoners", "1,189", "2025-05-21", "Viasna", "--via", "Pozirk")
    add(run, "political-prisoners", "nearly 1,200", "2025-08", "Viasna", "--via", "People In Need")
    removed = add(run, "political-prisoners", "2,000", "2025-09", "Viasna")
    run("rm", str(removed["id"]))


def test_sqlite_utils_reads_the_views(figures: None, db_path: Path) -> None:
    result = subprocess.run(
        [str(BIN / "sqlite-utils"), "rows", str(db_path), "latest_per_metric_source"],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = json.loads(result.stdout)
    assert [(r["metric"], r["source"], r["display"], r["date"], r["via"]) for r in rows] == [
        ("political-prisoners", "EU", "nearly 1,400", "2024-05-21", "EU Neighbours East"),
        ("political-prisoners", "HRO", "888", "2021", None),
        ("political-prisoners", "Viasna", "nearly 1,200", "2025-08", "People In Need"),  # not the removed one
    ]
    named = subprocess.run(
        [str(BIN / "sqlite-utils"), "rows", str(db_path), "facts_named", "--csv"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert named.stdout.count("\n") == 5  # header and the four live facts


def test_datasette_serves_the_views_with_metadata(figures: None, run: Run, db_path: Path, tmp_path: Path) -> None:
    from datasette.app import Datasette

    meta = json.loads(run("export", "--format", "datasette-metadata").stdout)

    async def fetch() -> tuple:
        ds = Datasette([str(db_path)], metadata=meta)
        latest = await ds.client.get("/pptrack/latest_per_metric_source.json?_shape=array")
        facts = await ds.client.get("/pptrack/facts_named.json?_shape=array&source=Viasna")
        page = await ds.client.get("/pptrack/latest_per_metric_source")
        return latest, facts, page

    latest, facts, page = asyncio.run(fetch())
    assert latest.status_code == 200
    assert [r["display"] for r in latest.json()] == ["nearly 1,400", "888", "nearly 1,200"]
    assert sorted(r["display"] for r in facts.json()) == ["1,189", "nearly 1,200"]
    assert page.status_code == 200
    assert "Latest figure per metric and source" in page.text


def test_datasette_command_line(figures: None, db_path: Path) -> None:
    result = subprocess.run(
        [str(BIN / "datasette"), str(db_path), "--get", "/pptrack/facts_named.json?_shape=array&_sort=date"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert [r["date"] for r in json.loads(result.stdout)] == ["2021", "2024-05-21", "2025-05-21", "2025-08"]


def test_version_1_database_upgrades_to_the_views(run: Run, tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    shutil.copy(V1, db)
    before = sqlite3.connect(V1)
    facts = before.execute("SELECT * FROM facts ORDER BY id").fetchall()
    versions = before.execute("SELECT * FROM fact_versions ORDER BY id").fetchall()
    before.close()
    result = run("list", "--db", str(db), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert f"from schema version 1 to {SCHEMA_VERSION}" in result.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT * FROM facts ORDER BY id").fetchall() == facts
    assert conn.execute("SELECT * FROM fact_versions ORDER BY id").fetchall() == versions
    latest = conn.execute("SELECT metric, source, display FROM latest_per_metric_source").fetchall()
    assert len(latest) >= 1
    assert (tmp_path / "old.db.v1.bak").exists()
    # and its facts export and import like any others
    assert run("export", "--db", str(db), "-o", str(tmp_path / "old.jsonl")).exit_code == 0
    assert run("import", str(tmp_path / "old.jsonl"), "--db", str(tmp_path / "new.db")).exit_code == 0
    old_list = json.loads(run("list", "--db", str(db), "--format", "json").stdout)
    new_list = json.loads(run("list", "--db", str(tmp_path / "new.db"), "--format", "json").stdout)
    assert [{k: v for k, v in f.items() if k != "id"} for f in new_list] == [
        {k: v for k, v in f.items() if k != "id"} for f in old_list
    ]
