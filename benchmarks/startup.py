"""Start-up: `pptrack --version` and a one-fact `add` against a bare Typer app and `sqlite-utils insert`."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from common import Report, compile_package, time_command, tool

BARE_TYPER = """
import typer
app = typer.Typer()
@app.command()
def hello(name: str) -> None:
    print(name)
@app.command()
def bye(name: str) -> None:
    print(name)
app()
"""


def run(report: Report, runs: int = 21) -> None:
    compile_package()
    tmp = Path(tempfile.mkdtemp())
    bare = tmp / "bare.py"
    bare.write_text(BARE_TYPER)
    pptrack = tool("pptrack")
    db = tmp / "p.db"
    time_command([pptrack, "add", "pp", "1", "--date", "2021", "--source", "X", "--db", str(db)], runs=1)

    python_pass = time_command([sys.executable, "-c", "pass"], runs=runs)
    bare_ms = time_command([sys.executable, str(bare), "hello", "x"], runs=runs)
    su_db = tmp / "su.db"
    su_ms = time_command(
        [tool("sqlite-utils"), "insert", str(su_db), "facts", "-"],
        runs=runs,
        stdin=json.dumps({"metric": "pp", "value": 5}).encode(),
    )
    version_ms = time_command([pptrack, "--version"], runs=runs)
    counter = iter(range(10**6))
    add_ms = time_command(
        [pptrack, "add", "pp", "nearly 1,400", "--date", "2024-05", "--source", "Viasna", "--db", str(db)],
        runs=1,
    )
    add_times = []
    for _ in range(runs):
        n = next(counter) + 2
        add_times.append(
            time_command(
                [pptrack, "add", "pp", str(n), "--date", "2025-08-01", "--source", "Viasna", "--db", str(db)], runs=1
            )
        )
    add_ms = sorted(add_times)[len(add_times) // 2]

    report.add("python -c pass (for scale)", python_pass, "python -c pass", python_pass)
    report.add("pptrack --version", version_ms, "bare Typer app", bare_ms, target=1.3)
    report.add("pptrack add (one fact)", add_ms, "bare Typer app", bare_ms, target=1.3)
    report.add("pptrack --version", version_ms, "sqlite-utils insert", su_ms, target=0.75)
    report.add("pptrack add (one fact)", add_ms, "sqlite-utils insert", su_ms, target=0.75)


if __name__ == "__main__":
    r = Report()
    run(r)
    r.print()
