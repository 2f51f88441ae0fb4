"""A process killed (SIGKILL) in the middle of an import leaves the database exactly as it
was, or with the whole import: never half of it. The next command opens it without a word."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import WITH_ADDED_VERSION

PPTRACK = shutil.which("pptrack", path=str(Path(sys.executable).parent)) or "pptrack"
pytestmark = pytest.mark.slow
ROWS = 4000


def state(db: Path) -> tuple[str, int, int]:
    """(integrity check, facts, facts whose history begins with 'added')."""
    conn = sqlite3.connect(db)
    try:
        return (
            str(conn.execute("PRAGMA integrity_check").fetchone()[0]),
            int(conn.execute("SELECT count(*) FROM facts").fetchone()[0]),
            int(conn.execute(WITH_ADDED_VERSION).fetchone()[0]),
        )
    finally:
        conn.close()


def write_csv(path: Path, metric: str) -> Path:
    lines = ["metric,value,date,source,quote"]
    lines += [
        f"{metric},about {100 + i}0,2024-{1 + i % 12:02d},Source {i % 11},row {i} {'x' * 150}" for i in range(ROWS)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def pptrack(*args: str, db: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PPTRACK_DB": str(db)}
    return subprocess.Popen([PPTRACK, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def opens_quietly(db: Path) -> None:
    listed = pptrack("list", "--limit", "1", "--format", "json", db=db)
    out, err = listed.communicate(timeout=60)
    assert listed.returncode == 0 and err == "", err
    assert isinstance(json.loads(out), list)


def kill_at(proc: subprocess.Popen[str], delay: float) -> None:
    time.sleep(delay)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)


def test_killed_at_random_points_mid_import(tmp_path: Path) -> None:
    db = tmp_path / "pptrack.db"
    first = pptrack("import", str(write_csv(tmp_path / "start.csv", "start")), db=db)
    first.communicate(timeout=60)
    assert first.returncode == 0
    # How long an import that is not interrupted takes here, to kill anywhere inside it.
    scratch = tmp_path / "scratch.db"
    shutil.copyfile(db, scratch)
    started = time.monotonic()
    timed = pptrack("import", str(write_csv(tmp_path / "timed.csv", "timed")), db=scratch)
    timed.communicate(timeout=60)
    span = time.monotonic() - started
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    outcomes = []
    for run in range(10):
        _, before, _ = state(db)
        proc = pptrack("import", str(write_csv(tmp_path / f"run{run}.csv", f"run-{run}")), db=db)
        delay = rng.uniform(0.02, span * 1.05)
        kill_at(proc, delay)
        check, after, added = state(db)
        outcomes.append((round(delay, 3), proc.returncode, after - before))
        assert check == "ok", (seed, outcomes)
        assert after in (before, before + ROWS), (seed, outcomes)
        assert added == after, (seed, outcomes)  # each fact with its history, or neither
        opens_quietly(db)


def test_killed_while_creating_the_database(tmp_path: Path) -> None:
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    source = write_csv(tmp_path / "rows.csv", "fresh")
    for run in range(4):
        db = tmp_path / f"new{run}" / "pptrack.db"
        proc = pptrack("import", str(source), db=db)
        kill_at(proc, rng.uniform(0.0, 0.4))
        opens_quietly(db)
        if db.exists():
            check, facts, _ = state(db)
            assert check == "ok" and facts in (0, ROWS), (seed, run)
