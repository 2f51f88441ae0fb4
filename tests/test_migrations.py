"""A new database gets its schema by the migration functions themselves, run without
sqlite-utils (migrations._create), and sqlite-utils' record of each: the file is the one
sqlite-utils would have made, and sqlite-utils goes on upgrading it as any other."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from pptrack import migrations, store
from pptrack.errors import DatabaseProblem

V1 = Path(__file__).resolve().parent / "data" / "pptrack-v1.db"


@contextmanager
def connected(path: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(path)) as conn:
        yield conn


def schema(path: Path) -> list[tuple[str, str, str, str | None]]:
    """sqlite_master's names and SQL, in the order they were made."""
    with connected(path) as conn:
        return list(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid"))


def applied(path: Path) -> list[str]:
    with connected(path) as conn:
        return [m.name for m in migrations.chain().applied(Database(conn))]


def pending(path: Path) -> list[str]:
    with connected(path) as conn:
        return [m.name for m in migrations.chain().pending(Database(conn))]


def by_pptrack(path: Path) -> Path:
    """A new database as pptrack makes it (the first command that writes)."""
    store.open_db(path, write=True).close()
    return path


def by_sqlite_utils(path: Path) -> Path:
    """The same chain applied by sqlite-utils' own Migrations to an empty file."""
    with connected(path) as conn:
        migrations.chain().apply(Database(conn))
        conn.execute(f"PRAGMA user_version = {migrations.SCHEMA_VERSION}")
        conn.commit()
    return path


def one_more(monkeypatch: pytest.MonkeyPatch) -> None:
    """This pptrack knows one migration more than the real one."""

    def m999_probe(db: Any) -> None:
        db.execute("CREATE TABLE upgrade_probe (x INTEGER)")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, m999_probe])
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", migrations.SCHEMA_VERSION + 1)
    monkeypatch.setattr(store, "SCHEMA_VERSION", migrations.SCHEMA_VERSION)


def test_a_new_file_is_the_one_sqlite_utils_makes(tmp_path: Path) -> None:
    ours, theirs = by_pptrack(tmp_path / "ours.db"), by_sqlite_utils(tmp_path / "theirs.db")
    assert schema(ours) == schema(theirs)
    assert [row[1] for row in schema(ours)][:2] == ["_sqlite_migrations", "idx__sqlite_migrations_migration_set_name"]
    names = [fn.__name__ for fn in migrations.MIGRATIONS]
    assert applied(ours) == applied(theirs) == names
    assert pending(ours) == []
    with connected(ours) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION
        assert [r[0] for r in conn.execute("SELECT migration_set FROM _sqlite_migrations")] == ["pptrack"] * len(names)
        # applied_at as sqlite-utils writes it: str() of an aware UTC datetime
        stamps = [r[0] for r in conn.execute("SELECT applied_at FROM _sqlite_migrations ORDER BY id")]
    assert all(s.endswith("+00:00") and len(s) == len("2026-01-01 00:00:00.000000+00:00") for s in stamps)
    assert stamps == sorted(stamps)


def test_an_upgraded_v1_file_has_the_same_schema(tmp_path: Path) -> None:
    old = tmp_path / "v1.db"
    shutil.copyfile(V1, old)
    store.open_db(old, write=True).close()
    fresh = by_pptrack(tmp_path / "new.db")
    assert sorted(schema(old)) == sorted(schema(fresh))
    assert applied(old) == applied(fresh)


def test_a_further_migration_applies_through_sqlite_utils_on_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours, theirs = by_pptrack(tmp_path / "ours.db"), by_sqlite_utils(tmp_path / "theirs.db")
    one_more(monkeypatch)
    assert pending(ours) == pending(theirs) == ["m999_probe"]
    for path in (ours, theirs):
        opened = store.open_db(path, write=True)
        opened.close()
        assert opened.notices and "upgrading" in opened.notices[0]
    assert schema(ours) == schema(theirs)
    assert applied(ours)[-1] == "m999_probe" and applied(ours) == applied(theirs)
    # and a database new to this pptrack gets the further migration without sqlite-utils too
    newest = by_pptrack(tmp_path / "newest.db")
    assert schema(newest) == schema(ours) and pending(newest) == []


def test_an_empty_file_is_a_new_database(tmp_path: Path) -> None:
    """A file of no bytes (touched, or left by a process killed before its first write) is made like a new one."""
    empty = tmp_path / "empty.db"
    empty.touch()
    assert schema(by_pptrack(empty)) == schema(by_pptrack(tmp_path / "new.db"))


def test_a_failing_migration_leaves_a_new_file_without_tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def m999_broken(db: Any) -> None:
        db.execute("CREATE TABLE half_done (x INTEGER)")
        db.execute("THIS IS NOT SQL")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, m999_broken])
    with pytest.raises(DatabaseProblem, match="syntax error"):
        by_pptrack(tmp_path / "new.db")
    assert schema(tmp_path / "new.db") == []
