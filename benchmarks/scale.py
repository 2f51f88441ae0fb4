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

from common import Command, Report, compile_package, time_interleaved, tool

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
    metric = "metric-000"

    def on(*args: str, tty: bool = False) -> Command:
        return Command([pptrack, *args, "--db", str(db)], tty=tty)

    ms = time_interleaved(
        {
            "version": Command([pptrack, "--version"]),
            "tsv": on("list", "--format", "tsv"),
            "json": on("list", "--format", "json"),
            "table": on("list"),
            "table on a terminal": on("list", tty=True),
            "timeline tsv": on("timeline", metric, "--format", "tsv"),
            "timeline": on("timeline", metric),
            "timeline on a terminal": on("timeline", metric, tty=True),
        },
        runs=runs,
    )
    tsv, timeline_tsv = ms["tsv"], ms["timeline tsv"]
    report.add("list 10,000 facts, table (piped)", ms["table"], "same as TSV", tsv, target=3)
    report.add("list 10,000 facts, table (terminal)", ms["table on a terminal"], "same as TSV", tsv, target=3)
    report.add("timeline 10,000 facts, table (piped)", ms["timeline"], "same as TSV", timeline_tsv, target=3)
    report.add("timeline 10,000 facts, table (terminal)", ms["timeline on a terminal"], "same as TSV", timeline_tsv, 3)
    report.add("list 10,000 facts, TSV", tsv, "pptrack --version", ms["version"], target=1.5)
    report.add("list 10,000 facts, JSON", ms["json"], "pptrack --version", ms["version"], target=1.5)


def queries(report: Report, folder: Path, rows: int, runs: int) -> None:
    db = database(folder, rows, 100, 50, 10)
    pptrack = tool("pptrack")
    metric = "metric-042"
    since = "2025-01-01"
    n = count(
        db,
        "SELECT count(*) FROM facts f JOIN metrics m ON m.id = f.metric_id WHERE m.slug = ? AND f.date_end >= ?",
        metric,
        since,
    )
    label = f"{rows:,} facts"

    def on(*args: str) -> Command:
        return Command([pptrack, *args, "--db", str(db)])

    ms = time_interleaved(
        {
            "version": Command([pptrack, "--version"]),
            "latest": on("latest"),
            "since": on("timeline", metric, "--since", since),
            "diff": on("diff-sources", metric),
        },
        runs=runs,
    )
    version = ms["version"]
    report.add(f"latest ({label})", ms["latest"], "pptrack --version", version, target=2)
    report.add(
        f"timeline {metric} --since {since} ({n:,} rows of {label})", ms["since"], "pptrack --version", version, 2
    )
    report.add(f"diff-sources {metric} ({label})", ms["diff"], "pptrack --version", version, target=2)


def run(report: Report, *, rows: int = 1_000_000, runs: int = 21, keep: Path | None = None) -> None:
    compile_package()
    folder = keep or Path(tempfile.mkdtemp())
    folder.mkdir(parents=True, exist_ok=True)
    listings(report, folder, runs)
    queries(report, folder, rows, runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args()
    report = Report()
    run(report, rows=args.rows, runs=args.runs, keep=args.keep)
    report.print()


if __name__ == "__main__":
    main()
