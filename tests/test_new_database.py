"""`import` into a database that does not exist builds it in a temporary file beside its
path and publishes it there only when whole (store.Store.publish): a failed import leaves
no file at all, and a file that appears at the path meanwhile is never replaced."""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from conftest import Run, add
from pptrack import io, store
from test_faults import _big_csv, _pptrack, facts_in, one_line_error

CSV = (
    'metric,value,date,source,via,tags\npp,888,2021-12,HRO,,a\npp,"nearly 1,400",2024-05-21,EU,EUNE,\nq,5,2022,X,,b;c\n'
)
# What an import writes, but for what differs by when and where it ran (uids, stamps).
CONTENT = {
    "metrics": "SELECT id, slug, label, unit, kind FROM metrics ORDER BY id",
    "metric_names": "SELECT key, metric_id, name, is_alias FROM metric_names ORDER BY key",
    "sources": "SELECT id, name, url FROM sources ORDER BY id",
    "source_names": "SELECT key, source_id, name, is_alias FROM source_names ORDER BY key",
    "facts": """SELECT id, metric_id, value, low, high, qualifier, display, date, date_precision, date_start,
        date_end, date_rank, published, source_id, via_id, url, quote, note, tags, removed_at FROM facts ORDER BY id""",
    "fact_versions": "SELECT count(*) FROM fact_versions",
    "schema": "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name",
    "user_version": "PRAGMA user_version",
    "journal_mode": "PRAGMA journal_mode",
    "integrity": "PRAGMA integrity_check",
}


def content(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with closing(sqlite3.connect(path)) as conn:
        return {name: [tuple(r) for r in conn.execute(sql)] for name, sql in CONTENT.items()}


@pytest.fixture
def rows(tmp_path: Path) -> Path:
    path = tmp_path / "rows.csv"
    path.write_text(CSV)
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An empty folder for the database: nothing else is in it, so every file left shows."""
    path = tmp_path / "data"
    path.mkdir()
    return path


def during_import(monkeypatch: pytest.MonkeyPatch, then: Callable[[], None]) -> None:
    """Run `then` once the import has written everything, before the command publishes it."""
    real = io.import_facts

    def import_facts(*args: Any, **kwargs: Any) -> io.ImportResult:
        result = real(*args, **kwargs)
        then()
        return result

    monkeypatch.setattr(io, "import_facts", import_facts)


def test_a_new_database_appears_whole_and_in_wal_mode(run: Run, rows: Path, folder: Path, monkeypatch) -> None:
    target = folder / "new.db"
    seen: list[list[str]] = []
    during_import(monkeypatch, lambda: seen.append(sorted(p.name for p in folder.iterdir())))
    result = run("import", str(rows), "--db", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.endswith("imported 3 fact(s); 0 already present; 0 updated\n")
    # while it was built the path was free, and the file beside it said what it was
    [[building]] = seen
    assert building.startswith(".new.db.") and building.endswith(".partial")
    assert sorted(p.name for p in folder.iterdir()) == ["new.db"]  # no -wal, -shm or temporary file left
    assert content(target)["journal_mode"] == [("wal",)]
    assert content(target)["integrity"] == [("ok",)]


def test_it_holds_what_an_import_in_place_writes(run: Run, rows: Path, folder: Path) -> None:
    new, in_place = folder / "new.db", folder / "in-place.db"
    store.open_db(in_place, write=True).close()  # exists, empty: imported into in place
    assert run("import", str(rows), "--db", str(new)).exit_code == 0
    assert run("import", str(rows), "--db", str(in_place)).exit_code == 0
    assert content(new) == content(in_place)
    assert content(new)["facts"] and content(new)["journal_mode"] == [("wal",)]
    listed = [run("list", "--format", "csv", "--db", str(p)).stdout for p in (new, in_place)]
    uidless = [[line.split(",", 2)[2].rsplit(",", 2)[0] for line in text.splitlines()[1:]] for text in listed]
    assert uidless[0] == uidless[1] and len(uidless[0]) == 3


@pytest.mark.parametrize("empty", ["database", "no bytes"])
def test_an_existing_empty_database_is_imported_into_in_place(run: Run, rows: Path, folder: Path, empty: str) -> None:
    target = folder / "empty.db"
    if empty == "database":
        store.open_db(target, write=True).close()
    else:
        target.touch()
    inode = target.stat().st_ino
    assert run("import", str(rows), "--db", str(target)).exit_code == 0
    assert target.stat().st_ino == inode  # the same file, written in place
    assert facts_in(target) == 3
    assert not [p for p in folder.iterdir() if p.name.endswith(".partial")]


@pytest.mark.parametrize("made", ["touch", "tables dropped"])
def test_reading_a_file_with_nothing_yet_writes_nothing_into_it(run: Run, db_path: Path, made: str) -> None:
    """A command that only reads wrote pptrack's tables into a file `touch` made, or an
    SQLite file without tables."""
    if made == "touch":
        db_path.touch()
    else:
        with closing(sqlite3.connect(db_path)) as conn:
            conn.executescript("CREATE TABLE t (x); DROP TABLE t;")
    before = db_path.read_bytes()
    for args in (["list"], ["list", "--format", "json"], ["latest"], ["timeline"], ["export"], ["metrics", "list"]):
        result = run(*args)
        assert result.exit_code == 0, (args, result.stderr)
        assert db_path.read_bytes() == before, args
    assert run("list", "--format", "json").stdout.strip() == "[]"
    add(run, "pp", "5", "2021", "X")  # a command that writes makes the database there
    assert facts_in(db_path) == 1


@pytest.mark.parametrize(
    "text, extra",
    [
        ("metric,value,date,source\npp,5,2021,X\npp,lots,2022,X\n", []),  # a bad row
        ("metric,value,date,source\npp,5,2021,X\n", ["--strict"]),  # a new name refused
        ("metric,value,date,source,uid\npp,5,2021,X,u1\npp,6,2022,X,u1\n", []),  # a uid twice
    ],
    ids=["bad-row", "strict", "uid-twice"],
)
def test_a_failed_import_leaves_no_file(run: Run, tmp_path: Path, folder: Path, text: str, extra: list[str]) -> None:
    source = tmp_path / "rows.csv"
    source.write_text(text)
    result = run("import", str(source), "--db", str(folder / "new.db"), *extra)
    assert result.exit_code == 2 and "nothing was imported" in result.stderr
    assert list(folder.iterdir()) == []


def test_a_failed_import_into_new_folders_leaves_no_folder(run: Run, tmp_path: Path, folder: Path) -> None:
    source = tmp_path / "rows.csv"
    source.write_text("metric,value,date,source\npp,5,2021,X\npp,lots,2022,X\n")
    result = run("import", str(source), "--db", str(folder / "a" / "b" / "new.db"))
    assert result.exit_code == 2 and "nothing was imported" in result.stderr
    assert list(folder.iterdir()) == []  # a and a/b were made for it, and are gone again


def test_a_failed_import_removes_only_the_folders_it_made(run: Run, tmp_path: Path, folder: Path) -> None:
    """`x/../b` names b, which was there before: the import made x alone, and removes x alone."""
    source = tmp_path / "rows.csv"
    source.write_text("metric,value,date,source\npp,5,2021,X\npp,lots,2022,X\n")
    (folder / "b").mkdir()
    result = run("import", str(source), "--db", str(folder / "x" / ".." / "b" / "new.db"))
    assert result.exit_code == 2
    assert sorted(p.name for p in folder.iterdir()) == ["b"]


def test_a_folder_made_for_a_failed_import_stays_when_something_else_is_in_it(
    run: Run, tmp_path: Path, folder: Path, monkeypatch
) -> None:
    source = tmp_path / "rows.csv"
    source.write_text("metric,value,date,source\npp,5,2021,X\npp,lots,2022,X\n")
    during = folder / "a" / "notes.txt"
    real = io.import_facts

    def import_facts(*args: Any, **kwargs: Any) -> io.ImportResult:
        during.write_text("someone else's")  # a file put in the new folder during the import
        return real(*args, **kwargs)

    monkeypatch.setattr(io, "import_facts", import_facts)
    result = run("import", str(source), "--db", str(folder / "a" / "b" / "new.db"))
    assert result.exit_code == 2
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) == ["a", "a/notes.txt"]


def test_an_interrupted_import_leaves_no_file(run: Run, rows: Path, folder: Path, monkeypatch) -> None:
    def interrupt(self: store.Store) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(store.Store, "import_unstage", interrupt)  # inside the import's transaction
    result = run("import", str(rows), "--db", str(folder / "new.db"))
    assert result.exit_code != 0
    assert list(folder.iterdir()) == []


def test_a_dry_run_creates_nothing(run: Run, rows: Path, folder: Path) -> None:
    result = run("import", str(rows), "--db", str(folder / "new.db"), "--dry-run")
    assert result.exit_code == 0 and "would import 3 fact(s)" in result.stderr
    assert list(folder.iterdir()) == []


@pytest.mark.slow
def test_a_full_disk_leaves_no_file(tmp_path: Path, folder: Path) -> None:
    target = folder / "new.db"
    result = _pptrack("import", str(_big_csv(tmp_path / "big.csv", 500)), db=target, limit=20_000)
    assert result.returncode == 1
    assert str(target) in one_line_error(result.stderr)
    assert list(folder.iterdir()) == []


def test_publishing_syncs_the_file_then_the_folder(run: Run, rows: Path, folder: Path, monkeypatch) -> None:
    synced: list[str] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    assert run("import", str(rows), "--db", str(folder / "new.db")).exit_code == 0
    mine = [Path(p) for p in synced if Path(p).parent == folder or Path(p) == folder]
    assert len(mine) == 2 and mine[0].name.startswith(".new.db.") and mine[1] == folder


def test_a_folder_sync_that_fails_does_not_say_nothing_was_changed(
    run: Run, rows: Path, folder: Path, monkeypatch
) -> None:
    # The database is in place, whole, before the folder is synced: the error says so.
    real = os.fsync

    def fsync(fd: int) -> None:
        if Path(os.readlink(f"/proc/self/fd/{fd}")) == folder:
            raise OSError(errno.EIO, "Input/output error")
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    result = run("import", str(rows), "--db", str(folder / "new.db"))
    assert result.exit_code == 1
    assert "was written whole" in result.stderr and "nothing was changed" not in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["new.db"] and facts_in(folder / "new.db") == 3


def test_without_hard_links_it_is_renamed_into_place(run: Run, rows: Path, folder: Path, monkeypatch) -> None:
    def no_links(src: Any, dst: Any) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    assert run("import", str(rows), "--db", str(folder / "new.db")).exit_code == 0
    assert sorted(p.name for p in folder.iterdir()) == ["new.db"] and facts_in(folder / "new.db") == 3


@pytest.mark.parametrize("linked", [True, False], ids=["link", "rename"])
def test_a_database_that_appears_meanwhile_is_added_to_not_replaced(
    run: Run, rows: Path, tmp_path: Path, folder: Path, monkeypatch, linked: bool
) -> None:
    """Another process made the file while this import built its own: the facts built go
    into that file, as an export of them would, and what it held stays."""
    theirs = tmp_path / "theirs.db"
    earlier = add(run, "other", "7", "2020", "Elsewhere", "--db", str(theirs))
    target = folder / "new.db"
    during_import(monkeypatch, lambda: shutil.copyfile(theirs, target))
    if not linked:
        monkeypatch.setattr(os, "link", lambda src, dst: (_ for _ in ()).throw(OSError(errno.ENOTSUP, "no")))
    result = run("import", str(rows), "--db", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.endswith("imported 3 fact(s); 0 already present; 0 updated\n")
    assert sorted(p.name for p in folder.iterdir()) == ["new.db"]
    listed = json.loads(run("list", "--format", "json", "--db", str(target)).stdout)
    assert earlier in listed  # the fact that was there, as it was
    assert sorted(f["display"] for f in listed) == ["5", "7", "888", "nearly 1,400"]
    assert run("check", "--db", str(target)).exit_code == 0


def test_the_same_file_imported_meanwhile_is_already_present(
    run: Run, rows: Path, tmp_path: Path, folder: Path, monkeypatch
) -> None:
    theirs = tmp_path / "theirs.db"
    assert run("import", str(rows), "--db", str(theirs)).exit_code == 0
    before = content(theirs)
    target = folder / "new.db"
    during_import(monkeypatch, lambda: shutil.copyfile(theirs, target))
    result = run("import", str(rows), "--db", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.endswith("imported 0 fact(s); 3 already present; 0 updated\n")
    assert content(target) == before


def test_a_file_that_appears_and_is_no_database_is_left_as_it_is(
    run: Run, rows: Path, folder: Path, monkeypatch
) -> None:
    target = folder / "new.db"
    during_import(monkeypatch, lambda: target.write_text("someone's notes\n"))
    result = run("import", str(rows), "--db", str(target))
    assert result.exit_code == 1
    assert str(target) in one_line_error(result.stderr) and "not an SQLite database" in result.stderr
    assert target.read_text() == "someone's notes\n"
    assert [p.name for p in folder.iterdir()] == ["new.db"]


def test_a_killed_imports_leftover_is_swept_by_the_next_one(run: Run, rows: Path, folder: Path) -> None:
    # A process killed outright leaves its .partial file; the next import beside it removes
    # the files of builders that are gone and left alone for ten minutes, and no other.
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(gone.stdout)
    old = time.time() - 3600
    stale = folder / f".new.db.{dead_pid}-0badcafe.partial"
    recent = folder / f".new.db.{dead_pid}-0000beef.partial"  # gone, but written a moment ago
    alive = folder / f".new.db.{os.getpid()}-00c0ffee.partial"  # this process: still building
    other = folder / ".other.db.1-00000000.partial"  # another database's
    for leftover in (stale, recent, alive, other):
        leftover.write_bytes(b"half a database")
    for leftover in (stale, alive, other):
        os.utime(leftover, (old, old))
    Path(f"{stale}-journal").write_bytes(b"")
    os.utime(f"{stale}-journal", (old, old))
    assert run("import", str(rows), "--db", str(folder / "new.db")).exit_code == 0
    assert sorted(p.name for p in folder.iterdir()) == sorted(["new.db", recent.name, alive.name, other.name])
