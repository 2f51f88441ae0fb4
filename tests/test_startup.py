"""Start-up stays lean: a command imports only what it uses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("rich", "sqlite_utils", "dateutil", "pydantic", "plotext", "matplotlib")
PROBE = """
import sys
from pptrack.cli import app
try:
    app(sys.argv[2:], prog_name="pptrack")
except SystemExit:
    pass
print(",".join(sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[1].split(",")))), file=sys.stderr)
"""


def heavy_modules(*args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, ",".join(HEAVY), *args], capture_output=True, text=True, timeout=60
    )
    last = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""
    return {m for m in last.split(",") if m}


def test_version_imports_nothing_heavy() -> None:
    assert heavy_modules("--version") == set()


@pytest.mark.parametrize(
    "args",
    [
        ["add", "pp", "6", "--date", "2021", "--source", "X"],
        ["add", "pp", "nearly 1,400", "--date", "2024-05", "--source", "X"],
        ["list"],
        ["list", "--format", "json"],
        ["timeline"],
        ["timeline", "pp", "--format", "json"],
        ["latest"],
    ],
)
def test_commands_do_not_import_heavy_modules(args: list[str], db_path: Path, run) -> None:
    run("add", "pp", "5", "--date", "2021", "--source", "X")  # the database exists: no migration is due
    assert heavy_modules(*args, "--db", str(db_path)) == set()
