"""import: hand-made CSV or an export's CSV/JSON/JSON Lines; all rows or none; a second import adds nothing."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import WITH_ADDED_VERSION, Run, add
from pptrack.values import parse_value, parse_written

PPTRACK = str(Path(sys.executable).parent / "pptrack")


def write(tmp_path: Path, text: str, name: str = "in.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def facts(run_json) -> list[tuple]:
    return [(f["metric"], f["display"], f["date"], f["source"]) for f in run_json("list")]


def test_import_hand_made_csv(run: Run, run_json, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'metric,value,date,source,via,tags\npp,"nearly 1,400",May 21 2024,EU,,a;b\n'
        'pp,"1,189",2025-05-21,Viasna,Pozirk,\n',
    )
    result = run("import", path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "imported 2 fact(s); 0 already present; 0 updated" in result.stderr
    got = run_json("list")
    assert [(f["display"], f["qualifier"], f["low"], f["high"], f["date"], f["via"], f["tags"]) for f in got] == [
        ("1,189", "exact", 1189, 1189, "2025-05-21", "Pozirk", []),
        ("nearly 1,400", "nearly", 1300, 1400, "2024-05-21", None, ["a", "b"]),
    ]
    history = run_json("history", str(got[1]["id"]))
    assert [(v["version"], v["change"], v["display"], v["id"]) for v in history] == [
        (1, "added", "nearly 1,400", got[1]["id"])
    ]
    assert {k: v for k, v in history[0].items() if k not in ("version", "changed_at", "change")} == got[1]


def test_second_import_adds_nothing(run: Run, run_json, tmp_path: Path) -> None:
    path = write(tmp_path, 'metric,value,date,source\npp,"nearly 1,400",2024-05,EU\npp,888,2021,HRO\n')
    assert run("import", path).exit_code == 0
    again = run("import", path)
    assert again.exit_code == 0
    assert "imported 0 fact(s); 2 already present; 0 updated" in again.stderr
    assert len(run_json("list")) == 2


def test_identical_to_a_fact_added_by_hand_or_to_an_earlier_row(run: Run, run_json, tmp_path: Path) -> None:
    add(run, "pp", "888", "2021", "HRO")
    path = write(
        tmp_path,
        "metric,value,date,source\n"
        "P.P.,888,2021,hro\n"  # the same fact, names written otherwise
        "pp,900,2021,HRO\n"
        "pp,900,2021,HRO\n"  # twice in the file
        "pp,900,2021-01,HRO\n",  # another precision: another fact
    )
    result = run("import", path)
    assert "imported 2 fact(s); 2 already present; 0 updated" in result.stderr
    assert sorted(facts(run_json)) == [
        ("pp", "888", "2021", "HRO"),
        ("pp", "900", "2021", "HRO"),
        ("pp", "900", "2021-01", "HRO"),
    ]


def test_the_same_value_and_date_written_otherwise_are_the_same_fact(run: Run, run_json, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'metric,value,date,source\npp,"about 1,400",2025-08,X\npp,"~1,400",August 2025,X\npp,1400,Aug 2025,X\n',
    )
    result = run("import", path)
    assert "imported 2 fact(s); 1 already present; 0 updated" in result.stderr
    assert sorted(facts(run_json)) == [("pp", "1400", "2025-08", "X"), ("pp", "about 1,400", "2025-08", "X")]


def test_identical_rows_are_found_past_the_memory_limit(
    run: Run, run_json, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pptrack.io._MEMO", 3)  # a file of more distinct values than are remembered
    lines = "".join(f"pp,{n},2021,X\npp,{n},2021-01,X\n" for n in range(10)) + "pp,about 5,2021,X\npp,~5,2021,X\n"
    path = write(tmp_path, "metric,value,date,source\n" + lines * 2)
    result = run("import", path)
    assert "imported 21 fact(s); 23 already present; 0 updated" in result.stderr
    assert len(run_json("list")) == 21


def test_removed_facts_do_not_count_as_present(run: Run, run_json, tmp_path: Path) -> None:
    fact = add(run, "pp", "888", "2021", "HRO")
    run("rm", str(fact["id"]))
    result = run("import", write(tmp_path, "metric,value,date,source\npp,888,2021,HRO\n"))
    assert "imported 1 fact(s)" in result.stderr
    assert len(run_json("list")) == 1


def test_bad_rows_reported_with_line_column_and_reason(run: Run, run_json, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'metric,value,date,source\npp,5,2021,X\npp,nan,2021,X\npp,5,soon,X\npp,,2021,X\n"pp\nsplit",1,2021,X\n'
        "pp,1,2021,X,extra\npp,1,2021,X\n",
    )
    result = run("import", path)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    err = result.stderr
    assert "line 3, column value: cannot read value 'nan'" in err
    assert "line 4, column date: cannot read date 'soon'" in err
    assert "line 5, column value: empty" in err
    assert "line 8: 5 cells where the header has 4" in err
    assert "nothing was imported" in err
    assert "values: write a number" in err and "dates: write e.g." in err  # what is accepted, said once
    assert run_json("list") == []
    assert run("metrics", "list", "--format", "json").stdout == "[]\n"  # names made on the way are gone too


def test_many_bad_rows_are_counted_beyond_the_limit(run: Run, tmp_path: Path) -> None:
    lines = "".join(f"pp,bad{i},2021,X\n" for i in range(30))
    result = run("import", write(tmp_path, "metric,value,date,source\n" + lines))
    assert result.exit_code == 2
    assert result.stderr.count("line ") == 20
    assert "(and 10 more bad row(s))" in result.stderr


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.csv", "metric,value,date,source,colour\n", "unknown column(s) 'colour'; accepted: metric, value, date"),
        ("a.csv", "metric,value,date\n", "missing column(s) source"),
        ("a.csv", "", "the file is empty"),
        ("a.csv", "metric;value;date;source\npp;5;2021;X\n", "separated by semicolons"),
        ("a.csv", "metric\tvalue\tdate\tsource\n", "separated by tabs"),
        ("a.json", '{"metric": "pp"}', "must be a list of fact objects"),
        ("a.json", "[1, 2]", "record 1: expected an object"),
        ("a.json", "[{", "not valid JSON"),
        ("a.json", "  \n", "the file is empty"),
        (
            "a.json",
            '[{"metric": "pp", "value": 5, "date": "2021", "source": "X", "size": 1}]',
            "unknown column(s) 'size'",
        ),
        ("a.jsonl", '{"metric": "pp"}\n[1]\n', "line 2: expected an object"),
        ("a.txt", "hello", "cannot tell the format"),
    ],
)
def test_bad_files(run: Run, tmp_path: Path, db_path: Path, name: str, content: str, message: str) -> None:
    result = run("import", write(tmp_path, content, name))
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    # refused before the database was opened, or (a bad record further on) nothing written
    assert not db_path.exists() or sqlite3.connect(db_path).execute("SELECT count(*) FROM facts").fetchone() == (0,)


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_the_export_of_an_empty_database_imports_as_nothing(run: Run, tmp_path: Path, db_path: Path, fmt: str) -> None:
    """A bug: restoring the backup of an empty database failed with exit 2 ("the file is
    empty", "no facts to import"), though the SPEC has export then import give the same facts."""
    empty = tmp_path / "empty.db"
    exported = tmp_path / f"backup.{fmt}"
    assert run("export", "--db", str(empty), "-o", str(exported)).exit_code == 0
    assert exported.read_text() == {"jsonl": "", "json": "[]\n"}.get(fmt, exported.read_text())
    result = run("import", str(exported))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"{str(exported)!r} holds no facts\nimported 0 fact(s); 0 already present; 0 updated\n"
    assert not db_path.exists()  # nothing to write: no database made
    add(run, "pp", "888", "2021-12", "Viasna")
    before = db_path.read_bytes()
    again = run("import", str(exported), "--dry-run")
    assert again.exit_code == 0 and "would import 0 fact(s)" in again.stderr
    assert run("import", str(exported)).exit_code == 0 and db_path.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "fmt"), [("\n\n", "jsonl"), ("metric,value,date,source\n", "csv"), ("[ ]", "json")]
)
def test_a_file_of_no_facts_from_stdin_imports_nothing(run: Run, db_path: Path, content: str, fmt: str) -> None:
    result = run("import", "-", "--format", fmt, input=content)
    assert result.exit_code == 0 and result.stderr.startswith("stdin holds no facts\n")
    assert not db_path.exists()


def refused(result, db_path: Path, *wanted: str) -> None:
    """Bad input: exit 2, one line on stderr holding each of `wanted`, and no database made."""
    assert result.exit_code == 2, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    for text in wanted:
        assert text in result.stderr
    assert "Traceback" not in result.stderr
    assert not db_path.exists()


@pytest.mark.parametrize(
    ("content", "row", "line"),
    [
        ('metric,value,date,source\npp,5,2021,V\npp,6,2021,"V\npp,7,2021,V\n', 3, 3),
        ('metric,value,date,source\npp,5,2021,V\npp,"6",2021,"V\n\npp,7,2021,V', 3, 3),
        # the row starts on line 2; its first quoted cell is closed, the second, on line 4, is not
        ('metric,value,date,source\npp,"5\n\nor so",2021,"V\npp,7,2021,V\n', 2, 4),
        ('metric,value,date,"source\npp,5,2021,V\n', 1, 1),
    ],
)
def test_an_unclosed_quote_is_refused_at_the_line_it_opens(
    run: Run, tmp_path: Path, db_path: Path, content: str, row: int, line: int
) -> None:
    """The csv module used to read the rest of the file into the cell (a source named 'V\\npp,7,...')."""
    path = write(tmp_path, content)
    refused(run("import", path), db_path, f"line {line}: the quoted cell that starts on this line is never closed")
    # from a pipe, which cannot be read twice: the line of its row
    piped = subprocess.run(
        [PPTRACK, "import", "-", "--format", "csv", "--db", str(db_path)], input=content, capture_output=True, text=True
    )
    assert piped.returncode == 2 and piped.stderr.count("\n") == 1, piped.stderr
    assert f"line {row}: a quoted cell of the row that starts here is never closed" in piped.stderr
    assert not db_path.exists()


def test_text_after_a_closing_quote_is_refused(run: Run, tmp_path: Path, db_path: Path) -> None:
    path = write(tmp_path, 'metric,value,date,source\npp,5,2021,V\npp,"6\n" or so,2021,V\n')
    refused(run("import", path), db_path, "line 4: a quoted cell goes on after its closing quote", '""')


def test_a_column_twice_in_a_csv_header_is_refused(run: Run, tmp_path: Path, db_path: Path) -> None:
    """The last cell of the two used to win: source W, and V silently dropped."""
    path = write(tmp_path, "metric,value,date,source,note,source\npp,5,2021,V,,W\n")
    refused(run("import", path), db_path, "the header names column 'source' twice; name each column once")


RECORD = '"metric": "pp", "value": 5, "date": "2021", "source": "V"'


@pytest.mark.parametrize(
    ("name", "content", "wanted"),
    [
        ("a.jsonl", f'{{{RECORD}}}\n{{{RECORD}, "source": "W"}}\n', "line 2: key 'source' is given twice"),
        ("a.json", f'[{{{RECORD}}},\n {{"note": "a", {RECORD}, "note": "b"}}]', "record 2: key 'note' is given twice"),
        # keys written otherwise are the same key once read
        ("a.jsonl", f'{{{RECORD}, "sour\\u0063e": "W"}}\n', "line 1: key 'source' is given twice"),
    ],
)
def test_a_key_twice_in_a_json_object_is_refused(
    run: Run, tmp_path: Path, db_path: Path, name: str, content: str, wanted: str
) -> None:
    """The last value of the two used to win."""
    refused(run("import", write(tmp_path, content, name)), db_path, wanted, "give each key once")


def test_a_key_twice_in_a_version_of_a_history_is_refused(run: Run, tmp_path: Path, db_path: Path) -> None:
    add(run, "pp", "5", "2021", "V")
    run("edit", "1", "--value", "6")
    jsonl, csv = run("export").stdout, run("export", "--format", "csv").stdout
    db_path.unlink()
    for name, text, change in (("a.jsonl", jsonl, '"change":"edited"'), ("a.csv", csv, '""change"":""edited""')):
        twice = text.replace(change, change + "," + change.replace("edited", "removed"))
        assert twice != text
        line = 1 if name == "a.jsonl" else 2
        wanted = f"line {line}, column history: version 2 gives key 'change' twice; give each key once"
        refused(run("import", write(tmp_path, twice, name)), db_path, wanted)


def test_files_that_cannot_be_read(run: Run, tmp_path: Path, db_path: Path) -> None:
    assert "cannot read" in run("import", str(tmp_path / "missing.csv")).stderr
    assert "is a folder" in run("import", str(tmp_path)).stderr
    latin = tmp_path / "latin.csv"
    latin.write_bytes("metric,value,date,source\npp,5,2021,Bélarus\n".encode("latin-1"))
    result = run("import", str(latin))
    assert result.exit_code == 2 and "not UTF-8" in result.stderr
    assert not db_path.exists()  # refused before the database was opened


def test_stdin_needs_a_format(run: Run, run_json) -> None:
    assert run("import", "-", input="metric,value,date,source\n").exit_code == 2
    assert "unknown import format" in run("import", "-", "--format", "xml", input="x").stderr
    result = run("import", "-", "--format", "csv", input="metric,value,date,source\npp,888,2021,HRO\n")
    assert result.exit_code == 0, result.stderr
    assert run_json("list")[0]["date_precision"] == "year"


def test_format_sniffed_for_an_unknown_extension(run: Run, run_json, tmp_path: Path) -> None:
    assert (
        run(
            "import", write(tmp_path, '[{"metric": "pp", "value": 5, "date": "2021", "source": "X"}]', "a.txt")
        ).exit_code
        == 0
    )
    assert (
        run("import", write(tmp_path, '{"metric": "pp", "value": 6, "date": "2021", "source": "X"}\n', "b")).exit_code
        == 0
    )
    assert run("import", write(tmp_path, "metric,value,date,source\npp,7,2021,X\n", "c.dat")).exit_code == 0
    assert sorted(f["value"] for f in run_json("list")) == [5, 6, 7]


def test_dry_run_counts_and_writes_nothing(run: Run, run_json, tmp_path: Path) -> None:
    add(run, "pp", "888", "2021", "HRO")
    path = write(tmp_path, "metric,value,date,source\npp,888,2021,HRO\npp,5,2022,New source\n")
    result = run("import", path, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "would import 1 fact(s); 1 already present; 0 updated; nothing was written (--dry-run)" in result.stderr
    assert len(run_json("list")) == 1
    assert [s["name"] for s in run_json("sources", "list")] == ["HRO"]
    bad = run("import", write(tmp_path, "metric,value,date,source\npp,x,2021,X\n"), "--dry-run")
    assert bad.exit_code == 2 and "line 2, column value" in bad.stderr


def test_a_dry_run_into_a_new_database_names_what_it_would_create(run: Run, tmp_path: Path, db_path: Path) -> None:
    """A bug: with no database yet, --dry-run said only its count, never the names it would
    create, so a misspelled source went unseen until the real import."""
    path = write(tmp_path, "metric,value,date,source\npp,5,2021,Viasna\npp,6,2022,Vjasna\n")
    result = run("import", path, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        "new metric 'pp' would be created",
        "new source 'Viasna' would be created",
        "new source 'Vjasna' would be created (did you mean Viasna?)",
        "would import 2 fact(s); 0 already present; 0 updated; nothing was written (--dry-run)",
    ]
    assert not db_path.exists()


def test_json_rows_take_numbers_and_lists(run: Run, run_json, tmp_path: Path) -> None:
    rows = [
        {"metric": "pp", "value": 1189, "date": "2025-05-21", "source": "Viasna", "tags": ["a", "b"]},
        {"metric": "pp", "value": "nearly 1,200", "date": "August 2025", "source": "Viasna", "via": "PIN"},
    ]
    assert run("import", write(tmp_path, json.dumps(rows), "a.json")).exit_code == 0
    got = run_json("list")
    assert [(f["display"], f["tags"], f["via"]) for f in got] == [
        ("nearly 1,200", [], "PIN"),
        ("1189", ["a", "b"], None),
    ]
    lines = "\n".join(json.dumps(r) for r in rows) + "\n"
    assert "0 fact(s); 2 already present" in run("import", write(tmp_path, lines, "a.jsonl")).stderr


def test_bad_json_fields_are_row_errors(run: Run, tmp_path: Path) -> None:
    rows = [
        {"metric": "pp", "value": True, "date": "2021", "source": "X"},
        {"metric": "pp", "value": 5, "date": "2021", "source": "X", "tags": [1]},
        {"metric": "pp", "value": 5, "date": "2021", "source": "X", "history": "nope"},
        {"metric": "pp", "value": 5, "date": "2021", "source": "X", "created_at": "yesterday-ish"},
    ]
    result = run("import", write(tmp_path, json.dumps(rows), "a.json"))
    assert result.exit_code == 2
    for n, column in enumerate(("value", "tags", "history", "created_at"), start=1):
        assert f"record {n}, column {column}:" in result.stderr


def test_formula_escapes_are_read_back(run: Run, run_json, tmp_path: Path) -> None:
    path = write(tmp_path, "metric,value,date,source,note,quote\npp,5,2021,X,'=SUM(A1),'plain\npp,6,2021,X,'@cmd,'-\n")
    assert run("import", path).exit_code == 0
    assert sorted((f["note"], f["quote"]) for f in run_json("list")) == [("=SUM(A1)", "'plain"), ("@cmd", "-")]


def test_kind_column_sets_a_new_metric_and_must_agree(run: Run, run_json, tmp_path: Path) -> None:
    path = write(tmp_path, "metric,kind,value,date,source\nreleased,flow,52,2025-09-11,Viasna\n")
    assert run("import", path).exit_code == 0
    assert [(m["slug"], m["kind"]) for m in run_json("metrics", "list")] == [("released", "flow")]
    clash = run("import", write(tmp_path, "metric,kind,value,date,source\nreleased,stock,53,2025-09-12,Viasna\n"))
    assert clash.exit_code == 2 and "line 2, column kind: the metric is a flow metric" in clash.stderr
    odd = run("import", write(tmp_path, "metric,kind,value,date,source\nx,level,1,2021,V\n"))
    assert "unknown kind 'level'; accepted: stock, cumulative, flow" in odd.stderr


def test_derived_columns_must_agree_with_the_display(run: Run, tmp_path: Path) -> None:
    good = "metric,value,low,high,qualifier,display,date,date_precision,source\n"
    ok = run("import", write(tmp_path, good + 'pp,1400,1300,1400,nearly,"nearly 1,400",2024-05,month,EU\n'))
    assert ok.exit_code == 0, ok.stderr
    bad = run("import", write(tmp_path, good + 'pp,1400,1300,1400,exact,"nearly 1,400",2024-05,day,EU\n'))
    assert bad.exit_code == 2
    assert "line 2, column qualifier: 'exact' does not match display 'nearly 1,400'" in bad.stderr
    assert "column date_precision: 'day' does not match date '2024-05'" in bad.stderr


def test_qualifier_low_and_high_must_agree_with_the_value_without_a_display(
    run: Run, run_json, tmp_path: Path, db_path: Path
) -> None:
    """Without a display they were dropped: 888 stored exact whatever the qualifier said."""
    header = "metric,value,date,source,qualifier\n"
    refused(
        run("import", write(tmp_path, header + "pp,1,2021,V,\npp,888,2021,V,over\n")),
        db_path,
        "line 3, column qualifier: 'over' does not match value '888', which reads as qualifier 'exact'",
        "qualifier, low and high: leave them empty or give what the value reads as",
    )
    rows = [
        ({"value": "5", "low": 3}, "column low: 3 does not match value '5', which reads as low 5"),
        (
            {"value": "at least 8", "high": 10},
            "column high: 10 does not match value 'at least 8', which reads as high None",
        ),
        ({"value": 1400, "qualifier": "nearly"}, "column qualifier: 'nearly' does not match value '1400'"),
        ({"value": 5, "low": True}, "column low: True does not match value '5'"),
    ]
    for fields, wanted in rows:
        line = json.dumps({"metric": "pp", "date": "2021", "source": "V", **fields})
        refused(run("import", write(tmp_path, line + "\n", "a.jsonl")), db_path, f"line 1, {wanted}")
    # each row is checked as written, even where an earlier row's cells are equal in Python (1 == True == 1.0)
    alike = [
        {"value": "1", "low": 1},
        {"value": "1", "low": True},
        {"value": "5", "low": 3},
        {"value": "5", "low": 3.0},
    ]
    lines = "".join(json.dumps({"metric": "pp", "date": "2021", "source": "V", **f}) + "\n" for f in alike)
    refused(
        run("import", write(tmp_path, lines, "a.jsonl")),
        db_path,
        "line 2, column low: True does not match value '1'",
        "line 3, column low: 3 does not match value '5', which reads as low 5",
        "line 4, column low: 3.0 does not match value '5', which reads as low 5",
    )
    # cells that agree with the value, numbers written as integers or not, import
    agree = [
        {"value": 1400, "low": 1400.0, "high": 1400, "qualifier": "exact"},
        {"value": "nearly 1,400", "low": 1300.0, "high": 1400, "qualifier": "nearly"},
        {"value": "at least 8", "low": 8, "high": None, "qualifier": "at_least"},
        {"value": "2.5", "low": "2.5", "high": 2.5},
    ]
    lines = "".join(json.dumps({"metric": "pp", "date": "2021", "source": "V", **f}) + "\n" for f in agree)
    result = run("import", write(tmp_path, lines, "a.jsonl"))
    assert result.exit_code == 0, result.stderr
    assert run("import", write(tmp_path, header + "pp,888,2021,V,exact\n")).exit_code == 0
    got = sorted((f["display"], f["qualifier"], f["low"], f["high"]) for f in run_json("list"))
    assert got == [
        ("1400", "exact", 1400, 1400),
        ("2.5", "exact", 2.5, 2.5),
        ("888", "exact", 888, 888),
        ("at least 8", "at_least", 8, None),
        ("nearly 1,400", "nearly", 1300, 1400),
    ]


def test_strict_refuses_unknown_names_per_row(run: Run, tmp_path: Path) -> None:
    add(run, "pp", "888", "2021", "HRO")
    result = run("import", write(tmp_path, "metric,value,date,source\npp,1,2021,HRO\nppp,2,2021,HRO\n"), "--strict")
    assert result.exit_code == 2
    assert "line 3, column metric: unknown metric 'ppp' (did you mean pp?)" in result.stderr
    assert "line 3, column value" not in result.stderr


def test_strict_gives_the_hint_for_a_name_once(run: Run, tmp_path: Path) -> None:
    """Each row of a missing name repeated the whole hint, close matches and all."""
    add(run, "pp", "888", "2021", "HRO")
    text = "metric,value,date,source\nppp,1,2021,HRO\nppp,2,2022,HRO\nppp,3,2023,HRO\n"
    result = run("import", write(tmp_path, text), "--strict")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    first = "line 2, column metric: unknown metric 'ppp' (did you mean pp?); add it first with `pptrack metrics add"
    assert first in result.stderr
    assert "line 3, column metric: unknown metric 'ppp' again; line 4, column metric: unknown metric 'ppp' again" in (
        result.stderr
    )
    assert result.stderr.count("add it first") == 1


def test_dayfirst_applies_to_every_row(run: Run, run_json, tmp_path: Path) -> None:
    path = write(tmp_path, "metric,value,date,source\npp,1,03/04/2025,X\n")
    assert "it is a real date both day first and month first" in run("import", path).stderr
    assert run("import", path, "--dayfirst").exit_code == 0
    assert run_json("list")[0]["date"] == "2025-04-03"


def test_uid_twice_in_a_file_is_refused(run: Run, tmp_path: Path) -> None:
    rows = [{"uid": "u-1", "metric": "pp", "value": n, "date": "2021", "source": "X"} for n in (1, 2)]
    result = run("import", write(tmp_path, json.dumps(rows), "a.json"))
    assert result.exit_code == 2 and "record 2, column uid: 'u-1' is in record 1 too" in result.stderr
    lines = "".join(json.dumps(row) + "\n" for row in rows)
    result = run("import", write(tmp_path, lines, "a.jsonl"))
    assert result.exit_code == 2 and "line 2, column uid: 'u-1' is on line 1 too" in result.stderr


def test_a_bad_record_of_a_json_array_is_named_by_its_place_not_a_line(run: Run, tmp_path: Path, db_path: Path) -> None:
    """A record's index was reported as its line: export -f json puts `[` on line 1, so record 6
    sits on line 7 and was reported as 'line 6'; a pretty-printed array is further off still."""
    for n in range(1, 8):
        add(run, "pp", str(n), f"202{n}", "V")
    exported = run("export", "--format", "json").stdout
    db_path.unlink()
    lines = exported.splitlines()
    assert lines[0] == "[" and '"value":6' in lines[6]
    lines[6] = lines[6].replace('"date":"2026"', '"date":"soon"')
    refused(
        run("import", write(tmp_path, "\n".join(lines), "a.json")),
        db_path,
        "record 6, column date: cannot read date 'soon'",
    )
    records = json.loads("\n".join(lines))
    pretty = write(tmp_path, json.dumps(records, indent=2), "b.json")
    refused(run("import", pretty), db_path, "record 6, column date: cannot read date 'soon'")
    # a file that is not JSON at all is named by its line and column, as JSON finds them
    broken = write(tmp_path, json.dumps(records[:2], indent=2).replace('"V"', "V", 1), "c.json")
    refused(run("import", broken), db_path, "line 14, column 15: not valid JSON (Expecting value)")


def test_new_names_are_announced_once_and_summarised(run: Run, tmp_path: Path) -> None:
    lines = "".join(f"metric {i},1,2021,Source {i}\n" for i in range(15))
    result = run("import", write(tmp_path, "metric,value,date,source\n" + lines))
    assert result.exit_code == 0
    assert result.stderr.count("new ") == 20 + 1  # 20 notices, then "... and 10 more new names"
    assert "... and 10 more new names" in result.stderr


def test_progress_bar_only_on_a_terminal(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import functools

    from pptrack import render

    path = write(tmp_path, "metric,value,date,source\n" + "".join(f"pp,{i},2021,X\n" for i in range(12000)))
    piped = run("import", path)
    assert piped.stderr.splitlines()[-1] == "imported 12000 fact(s); 0 already present; 0 updated"
    assert "importing" not in piped.stderr
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # rich draws as on a terminal
    monkeypatch.setattr(render, "_is_terminal", lambda out: True)
    monkeypatch.setattr(render, "progress", functools.partial(render.progress, delay=0))
    shown = run("import", path, "--db", str(tmp_path / "other.db"))
    assert shown.exit_code == 0
    assert "importing" in shown.stderr and shown.stdout == ""
    exported = run("export", "--db", str(tmp_path / "other.db"))
    assert "exporting" in exported.stderr and exported.stdout.count("\n") == 12000


@given(
    st.sampled_from(["", "nearly ", "over ", "~", "about ", "At least ", "more than ", "≈ ", "c. "]),
    st.integers(0, 10**13),
)
def test_fast_value_reading_agrees_with_the_grammar(prefix: str, n: int) -> None:
    for written in (f"{prefix}{n}", f"{prefix}{n:,}"):
        assert parse_value(written) == parse_written(written)


@pytest.mark.slow
def test_two_imports_at_once_both_succeed(tmp_path: Path, db_path: Path) -> None:
    files = []
    for k in range(2):
        path = tmp_path / f"{k}.csv"
        path.write_text("metric,value,date,source\n" + "".join(f"m{k},{i},2021,S{k}\n" for i in range(3000)))
        files.append(path)
    procs = [subprocess.Popen([PPTRACK, "import", str(f), "--db", str(db_path)], stderr=subprocess.PIPE) for f in files]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    assert sqlite3.connect(db_path).execute("SELECT count(*) FROM facts").fetchone()[0] == 6000


@pytest.mark.slow
def test_killed_import_leaves_the_database_as_it_was(tmp_path: Path, db_path: Path) -> None:
    subprocess.run([PPTRACK, "add", "pp", "888", "--date", "2021", "--source", "HRO", "--db", str(db_path)], check=True)
    big = tmp_path / "big.csv"
    big.write_text(
        "metric,value,date,source\n" + "".join(f"m{i % 7},{i},2021-01-{i % 28 + 1:02d},S\n" for i in range(300_000))
    )
    proc = subprocess.Popen([PPTRACK, "import", str(big), "--db", str(db_path)], stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    assert proc.poll() is None, "the import ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM facts").fetchone()[0] == 1
    assert conn.execute(WITH_ADDED_VERSION).fetchone()[0] == 1
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_dry_run_into_a_new_database_creates_no_file(run: Run, tmp_path: Path, db_path: Path) -> None:
    good = write(tmp_path, "metric,value,date,source\npp,5,2021,X\n", "good.csv")
    result = run("import", good, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert not db_path.exists()


def test_times_are_stored_in_utc_so_that_they_compare(run: Run, run_json, tmp_path: Path) -> None:
    """Times were stored as written: 13:00+03:00 sorted after 10:30Z, so a copy changed
    at 10:30Z was taken for an older one than a fact changed at 10:00Z."""
    row = {"uid": "0199a1b2-0000-7000-8000-000000000001", "metric": "pp", "value": 5, "date": "2021", "source": "X"}
    first = {**row, "created_at": "2025-09-12T13:00:00+03:00", "updated_at": "2025-09-12T13:00:00+03:00"}
    assert run("import", write(tmp_path, json.dumps(first) + "\n", "a.jsonl")).exit_code == 0
    [fact] = run_json("list")
    assert (fact["created_at"], fact["updated_at"]) == ("2025-09-12T10:00:00.000000Z", "2025-09-12T10:00:00.000000Z")
    later = {**first, "value": 6, "updated_at": "2025-09-12T10:30:00Z"}
    result = run("import", write(tmp_path, json.dumps(later) + "\n", "b.jsonl"))
    assert "1 updated" in result.stderr
    assert [(f["value"], f["updated_at"]) for f in run_json("list")] == [(6, "2025-09-12T10:30:00.000000Z")]
    history = run_json("history", "1")
    assert [(v["change"], v["changed_at"], v["created_at"]) for v in history] == [
        ("added", "2025-09-12T10:00:00.000000Z", "2025-09-12T10:00:00.000000Z"),
        ("edited", "2025-09-12T10:30:00.000000Z", "2025-09-12T10:00:00.000000Z"),
    ]


@pytest.mark.parametrize(
    ("times", "wanted"),
    [
        (
            {"created_at": "2025-09-12T10:00:00Z", "removed_at": "2020-01-01"},
            "line 1, column removed_at: 2020-01-01T00:00:00.000000Z is before created_at 2025-09-12T10:00:00.000000Z",
        ),
        (
            {"created_at": "2025-09-12T10:00:00Z", "updated_at": "2025-09-12T12:00:00+03:00"},
            "line 1, column updated_at: 2025-09-12T09:00:00.000000Z is before created_at",
        ),
        (
            {"removed_at": "2025-09-12T10:00:00Z"},
            "line 1, column created_at: empty, but removed_at given; give the time the fact was recorded too",
        ),
        (  # before the calendar in UTC
            {"created_at": "0001-01-01T00:00:00+01:00"},
            "line 1, column created_at: '0001-01-01T00:00:00+01:00' is not a time like 2025-09-12T10:00:00.000000Z",
        ),
    ],
)
def test_times_out_of_order_are_refused(
    run: Run, tmp_path: Path, db_path: Path, times: dict[str, str], wanted: str
) -> None:
    """A fact removed before it was recorded was imported, its history out of order."""
    row = {"metric": "pp", "value": 5, "date": "2021", "source": "X", **times}
    refused(run("import", write(tmp_path, json.dumps(row) + "\n", "a.jsonl")), db_path, wanted)


def test_a_history_out_of_order_is_refused(run: Run, tmp_path: Path, db_path: Path) -> None:
    add(run, "pp", "5", "2021", "V")
    run("edit", "1", "--value", "6")
    exported = json.loads(run("export").stdout)
    db_path.unlink()
    exported["history"][1]["changed_at"] = "2001-01-01T00:00:00Z"
    wanted = "line 1, column history: version 2 was changed at 2001-01-01T00:00:00.000000Z, before version 1"
    refused(run("import", write(tmp_path, json.dumps(exported) + "\n", "a.jsonl")), db_path, wanted)
