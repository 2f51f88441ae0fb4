"""export: every fact with its history, stable bytes, csv safe in a spreadsheet, Datasette metadata."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from conftest import Run, add

FIELDS = [
    "uid",
    "metric",
    "kind",
    "value",
    "low",
    "high",
    "qualifier",
    "display",
    "date",
    "date_precision",
    "published",
    "source",
    "via",
    "url",
    "quote",
    "note",
    "tags",
    "created_at",
    "updated_at",
    "removed_at",
    "history",
]


def export(run: Run, *args: str) -> str:
    result = run("export", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_jsonl_is_the_default_one_fact_a_line(run: Run) -> None:
    fact = add(run, "pp", "nearly 1,200", "August 2025", "Viasna", "--via", "PIN", "--tag", "b", "--tag", "a")
    lines = export(run).splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert list(record) == FIELDS
    assert record == {
        **{k: v for k, v in fact.items() if k != "id"},
        "kind": "stock",
        "removed_at": None,
        "history": [],  # only the 'added' version, which import rebuilds from the fact itself
    }
    assert lines[0].startswith('{"uid":')  # compact: one line a fact, for diffs


def test_order_is_stable_and_by_metric_then_date(run: Run) -> None:
    add(run, "pp", "3", "2023", "B")
    add(run, "aa", "9", "2025", "A")
    add(run, "pp", "1", "2021-05", "A")
    add(run, "pp", "2", "2021", "Z")
    first = export(run)
    assert [(r["metric"], r["date"]) for r in map(json.loads, first.splitlines())] == [
        ("aa", "2025"),
        ("pp", "2021"),
        ("pp", "2021-05"),
        ("pp", "2023"),
    ]
    assert export(run) == first


def test_removed_and_edited_facts_carry_their_history(run: Run) -> None:
    a = add(run, "pp", "888", "2021", "HRO")
    b = add(run, "pp", "900", "2022", "HRO")
    run("edit", str(a["id"]), "--value", "about 890")
    run("rm", str(b["id"]))
    records = {r["date"]: r for r in map(json.loads, export(run).splitlines())}
    assert [(v["version"], v["change"], v["display"]) for v in records["2021"]["history"]] == [
        (1, "added", "888"),
        (2, "edited", "about 890"),
    ]
    assert "id" not in records["2021"]["history"][0]
    assert records["2022"]["removed_at"] is not None
    assert [v["change"] for v in records["2022"]["history"]] == ["added", "removed"]


def test_a_renamed_metric_keeps_the_old_name_in_history(run: Run) -> None:
    add(run, "pp", "888", "2021", "HRO")
    run("metrics", "rename", "pp", "political-prisoners")
    (record,) = map(json.loads, export(run).splitlines())
    assert record["metric"] == "political-prisoners"
    assert [v["metric"] for v in record["history"]] == ["pp", "political-prisoners"]  # as added, then renamed


def test_csv_escapes_formulas_but_not_numbers(run: Run) -> None:
    result = run(
        "add",
        "pp",
        "--date",
        "2021",
        "--source",
        "=HYPERLINK(1)",
        "--note",
        "@SUM(A1)",
        "--quote",
        "+1 more",
        "--tag",
        "-x",
        "--",
        "-5",
    )
    assert result.exit_code == 0, result.stderr
    text = export(run, "--format", "csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == FIELDS
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["source"] == "'=HYPERLINK(1)"
    assert row["note"] == "'@SUM(A1)"
    assert row["quote"] == "'+1 more"
    assert row["tags"] == "'-x"
    assert row["value"] == "-5" and row["low"] == "-5"  # numbers stay numbers
    assert row["display"] == "-5"  # a number as text is no formula either
    assert row["history"] == ""


def test_json_is_a_list(run: Run) -> None:
    assert export(run, "--format", "json") == "[]\n"
    add(run, "pp", "888", "2021", "HRO")
    (record,) = json.loads(export(run, "--format", "json"))
    assert record["display"] == "888"
    assert export(run, "--format", "csv").splitlines()[0] == ",".join(FIELDS)


def test_empty_database_exports_nothing_and_creates_nothing(run: Run, db_path: Path) -> None:
    assert export(run) == ""
    assert export(run, "--format", "csv") == ",".join(FIELDS) + "\n"
    assert not db_path.exists()


def test_output_file_format_from_extension(run: Run, tmp_path: Path) -> None:
    add(run, "pp", "888", "2021", "HRO")
    for name in ("a.csv", "a.json", "a.jsonl"):
        result = run("export", "-o", str(tmp_path / name))
        assert result.exit_code == 0 and result.stdout == ""
    assert (tmp_path / "a.csv").read_text().startswith("uid,metric,")
    assert json.loads((tmp_path / "a.json").read_text())[0]["value"] == 888
    assert json.loads((tmp_path / "a.jsonl").read_text())["value"] == 888
    assert run("export", "-o", str(tmp_path / "b.txt"), "--format", "csv").exit_code == 0
    assert (tmp_path / "b.txt").read_text().startswith("uid,")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no partial files left


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "out.xlsx"], "cannot tell the format from 'out.xlsx'"),
        (["--format", "xml"], "unknown export format 'xml'; accepted: jsonl, json, csv, datasette-metadata"),
        (["-o", "missing-folder/out.csv"], "cannot write"),
        # each of these was an internal error (exit 1), written to a file named sub, or
        # taken for no format at all
        (["-o", "", "--format", "jsonl"], "-o is empty: give -o a file name, or - for stdout"),
        (["-o", ".", "--format", "jsonl"], "-o '.' names a folder: give -o a file name, or - for stdout"),
        (["-o", "/", "--format", "csv"], "-o '/' names a folder"),
        (["-o", "sub/", "--format", "jsonl"], "-o 'sub/' names a folder"),
        (["-o", "sub/x.csv/"], "-o 'sub/x.csv/' names a folder"),
        (["--format", ""], "unknown export format ''; accepted: jsonl, json, csv, datasette-metadata"),
        (["--format", "", "-o", "x.csv"], "unknown export format ''"),
    ],
)
def test_export_refusals(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    add(run, "pp", "888", "2021", "HRO")
    result = run("export", *args)
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pptrack.db"]  # nothing written beside it


def test_datasette_metadata(run: Run, tmp_path: Path) -> None:
    meta = json.loads(export(run, "--format", "datasette-metadata", "--db", str(tmp_path / "team.db")))
    assert meta["title"].startswith("pptrack")
    tables = meta["databases"]["team"]["tables"]
    assert {"facts_named", "latest_per_metric_source", "facts", "fact_versions"} <= set(tables)
    assert "nearly 1,400" in tables["facts_named"]["columns"]["display"]


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_jsonl_and_csv_stream_record_by_record(fmt: str) -> None:
    # Export writes jsonl and csv as it reads: a line is out before the next record is
    # asked for, so a million facts never sit in memory at once (a list of every jsonl
    # line once held 500 MB for them).
    from pptrack.render import write_records

    pulled = 0
    lines_at_pull: list[int] = []
    out = io.StringIO()

    def records():  # type: ignore[no-untyped-def]
        nonlocal pulled
        for i in range(5):
            lines_at_pull.append(out.getvalue().count("\n"))
            pulled += 1
            yield {"uid": f"u{i}", "value": i}

    write_records(records(), fmt, [], fields=["uid", "value"], out=out)
    header = 1 if fmt == "csv" else 0
    assert lines_at_pull == [header + i for i in range(5)]


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "datasette-metadata"])
@pytest.mark.parametrize("as_named", ["same", "relative", "link"])
def test_export_onto_the_database_itself_is_refused(
    run: Run, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, as_named: str
) -> None:
    """A bug: `export -o` naming the database replaced every fact with their export, and
    aliases, units and labels, which an export does not carry, were gone."""
    add(run, "pp", "888", "2021-12", "Viasna")
    before = db_path.read_bytes()
    target = db_path
    if as_named == "relative":
        monkeypatch.chdir(tmp_path)
        target = Path(".") / db_path.name
    elif as_named == "link":
        target = tmp_path / "backup.jsonl"
        target.symlink_to(db_path)
    result = run("export", "--format", fmt, "-o", str(target))
    assert result.exit_code == 2 and "is the database's own file" in result.stderr
    assert result.stderr.count("\n") == 1 and db_path.read_bytes() == before
    assert "888" in run("list").stdout


def test_export_onto_the_databases_journal_is_refused(run: Run, db_path: Path, tmp_path: Path) -> None:
    add(run, "pp", "888", "2021-12", "Viasna")
    wal = db_path.with_name(db_path.name + "-wal")
    wal.touch()  # as a reader holding the database open in WAL mode leaves it
    result = run("export", "-o", str(wal), "--format", "jsonl")
    assert result.exit_code == 2 and "-wal" in result.stderr


@pytest.mark.parametrize(("command", "name"), [("export", "bk.jsonl"), ("export", "bk"), ("plot", "chart.png")])
def test_a_killed_exports_leftover_is_swept_by_the_next_one(
    command: str, name: str, run: Run, belarus: None, tmp_path: Path
) -> None:
    """`export -o` (and `plot -o`) killed outright leave their `.partial` file; the next one
    to the same path removes those of writers gone and left alone for ten minutes, no other."""
    import os
    import subprocess
    import sys
    import time

    if command == "plot":
        pytest.importorskip("matplotlib")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(gone.stdout)
    path = tmp_path / name
    suffix = path.suffix
    stale = tmp_path / f".{name}.{dead}.partial{suffix}"
    recent = tmp_path / f".{name}.{dead + 1 if dead + 1 != os.getpid() else dead + 2}.partial{suffix}"
    alive = tmp_path / f".{name}.{os.getpid()}.partial{suffix}.x"  # not one of these: another name
    for leftover in (stale, recent, alive):
        leftover.write_bytes(b"half an export")
    old = time.time() - 3600
    for leftover in (stale, alive):
        os.utime(leftover, (old, old))
    args = ["plot", "political-prisoners"] if command == "plot" else ["export", "--format", "jsonl"]
    result = run(*args, "-o", str(path))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == sorted([recent.name, alive.name])
    assert path.exists()
