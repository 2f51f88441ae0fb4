"""The loop of a plain CSV reads rows a chunk at a time (CsvRows.chunks) and stages the rows whose
readings are known a chunk at a time (io._PlainRows): the same line numbers, rows and reports as
reading and checking them one by one."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import Run
from pptrack.errors import BadInput
from pptrack.io import CsvRows

HEADER = "metric,value,date,source\r\n"


def read_all(text: str, size: int | None) -> tuple[list[tuple[int, list[str]]], str | None]:
    """(line, cells) of every row, by `cells` (size None) or by `chunks(size)`; and the error."""
    rows = CsvRows(io.StringIO(text, newline=""))
    got: list[tuple[int, list[str]]] = []
    try:
        if size is None:
            got.extend(rows.cells())
        else:
            for lines, chunk in rows.chunks(size):
                assert len(lines) == len(chunk)
                got.extend(zip(lines, chunk, strict=True))
    except BadInput as e:
        return got if size is None else [], e.message
    return got, None


CELL = st.text(st.sampled_from('ab ,"\r\n'), max_size=6)
ROW = st.one_of(
    st.lists(CELL, min_size=4, max_size=4).map(",".join),
    st.lists(st.text(st.sampled_from("ab \r\n,"), max_size=4), min_size=4, max_size=4).map(
        lambda cells: ",".join('"' + c + '"' for c in cells)
    ),
    st.sampled_from(["", "  ", "a", '"a\r\nb",c,d,e', 'a,b,c,"d\re"']),
)


@given(st.lists(ROW, max_size=12), st.sampled_from(["\n", "\r\n", "\r"]), st.booleans(), st.integers(1, 5))
def test_chunks_give_the_lines_and_cells_that_cells_gives(rows: list[str], end: str, last_end: bool, size: int) -> None:
    text = HEADER + end.join(rows) + (end if last_end else "")
    want, error = read_all(text, None)
    got, chunk_error = read_all(text, size)
    assert chunk_error == error
    if error is None:
        assert got == want


def test_a_row_the_csv_module_cannot_read_is_reported_at_its_first_line() -> None:
    text = HEADER + 'a,b,c,d\n"x\ny",b,c,d\n\na,"' + "z" * 50 + '\n",c,d\n'
    limit = csv.field_size_limit(20)
    try:
        _, error = read_all(text, None)
        _, chunk_error = read_all(text, 10)
    finally:
        csv.field_size_limit(limit)
    assert error is not None and error.startswith("line 6: not readable as CSV (field larger than field limit")
    assert chunk_error == error


def file_lines(exported: str) -> list[int]:
    """The file line of each new fact, as its uid holds it (store._new_uid)."""
    lines = []
    for record in map(json.loads, exported.splitlines()):
        _, _, high, low, _ = record["uid"].split("-")
        lines.append(((int(high, 16) & 0xFFF) << 12) | ((int(low[0], 16) - 8) << 24) | int(low[1:], 16))
    return sorted(lines)


# metric, value, date, source cells ({y}: a year of each round of them); some rows of two lines,
# some blank lines, names and values first seen in the middle of a chunk, a row like an earlier
# one (the fourth), cells escaped against formulas
ROWS = [
    ("pp", "5", "{y}", "Viasna"),
    ("pp", '"nearly\n1,400"', "{y}-05", "Viasna"),
    ("other", "7", "{y}", "'=X"),
    ("pp", "5", "{y}", "Viasna"),
    ("pp", '"1,200-1,400"', "May {y}", '"EU\r\nNeighbours"'),
    ("'plain", "~4", "{y}-05-03", "Viasna"),
    ("pp", "over {n}", "{y}", "Viasna"),
]


def mixed_csv(count: int) -> tuple[str, list[int]]:
    """A plain CSV of `count` rows, and the line of each row."""
    text, lines, line = "metric,value,date,source\r\n", [], 2
    for n in range(count):
        metric, value, date, source = ROWS[n % len(ROWS)]
        value, date = value.format(n=n), date.format(y=1900 + n // len(ROWS))
        if n % 11 == 5:
            text, line = text + "\r\n", line + 1
        text += f"{metric},{value},{date},{source}\r\n"
        lines.append(line)
        line += 1 + (value + source).count("\n")
    return text, lines


@pytest.mark.parametrize(
    ("chunk", "batch", "memo", "keys"),
    [(1000, 5000, 100_000, 250_000), (1, 5000, 100_000, 250_000), (3, 2, 100_000, 250_000), (7, 4, 3, 250_000),
     (50, 3, 100_000, 5), (20, 8, 4, 30)],
)  # fmt: skip
def test_the_chunked_loop_stages_what_the_row_loop_stages(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int, batch: int, memo: int, keys: int
) -> None:
    # memo and keys: fewer readings remembered and rows told apart than the file has
    for name, value in (("_CHUNK", chunk), ("_BATCH", batch), ("_MEMO", memo), ("_KEYS", keys)):
        monkeypatch.setattr(f"pptrack.io.{name}", value)
    text, lines = mixed_csv(120)
    path = tmp_path / "in.csv"
    path.write_bytes(text.encode())
    result = run("import", str(path))
    assert result.exit_code == 0, result.stderr
    repeated = sum(1 for n in range(120) if n % len(ROWS) == 3)  # the fourth row is the first's twin
    assert result.stderr.splitlines()[-1] == f"imported {120 - repeated} fact(s); {repeated} already present; 0 updated"
    exported = run("export").stdout
    assert file_lines(exported) == [line for n, line in enumerate(lines) if n % len(ROWS) != 3]
    records = sorted(
        (r["display"], r["source"], r["metric"], r["date"]) for r in map(json.loads, exported.splitlines())
    )
    assert [r for r in records if r[3].startswith("1901")] == [
        ("1,200-1,400", "EU Neighbours", "pp", "1901-05"),  # a name's spaces made single
        ("5", "Viasna", "pp", "1901"),
        ("7", "=X", "other", "1901"),  # the formula guard undone
        ("nearly 1,400", "Viasna", "pp", "1901-05"),
        ("over 13", "Viasna", "pp", "1901"),
        ("~4", "Viasna", "plain", "1901-05-03"),  # the metric's slug
    ]


@pytest.mark.parametrize("chunk", [1000, 2])
def test_bad_rows_after_chunks_are_reported_at_their_lines(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr("pptrack.io._CHUNK", chunk)
    text = 'metric,value,date,source\npp,1,2021,X\npp,"2\n",2021,X\n\npp,lots,2021,X\npp,4,2021-13,X\npp,5,2021,X\n'
    result = run("import", str(tmp_path / "in.csv") if (tmp_path / "in.csv").write_text(text) else "")
    assert result.exit_code == 2
    assert "line 6, column value: cannot read value 'lots'" in result.stderr
    assert "line 7, column date: cannot read date '2021-13' (13 is not a month" in result.stderr


def test_the_hints_name_only_the_readings_that_failed(run: Run, tmp_path: Path) -> None:
    # The bad value and date of a row without a metric are not read: only the empty cell is reported.
    path = tmp_path / "in.csv"
    path.write_text("metric,value,date,source\npp,5,2021,X\n,lots,2021-13,X\npp,6,2021,X\n")
    result = run("import", str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        "error: line 3, column metric: empty; every row needs metric, value, date and source; nothing was imported\n"
    )
