"""Big listings and queries at scale, each next to its baseline in the same run.

- Listings of 10,000 facts: the table (piped, and on a terminal) against the same rows
  as TSV; TSV and JSON against `pptrack --version`.
- A database of 1,000,000 facts (100 metrics, 50 sources, ten years): `latest`,
  `timeline METRIC --since` and `diff-sources METRIC` against `pptrack --version`.

    python benchmarks/scale.py [--rows 1000000] [--keep DIR]

`--keep DIR` keeps the generated databases in DIR and reuses them on the next run.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from common import Report, compile_package, time_command, tool

HERE = Path(__file__).resolve().parent


def database(folder: Path, rows: int, metrics: int, sources: int, years: int) -> Path:
    """A database of `rows` generated facts, made once per folder."""
    path = folder / f"facts-{rows}-{metrics}-{sources}-{years}.db"
    if not path.exists():
        print(f"generating {path.name} ...", file=sys.stderr)
        args = ["--rows", str(rows), "--metrics", str(metrics), "--sources", str(sources), "--years", str(years)]
        subprocess.run([sys.executable, str(HERE / "generate.py"), *args, "-o", str(path)], check=True)
    return path


def count(db: Path, sql: str, *params: object) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(sql, params).fetchone()[0])


def listings(report: Report, folder: Path, runs: int) -> None:
    db = database(folder, 10_000, 1, 20, 10)
    pptrack = tool("pptrack")

    def ms(*args: str, tty: bool = False) -> float:
        return time_command([pptrack, *args, "--db", str(db)], runs=runs, tty=tty)

    version = time_command([pptrack, "--version"], runs=runs)
    tsv = ms("list", "--format", "tsv")
    report.add("list 10,000 facts, table (piped)", ms("list"), "same as TSV", tsv, target=3)
    report.add("list 10,000 facts, table (terminal)", ms("list", tty=True), "same as TSV", tsv, target=3)
    metric = "metric-000"
    timeline_tsv = ms("timeline", metric, "--format", "tsv")
    report.add("timeline 10,000 facts, table (piped)", ms("timeline", metric), "same as TSV", timeline_tsv, target=3)
    report.add(
        "timeline 10,000 facts, table (terminal)", ms("timeline", metric, tty=True), "same as TSV", timeline_tsv, 3
    )
    report.add("list 10,000 facts, TSV", tsv, "pptrack --version", version, target=1.5)
    report.add("list 10,000 facts, JSON", ms("list", "--format", "json"), "pptrack --version", version, target=1.5)


def queries(report: Report, folder: Path, rows: int, runs: int) -> None:
    db = database(folder, rows, 100, 50, 10)
    pptrack = tool("pptrack")
    version = time_command([pptrack, "--version"], runs=runs)
    metric = "metric-042"
    since = "2025-01-01"
    n = count(
        db,
        "SELECT count(*) FROM facts f JOIN metrics m ON m.id = f.metric_id WHERE m.slug = ? AND f.date_end >= ?",
        metric,
        since,
    )
    label = f"{rows:,} facts"

    def ms(*args: str) -> float:
        return time_command([pptrack, *args, "--db", str(db)], runs=runs)

    report.add(f"latest ({label})", ms("latest"), "pptrack --version", version, target=2)
    report.add(
        f"timeline {metric} --since {since} ({n:,} rows of {label})",
        ms("timeline", metric, "--since", since),
        "pptrack --version",
        version,
        target=2,
    )
    report.add(f"diff-sources {metric} ({label})", ms("diff-sources", metric), "pptrack --version", version, target=2)


def run(report: Report, *, rows: int = 1_000_000, runs: int = 7, keep: Path | None = None) -> None:
    compile_package()
    folder = keep or Path(tempfile.mkdtemp())
    folder.mkdir(parents=True, exist_ok=True)
    listings(report, folder, runs)
    queries(report, folder, rows, runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args()
    report = Report()
    run(report, rows=args.rows, runs=args.runs, keep=args.keep)
    report.print()


if __name__ == "__main__":
    main()
