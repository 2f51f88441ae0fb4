"""Plain tables (a pipe, a file): every cell whole, made safe, aligned by its cell width."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from pptrack import render

ALPHABET = st.sampled_from(list("ab xyz  1,-~") + ["中", "😀", "é", "\u0301", "[b]", ":x:", "\x1b", "\n", "\u202e"])
TEXT = st.lists(ALPHABET, max_size=12).map("".join)
CELL = st.one_of(st.none(), st.integers(-50_000, 50_000), st.booleans(), st.floats(allow_nan=False, width=32), TEXT)


def as_plain_table(rows: Sequence[Sequence[object]], columns: Sequence[render.Column], title: str | None) -> str:
    """The table cell by cell: each made safe, measured and padded on its own."""
    cells = [[render.safe_text(v) for v in row] for row in rows]
    headers = [render.safe_text(c.header) for c in columns]
    widths = [max([render.cell_width(h), *(render.cell_width(r[i]) for r in cells)]) for i, h in enumerate(headers)]

    def line(parts: Sequence[str]) -> str:
        padded = []
        for v, w, c in zip(parts, widths, columns, strict=True):
            pad = " " * (w - render.cell_width(v))
            padded.append(pad + v if c.right else v + pad)
        return "  ".join(padded).rstrip()

    lines = [render.safe_text(title)] if title else []
    lines += [line(headers), "  ".join("-" * w for w in widths).rstrip(), *(line(row) for row in cells)]
    return "\n".join(lines) + "\n"


@st.composite
def tables(draw: Any) -> tuple[list[render.Column], list[list[object]]]:
    count = draw(st.integers(1, 5))
    columns = [
        render.Column(draw(st.lists(ALPHABET, max_size=5).map("".join)), lambda r, i=i: r[i], right=draw(st.booleans()))
        for i in range(count)
    ]
    # A column of text only (the usual one, checked whole), of whole numbers (ids), or of anything.
    kinds = [draw(st.sampled_from([TEXT, st.integers(), CELL])) for _ in range(count)]
    rows = draw(st.lists(st.tuples(*kinds).map(list), max_size=8))
    return columns, rows


@given(table=tables(), title=st.one_of(st.none(), st.lists(ALPHABET, max_size=6).map("".join)))
def test_a_plain_table_is_its_cells_made_safe_and_aligned(
    table: tuple[list[render.Column], list[list[object]]], title: str | None
) -> None:
    columns, rows = table
    out = io.StringIO()
    render.write_table(rows, columns, out=out, title=title)
    assert out.getvalue() == as_plain_table(rows, columns, title)


@given(records=st.lists(st.fixed_dictionaries({"a": CELL, "b": CELL}, optional={"c": CELL}), max_size=8))
def test_records_make_the_table_of_what_each_column_gets(records: list[dict[str, Any]]) -> None:
    """Keyed columns (col) are read by key, others by their function: the same table."""
    columns = [
        render.col("a"),
        render.col("see", "c", right=True),  # a key some records lack
        render.Column("b twice", lambda r: f"{r['b']} {r['b']}"),
    ]
    by_records, by_rows = io.StringIO(), io.StringIO()
    render.write_records(records, "table", columns, out=by_records)
    render.write_table([[c.get(r) for c in columns] for r in records], columns, out=by_rows)
    assert by_records.getvalue() == by_rows.getvalue()
