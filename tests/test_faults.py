"""A database pptrack cannot use — not a database, an unwritable folder or file, a full
disk — gives exit 1 and one line that says what and where, and the file is left as it was."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import Run, add, db_value, scribble_on_facts

PPTRACK = shutil.which("pptrack", path=str(Path(sys.executable).parent)) or "pptrack"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_line_error(stderr: str) -> str:
    assert stderr.count("\n") == 1 and stderr.startswith("error: "), stderr
    assert "Traceback" not in stderr
    return stderr


def facts_in(path: Path) -> int:
    return int(db_value(path, "SELECT count(*) FROM facts"))


def _writable(path: Path) -> bool:
    """Whether this process can still change `path` (root ignores permission bits)."""
    try:
        if path.is_dir():
            probe = path / ".probe"
            probe.write_bytes(b"")
            probe.unlink()
        else:
            with path.open("r+b"):
                pass
    except OSError:
        return False
    return True


@pytest.fixture
def lock_down() -> Iterator[Callable[[Path], None]]:
    """Make a file or folder unwritable: permission bits, or as root `chattr +i`."""
    undo: list[Callable[[], None]] = []

    def lock(path: Path) -> None:
        mode = path.stat().st_mode
        path.chmod(0o555 if path.is_dir() else 0o444)
        undo.append(lambda: path.chmod(mode))
        if _writable(path) and shutil.which("chattr"):
            if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0:
                undo.append(lambda: subprocess.run(["chattr", "-i", str(path)], check=True))
        if _writable(path):
            pytest.skip("cannot make a file unwritable here (root without chattr)")

    yield lock
    for step in reversed(undo):
        step()


def test_not_a_database_is_left_untouched_by_a_write(run: Run, db_path: Path) -> None:
    db_path.write_text("name,value\nthis is a CSV file, not a database\n" * 50)
    before = digest(db_path)
    result = run("add", "pp", "5", "--date", "2021", "--source", "X")
    assert result.exit_code == 1
    line = one_line_error(result.stderr)
    assert str(db_path) in line and "not an SQLite database" in line
    assert digest(db_path) == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == [db_path.name]


def test_unwritable_folder_for_a_new_database(run: Run, tmp_path: Path, lock_down: Callable[[Path], None]) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    lock_down(folder)
    target = folder / "new.db"
    result = run("add", "pp", "5", "--date", "2021", "--source", "X", "--db", str(target))
    assert result.exit_code == 1
    line = one_line_error(result.stderr)
    assert str(target) in line and "writable" in line
    assert list(folder.iterdir()) == []


def test_unwritable_parent_for_a_new_folder(run: Run, tmp_path: Path, lock_down: Callable[[Path], None]) -> None:
    lock_down(tmp_path / "xdg" if (tmp_path / "xdg").exists() else _mkdir(tmp_path / "xdg"))
    target = tmp_path / "xdg" / "deeper" / "new.db"
    result = run("add", "pp", "5", "--date", "2021", "--source", "X", "--db", str(target))
    assert result.exit_code == 1
    assert str(target.parent) in one_line_error(result.stderr)


def _mkdir(path: Path) -> Path:
    path.mkdir()
    return path


def test_read_only_file(run: Run, db_path: Path, lock_down: Callable[[Path], None]) -> None:
    add(run, "pp", "5", "2021", "X")
    before = digest(db_path)
    lock_down(db_path)
    result = run("add", "pp", "6", "--date", "2022", "--source", "X")
    assert result.exit_code == 1
    line = one_line_error(result.stderr)
    assert str(db_path) in line and "read-only" in line
    assert digest(db_path) == before
    # reading still works
    listed = run("list", "--format", "json")
    assert listed.exit_code == 0 and [f["value"] for f in json.loads(listed.stdout)] == [5]


def test_existing_database_in_a_read_only_folder(run: Run, tmp_path: Path, lock_down: Callable[[Path], None]) -> None:
    folder = tmp_path / "shelf"
    folder.mkdir()
    target = folder / "kept.db"
    add(run, "pp", "5", "2021", "X", "--db", str(target))
    before = digest(target)
    lock_down(folder)
    result = run("add", "pp", "6", "--date", "2022", "--source", "X", "--db", str(target))
    assert result.exit_code == 1
    line = one_line_error(result.stderr)
    assert str(target) in line and str(folder) in line
    assert digest(target) == before


def _limited(max_bytes: int) -> Callable[[], None]:
    """For a child process: files may not grow beyond `max_bytes` (a full disk, as the
    process sees it); SIGXFSZ ignored so that the write fails with EFBIG instead of killing."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))

    return apply


def _pptrack(*args: str, db: Path, limit: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PPTRACK_DB": str(db)}
    return subprocess.run(
        [PPTRACK, *args], capture_output=True, text=True, env=env, timeout=120, preexec_fn=_limited(limit)
    )


def _big_csv(path: Path, rows: int) -> Path:
    lines = ["metric,value,date,source,quote"]
    lines += [f"pp,{1000 + i},2020-{1 + i % 12:02d},Source {i % 5},{'a long quote ' * 20}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.slow
def test_disk_full_during_import(run: Run, db_path: Path, tmp_path: Path) -> None:
    add(run, "pp", "5", "2021", "X")
    before = digest(db_path)
    result = _pptrack("import", str(_big_csv(tmp_path / "big.csv", 2000)), db=db_path, limit=200_000)
    assert result.returncode == 1
    line = one_line_error(result.stderr)
    assert str(db_path) in line and "disk" in line
    assert digest(db_path) == before
    assert facts_in(db_path) == 1
    follow = run("list", "--format", "json")
    assert follow.exit_code == 0 and follow.stderr == "" and len(json.loads(follow.stdout)) == 1


@pytest.mark.slow
def test_disk_full_when_creating_a_database(tmp_path: Path) -> None:
    target = tmp_path / "fresh" / "new.db"
    result = _pptrack("import", str(_big_csv(tmp_path / "big.csv", 500)), db=target, limit=20_000)
    assert result.returncode == 1
    assert str(target) in one_line_error(result.stderr)
    # what was left half-made (never removed: another process may have it open) is
    # finished by the next command
    again = _pptrack("import", str(tmp_path / "big.csv"), db=target, limit=resource.RLIM_INFINITY)
    assert again.returncode == 0, again.stderr
    assert facts_in(target) == 500


def test_arguments_that_are_not_utf8_are_refused(run: Run, db_path: Path) -> None:
    """Bytes that are not UTF-8 in argv arrive as lone surrogates: refused before anything runs."""
    result = run("add", "pp", "5", "--date", "2021", "--source", "X", "--note", "caf\udce9")
    assert result.exit_code == 2
    line = result.stderr
    assert line.count("\n") == 1 and "UTF-8" in line and "caf\\xe9" in line
    assert not db_path.exists()


def test_json_import_with_a_lone_surrogate_writes_nothing(run: Run, db_path: Path, tmp_path: Path) -> None:
    add(run, "pp", "5", "2021", "X")
    source = tmp_path / "bad.json"
    source.write_text('[{"metric": "pp", "value": "6", "date": "2022", "source": "X", "note": "\\ud800"}]')
    result = run("import", str(source))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert facts_in(db_path) == 1


def test_killed_mid_transaction_error_is_not_masked(run: Run, db_path: Path) -> None:
    """When SQLite has already rolled back (an I/O error), leaving the transaction must not
    raise 'cannot rollback - no transaction is active' over the real error."""
    from pptrack.store import open_db

    add(run, "pp", "5", "2021", "X")
    store = open_db(db_path, write=True)
    with contextlib.suppress(ValueError), store.transaction():
        store.conn.execute("INSERT INTO metrics (slug, label, kind, created_at) VALUES ('x', 'x', 'stock', 'now')")
        store.conn.execute("ROLLBACK")  # as SQLite does by itself on SQLITE_FULL or an I/O error
        raise ValueError("the real error")
    store.close()
    assert facts_in(db_path) == 1


def test_a_damaged_page_met_while_reading_names_the_file(run: Run, db_path: Path) -> None:
    for n in range(30):
        add(run, "pp", str(n), "2021", "X")
    scribble_on_facts(db_path)
    before = digest(db_path)
    for args in (["list"], ["show", "3"], ["add", "pp", "99", "--date", "2022", "--source", "X"]):
        result = run(*args)
        assert result.exit_code == 1
        line = one_line_error(result.stderr)
        assert str(db_path) in line and "damaged" in line, line
    assert digest(db_path) == before
    checked = run("check", "--format", "json")
    assert checked.exit_code == 1
    assert {p["check"] for p in json.loads(checked.stdout)} == {"integrity"}


def test_an_output_that_cannot_carry_the_text_says_so(run: Run, db_path: Path) -> None:
    add(run, "pp", "5", "2021", "Вясна")
    env = {**os.environ, "PPTRACK_DB": str(db_path), "PYTHONIOENCODING": "ascii"}
    result = subprocess.run([PPTRACK, "list"], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1
    assert "output encoding ascii" in one_line_error(result.stderr)


def test_an_export_that_fills_the_disk_is_a_failure_and_leaves_nothing(run: Run, db_path: Path, tmp_path: Path) -> None:
    """A disk that fills up while writing is a runtime failure (exit 1); a path that cannot be
    written to at all is bad input (exit 2). Neither leaves a file."""
    assert run("import", str(_big_csv(tmp_path / "big.csv", 500))).exit_code == 0
    out = tmp_path / "out" / "facts.jsonl"
    out.parent.mkdir()
    full = _pptrack("export", "-o", str(out), db=db_path, limit=100_000)
    assert full.returncode == 1
    assert one_line_error(full.stderr) == f"error: cannot write {str(out)!r}: File too large; nothing was written\n"
    assert list(out.parent.iterdir()) == []
    missing = run("export", "-o", str(tmp_path / "no" / "such" / "facts.jsonl"))
    assert missing.exit_code == 2 and "No such file or directory; give -o a file in a folder" in missing.stderr


def _output_to(target: str, *args: str, db: Path) -> subprocess.CompletedProcess[str]:
    """pptrack with its standard output on /dev/full, or closed."""
    env = {**os.environ, "PPTRACK_DB": str(db)}
    if target == "closed":
        return subprocess.run(
            [PPTRACK, *args], stderr=subprocess.PIPE, text=True, env=env, timeout=60, preexec_fn=lambda: os.close(1)
        )
    with open("/dev/full", "w") as full:
        return subprocess.run([PPTRACK, *args], stdout=full, stderr=subprocess.PIPE, text=True, env=env, timeout=60)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
@pytest.mark.parametrize(
    ("target", "says"),
    [("/dev/full", "No space left on device"), ("closed", "standard output is closed")],
)
@pytest.mark.parametrize("command", [["list"], ["list", "--format", "json"], ["show", "1"], ["export"], ["timeline"]])
def test_an_output_that_cannot_be_written_is_one_line(
    run: Run, db_path: Path, target: str, says: str, command: list[str]
) -> None:
    add(run, "pp", "5", "2021", "X")
    result = _output_to(target, *command, db=db_path)
    assert result.returncode == 1
    assert one_line_error(result.stderr) == f"error: cannot write the output: {says}\n"


def test_a_fact_id_beyond_sqlites_integers_is_bad_input(run: Run, db_path: Path) -> None:
    add(run, "pp", "5", "2021", "X")
    for command in ("show", "history", "rm", "restore"):
        result = run(command, "9223372036854775808")
        assert result.exit_code == 2
        assert "'9223372036854775808' is not a fact id; ids are whole numbers from 1 to 9223372036854775807" in (
            one_line_error(result.stderr)
        )
    assert run("show", "9223372036854775807").exit_code == 1  # the largest id there can be: not found


class _NoRoomForShm:
    """A connection to a database in write-ahead logging on a full disk: SQLite cannot size
    its shared-memory file, so its first read fails (as on a full tmpfs: SQLITE_IOERR_SHMSIZE)."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def execute(self, sql: str, *args: Any) -> Any:
        error = sqlite3.OperationalError("disk I/O error")
        error.sqlite_errorname = "SQLITE_IOERR_SHMSIZE"  # type: ignore[attr-defined]
        raise error

    def __getattr__(self, name: str) -> Any:
        return getattr(self.conn, name)


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    from pptrack import store

    real = store._connect

    def connect(target: str, *, timeout: float = store.BUSY_TIMEOUT_S, uri: bool = False) -> Any:
        conn = real(target, timeout=timeout, uri=uri)
        return conn if uri or target == ":memory:" else _NoRoomForShm(conn)

    monkeypatch.setattr(store, "_connect", connect)


def test_a_full_disk_still_lets_the_facts_be_read(
    run: Run, belarus: None, db_path: Path, tmp_path: Path, full_disk: None
) -> None:
    """Checked for real on a full 2 MB tmpfs: `list` and `export` to another disk exit 0."""
    notice = f"the disk of {db_path} is full: it is read as the file is; free some space to change it\n"
    listed = run("list", "--format", "json")
    assert listed.exit_code == 0 and len(json.loads(listed.stdout)) == 5
    assert listed.stderr == notice
    elsewhere = tmp_path / "elsewhere" / "rescue.jsonl"
    elsewhere.parent.mkdir()
    assert run("export", "-o", str(elsewhere)).exit_code == 0
    assert len(elsewhere.read_text().splitlines()) == 5
    assert run("check").exit_code == 0
    added = run("add", "pp", "5", "--date", "2021", "--source", "X")
    assert added.exit_code == 1 and "disk I/O error" in one_line_error(added.stderr)


def test_a_full_disk_with_a_log_to_read_is_not_read_without_it(
    run: Run, belarus: None, db_path: Path, full_disk: None
) -> None:
    """Committed facts still in the write-ahead log are not in the file alone: read without
    the log, they would be missing from a listing or an export."""
    db_path.with_name(db_path.name + "-wal").write_bytes(b"\0" * 32)
    result = run("list", "--format", "json")
    assert result.exit_code == 1 and "disk I/O error" in one_line_error(result.stderr)
