"""The installed `pptrack` command, run as a user runs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

PPTRACK = shutil.which("pptrack", path=str(Path(sys.executable).parent)) or "pptrack"


def pptrack(*args: str, db: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PPTRACK_DB": str(db)}
    return subprocess.run([PPTRACK, *args], capture_output=True, text=True, env=env, input=stdin, timeout=60)


def test_add_list_show_as_a_process(db_path: Path) -> None:
    added = pptrack(
        "add",
        "political-prisoners",
        "nearly 1,400",
        "--date",
        "May 21, 2024",
        "--source",
        "EU",
        "--format",
        "json",
        db=db_path,
    )
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["date"] == "2024-05-21"
    listed = pptrack("list", db=db_path)
    assert listed.returncode == 0
    assert "nearly 1,400" in listed.stdout and "\x1b[" not in listed.stdout  # piped: no colour


def test_timeline_as_a_process(db_path: Path) -> None:
    for value, date in (("888", "2021-12"), ("nearly 1,400", "2024-05-21")):
        assert pptrack("add", "pp", value, "--date", date, "--source", "EU", db=db_path).returncode == 0
    result = pptrack("timeline", "pp", db=db_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "pp" and "~+512" in lines[-1] and "~+57.7%" in lines[-1] and "\x1b[" not in result.stdout
    assert lines[-1].rstrip().endswith("█" * 20)


def test_errors_are_one_line_without_traceback(db_path: Path) -> None:
    result = pptrack("add", "pp", "NaN", "--date", "2021", "--source", "X", db=db_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert not db_path.exists()


def test_version_and_help(db_path: Path) -> None:
    assert pptrack("--version", db=db_path).stdout.startswith("pptrack ")
    help_text = pptrack("--help", db=db_path).stdout
    commands = ("add", "list", "show", "edit", "rm", "restore", "history", "import", "metrics", "sources")
    for command in (*commands, "diff-sources", "extract", "timeline", "latest", "plot"):
        assert command in help_text
