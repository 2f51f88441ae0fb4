"""Start-up: `pptrack --version` and a one-fact `add` against a bare Typer app and `sqlite-utils insert`."""

from __future__ import annotations

import json
import statistics
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

    su_db = tmp / "su.db"
    su_row = json.dumps({"metric": "pp", "value": 5}).encode()
    # One run of each a round, in turn (as common.time_interleaved; `add` needs a new
    # figure each run): every figure and its baselines see the same load.
    commands = {
        "pass": lambda n: time_command([sys.executable, "-c", "pass"], runs=1),
        "bare": lambda n: time_command([sys.executable, str(bare), "hello", "x"], runs=1),
        "sqlite-utils": lambda n: time_command(
            [tool("sqlite-utils"), "insert", str(su_db), "facts", "-"], runs=1, stdin=su_row
        ),
        "version": lambda n: time_command([pptrack, "--version"], runs=1),
        "add": lambda n: time_command(
            [pptrack, "add", "pp", str(n), "--date", "2025-08-01", "--source", "Viasna", "--db", str(db)], runs=1
        ),
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for n in range(runs + 1):
        for name, command in commands.items():
            ms = command(n + 2)
            if n:  # the first round is not counted
                times[name].append(ms)
    python_pass, bare_ms, su_ms, version_ms, add_ms = (statistics.median(times[k]) for k in commands)

    report.add("python -c pass (for scale)", python_pass, "python -c pass", python_pass)
    report.add("pptrack --version", version_ms, "bare Typer app", bare_ms, target=1.3)
    report.add("pptrack add (one fact)", add_ms, "bare Typer app", bare_ms, target=1.3)
    report.add("pptrack --version", version_ms, "sqlite-utils insert", su_ms, target=0.75)
    report.add("pptrack add (one fact)", add_ms, "sqlite-utils insert", su_ms, target=0.75)


if __name__ == "__main__":
    r = Report()
    run(r)
    r.print()
