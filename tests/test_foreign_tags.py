"""Tags another program wrote into the database (Datasette, sqlite-utils, a script) as JSON
that is not text -- true, null, a number, a list -- are read as their JSON text: every command
shows, edits and exports them, and an export of them imports again."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

from conftest import Run

FOREIGN = '[true, null, 1.5, ["a"], "text"]'
AS_TEXT = ["true", "null", "1.5", '["a"]', "text"]


def foreign(run: Run, tmp_path: Path) -> str:
    db = str(tmp_path / "foreign.db")
    assert run("add", "pp", "5", "--date", "2025", "--source", "V", "--db", db).exit_code == 0
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE facts SET tags = ?", (FOREIGN,))
    return db


def test_every_command_reads_them_as_text(run: Run, tmp_path: Path) -> None:
    db = foreign(run, tmp_path)
    for args in (["list"], ["show", "1"], ["list", "--format", "csv"], ["history", "1"], ["timeline", "pp"]):
        result = run(*args, "--db", db)
        assert result.exit_code == 0, (args, result.stderr)  # was: internal error, TypeError
    assert "true, null, 1.5" in run("list", "--db", db).stdout
    for fmt in ("json", "jsonl"):
        line = run("list", "--format", fmt, "--db", db).stdout.strip().strip("[]")
        assert json.loads(line)["tags"] == AS_TEXT
    for fmt, delimiter in (("tsv", "\t"), ("csv", ",")):
        rows = list(csv.DictReader(io.StringIO(run("list", "--format", fmt, "--db", db).stdout), delimiter=delimiter))
        assert rows[0]["tags"] == ";".join(AS_TEXT)


def test_an_edit_keeps_them_and_the_old_version(run: Run, tmp_path: Path) -> None:
    db = foreign(run, tmp_path)
    result = run("edit", "1", "--note", "checked", "--db", db)
    assert result.exit_code == 0, result.stderr
    shown = json.loads(run("show", "1", "--format", "json", "--db", db).stdout)
    assert shown["tags"] == AS_TEXT and shown["note"] == "checked"
    history = json.loads(run("history", "1", "--format", "json", "--db", db).stdout)
    assert history[0]["tags"] == json.loads(FOREIGN)  # the fact as it was, kept whole


def test_their_export_imports_again(run: Run, tmp_path: Path) -> None:
    db = foreign(run, tmp_path)
    for fmt in ("jsonl", "csv"):
        out = tmp_path / f"out.{fmt}"
        assert run("export", "--format", fmt, "-o", str(out), "--db", db).exit_code == 0
        again = str(tmp_path / f"again-{fmt}.db")
        result = run("import", str(out), "--db", again)
        assert result.exit_code == 0, result.stderr
        listed = json.loads(run("list", "--format", "json", "--db", again).stdout)
        assert listed[0]["tags"] == AS_TEXT
