"""Every test gets its own empty database and data directory; `run` drives the CLI."""

from __future__ import annotations

import io
import json
import sqlite3
import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import typer.main
import typer.testing
from typer.testing import CliRunner, Result

from pptrack import EARLY_COMMANDS, early
from pptrack.cli import app

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(autouse=True)
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "pptrack.db"
    monkeypatch.setenv("PPTRACK_DB", str(path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("PPTRACK_DEBUG", raising=False)
    return path


Run = Callable[..., Result]


class _AsMain:
    """What the test runner calls as the command: pptrack.main's steps (a reading command
    answered early, a listing in a data format written without Typer), then Typer's group."""

    name = "pptrack"

    def __init__(self, group: Any) -> None:
        self.group = group

    def main(self, args: Any = (), **extra: Any) -> Any:
        try:
            code = early.start(list(args)) if args and args[0] in EARLY_COMMANDS else None
            if code is not None:
                sys.exit(code)
            return self.group.main(args=args, **extra)
        finally:
            early.finish()


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Run:
    """run("add", "m", "5", ...) -> Result with .exit_code, .stdout, .stderr, the command run
    as pptrack.main runs it (see _AsMain)."""
    runner = CliRunner()
    monkeypatch.setattr(typer.testing, "_get_command", lambda app: _AsMain(typer.main.get_command(app)))

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input)

    return invoke


@pytest.fixture
def run_json(run: Run) -> Callable[..., Any]:
    """run_json("list") -> the parsed JSON of `pptrack list --format json` (asserting exit 0)."""

    def invoke(*args: str) -> Any:
        result = run(*args, "--format", "json")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)

    return invoke


def add(run: Run, metric: str, value: str, date: str, source: str, *extra: str) -> dict[str, Any]:
    """Add a fact through the CLI and return it as JSON."""
    result = run("add", metric, value, "--date", date, "--source", source, *extra, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


PP = "political-prisoners"
# Facts whose history begins with 'added': stored, or (never changed since added) the fact itself.
WITH_ADDED_VERSION = """SELECT count(*) FROM facts f
    WHERE EXISTS (SELECT 1 FROM fact_versions v WHERE v.fact_id = f.id AND v.version = 1 AND v.change = 'added')
       OR (NOT EXISTS (SELECT 1 FROM fact_versions v WHERE v.fact_id = f.id) AND f.updated_at = f.created_at)"""


@pytest.fixture
def belarus(run: Run) -> None:
    """The SPEC's first table, added through the CLI."""
    add(run, PP, "888", "2021-12", "human-rights organisations")
    add(run, PP, "nearly 1,400", "May 21, 2024", "EU", "--via", "EU Neighbours East")
    add(run, PP, "1,189", "2025-05-21", "Viasna", "--via", "Pozirk")
    add(run, PP, "nearly 1,200", "August 2025", "Viasna", "--via", "People In Need")
    add(run, PP, "more than 1,000", "2025-09", "People In Need")


def through_facts(db: Path | str, fmt: str, **query: Any) -> str:
    """What `list --format fmt` writes (a table as sent to a pipe) when every fact goes
    through Fact.to_dict: the reference the listings SQLite makes are held to."""
    from pptrack import service
    from pptrack.commands.options import fact_columns
    from pptrack.models import FACT_FIELDS
    from pptrack.render import write_records
    from pptrack.store import open_db

    store = open_db(Path(db), write=False)
    try:
        flt = service.fact_filter(store, service.ListQuery(**query), newest_first=True)
        facts = list(store.query_facts(flt))
    finally:
        store.close()
    if fmt == "table" and not facts:
        return ""
    out = io.StringIO()
    write_records([f.to_dict() for f in facts], fmt, fact_columns(), fields=FACT_FIELDS, out=out)
    return out.getvalue()


def scribble_on_facts(db: Path) -> None:
    """Damage the first page of the facts table, as a failing disk might."""
    import sqlite3

    conn = sqlite3.connect(db)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'facts'").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with db.open("r+b") as f:
        f.seek((root - 1) * page_size + 8)
        f.write(b"\xff" * 200)


def db_value(path: Path, sql: str, *params: object) -> Any:
    """The first value of the first row `sql` gives in the database file at `path`."""
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql, params).fetchone()[0]
