"""Several processes writing one database at once all succeed, and every row is there.

Plain `BEGIN` transactions that read then write failed 29-65% of the time under 8
concurrent writers, even in WAL with a 5 s timeout; `BEGIN IMMEDIATE` + WAL + a busy
timeout fails 0%. These tests start real processes together on a database that does
not exist yet, so creating it is raced for too: the eight writers failed about one run
in forty under load (one add: "locked ... waited 60 s", at once) while the switch of the
new file to WAL did not wait for another process's lock; tests/test_wal_switch.py holds
that window open by hand.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import WITH_ADDED_VERSION, db_value

PPTRACK = shutil.which("pptrack", path=str(Path(sys.executable).parent)) or "pptrack"
pytestmark = pytest.mark.slow


def count(db: Path, sql: str = "SELECT count(*) FROM facts", *params: object) -> int:
    return int(db_value(db, sql, *params))


def integrity(db: Path) -> str:
    return str(db_value(db, "PRAGMA integrity_check"))


def write_csv(path: Path, metric: str, rows: int) -> Path:
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["metric", "value", "date", "source", "via", "quote", "tags"])
        for i in range(rows):
            out.writerow(
                [
                    metric,
                    f"nearly {1000 + i:,}" if i % 3 else str(500 + i),
                    f"20{10 + i % 15}-{1 + i % 12:02d}-{1 + i % 28:02d}"
                    if i % 2
                    else f"20{10 + i % 15}-{1 + i % 12:02d}",
                    f"Source {i % 9}",  # shared by every importer: created by whoever comes first
                    "Pozirk" if i % 4 == 0 else "",
                    f"row {i} of {metric}",
                    "bulk;concurrent",
                ]
            )
    return path


def test_importers_and_adders_at_once(tmp_path: Path) -> None:
    db = tmp_path / "shared" / "pptrack.db"
    env = {**os.environ, "PPTRACK_DB": str(db)}
    files = [write_csv(tmp_path / f"import{k}.csv", f"metric-{k}", 1500) for k in range(4)]
    commands = [[PPTRACK, "import", str(f)] for f in files]
    commands += [
        [
            PPTRACK,
            "add",
            "political-prisoners",
            f"{1100 + n}",
            "--date",
            "2025-08",
            "--source",
            "Viasna",
            "--via",
            "Pozirk",
        ]
        for n in range(6)
    ]
    readers = [[PPTRACK, "list", "--format", "jsonl"]] * 3 + [[PPTRACK, "export", "--format", "jsonl"]]
    commands += readers
    procs = [subprocess.Popen(c, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in commands]
    results = [(p, *p.communicate(timeout=180)) for p in procs]
    failures = [(p.args[1:3], err) for p, _, err in results if p.returncode != 0]
    assert failures == []
    for _, out, _ in results[-len(readers) :]:
        # a reader sees whole imports only: some of them, plus some of the six adds
        assert len(out.splitlines()) % 1500 <= 6, len(out.splitlines())
    for _, _, err in results[:4]:
        assert "imported 1500 fact(s); 0 already present" in err
    assert count(db) == 4 * 1500 + 6
    for k in range(4):
        metric_facts = "SELECT count(*) FROM facts JOIN metrics m ON m.id = metric_id WHERE m.slug = ?"
        assert count(db, metric_facts, f"metric-{k}") == 1500
    # every shared name was created exactly once, whoever won the race
    assert count(db, "SELECT count(*) FROM sources") == 9 + 2
    assert count(db, WITH_ADDED_VERSION) == 4 * 1500 + 6
    assert integrity(db) == "ok"


WORKER = textwrap.dedent(
    """
    import os, sys, time
    from pptrack.cli import app

    worker, adds, go = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    while not os.path.exists(go):  # start together
        time.sleep(0.002)
    failed = 0
    for n in range(adds):
        args = ["add", "political-prisoners", str(worker * 1000 + n), "--date", f"2025-{1 + n % 12:02d}",
                "--source", f"Source {n % 3}", "--tag", f"w{worker}", "--format", "jsonl"]
        failed += app(args, prog_name="pptrack", standalone_mode=False) != 0
    print(failed, file=sys.stderr)
    """
)


def test_eight_writers_fifty_adds_each(tmp_path: Path) -> None:
    db = tmp_path / "pptrack.db"
    go = tmp_path / "go"
    env = {**os.environ, "PPTRACK_DB": str(db)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(w), "50", str(go)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(8)
    ]
    time.sleep(0.5)  # let every worker import pptrack and wait at the line
    go.touch()
    outs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, [err[-300:] for _, err in outs]
    # (on a failure, the workers' error lines say why)
    assert [err.strip().splitlines()[-1] for _, err in outs] == ["0"] * 8, [err[-600:] for _, err in outs]
    assert count(db) == 400
    values = {json.loads(line)["value"] for out, _ in outs for line in out.splitlines() if line.startswith("{")}
    assert len(values) == 400
    for w in range(8):
        tagged = "SELECT count(*) FROM facts WHERE EXISTS (SELECT 1 FROM json_each(tags) WHERE value = ?)"
        assert count(db, tagged, f"w{w}") == 50
    assert count(db, "SELECT count(*) FROM sources") == 3
    assert integrity(db) == "ok"
