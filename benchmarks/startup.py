"""Start-up: `pptrack --version` and a one-fact `add` against a bare Typer app and `sqlite-utils insert`."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from common import Command, Report, compile_package, time_command, time_interleaved, tool

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
    ms = time_interleaved(
        {
            "pass": Command([sys.executable, "-c", "pass"]),
            "bare": Command([sys.executable, str(bare), "hello", "x"]),
            "sqlite-utils": Command([tool("sqlite-utils"), "insert", str(su_db), "facts", "-"], stdin=su_row),
            "version": Command([pptrack, "--version"]),
            "add": Command(
                lambda n: [
                    pptrack,
                    "add",
                    "pp",
                    str(n + 2),
                    "--date",
                    "2025-08-01",
                    "--source",
                    "Viasna",
                    "--db",
                    str(db),
                ]
            ),
        },
        runs=runs,
    )
    python_pass, bare_ms, su_ms, version_ms, add_ms = (
        ms[k] for k in ("pass", "bare", "sqlite-utils", "version", "add")
    )

    report.add("python -c pass (for scale)", python_pass, "python -c pass", python_pass)
    report.add("pptrack --version", version_ms, "bare Typer app", bare_ms, target=1.3)
    report.add("pptrack add (one fact)", add_ms, "bare Typer app", bare_ms, target=1.3)
    report.add("pptrack --version", version_ms, "sqlite-utils insert", su_ms, target=0.75)
    report.add("pptrack add (one fact)", add_ms, "sqlite-utils insert", su_ms, target=0.75)


if __name__ == "__main__":
    r = Report()
    run(r)
    r.print()
