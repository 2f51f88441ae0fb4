"""`latest` as a table is read from an index without whole facts, and as data with them:
both give the same figures, in the same order."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import Run, add
from pptrack import render
from pptrack.store import open_db
from pptrack.timeline import latest_figures, latest_table
from test_render_tables import tables
from test_startup import loaded_modules


def table_cells(text: str) -> list[list[str]]:
    """The cells of a plain table, cut where its header's dashes are."""
    lines = text.splitlines()
    spans = [m.span() for m in re.finditer(r"-+", lines[1])]
    return [[line[a : (b if i < len(spans) - 1 else None)].strip() for i, (a, b) in enumerate(spans)] for line in lines]


def test_the_table_shows_the_figures_the_json_gives(run: Run, run_json: Callable[..., Any]) -> None:
    add(run, "prisoners", "1,189", "2025-05-21", "Viasna", "--via", "Pozirk")
    add(run, "prisoners", "nearly 1,200", "2025-08", "Viasna", "--via", "People In Need")
    add(run, "prisoners", "nearly 1,400", "2024-05-21", "EU")
    add(run, "prisoners", "888", "2021", "human-rights organisations")
    add(run, "prisoners", "over 1,000", "2025-09", "People In Need")
    gone = add(run, "prisoners", "1,500", "2025-09-30", "EU")
    assert run("rm", str(gone["id"])).exit_code == 0  # removed: EU's latest is the 2024 figure again
    add(run, "prisoners", "2,000", "2026-01-01", "Viasna")  # after the as-of date
    add(run, "released", "52", "2025-09-11", "Viasna")
    add(run, "released", "16", "2025-09-11", "EU")
    add(run, "died", "7", "2024", "Viasna")

    result = run("latest", "--as-of", "2025-10-30")
    assert result.exit_code == 0, result.stderr
    header, _, *rows = table_cells(result.stdout)
    assert header == ["metric", "date", "value", "source", "via", "days old"]

    expected = []
    for item in run_json("latest", "--as-of", "2025-10-30"):
        for i, f in enumerate([item, *item["others"]]):
            expected.append(
                [
                    item["metric"] if i == 0 else "",
                    f["date"],
                    f["display"],
                    f["source"],
                    f["via"] or "",
                    str(f["age_days"]),
                ]
            )
    assert rows == expected
    assert [r[0] for r in rows if r[0]] == ["died", "prisoners", "released"]
    assert ["2024-05-21", "nearly 1,400", "EU", "", "527"] in [r[1:] for r in rows]
    assert rows[1] == ["prisoners", "2025-09", "over 1,000", "People In Need", "", "30"]


@given(table=tables(), title=st.one_of(st.none(), st.text(max_size=6)))
def test_a_table_given_column_by_column_is_the_table_of_its_rows(
    table: tuple[list[render.Column], list[list[object]]], title: str | None
) -> None:
    """`latest` hands its cells to render column by column (render.write_columns): the same bytes."""
    columns, rows = table
    by_rows, by_columns = io.StringIO(), io.StringIO()
    render.write_table(rows, columns, out=by_rows, title=title)
    cells = [[row[i] for row in rows] for i in range(len(columns))]
    render.write_columns(cells, columns, out=by_columns, title=title)
    assert by_columns.getvalue() == by_rows.getvalue()


def test_the_cells_of_the_table_are_the_figures_of_latest_figures(run: Run, db_path: Path) -> None:
    """latest_table's columns are latest_figures' rows, the metric named once, a missing via blank."""
    add(run, "prisoners", "1,189", "2025-05-21", "Viasna", "--via", "Pozirk")
    add(run, "prisoners", "nearly 1,400", "2024-05-21", "EU")
    add(run, "died", "7", "2024", "Viasna")
    store = open_db(db_path, write=False)
    try:
        groups = latest_figures(store, as_of=date(2025, 10, 30))
        cells = latest_table(store, as_of=date(2025, 10, 30))
        assert latest_table(store, "died", as_of=date(2023, 1, 1)) == []
    finally:
        store.close()
    expected = [
        [f.metric if i == 0 else "", f.date, f.display, f.source, f.via or "", str(f.age_days)]
        for group in groups
        for i, f in enumerate(group)
    ]
    assert [list(row) for row in zip(*cells, strict=True)] == expected
    assert expected[0] == ["died", "2024", "7", "Viasna", "", "303"]


def test_the_table_is_made_without_whole_facts(run: Run, db_path: Path) -> None:
    """The table reads the index alone: Fact (pptrack.fact, a dataclass) is never imported. (json
    is: the rows come as one JSON text SQLite makes in one step, see Store.latest_per_source.)"""
    add(run, "prisoners", "1,189", "2025-05-21", "Viasna", "--via", "Pozirk")
    watched = ("pptrack.fact", "dataclasses", "decimal")
    assert loaded_modules(watched, "latest", "--db", str(db_path)) == set()


def test_on_a_narrow_terminal_the_via_column_is_left_out(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """When the table would not fit the terminal, via goes (names fold, the rest stays whole)."""
    from pptrack.commands import timeline as commands

    add(run, "prisoners", "1,189", "2025-05-21", "Viasna", "--via", "Pozirk and a long publisher name")
    add(run, "prisoners", "nearly 1,400", "2024-05-21", "EU")
    headers = {}
    for width in (200, 60):
        monkeypatch.setattr(commands, "_terminal_width", lambda width=width: width)
        result = run("latest", "--as-of", "2025-10-30")
        assert result.exit_code == 0, result.stderr
        headers[width], _, *rows = table_cells(result.stdout)
    assert headers[200] == ["metric", "date", "value", "source", "via", "days old"]
    assert headers[60] == ["metric", "date", "value", "source", "days old"]
    assert rows == [
        ["prisoners", "2025-05-21", "1,189", "Viasna", "162"],
        ["", "2024-05-21", "nearly 1,400", "EU", "527"],
    ]
