"""Bulk import and export: N hand-written-style rows (`metric,value,date,source`, values like
`nearly 1,400`, dates like `2025-08`) imported by `pptrack import`, next to `sqlite-utils insert
--csv` of the same file and a plain typed `executemany` in one transaction, each a fresh process
on a fresh database; then `pptrack export` of the result to JSON Lines, and `pptrack import` of
that export next to `sqlite-utils insert --nl` of it; peak memory of each.

    python benchmarks/import_export.py                 # 100,000 rows
    python benchmarks/import_export.py --rows 1000000  # the memory check: peak under 200 MB
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import Report, tool
from generate import write_csv

# The baseline: read the CSV and insert it in one transaction, typed as the issue measured
# it ("0.46 s with typed parsing"): a number where the value is one (commas allowed), an ISO
# date where the date is one, else the text as written; no checking beyond that.
EXECUTEMANY = """
import csv, sqlite3, sys
from datetime import date
def number(text):
    try:
        return int(text.replace(",", ""))
    except ValueError:
        return text
def day(text):
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return text
conn = sqlite3.connect(sys.argv[2], isolation_level=None)
conn.execute("CREATE TABLE facts (metric TEXT NOT NULL, value NOT NULL, date TEXT NOT NULL, source TEXT NOT NULL)")
conn.execute("BEGIN")
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = csv.reader(f)
    next(rows)
    conn.executemany("INSERT INTO facts VALUES (?, ?, ?, ?)", ((m, number(v), day(d), s) for m, v, d, s in rows))
conn.execute("COMMIT")
"""


def run(argv: list[str]) -> tuple[float, float]:
    """Wall time in ms and peak resident memory in MB of one process."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = (time.perf_counter() - started) * 1000
    if status != 0:
        raise SystemExit(f"{argv[0]} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return elapsed, usage.ru_maxrss / 1024


def sqlite_alone(imported: Path, target: Path, *, in_sqlite: bool = False) -> float:
    """_sqlite_alone, in a process of its own: the rows it holds (a gigabyte at a million)
    would otherwise count in the peak memory of the commands this process starts after it
    (a child started on Linux reports its parent's peak resident size as its own)."""
    argv = [sys.executable, __file__, "--sqlite-alone", str(imported), str(target)]
    argv += ["--in-sqlite"] if in_sqlite else []
    return float(subprocess.run(argv, capture_output=True, text=True, check=True).stdout)


def _sqlite_alone(imported: Path, target: Path, *, in_sqlite: bool) -> float:
    """What SQLite alone takes, in ms, to write what `pptrack import` wrote into `imported`
    into a new database of the same schema, the indexes of facts built after, in one
    transaction, as the import does, with its settings; no Python start, no reading or
    checking of the CSV. The floor under the import's figure for pptrack's schema (23 columns,
    six indexes); the typed `executemany` writes four columns and no index.

    The facts come already read into memory and go in by `executemany`, or, `in_sqlite`, by
    one INSERT ... SELECT from `imported` attached: no Python at all for each row. Its WHERE
    keeps SQLite from copying the stored records as they are (its transfer optimization for
    a table copied whole into an empty one of the same shape), so each row is inserted as an
    import inserts it."""
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(imported)) as source:
        made = source.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid")
        schema = [sql for (sql,) in made]
        tables = (
            {}
            if in_sqlite
            else {name: source.execute(f"SELECT * FROM {name}").fetchall() for name in ("metrics", "sources", "facts")}
        )
    indexes = [sql for sql in schema if sql.startswith("CREATE INDEX") and " ON facts " in sql]
    with closing(sqlite3.connect(target, isolation_level=None)) as conn:
        # As the import builds a new database (store._open_aside, Store.import_stage), then
        # one fsync of the file when it is published.
        for pragma in ("journal_mode = MEMORY", "synchronous = OFF", "foreign_keys = ON", "cache_size = -32768"):
            conn.execute(f"PRAGMA {pragma}")
        for sql in schema:
            if sql not in indexes:
                conn.execute(sql)
        if in_sqlite:
            conn.execute("ATTACH ? AS imported", (str(imported),))
        started = time.perf_counter()
        conn.execute("BEGIN")
        for name in ("metrics", "sources", "facts"):
            if in_sqlite:
                conn.execute(f"INSERT INTO main.{name} SELECT * FROM imported.{name} WHERE id > 0")
            elif tables[name]:
                rows = tables[name]
                conn.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' * len(rows[0]))})", rows)
        for sql in indexes:
            conn.execute(sql)
        conn.execute("COMMIT")
        fd = os.open(target, os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
        return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="runs of each; the best is kept")
    args = parser.parse_args()
    report = Report()
    with tempfile.TemporaryDirectory() as folder:
        notes = measure(report, args.rows, args.runs, Path(folder))
    report.print()
    print("\n".join(notes))


def measure(report: Report, rows: int, runs: int, tmp: Path) -> list[str]:
    """Add the import and export figures to `report`; return the peak-memory lines."""
    csv_path = tmp / "facts.csv"
    write_csv(csv_path, rows, metrics=100, sources=50, years=10)
    pptrack, sqlite_utils = tool("pptrack"), tool("sqlite-utils")

    def best(make_argv: object, runs: int = runs) -> tuple[float, float]:
        results = []
        for i in range(runs):
            db = tmp / f"run-{time.monotonic_ns()}-{i}.db"
            results.append(run(make_argv(db)))  # type: ignore[operator]
        return min(r[0] for r in results), max(r[1] for r in results)

    import_ms, import_mb = best(lambda db: [pptrack, "import", str(csv_path), "--db", str(db)])
    many_ms, _ = best(lambda db: [sys.executable, "-c", EXECUTEMANY, str(csv_path), str(db)])
    label = f"import {rows:,} rows"
    # Issue #8 sets the import's ratios for 100,000 rows; for a million, only the peak memory.
    hundred_thousand = rows <= 200_000
    if hundred_thousand:  # sqlite-utils takes minutes on a million
        su_ms, _ = best(lambda db: [sqlite_utils, "insert", str(db), "facts", str(csv_path), "--csv"])
        report.add(label, import_ms, "sqlite-utils insert --csv", su_ms, target=0.25)
    report.add(label, import_ms, "typed executemany", many_ms, target=2.5 if hundred_thousand else None)

    db = tmp / "exported.db"
    run([pptrack, "import", str(csv_path), "--db", str(db)])
    floor_ms = min(sqlite_alone(db, tmp / f"floor-{rows}-{i}.db") for i in range(runs))
    report.add(label, import_ms, "SQLite alone, same facts", floor_ms)
    in_sqlite_ms = min(sqlite_alone(db, tmp / f"floor-c-{rows}-{i}.db", in_sqlite=True) for i in range(runs))
    report.add(label, import_ms, "SQLite alone, no Python a row", in_sqlite_ms)
    # How much of the executemany target SQLite's part alone takes, Python's part left at none.
    report.add(f"SQLite alone, no Python a row, {rows:,} rows", in_sqlite_ms, "typed executemany", many_ms)
    export_ms, export_mb = min(
        (run([pptrack, "export", "--db", str(db), "-o", str(tmp / f"out{i}.jsonl")]) for i in range(runs)),
        key=lambda r: r[0],
    )
    report.add(f"export {rows:,} facts to jsonl", export_ms, "pptrack import", import_ms, target=1.0)
    # No target: an export read back (every column, checked against each other), as when two
    # desks merge their databases, next to what a user might load it with otherwise.
    exported = str(tmp / "out0.jsonl")
    again_ms, again_mb = best(lambda db: [pptrack, "import", exported, "--db", str(db)], 1 if rows > 200_000 else runs)
    label = f"import that export ({rows:,} facts)"
    if hundred_thousand:
        su_nl_ms, _ = best(lambda db: [sqlite_utils, "insert", str(db), "facts", exported, "--nl"])
        report.add(label, again_ms, "sqlite-utils insert --nl", su_nl_ms)
    report.add(label, again_ms, f"import {rows:,} rows", import_ms)
    return [
        f"peak memory, {rows:,} rows: import {import_mb:,.0f} MB, export {export_mb:,.0f} MB,"
        f" import of the export {again_mb:,.0f} MB (target: under 200 MB)"
    ]


if __name__ == "__main__":
    if sys.argv[1:2] == ["--sqlite-alone"]:
        print(_sqlite_alone(Path(sys.argv[2]), Path(sys.argv[3]), in_sqlite=sys.argv[4:5] == ["--in-sqlite"]))
    else:
        main()
