"""The installed `pptrack` command, run as a user runs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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


def on_a_terminal(*args: str, db: Path, env: dict[str, str]) -> str:
    """What `pptrack ARGS` writes to a real (pseudo-)terminal of 120 columns."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    full = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {"PPTRACK_DB": str(db), "TERM": "xterm"} | env
    proc = subprocess.Popen([PPTRACK, *args], stdout=slave, stderr=subprocess.DEVNULL, env=full)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert proc.wait(timeout=60) == 0
    return b"".join(chunks).decode("utf-8")


def test_colour_on_a_terminal_and_none_with_no_color(db_path: Path) -> None:
    for value, date, source in (("nearly 1,400", "2024-05", "EU"), ("over 1,400", "2024-05", "Viasna")):
        assert pptrack("add", "pp", value, "--date", date, "--source", source, db=db_path).returncode == 0
    import re

    colour = re.compile(r"\x1b\[(?:[\d;]*;)?(?:3[0-8]|9[0-7])[;m]")  # a foreground colour; bold and dim are not colour
    coloured = on_a_terminal("diff-sources", "pp", db=db_path, env={})
    assert "CONFLICT" in coloured and colour.search(coloured)
    plain = on_a_terminal("diff-sources", "pp", db=db_path, env={"NO_COLOR": "1"})
    assert "CONFLICT" in plain and not colour.search(plain)


@pytest.mark.parametrize(
    "args",
    [
        ("list",),
        ("list", "--format", "json"),
        ("list", "--format", "tsv"),
        ("timeline", "pp"),
        ("timeline", "pp", "--format", "json"),
        ("export",),
    ],
)
def test_a_reader_that_leaves_early_gets_the_same_exit_from_every_format(db_path: Path, args: tuple[str, ...]) -> None:
    # `pptrack ... | head -c 100`: the reader goes before the output (over 64 KiB, more than a
    # pipe holds) is written. Every format stops quietly with 1, the output not delivered
    # whole; tables and timeline's JSON once exited 0, Python's text stream dropping the rest unsaid.
    rows = [f"pp,{1000 + i},{2000 + i // 365}-{i % 12 + 1:02d}-{i % 28 + 1:02d},Source {i % 7}" for i in range(3000)]
    made = pptrack("import", "-", "--format", "csv", db=db_path, stdin="metric,value,date,source\n" + "\n".join(rows))
    assert made.returncode == 0, made.stderr
    env = {**os.environ, "PPTRACK_DB": str(db_path)}
    proc = subprocess.Popen([PPTRACK, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None and proc.stderr is not None
    assert len(proc.stdout.read(100)) == 100
    proc.stdout.close()
    assert proc.wait(timeout=60) == 1
    assert proc.stderr.read() == b""


@pytest.mark.parametrize(
    ("args", "named"),
    [((), "add, list, show"), (("metrics",), "list, add, alias, rename"), (("sources",), "list, add, alias, merge")],
)
def test_a_missing_command_is_one_line_naming_the_commands(db_path: Path, args: tuple[str, ...], named: str) -> None:
    """A bug: `pptrack` alone exited 2 with its help on stdout and a blank line on stderr."""
    result = pptrack(*args, db=db_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: missing command; give one of ")
    assert named in result.stderr and f"see '{' '.join(('pptrack', *args))} --help'" in result.stderr
