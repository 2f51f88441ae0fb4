"""The switch of a new database to write-ahead logging waits for other processes' locks.

A new database is made in SQLite's default (rollback journal) mode, migrated, then switched
to WAL. `PRAGMA journal_mode = WAL` needs the file to itself and SQLite does not call the busy
handler for it: while another process held a lock (the next process's schema check, under
BEGIN IMMEDIATE), the switch failed at once and that `add` exited 1 with "locked ... waited
60 s" (tests/test_concurrency.py's eight writers, about one run in forty under load). Here the
other process is a second connection holding the lock, released from a timer thread.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import PP, Run, db_value
from pptrack import store
from pptrack.migrations import migrate


def journal_mode(db: Path) -> str:
    return str(db_value(db, "PRAGMA journal_mode"))


@pytest.fixture
def migrated_not_switched(db_path: Path) -> Iterator[sqlite3.Connection]:
    """A new database as its maker leaves it between the migration and the switch to WAL,
    and a connection to it (another process) holding the write lock, as that process's
    schema check does (BEGIN IMMEDIATE)."""
    conn = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN IMMEDIATE")
    migrate(conn)
    conn.execute("COMMIT")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()


def test_add_waits_for_the_lock_then_switches_to_wal(
    run: Run, db_path: Path, migrated_not_switched: sqlite3.Connection
) -> None:
    release = threading.Timer(0.3, migrated_not_switched.execute, ("COMMIT",))
    release.start()
    try:
        result = run("add", PP, "1,189", "--date", "2025-05-21", "--source", "Viasna", "--format", "json")
    finally:
        release.join()
    assert result.exit_code == 0, result.stderr  # before: 1, "... is locked by another program; waited 60 s"
    assert json.loads(result.stdout)["value"] == 1189
    assert journal_mode(db_path) == "wal"


def test_a_lock_never_released_fails_after_the_busy_timeout(
    run: Run, db_path: Path, migrated_not_switched: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "BUSY_TIMEOUT_S", 0.2)
    result = run("add", PP, "1,189", "--date", "2025-05-21", "--source", "Viasna")
    assert result.exit_code == 1
    assert result.stderr == f"error: {db_path} is locked by another program; waited 0 s for it\n"
    migrated_not_switched.execute("ROLLBACK")
    assert journal_mode(db_path) == "delete"
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("SELECT count(*) FROM facts").fetchone()[0] == 0  # nothing written
    finally:
        conn.close()
