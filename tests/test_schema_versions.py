"""Schema versions live in `PRAGMA user_version`: an older database is upgraded in place
after a backup copy; a newer one is refused with both versions named and left untouched."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import Run, add
from pptrack import migrations, store

V1 = Path(__file__).resolve().parent / "data" / "pptrack-v1.db"
PPTRACK = shutil.which("pptrack", path=str(Path(sys.executable).parent)) or "pptrack"
FACT_COLUMNS = "uid, value, low, high, qualifier, display, date, date_precision, url, quote, note, tags, created_at"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def query(path: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [tuple(r) for r in conn.execute(sql)]
    finally:
        conn.close()


def user_version(path: Path) -> int:
    return int(query(path, "PRAGMA user_version")[0][0])


@pytest.fixture
def v1_copy(tmp_path: Path) -> Path:
    """The database file made by schema version 1, copied: the original is never changed."""
    target = tmp_path / "old" / "tracker.db"
    target.parent.mkdir()
    shutil.copyfile(V1, target)
    return target


def test_the_v1_file_is_what_it_claims() -> None:
    assert user_version(V1) == 1
    assert query(V1, "SELECT count(*) FROM facts")[0][0] > 0


@pytest.mark.skipif(migrations.SCHEMA_VERSION == 1, reason="no migration after version 1 yet")
def test_v1_database_is_upgraded_in_place_after_a_backup(run: Run, v1_copy: Path) -> None:
    original = digest(v1_copy)
    facts_before = query(v1_copy, f"SELECT {FACT_COLUMNS} FROM facts ORDER BY id")
    result = run("list", "--format", "json", "--db", str(v1_copy))
    assert result.exit_code == 0, result.stderr
    backup = v1_copy.with_name("tracker.db.v1.bak")
    # the message says what happened and where the old file is
    assert result.stderr.count("\n") == 1
    assert "from schema version 1 to" in result.stderr and str(backup) in result.stderr
    assert backup.exists() and user_version(backup) == 1
    assert query(backup, f"SELECT {FACT_COLUMNS} FROM facts ORDER BY id") == facts_before
    assert user_version(v1_copy) == migrations.SCHEMA_VERSION
    assert query(v1_copy, f"SELECT {FACT_COLUMNS} FROM facts ORDER BY id") == facts_before
    assert len(json.loads(result.stdout)) == len(facts_before)
    assert query(v1_copy, "PRAGMA journal_mode") == [("wal",)]  # the old file used a rollback journal
    # the original data file is untouched, and a second run upgrades nothing
    assert digest(V1) != "" and original == digest(V1)
    again = run("list", "--db", str(v1_copy))
    assert again.exit_code == 0 and "upgrading" not in again.stderr
    checked = run("check", "--db", str(v1_copy))
    assert checked.exit_code == 0, checked.stdout + checked.stderr


def _one_more_migration(monkeypatch: pytest.MonkeyPatch, fn: Any) -> int:
    """Pretend this pptrack knows one migration more than the real one."""
    newer = migrations.SCHEMA_VERSION + 1
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, fn])
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", newer)
    monkeypatch.setattr(store, "SCHEMA_VERSION", newer)
    return newer


def test_upgrade_mechanism_with_a_further_migration(run: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the real chain: an older file gets a backup named with its version, then
    the new migration, in place."""
    add(run, "pp", "nearly 1,400", "2024-05-21", "EU")
    old = migrations.SCHEMA_VERSION
    before = query(db_path, f"SELECT {FACT_COLUMNS} FROM facts")

    def m999_probe(db: Any) -> None:
        db.execute("CREATE TABLE upgrade_probe (x INTEGER)")

    newer = _one_more_migration(monkeypatch, m999_probe)
    result = run("list", "--format", "json")
    assert result.exit_code == 0, result.stderr
    backup = db_path.with_name(f"{db_path.name}.v{old}.bak")
    assert str(backup) in result.stderr and f"from schema version {old} to {newer}" in result.stderr
    assert user_version(backup) == old and user_version(db_path) == newer
    assert query(db_path, "SELECT count(*) FROM upgrade_probe") == [(0,)]
    assert not query(backup, "SELECT name FROM sqlite_master WHERE name = 'upgrade_probe'")
    assert query(db_path, f"SELECT {FACT_COLUMNS} FROM facts") == before
    assert [f["display"] for f in json.loads(result.stdout)] == ["nearly 1,400"]


def test_a_failing_migration_changes_nothing(run: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    add(run, "pp", "5", "2021", "X")
    old = migrations.SCHEMA_VERSION
    before = query(db_path, f"SELECT {FACT_COLUMNS} FROM facts")

    def m999_broken(db: Any) -> None:
        db.execute("CREATE TABLE half_done (x INTEGER)")
        db.execute("THIS IS NOT SQL")

    _one_more_migration(monkeypatch, m999_broken)
    result = run("add", "pp", "6", "--date", "2022", "--source", "X")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert user_version(db_path) == old
    assert not query(db_path, "SELECT name FROM sqlite_master WHERE name = 'half_done'")
    assert query(db_path, f"SELECT {FACT_COLUMNS} FROM facts") == before
    # The file is as it was: no backup of it is left, one more at each run that fails so
    # (an older database the user may not write made a copy a run beside it).
    assert run("list").exit_code == 1
    assert list(db_path.parent.glob("*.bak")) == []


@pytest.mark.parametrize(
    "args",
    [["list"], ["add", "pp", "5", "--date", "2021", "--source", "X"], ["metrics", "list"], ["check"]],
    ids=["list", "add", "metrics", "check"],
)
def test_newer_database_is_refused_and_left_byte_identical(run: Run, v1_copy: Path, args: list[str]) -> None:
    future = migrations.SCHEMA_VERSION + 3
    conn = sqlite3.connect(v1_copy)
    conn.execute(f"PRAGMA user_version = {future}")
    conn.commit()
    conn.close()
    before = digest(v1_copy)
    result = run(*args, "--db", str(v1_copy))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert f"schema version {future}" in result.stderr
    assert f"up to version {migrations.SCHEMA_VERSION}" in result.stderr
    assert str(v1_copy) in result.stderr
    assert digest(v1_copy) == before
    assert sorted(p.name for p in v1_copy.parent.iterdir()) == ["tracker.db"]  # no backup, no -wal


@pytest.mark.slow
@pytest.mark.skipif(migrations.SCHEMA_VERSION == 1, reason="no migration after version 1 yet")
def test_processes_upgrading_at_once_make_one_faithful_backup(v1_copy: Path) -> None:
    """Several commands opening the old file together: one upgrades, the others wait for
    it; the backup is the old file, never a half- or fully-migrated one."""
    facts_before = query(v1_copy, f"SELECT {FACT_COLUMNS} FROM facts ORDER BY id")
    env = {**os.environ, "PPTRACK_DB": str(v1_copy)}
    commands = [["list", "--format", "json"]] * 3 + [
        ["add", "pp", str(n), "--date", "2021", "--source", "X"] for n in (1, 2, 3)
    ]
    procs = [
        subprocess.Popen([PPTRACK, *c], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for c in commands
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * len(procs), [err for _, err in outs]
    assert sum("upgrading" in err for _, err in outs) == 1
    backup = v1_copy.with_name("tracker.db.v1.bak")
    assert user_version(backup) == 1
    assert query(backup, f"SELECT {FACT_COLUMNS} FROM facts ORDER BY id") == facts_before
    assert user_version(v1_copy) == migrations.SCHEMA_VERSION
    assert query(v1_copy, "SELECT count(*) FROM facts")[0][0] == len(facts_before) + 3


@pytest.mark.skipif(migrations.SCHEMA_VERSION == 1, reason="no migration after version 1 yet")
def test_an_older_backup_of_the_same_version_is_never_written_over(run: Run, v1_copy: Path) -> None:
    # A v1 file upgraded once, then restored from a copy and upgraded again: both
    # backups stay, the second beside the first.
    first = v1_copy.with_name("tracker.db.v1.bak")
    assert run("list", "--db", str(v1_copy)).exit_code == 0
    first_digest = digest(first)
    shutil.copyfile(V1, v1_copy)
    for suffix in ("-wal", "-shm"):
        v1_copy.with_name(v1_copy.name + suffix).unlink(missing_ok=True)
    sqlite3.connect(v1_copy).execute("UPDATE facts SET note = 'restored copy' WHERE id = 1").connection.commit()
    again = run("list", "--db", str(v1_copy))
    second = v1_copy.with_name("tracker.db.v1.2.bak")
    assert again.exit_code == 0 and str(second) in again.stderr
    assert digest(first) == first_digest
    assert query(second, "SELECT note FROM facts WHERE id = 1") == [("restored copy",)]
    assert user_version(second) == 1 and user_version(v1_copy) == migrations.SCHEMA_VERSION
