"""Opening the database: migrations from blank, default location, files that are not ours."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from conftest import Run, add
from pptrack.migrations import SCHEMA_VERSION


def test_migrate_blank_database(run: Run, db_path: Path) -> None:
    add(run, "pp", "888", "2021", "HRO")
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    columns = [r[1] for r in conn.execute("PRAGMA table_info(facts)")]
    assert columns[:12] == [
        "id",
        "uid",
        "metric_id",
        "value",
        "low",
        "high",
        "qualifier",
        "display",
        "date",
        "date_precision",
        "date_start",
        "date_end",
    ]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    assert {"facts", "metrics", "sources", "metric_names", "source_names", "fact_versions", "facts_named"} <= tables
    row = conn.execute("SELECT metric, display, source FROM facts_named").fetchone()
    assert row == ("pp", "888", "HRO")


def test_default_location_under_xdg_data_home(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PPTRACK_DB")
    add(run, "pp", "888", "2021", "HRO")
    assert (tmp_path / "xdg" / "pptrack" / "pptrack.db").exists()


def test_a_relative_xdg_data_home_is_ignored(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The XDG rule: a relative $XDG_DATA_HOME is invalid and ignored (~/.local/share then)."""
    monkeypatch.delenv("PPTRACK_DB")
    monkeypatch.setenv("XDG_DATA_HOME", "relative/data")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    add(run, "pp", "888", "2021", "HRO")
    assert (tmp_path / "home" / ".local" / "share" / "pptrack" / "pptrack.db").exists()
    assert not (tmp_path / "relative").exists()


def test_db_option_wins_over_env(run: Run, tmp_path: Path, db_path: Path) -> None:
    other = tmp_path / "deep" / "folder" / "other.db"
    add(run, "pp", "888", "2021", "HRO", "--db", str(other))
    assert other.exists() and not db_path.exists()


def test_not_a_database(run: Run, db_path: Path) -> None:
    db_path.write_bytes(b"this is not sqlite at all" * 100)
    before = db_path.read_bytes()
    result = run("list")
    assert result.exit_code == 1
    assert str(db_path) in result.stderr and result.stderr.count("\n") == 1
    assert db_path.read_bytes() == before


def test_someone_elses_sqlite_database(run: Run, db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE cats (name TEXT)")
    conn.commit()
    conn.close()
    result = run("add", "pp", "5", "--date", "2021", "--source", "X")
    assert result.exit_code == 1 and "not a pptrack one" in result.stderr


def test_newer_database_refused_untouched(run: Run, db_path: Path) -> None:
    add(run, "pp", "888", "2021", "HRO")
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    result = run("list")
    assert result.exit_code == 1
    assert f"schema version {SCHEMA_VERSION + 1}" in result.stderr and "newer pptrack" in result.stderr
    assert db_path.read_bytes() == before


def test_db_is_a_folder(run: Run, tmp_path: Path) -> None:
    result = run("list", "--db", str(tmp_path))
    assert result.exit_code in (1, 2) and "Traceback" not in result.stderr
