"""The first import: CSV with metric,value,date,source (+ optional columns), all or nothing."""

from __future__ import annotations

from pathlib import Path

from conftest import Run


def write(tmp_path: Path, text: str, name: str = "in.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_hand_made_csv(run: Run, run_json, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'metric,value,date,source,via,tags\npp,"nearly 1,400",May 21 2024,EU,,a;b\n'
        'pp,"1,189",2025-05-21,Viasna,Pozirk,\n',
    )
    result = run("import", path)
    assert result.exit_code == 0, result.stderr
    assert "imported 2 fact(s); 0 already present" in result.stderr
    facts = run_json("list")
    assert [(f["display"], f["qualifier"], f["via"], f["tags"]) for f in facts] == [
        ("1,189", "exact", "Pozirk", []),
        ("nearly 1,400", "nearly", None, ["a", "b"]),
    ]
    again = run("import", path)
    assert "imported 0 fact(s); 2 already present" in again.stderr
    assert len(run_json("list")) == 2


def test_bad_rows_reported_with_line_numbers_nothing_written(run: Run, tmp_path: Path, db_path: Path) -> None:
    path = write(tmp_path, "metric,value,date,source\npp,5,2021,X\npp,nan,2021,X\npp,5,soon,X\n")
    result = run("import", path)
    assert result.exit_code == 2
    assert "line 3: cannot read value 'nan'" in result.stderr and "line 4: cannot read date" in result.stderr
    assert result.stderr.count("\n") == 1
    assert not db_path.exists() or run("list", "--format", "json").stdout == "[]\n"


def test_import_refusals(run: Run, tmp_path: Path) -> None:
    assert "unknown column(s) colour" in run("import", write(tmp_path, "metric,value,date,source,colour\n")).stderr
    assert "missing column(s) source" in run("import", write(tmp_path, "metric,value,date\n")).stderr
    assert run("import", str(tmp_path / "missing.csv")).exit_code == 2
    assert run("import", write(tmp_path, "", "empty.csv")).exit_code == 2
    assert run("import", write(tmp_path, "x", "data.txt")).exit_code == 2
    assert run("import", "-", input="metric,value,date,source\n").exit_code == 2  # stdin needs --format


def test_import_stdin(run: Run, run_json) -> None:
    result = run("import", "-", "--format", "csv", input="metric,value,date,source\npp,888,2021,HRO\n")
    assert result.exit_code == 0, result.stderr
    assert run_json("list")[0]["date_precision"] == "year"
