"""A CSV of just metric, value, date and source is staged a chunk at a time (io._PlainRows: the
readings looked up by whole columns, each run of rows with known readings staged at once), any
other CSV row by row (io._Importer.feed). The same rows, with an empty `note` column added, go
the second way: both must give the same facts, counts and messages, wherever chunks and
batches end, with repeated, new, escaped and bad cells on either side of their ends."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from pptrack.cli import app

# Cells that read well, escaped ones ('=X reads back as =X) among them, and cells that do not.
GOOD = {
    "metric": ["pp", "other", "'=X", "''=X", "Political Prisoners"],
    "value": ["5", "1,400", "1400", "nearly 1,400", "~9", "1 400", "1,200-1,400", "-5", "'-5"],
    "date": ["2021", "2021-05", "May 2021", "2022"],
    "source": ["X", "Viasna", "'=Y", "''=Y", "EU  Neighbours"],
}
BAD = {
    "metric": ["", " "],
    "value": ["lots", "", "'=1", "+5", "''-5"],
    "date": ["2021-13", "", "'=2021", "'2021"],
    "source": ["", "  "],
}
COLUMNS = ("metric", "value", "date", "source")


@st.composite
def cell(draw: st.DrawFn, column: str) -> str:
    if column == "value" and draw(st.booleans()):  # a value new to the import, or read before
        return f"about {draw(st.integers(1, 30))}"
    return draw(st.sampled_from(GOOD[column]))


@st.composite
def csv_rows(draw: st.DrawFn) -> list[list[str] | None]:
    """Rows of metric, value, date and source cells, some with a bad one; None: a blank line."""
    bad = draw(st.booleans())
    rows: list[list[str] | None] = []
    for _ in range(draw(st.integers(1, 24))):
        if draw(st.integers(0, 11)) == 0:
            rows.append(None)
            continue
        cells = [draw(cell(column)) for column in COLUMNS]
        if bad and draw(st.integers(0, 7)) == 0:
            column = draw(st.integers(0, 3))
            cells[column] = draw(st.sampled_from(BAD[COLUMNS[column]]))
        rows.append(cells)
    return rows


def csv_text(rows: list[list[str] | None], extra: bool) -> str:
    def line(cells: list[str]) -> str:
        return ",".join(f'"{c}"' if "," in c else c for c in cells)

    header = ",".join(COLUMNS) + (",note" if extra else "")
    return header + "\n" + "".join(f"{line(cells + [''] if extra else cells)}\n" if cells else "\n" for cells in rows)


STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")
# a new uid's time and random bits; what is left of it is the row's file line (store._new_uid)
UID = re.compile(r'"uid":"[0-9a-f]{8}-[0-9a-f]{4}-(7[0-9a-f]{3}-[0-9a-f]{4})-[0-9a-f]{12}"')


def imported(
    folder: Path, rows: list[list[str] | None], extra: bool, facts_before: bool, strict: bool = False
) -> list[object]:
    """Exit code, stdout and stderr of importing `rows` into a new database (one with a fact, if
    `facts_before`; with --strict, if `strict`: a new name is an error), and its export: with the
    times of this run and the file's name masked."""
    runner = CliRunner()
    db = folder / f"{extra}.db"
    path = folder / f"{extra}.csv"

    def run(*args: str) -> Result:
        return runner.invoke(app, [*args, "--db", str(db)])

    if facts_before:
        path.write_text("metric,value,date,source\npp,5,2021,X\nother,7,2022,Viasna\n", encoding="utf-8")
        assert run("import", str(path)).exit_code == 0
    path.write_text(csv_text(rows, extra), encoding="utf-8")
    result = run("import", str(path), *(["--strict"] if strict else []))
    exported = run("export", "--format", "jsonl")
    assert exported.exit_code == 0, exported.stderr

    def mask(text: str) -> str:
        return STAMP.sub("T", UID.sub(r'"uid":"\1"', text)).replace(str(path), "FILE")

    return [result.exit_code, result.stdout, mask(result.stderr), mask(exported.stdout)]


@settings(max_examples=60, deadline=None)
@given(
    csv_rows(),
    st.sampled_from([1, 2, 3, 5, 8, 1000]),
    st.integers(1, 4),
    st.sampled_from([2, 100_000]),
    st.sampled_from([1, 250_000]),
    st.booleans(),
    st.booleans(),
)
def test_a_plain_csv_imports_as_the_same_rows_checked_one_by_one(
    rows: list[list[str] | None], chunk: int, batch: int, memo: int, keys: int, facts_before: bool, strict: bool
) -> None:
    with pytest.MonkeyPatch.context() as patch, tempfile.TemporaryDirectory() as folder:
        for name, value in (("_CHUNK", chunk), ("_BATCH", batch), ("_MEMO", memo), ("_KEYS", keys)):
            patch.setattr(f"pptrack.io.{name}", value)
        chunked = imported(Path(folder), rows, False, facts_before, strict)
        one_by_one = imported(Path(folder), rows, True, facts_before, strict)
    event(f"exit code {int(chunked[0])}")  # (--hypothesis-show-statistics) most examples must import
    assert chunked == one_by_one
