"""Hostile text — rich markup, emoji codes, ANSI/OSC escapes, 8-bit CSI, bidi overrides,
100,000-character quotes — is stored byte for byte and shown as visible text by every
printing command, on a pipe and on a terminal (rich): never obeyed."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import Run
from pptrack import render
from pptrack.cli import COMMANDS

# Everything a terminal might obey, or rich might interpret, in one line of text.
HOSTILE = (
    "[bold]B[/bold] [link=https://evil.example]L[/link] oops [/] :rocket: "
    "\x1b[2J\x1b]0;title\x07\x1b]52;c;ZXZpbA==\x07 \x9b31m \u202eRTL\u2066 \x7f\x00 \x85 end"
)
TAG = "[red]t[/] :rocket: \x1b[31m \x9b1m \u202eg"  # tags may not hold ';'
BIG = ("a quote [bold]" * 7143)[:100_000]
SOURCE = "Src " + HOSTILE
OTHER = "Other " + HOSTILE
VIA = "Via " + HOSTILE
LABEL = "Prisoners " + HOSTILE
# What may reach the terminal: text, tab and newline; none of C0, DEL, C1, bidi controls.
FORBIDDEN = {chr(c) for c in (*range(0, 32), 127, *range(0x80, 0xA0))} - {"\n", "\t"} | set(render.BIDI)
VISIBLE = ("[bold]", ":rocket:", "\\x1b[2J", "\\x9b31m", "\\u202e")


def add(run: Run, *args: str) -> None:
    result = run("add", *args)
    assert result.exit_code == 0, result.stderr


@pytest.fixture
def hostile_db(run: Run, db_path: Path, tmp_path: Path) -> Path:
    """1: every text field hostile; 2: another source; 3: a 100,000-character quote."""
    run("metrics", "add", "pp", "--label", LABEL, "--unit", HOSTILE, "--alias", "alias " + HOSTILE)
    run("sources", "add", SOURCE, "--alias", "also " + HOSTILE, "--url", HOSTILE)
    common = ["--url", HOSTILE, "--quote", HOSTILE, "--note", HOSTILE, "--tag", TAG]
    add(run, "pp", "nearly 1,400", "--date", "2024-05", "--source", SOURCE, "--via", VIA, *common)
    add(run, "pp", "1,189", "--date", "2024-05-21", "--source", OTHER, "--via", VIA, *common)
    add(run, "pp", "about 1,200", "--date", "2025-08", "--source", SOURCE, "--quote", BIG, "--note", BIG)
    text = HOSTILE.replace("\x00", "")  # a NUL byte makes a file look like UTF-16 to extract
    (tmp_path / "article.txt").write_text(
        f"{text}\n\nAs of August 2025, according to Viasna {text}, 1,189 political prisoners remain in prison {text}.\n"
    )
    with (tmp_path / "rows.csv").open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["metric", "value", "date", "source", "via", "quote", "note", "url", "tags"])
        out.writerow(["new " + HOSTILE, "5", "2021", "new " + HOSTILE, VIA, HOSTILE, HOSTILE, HOSTILE, TAG])
    return db_path


def display_damaged(db: Path) -> None:
    """For `check`: a stored display that no longer reads as the value, printed in its problem."""
    conn = sqlite3.connect(db)
    conn.execute("UPDATE facts SET display = ? WHERE id = 2", (HOSTILE,))
    conn.commit()
    conn.close()


def removed(run: Run) -> None:
    assert run("rm", "1").exit_code == 0


# Every command, with the ways to make it print user or article text. `{tmp}` is the
# test's folder. (setup, arguments, whether it shows text fields, exit code)
Case = tuple[Callable[..., None] | None, list[str], bool, int]
CASES: dict[str, list[Case]] = {
    "add": [(None, ["add", "pp", "5", "--date", "2021", "--source", SOURCE, "--via", VIA, "--tag", TAG], True, 0)],
    "list": [(None, ["list"], True, 0), (None, ["list", "--source", SOURCE, "--via", VIA, "--tag", TAG], True, 0)],
    "show": [(None, ["show", "1"], True, 0), (None, ["show", "3"], True, 0)],
    "edit": [(None, ["edit", "1", "--note", "new " + HOSTILE, "--source", OTHER], True, 0)],
    "rm": [(None, ["rm", "1"], False, 0), (None, ["rm", "1", "--format", "jsonl"], False, 0)],
    "restore": [(removed, ["restore", "1"], True, 0)],
    "history": [(None, ["history", "1"], True, 0), (None, ["history", "3"], True, 0)],
    "timeline": [
        (None, ["timeline"], True, 0),
        (None, ["timeline", "pp", "--source", SOURCE], True, 0),
        (None, ["timeline", "--chart"], False, 0),
    ],
    "latest": [(None, ["latest"], True, 0)],
    "plot": [(None, ["plot", "pp", "-o", "{tmp}/chart.svg"], False, 0)],
    "import": [(None, ["import", "{tmp}/rows.csv"], True, 0)],
    "export": [(None, ["export", "--format", "jsonl"], False, 0), (None, ["export", "--format", "json"], False, 0)],
    "metrics": [(None, ["metrics", "list"], True, 0), (None, ["metrics", "alias", "pp", "more " + HOSTILE], True, 0)],
    "sources": [
        (None, ["sources", "list"], True, 0),
        (None, ["sources", "alias", SOURCE, "more " + HOSTILE], True, 0),
        (None, ["sources", "merge", SOURCE, OTHER], True, 0),
    ],
    "extract": [(None, ["extract", "{tmp}/article.txt", "--source", SOURCE], True, 0)],
    "diff-sources": [(None, ["diff-sources", "pp"], True, 0), (None, ["diff-sources", "pp", "--by", "via"], True, 0)],
    "check": [(display_damaged, ["check"], True, 1)],
}
MODES = ("pipe", "terminal", "colour")
PARAMS = [
    pytest.param(case, mode, id=f"{name}-{i}-{mode}")
    for name, cases in CASES.items()
    if name in COMMANDS
    for i, case in enumerate(cases)
    for mode in MODES
]
SGR = re.compile(r"\x1b\[[0-9;]*m")  # the colours rich itself writes on a colour terminal


def as_terminal(monkeypatch: pytest.MonkeyPatch, mode: str, width: str) -> None:
    """Make tables take the terminal (rich) path; `colour`: rich writes colour codes too."""
    monkeypatch.setattr(render, "_is_terminal", lambda out: True)
    monkeypatch.setenv("COLUMNS", width)
    if mode == "colour":
        from rich.console import Console

        def coloured(out: Any = None, stderr: bool = False) -> Any:
            return Console(
                file=out, stderr=stderr, markup=False, emoji=False, highlight=False,
                force_terminal=True, color_system="truecolor", width=int(width),
            )  # fmt: skip

        monkeypatch.setattr(render, "console", coloured)


@pytest.mark.skipif("extract" not in COMMANDS, reason="no extract command")
@pytest.mark.parametrize("mode", MODES)
def test_extract_review_prompts_show_text(
    mode: str, run: Run, hostile_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if mode != "pipe":
        as_terminal(monkeypatch, mode, "100000")
    result = run(
        "extract", str(tmp_path / "article.txt"), "--review", "--source", SOURCE, input="m\n" + HOSTILE + "\ns\n"
    )
    assert result.exit_code == 0, result.stderr
    output = SGR.sub("", result.stdout + result.stderr)
    assert not {hex(ord(c)) for c in output if c in FORBIDDEN}
    for visible in VISIBLE:
        assert visible in output


def test_every_command_has_hostile_cases() -> None:
    missing = sorted(set(COMMANDS) - set(CASES))
    assert missing == [], f"add the new command(s) {missing} to CASES in {__file__}"


@pytest.mark.parametrize(("case", "mode"), PARAMS)
def test_shown_as_text_never_obeyed(
    case: Case, mode: str, run: Run, hostile_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup, args, shows_text, code = case
    if setup is display_damaged:
        setup(hostile_db)
    elif setup is not None:
        setup(run)
    if mode != "pipe":
        as_terminal(monkeypatch, mode, "100000")  # wide enough that nothing is folded
    result = run(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.exit_code == code, result.stderr[-500:]
    output = SGR.sub("", result.stdout + result.stderr)
    raw = sorted({hex(ord(c)) for c in output if c in FORBIDDEN})
    assert raw == [], f"raw control characters reached the terminal: {raw}"
    assert "Traceback" not in output
    if shows_text:
        for visible in VISIBLE:
            assert visible in output, (visible, output[:3000])


@pytest.mark.parametrize("width", ["80", "120"])
@pytest.mark.parametrize(
    "args", [["list"], ["history", "1"], ["history", "3"], ["metrics", "list"], ["sources", "list"]]
)
def test_terminal_tables_fit_and_keep_short_columns(
    args: list[str], width: str, run: Run, hostile_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a terminal, long hostile text is folded to the width; it never pushes the id,
    date or value out of sight, and nothing is obeyed."""
    monkeypatch.setattr(render, "_is_terminal", lambda out: True)
    monkeypatch.setenv("COLUMNS", width)
    result = run(*args)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(render.cell_width(line) for line in lines) <= int(width)
    assert not {c for c in result.stdout if c in FORBIDDEN}
    if args == ["list"]:
        rows = "\n".join(lines)
        for shown in ("2025-08", "about 1,200", "2024-05-21", "1,189", "nearly 1,400"):
            assert shown in rows, (shown, rows)


def test_stored_byte_for_byte(run: Run, hostile_db: Path) -> None:
    one = json.loads(run("show", "1", "--format", "json").stdout)
    assert (one["url"], one["quote"], one["note"], one["tags"]) == (HOSTILE, HOSTILE, HOSTILE, [TAG])
    assert one["source"] == " ".join(SOURCE.split())  # names are trimmed of runs of white space
    big = json.loads(run("show", "3", "--format", "json").stdout)
    assert big["quote"] == BIG and big["note"] == BIG
    history = json.loads(run("history", "3", "--format", "json").stdout)
    assert history[0]["quote"] == BIG
    as_jsonl = [json.loads(line) for line in run("list", "--format", "jsonl").stdout.splitlines()]
    assert [f["quote"] for f in as_jsonl] == [BIG, HOSTILE, HOSTILE]


def test_json_output_escapes_what_a_terminal_could_obey(run: Run, hostile_db: Path) -> None:
    for fmt in ("json", "jsonl"):
        out = run("list", "--format", fmt).stdout
        assert not {c for c in out if c in FORBIDDEN}
        assert "\\u001b[2J" in out and "\\u202e" in out and "\\u009b" in out


def test_csv_and_tsv_carry_the_text_exactly(run: Run, hostile_db: Path) -> None:
    for fmt, delimiter in (("csv", ","), ("tsv", "\t")):
        out = run("list", "--format", fmt).stdout
        rows = list(csv.DictReader(io.StringIO(out, newline=""), delimiter=delimiter))
        assert [r["note"] for r in rows] == [BIG, HOSTILE, HOSTILE]
        assert rows[1]["tags"] == TAG


def test_show_keeps_every_field_in_full(run: Run, hostile_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = run("show", "3").stdout
    assert render.safe_text(BIG) in out
    monkeypatch.setattr(render, "_is_terminal", lambda out: True)
    monkeypatch.setenv("COLUMNS", "80")
    lines = run("show", "3").stdout.splitlines()
    assert max(render.cell_width(line) for line in lines) <= 80  # folded to the terminal, nothing cut:
    start = next(i for i, line in enumerate(lines) if line.startswith("quote "))
    end = next(i for i, line in enumerate(lines) if line.startswith("note"))
    assert " ".join(line[len("quote") :].strip() for line in lines[start:end]) == render.safe_text(BIG).strip()


def _visible(value: Any) -> str:
    return render.safe_text(value)


def test_safe_text_shows_each_control_as_its_escape() -> None:
    assert _visible("\x1b[2J") == "\\x1b[2J"
    assert _visible("a\x9bb") == "a\\x9bb"
    assert _visible("\u202eevil") == "\\u202eevil"
    assert _visible("tab\tnew\nline") == "tab\\x09new\\x0aline"
    assert render.safe_text("tab\tnew\nline", multiline=True) == "tab\tnew\nline"
    assert _visible("[bold]:rocket:") == "[bold]:rocket:"


def test_table_titles_are_made_safe_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "_is_terminal", lambda out: True)
    monkeypatch.setenv("COLUMNS", "200")
    for terminal in (True, False):
        monkeypatch.setattr(render, "_is_terminal", lambda out, t=terminal: t)
        out = io.StringIO()
        render.write_table([["1", HOSTILE]], [render.col("id"), render.col("text")], out=out, title="t " + HOSTILE)
        text = out.getvalue()
        assert not {c for c in text if c in FORBIDDEN}
        assert text.count("[bold]B[/bold]") == 2 and text.count("\\x1b[2J") == 2


# --- spreadsheets ---------------------------------------------------------------

FORMULAS = {
    "source": '=HYPERLINK("http://evil.example","click")',
    "via": "@SUM(A1:A9)",
    "url": "\t=1+1",
    "quote": "-2+3",
    "note": "+cmd|' /C calc'!A0",
    "tags": "=1;2",
}


@pytest.fixture
def formula_db(run: Run, db_path: Path) -> Path:
    f = FORMULAS
    add(run, "pp", "5", "--date", "2021", "--source", f["source"], "--via", f["via"], "--url", f["url"],
        "--quote", f["quote"], "--note", f["note"], "--tag", "=1", "--tag", "2")  # fmt: skip
    add(run, "--date", "2022", "--source", "'=quoted already", "--note", "''@twice", "--quote", "\r=cr", "--",
        "pp", "-5")  # fmt: skip
    add(run, "--date", "2023", "--source=-minus", "--note=-5", "--quote", "1e5", "--", "pp", "-5 to 5")
    # Numbers to Python's float, texts to a spreadsheet: escaped.
    add(run, "pp", "6", "--date", "2024", "--source", "S", "--note=-1_000", "--quote=-١٢", "--url=+1_0")
    return db_path


def _cells(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _number(cell: str) -> bool:
    """What a spreadsheet reads as a number."""
    return re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", cell, flags=re.ASCII) is not None


@pytest.mark.parametrize("command", [["list", "--format", "csv"], ["export", "--format", "csv"]])
def test_csv_never_starts_a_cell_with_a_formula(run: Run, formula_db: Path, command: list[str]) -> None:
    if command[0] not in COMMANDS:
        pytest.skip(f"no {command[0]} command")
    result = run(*command)
    assert result.exit_code == 0
    rows = _cells(result.stdout)
    assert len(rows) == 4
    for row in rows:
        for name, cell in row.items():
            assert not cell.startswith(render.FORMULA_START) or _number(cell), (name, cell)
    first = next(r for r in rows if r["value"] == "5")
    assert first["source"] == "'" + FORMULAS["source"] and first["tags"] == "'=1;2"
    numbers = next(r for r in rows if r["value"] == "-5" and r["qualifier"] == "exact")
    assert numbers["display"] == "-5"  # a number stays a number
    assert numbers["source"] == "''=quoted already" and numbers["note"] == "'''@twice"  # one more quote
    ranged = next(r for r in rows if r["qualifier"] == "range")
    assert ranged["display"] == "'-5 to 5" and ranged["source"] == "'-minus" and ranged["note"] == "-5"
    texts = next(r for r in rows if r["value"] == "6")
    assert (texts["note"], texts["quote"], texts["url"]) == ("'-1_000", "'-١٢", "'+1_0")


@pytest.mark.skipif("export" not in COMMANDS, reason="no export command")
def test_csv_export_imports_back_exactly(run: Run, formula_db: Path, tmp_path: Path) -> None:
    exported = tmp_path / "facts.csv"
    assert run("export", "--format", "csv", "-o", str(exported)).exit_code == 0
    other = tmp_path / "other.db"
    imported = run("import", str(exported), "--db", str(other))
    assert imported.exit_code == 0, imported.stderr
    fields = ("uid", "source", "via", "url", "quote", "note", "tags", "display", "value", "low", "high")
    original = [{k: f[k] for k in fields} for f in json.loads(run("list", "--format", "json").stdout)]
    again = json.loads(run("list", "--format", "json", "--db", str(other)).stdout)
    assert [{k: f[k] for k in fields} for f in again] == original
    assert original[3]["source"] == FORMULAS["source"] and original[3]["tags"] == ["=1", "2"]
    assert original[0]["note"] == "-1_000" and original[0]["quote"] == "-١٢"


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_import_keeps_text_after_a_nul_character(run: Run, db_path: Path, tmp_path: Path, suffix: str) -> None:
    row = {
        "metric": "pp",
        "value": "5",
        "date": "2021",
        "source": "X",
        "url": "u\x00u",
        "quote": "q\x00q",
        "note": "a\x00b",
    }
    source = tmp_path / f"rows{suffix}"
    if suffix == ".jsonl":
        source.write_text(json.dumps(row) + "\n")
    else:
        with source.open("w", newline="") as f:
            out = csv.DictWriter(f, fieldnames=list(row))
            out.writeheader()
            out.writerow(row)
    assert run("import", str(source)).exit_code == 0
    fact = json.loads(run("show", "1", "--format", "json").stdout)
    assert (fact["url"], fact["quote"], fact["note"]) == ("u\x00u", "q\x00q", "a\x00b")


@given(st.text())
def test_safe_text_never_lets_a_control_through(text: str) -> None:
    for multiline in (False, True):
        shown = render.safe_text(text, multiline=multiline)
        assert not {c for c in shown if c in FORBIDDEN}
        assert ("\n" in shown) == (multiline and "\n" in text)
