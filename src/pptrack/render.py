"""Output: records as table, json, jsonl, csv or tsv; user text made safe to print.

Every byte pptrack prints goes through this module. Rich is imported only when
a table is drawn on a terminal.
"""

from __future__ import annotations

import codecs
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import IO, TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from pathlib import Path

FORMATS = ("table", "json", "jsonl", "csv", "tsv")
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_CONTROLS = [*range(0, 32), 127, *range(0x80, 0xA0), *map(ord, BIDI)]
# Shown, never obeyed: an escape sequence prints as the text `\x1b[2J`.
_VISIBLE = {c: f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}" for c in _CONTROLS}
_ONE_LINE = str.maketrans(_VISIBLE)
_MULTI_LINE = str.maketrans({c: v for c, v in _VISIBLE.items() if c not in (9, 10)})
# In JSON, characters a terminal could obey are written as \u escapes: the same string.
_JSON_SAFE = str.maketrans({c: f"\\u{c:04x}" for c in _CONTROLS if c >= 127})
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(FORMULA_START)


def safe_text(text: object, *, multiline: bool = False) -> str:
    """User or article text made printable: control and bidi characters shown escaped."""
    s = "" if text is None else str(text)
    if s.isprintable():  # no control, format or bidi character: nothing to show escaped (the usual case)
        return s
    return s.translate(_MULTI_LINE if multiline else _ONE_LINE)


def cell_width(s: str) -> int:
    if s.isascii():
        return len(s)
    import unicodedata  # here, not at the top: a listing in a data format never measures a cell

    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


class Column(NamedTuple):  # not a frozen dataclass: 1.5 ms less at import (dataclasses and the class)
    header: str
    get: Callable[[dict[str, Any]], object]
    right: bool = False  # numbers are right-aligned
    wide: bool = False  # long text: folded on a terminal rather than kept on one line
    style: Callable[[object], str | None] | None = None  # a cell's rich style on a terminal, from its value
    key: str | None = None  # the record's key when `get` is r.get(key): a column is then read without a call a cell
    fold_last: bool = False  # a name kept on one line while any wide column can fold (a metric's slug)
    carried: bool = False  # a blank cell means "as the row above" (latest's metric), filled when rows stand apart


def col(header: str, key: str | None = None, **kw: Any) -> Column:
    name = key or header
    return Column(header, lambda r: r.get(name), key=name, **kw)


def to_json(value: Any, *, indent: int | None = 2) -> str:
    import json  # here and in _json_lines, not at the top: a listing SQLite writes needs no json (2 ms)

    return _json_safe(json.dumps(value, ensure_ascii=False, indent=indent, separators=None if indent else (",", ":")))


def _json_lines(records: Iterable[Any]) -> Iterator[str]:
    """Each record as `to_json(r, indent=None)` writes it, by one encoder, one at a time:
    an export of a million facts streams (a list of its lines held 500 MB)."""
    import json

    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    return map(_json_safe, map(encode, records))


def _json_safe(text: str) -> str:
    """JSON text with the characters a terminal could obey written as \\u escapes."""
    if text.isascii() and "\x7f" not in text:  # the usual case, found at C speed
        return text
    return text.translate(_JSON_SAFE) if _json_unsafe().search(text) else text


@cache
def _json_unsafe() -> re.Pattern[str]:
    """What _JSON_SAFE escapes, as a pattern compiled on first use (0.5 ms of every start)."""
    return re.compile("[" + "".join(chr(c) for c in _CONTROLS if c >= 127) + "]")


def json_array(records: Iterable[Any]) -> str:
    """A JSON array with one record a line: as readable as indented JSON for a list of
    flat records, and written by json's C encoder (indenting falls back to Python's, 8× slower)."""
    return _array_of_lines(list(_json_lines(records)))


def _array_of_lines(lines: Sequence[str]) -> str:
    return "[\n" + ",\n".join(lines) + "\n]\n" if lines else "[]\n"


def csv_cell(value: Any) -> str:
    """A value as a CSV cell: lists joined by ';', text escaped against formulas."""
    if value is None:
        return ""
    if type(value) is str:  # the common case first: listings write hundreds of thousands of cells
        first = value[:1] if value[:1] != "'" else value.lstrip("'")[:1]  # see below for quotes
        return "'" + value if first in _FORMULA_FIRST and not _is_number(value) else value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) and not value.is_integer() else str(int(value))
    if isinstance(value, (list, tuple)):
        value = ";".join(str(v) for v in value)
    text = str(value)
    # A cell that already starts with quotes before a formula sign gets one more, so that
    # import, which takes one off, gives it back as it was.
    if text.lstrip("'").startswith(FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    """Whether a spreadsheet reads `text` as a number: as Python's float reads it, but in ASCII
    digits and without the `_` between them (`-1_000`, `-١٢` are texts there, and escaped)."""
    if not text.isascii() or "_" in text:
        return False
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text and text.lower().lstrip("+-") not in ("nan", "inf", "infinity")


def write_records(
    records: Sequence[dict[str, Any]],
    fmt: str,
    columns: Sequence[Column],
    *,
    fields: Sequence[str] | None = None,
    out: IO[str] | None = None,
    title: str | None = None,
) -> None:
    """Write records in `fmt`. `columns` shape the table; `fields` the csv/tsv header
    (default: the keys of the first record)."""
    out = out or sys.stdout
    if fmt == "json":
        write_text(json_array(records), out)
    elif fmt == "jsonl":
        for line in _json_lines(records):
            out.write(line + "\n")
    elif fmt in ("csv", "tsv"):
        names = list(fields or (records[0].keys() if records else []))
        write_delimited(names, ([r.get(n) for n in names] for r in records), fmt, out=out)
    else:
        by_column = [[r.get(c.key) for r in records] if c.key else list(map(c.get, records)) for c in columns]
        _write_columns(by_column, columns, out, title)


def write_delimited(
    header: Sequence[str], rows: Iterable[Sequence[object]], fmt: str, *, out: IO[str] | None = None
) -> None:
    """CSV or TSV (`fmt`) from a header and rows of values, cells escaped against formulas."""
    writer, quoted = _csv_writers(fmt, out or sys.stdout)
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        _write_row(writer, quoted, row)


def _write_row(writer: Any, quoted: Any, row: Sequence[object]) -> None:
    cells = [csv_cell(v) for v in row]
    (quoted if "\r" in "".join(cells) else writer).writerow(cells)


def _csv_writers(fmt: str, out: IO[str]) -> tuple[Any, Any]:
    """A csv or tsv writer, and one quoting every cell: csv quotes a cell holding the
    delimiter, a quote or "\n", but not a lone "\r", which readers take for the end of the
    line: a row with one is written fully quoted."""
    import csv  # here, not at the top: a listing SQLite writes whole needs no csv writer

    delimiter = "," if fmt == "csv" else "\t"
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    return writer, csv.writer(out, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_ALL)


class _Chunks(list[str]):
    """Text gathered for one write: a file for csv.writer."""

    def write(self, text: str) -> None:
        self.append(text)


def lines_to_redo(lines: Sequence[tuple[str | None, int]], fmt: str, cells: int) -> list[int]:
    """The keys of the lines (of Store.fact_lines) Python must write itself: those missing, and
    in tsv, whose lines SQLite makes with cells as they are, those with a cell the csv module
    would quote (a tab, a quote, a line break) or `csv_cell` would escape (a formula sign or a
    quote first; a number with a minus first is written the same, but redone all the same).
    SQLite quotes csv lines itself (store._csv_line). `cells`: how many a line has."""
    redo = [key for line, key in lines if line is None]
    if fmt != "tsv":
        return redo
    made = [line for line, _ in lines if line is not None]
    if plain_block("\n".join(made).encode(), len(made), fmt, cells):  # the usual case, checked in one go at C speed
        return redo
    return [
        key
        for line, key in lines
        if line is None or line.count("\t") != cells - 1 or "\n" in line or not _plain_cells(line.encode())
    ]


def plain_block(data: bytes, lines: int, fmt: str, cells: int) -> bool:
    """Whether `lines` lines made by SQLite, joined by newlines into `data` (Store.fact_block:
    UTF-8), are written as they are: always in json, jsonl and csv; in tsv when each line has
    its `cells` and no cell needs quoting or escaping (see `lines_to_redo`)."""
    if fmt != "tsv" or not lines:
        return True
    # Each line has cells - 1 tabs and all but the last a newline: a cell holding either
    # makes one more, so their sum tells (bytes.count: no copy of 1.7 MB made, as translate would).
    breaks = data.count(b"\t") + data.count(b"\n")
    return breaks == cells * lines - 1 and _plain_cells(data)


_CELL_STARTS = (b"=", b"+", b"@", b"'", b"-")  # a formula sign or a quote first (csv_cell); "\r" anywhere


def _plain_cells(data: bytes) -> bool:
    """No quote, no "\\r", and no tsv cell (after a tab) starting with a formula sign or a
    quote: a single byte is looked for first, which is faster than a pair (or a regex), and a
    pair from the end (rfind), which is faster than from the start where digits and dashes abound."""
    if b'"' in data or b"\r" in data:
        return False
    return not any(c in data and data.rfind(b"\t" + c) >= 0 for c in _CELL_STARTS)


def write_lines(
    batches: Iterable[Sequence[bytes | str | dict[str, Any]]],
    fmt: str,
    *,
    fields: Sequence[str],
    out: IO[str] | None = None,
) -> None:
    """What `write_records` writes in `fmt` (json, jsonl, csv, tsv; `fields`: the csv and tsv
    header) for records given a batch at a time, each as its line made already, by SQLite
    (UTF-8 bytes: Store.export_lines; text: Store.fact_lines; or many lines joined into one,
    Store.fact_block) or as the record, written here (few: a history, an odd number, a cell
    to quote). A batch is out before the next is asked for: a million facts stream, in json too."""
    out = out or sys.stdout
    delimited = fmt in ("csv", "tsv")
    head = _header_line(fields, fmt).encode() if delimited else b"[\n" if fmt == "json" else b""
    between, end = (b",\n", b"") if fmt == "json" else (b"", b"\n")
    started = False
    for batch in batches:
        if not batch:
            continue
        data = _joined(batch, fmt, fields)
        write_utf8([between if started else head, data if delimited else _json_safe_utf8(data), end], out)
        started = True
    if fmt == "json":
        write_utf8([b"\n]\n" if started else b"[]\n"], out)
    elif not started:
        write_utf8([head], out)  # the header of no rows (jsonl: nothing)


def write_block(block: tuple[bytes, int], fmt: str, *, fields: Sequence[str]) -> None:
    """A listing SQLite made as one text (Store.fact_block: its UTF-8 and how many lines),
    written as `write_lines` writes those lines."""
    data, lines = block
    write_lines([[data]] if lines else [], fmt, fields=fields)


def _joined(batch: Sequence[bytes | str | dict[str, Any]], fmt: str, fields: Sequence[str]) -> bytes:
    """The lines of a batch of `write_lines` joined by `fmt`'s separator, as UTF-8. A batch
    of one kind of line is joined as it is, in C (a listing's text, 10,000 lines: 0.3 ms; a
    test of each line's kind and an encode a line took 8 ms); one with records is joined as
    text, the records written here."""
    kinds = set(map(type, batch))
    if kinds == {bytes}:  # the usual batch of an export, all made by SQLite
        return (b",\n" if fmt == "json" else b"\n").join(batch)  # type: ignore[arg-type]
    separator = ",\n" if fmt == "json" else "\n"
    if kinds == {str}:
        return separator.join(batch).encode()  # type: ignore[arg-type]
    made = iter(_record_lines([x for x in batch if type(x) is dict], fmt, fields))
    return separator.join(
        [next(made) if type(x) is dict else x.decode() if type(x) is bytes else x for x in batch]
    ).encode()  # type: ignore[misc]


def _record_lines(records: list[dict[str, Any]], fmt: str, fields: Sequence[str]) -> Iterable[str]:
    """Each record as `write_records` writes it in `fmt`, without the line end."""
    if not records:
        return ()
    if fmt in ("json", "jsonl"):
        return _json_lines(records)
    rows = _Chunks()  # the csv module writes each row in one piece
    writer, quoted = _csv_writers(fmt, rows)
    for record in records:
        _write_row(writer, quoted, [record.get(n) for n in fields])
    return [row[:-1] for row in rows]


def _json_safe_utf8(data: bytes) -> bytes:
    """`_json_safe` of JSON text given as UTF-8 bytes, decoded only when it has a character
    to escape (the usual text is ASCII, found at C speed)."""
    if not data.isascii() or b"\x7f" in data:
        return _json_safe(data.decode()).encode()
    return data


def write_text(text: str, out: IO[str] | None = None) -> None:
    """`text` written whole to `out` (stdout), as write_utf8 writes: after a short write the
    rest follows, and a reader gone (`| head`) raises BrokenPipeError. Python's own text
    stream, given more than a pipe holds when its reader leaves, writes what fits and drops
    the rest without an error (CPython 3.11: `pptrack list` of 10,000 facts into
    `head -c 100` exited 0, 64 KiB of its 590 KiB written, where `--format tsv` exited 1)."""
    try:
        data = text.encode()
    except UnicodeEncodeError:  # a lone surrogate: the text stream says what it cannot write
        (out or sys.stdout).write(text)
        return
    write_utf8([data], out or sys.stdout)


def write_utf8(pieces: Sequence[bytes], out: IO[str]) -> None:
    """The text that `pieces` (UTF-8) make, written to the text stream `out`: when `out` is a
    UTF-8 file (stdout, usually), straight to its file descriptor in one writev, not joined,
    decoded and encoded again (three copies of 2 MB for a listing of 10,000 facts: 2 ms); else
    decoded and written as text (a test's stdout, an encoding that may not hold the text)."""
    try:
        fd = out.fileno()
        utf8 = codecs.lookup(out.encoding).name == "utf-8" or all(p.isascii() for p in pieces)
    except (AttributeError, OSError, ValueError, LookupError):  # io.UnsupportedOperation is an OSError
        fd, utf8 = -1, False
    if fd < 0 or not utf8 or os.linesep != "\n":
        out.write(b"".join(pieces).decode())
        return
    out.flush()
    pending = [memoryview(p) for p in pieces if p]
    while pending:
        # A short write (a signal came): the rest follows. A reader gone (`| head`) raises
        # BrokenPipeError, as a buffered text write of the same does.
        written = os.writev(fd, pending)
        while pending and written >= len(pending[0]):
            written -= len(pending.pop(0))
        if written:
            pending[0] = pending[0][written:]


def _header_line(fields: Sequence[str], fmt: str) -> str:
    """The csv or tsv header of `fields` as `write_delimited` writes it: the names joined as
    they are when none needs quoting or escaping (no csv writer made), else by the writer."""
    delimiter = "," if fmt == "csv" else "\t"
    if all(h and csv_cell(h) == h and not any(c in h for c in (delimiter, '"', "\r", "\n")) for h in fields):
        return delimiter.join(fields) + "\n"
    chunks = _Chunks()
    _csv_writers(fmt, chunks)[0].writerow([csv_cell(h) for h in fields])
    return "".join(chunks)


def write_table(
    rows: Iterable[Sequence[object]], columns: Sequence[Column], *, out: IO[str] | None = None, title: str | None = None
) -> None:
    """A table: fitted to the width on a terminal (styled), plain aligned text elsewhere (never cut)."""
    raw = [list(row) for row in rows]
    by_column = [list(values) for values in zip(*raw, strict=True)] if raw else [[] for _ in columns]
    _write_columns(by_column, columns, out or sys.stdout, title)


def write_columns(
    cells: list[list[object]], columns: Sequence[Column], *, out: IO[str] | None = None, title: str | None = None
) -> None:
    """`write_table` of cells given column by column (each a list, all as long), as a caller
    that reads its cells a column at a time has them: no row is made to be taken apart again."""
    _write_columns(cells, columns, out or sys.stdout, title)


def _write_columns(raw: list[list[object]], columns: Sequence[Column], out: IO[str], title: str | None) -> None:
    """The table of `write_table` from its cells column by column: a listing of 10,000 facts
    is 100,000 cells, and whole-column list comprehensions cost a third of a loop over each cell."""
    by_column = [_text_column(values) for values in raw]
    headers = [safe_text(c.header) for c in columns]  # source names become headers: user text
    sizes = [_cell_widths(values) for values in by_column]
    widths = [max(cell_width(h), max(size, default=0)) for h, size in zip(headers, sizes, strict=True)]
    if _is_terminal(out):
        styles = _row_styles(raw, columns)
        _terminal_table(by_column, sizes, widths, styles, headers, columns, out, safe_text(title) if title else None)
        return
    if title:
        out.write(safe_text(title) + "\n")
    padded = _padded(by_column, sizes, widths, columns)
    head = _padded([[h] for h in headers], [[cell_width(h)] for h in headers], widths, columns)
    lines = ["  ".join(h[0] for h in head).rstrip(), "  ".join("-" * w for w in widths).rstrip()]
    lines.extend(map(str.rstrip, map("  ".join, zip(*padded, strict=True))))  # no Python call a line
    write_text("\n".join(lines) + "\n", out)


def _cell_widths(values: list[str]) -> list[int]:
    """The width of each cell of a column: its length where the whole column is ASCII (one
    check of the column, then `len` in C), else each cell measured (wide and combining characters)."""
    if "".join(values).isascii():
        return list(map(len, values))
    return [len(v) if v.isascii() else cell_width(v) for v in values]


def _padded(
    by_column: list[list[str]], sizes: list[list[int]], widths: Sequence[int], columns: Sequence[Column]
) -> list[list[str]]:
    """Each column's cells padded to its width: numbers on the right, text on the left. A column
    of ASCII, whose widths are lengths, is padded by str.rjust and str.ljust in C (half the time)."""
    return [
        list(map(str.rjust if c.right else str.ljust, values, [w] * len(values)))
        if "".join(values).isascii()
        else [" " * (w - n) + v for v, n in zip(values, size, strict=True)]
        if c.right
        else [v + " " * (w - n) for v, n in zip(values, size, strict=True)]
        for values, size, w, c in zip(by_column, sizes, widths, columns, strict=True)
    ]


def _text_column(values: list[object]) -> list[str]:
    """A column's cells as printable text (safe_text). The usual column, all printable text,
    is checked in one go and taken as it is; one of whole numbers (ids) is written by str."""
    kinds = set(map(type, values))
    if kinds == {str} and "".join(values).isprintable():  # type: ignore[arg-type]
        return values  # type: ignore[return-value]
    if kinds == {int}:
        return [str(v) for v in values]
    return [v if type(v) is str and v.isprintable() else safe_text(v) for v in values]


def _row_styles(raw: list[list[object]], columns: Sequence[Column]) -> dict[int, list[str | None]]:
    """The styles of the rows that have any, by row (from the cells column by column): most
    tables have no styled column."""
    styled = [(i, list(map(c.style, raw[i]))) for i, c in enumerate(columns) if c.style]
    styles: dict[int, list[str | None]] = {}
    for r in range(len(raw[0]) if styled else 0):
        if any(column[r] for _, column in styled):
            row: list[str | None] = [None] * len(columns)
            for i, column in styled:
                row[i] = column[r]
            styles[r] = row
    return styles


def _is_terminal(out: IO[str]) -> bool:
    try:
        return out.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):
        return False


def console(out: IO[str] | None = None, stderr: bool = False) -> Any:
    """A rich Console that never interprets markup or emoji codes in what it prints."""
    from rich.console import Console

    return Console(file=out, stderr=stderr, markup=False, emoji=False, highlight=False)


def _terminal_table(
    by_column: list[list[str]],
    sizes: list[list[int]],
    natural: list[int],
    styles: dict[int, list[str | None]],
    headers: list[str],
    columns: Sequence[Column],
    out: IO[str],
    title: str | None,
) -> None:
    """The table on a terminal: fitted to its width, header bold, cells styled.

    Laid out here rather than by rich's Table, which measures every cell of every row
    and takes 20× as long as plain text (6 s for 10,000 facts). Too wide a table folds its
    wide columns (their headers too), longest first (see _fit); one that would still not
    fit is shown a row at a time (_terminal_records): no cell is ever cut. Rich decides what
    it knows best, the terminal's width and the escape codes of each style (colour depth,
    NO_COLOR, FORCE_COLOR), and the lines are written as rich would print them as Text,
    without building a Text a line (which cost 0.4 s for 10,000 facts).
    """
    con = console(out)
    widths = _fit(natural, headers, columns, con.width, by_column)
    paint = _Painter(con)
    lines: list[str] = [paint(part, "bold") for part in fold(title, con.width)] if title else []
    if sum(widths) + 2 * (len(widths) - 1) > con.width:  # too narrow for every cell whole
        carried = [_carried(values) if c.carried else values for values, c in zip(by_column, columns, strict=True)]
        lines += _terminal_records(carried, styles, headers, con.width, paint)
    else:
        lines += _terminal_rows(by_column, sizes, widths, styles, headers, columns, paint)
    con.file.write("".join(line + "\n" for line in lines))
    con.file.flush()


def _terminal_rows(
    by_column: list[list[str]],
    sizes: list[list[int]],
    widths: list[int],
    styles: dict[int, list[str | None]],
    headers: list[str],
    columns: Sequence[Column],
    paint: _Painter,
) -> list[str]:
    """The lines of a table that fits in `widths`: its header, a rule, and its rows, a
    folded cell's row over as many lines as the cell takes."""
    folds = _fit_cells(by_column, sizes, widths)  # row -> column -> the lines of a folded cell
    lines: list[str] = []
    lines.extend(
        _styled_line(parts, widths, columns, ["bold"] * len(columns), paint) for parts in _header_lines(headers, widths)
    )
    lines.append(paint("  ".join("─" * w for w in widths), "dim"))
    plain = ["  ".join(parts).rstrip() for parts in zip(*_padded(by_column, sizes, widths, columns), strict=True)]
    if not folds and not styles:
        lines.extend(plain)
    else:
        no_style = [None] * len(columns)
        for r, line in enumerate(plain):
            if r not in folds and r not in styles:
                lines.append(line)
                continue
            row = [values[r] for values in by_column]
            pieces = [folds.get(r, {}).get(i, [v]) for i, v in enumerate(row)]
            for k in range(max(len(p) for p in pieces)):
                parts = [p[k] if k < len(p) else "" for p in pieces]
                lines.append(_styled_line(parts, widths, columns, styles.get(r, no_style), paint))
    return lines


def _terminal_records(
    by_column: list[list[str]],
    styles: dict[int, list[str | None]],
    headers: list[str],
    room: int,
    paint: _Painter,
) -> list[str]:
    """A table too wide for the terminal even with its wide columns folded (`history`'s ten
    columns at 74, `latest` at 40), as `psql` shows one in its expanded display: each row a
    block of lines, a column's name (bold) then its value, folded to the width, the blocks
    apart by a blank line. Every value is whole, as a table on a wider terminal shows it."""
    width = _key_width(headers, room)  # a long name (a source of diff-sources) folds too
    keys = [[(paint(part, "bold"), cell_width(part)) for part in fold(h, width)] for h in headers]
    room = max(room - width - 2, 1)
    no_style = [None] * len(headers)
    lines: list[str] = []
    for r in range(len(by_column[0]) if by_column else 0):
        if r:
            lines.append("")
        row_styles = styles.get(r, no_style)
        for key, values, style in zip(keys, by_column, row_styles, strict=True):
            parts = [part.rstrip() for part in fold(values[r], room)]
            lines.extend(_beside(key, [paint(part, style) if style else part for part in parts], width))
    return lines


def _carried(values: list[str]) -> list[str]:
    """A column whose blank cells repeat the cell above, each blank filled with it."""
    out: list[str] = []
    last = ""
    for value in values:
        last = value or last
        out.append(last)
    return out


def _key_width(keys: Sequence[str], room: int) -> int:
    """The width of the names beside their values (`show`, a table shown a row at a time):
    the longest, but at most a third of `room`, so that a value keeps two thirds of it."""
    return max(min(max(map(cell_width, keys), default=0), room // 3), 1)


def _beside(key: Sequence[tuple[str, int]], value: Sequence[str], width: int) -> Iterator[str]:
    """The lines of a name (its folded lines as text and width) with its value's lines beside
    it, the value `width` + 2 cells in; no line ends in spaces."""
    for k in range(max(len(key), len(value))):
        text, used = key[k] if k < len(key) else ("", 0)
        shown = value[k] if k < len(value) else ""
        yield text + " " * (width - used + 2) + shown if shown else text


def _fit(
    widths: list[int], headers: list[str], columns: Sequence[Column], room: int, cells: Sequence[Sequence[str]]
) -> list[int]:
    """Column widths within `room` if they can be, narrowed in stages, each stage longest
    column first: wide columns (folded) down to their longest word, of the header and of
    the cells up to _WORD_FLOOR cells ("nearly 1,400" folds into "nearly" and "1,400", not
    into pieces of two; a word ends at a space or after a hyphen or slash, where `fold`
    folds); then the `fold_last` columns (a slug: `political-` / `prisoners`) down to theirs;
    then both, wide ones first, down to their floor: their header's longest word, and at
    least _READABLE cells. The other columns keep every cell whole (a value, a date): a
    table still wider than `room` is shown a row at a time instead (_terminal_records)."""
    widths = list(widths)
    excess = sum(widths) + 2 * (len(widths) - 1) - room
    if excess <= 0:
        return widths
    # the least a folded column keeps: its header's longest word, and _READABLE cells unless
    # its cells are all narrower (below it, a name folds into pieces of three or four)
    floors = [max(_longest_word([h]), min(w, _READABLE), 1) for h, w in zip(headers, widths, strict=True)]
    words = [
        max(least, min(_longest_word(values), _WORD_FLOOR)) if c.wide or c.fold_last else 0
        for least, c, values in zip(floors, columns, cells, strict=True)
    ]
    for floor, last in ((words, False), (words, True), (floors, False), (floors, True)):
        while excess > 0:
            shrinkable = [
                i
                for i in range(len(widths))
                if widths[i] > floor[i] and (columns[i].fold_last if last else columns[i].wide)
            ]
            if not shrinkable:
                break
            i = max(shrinkable, key=lambda j: widths[j])
            step = min(excess, widths[i] - floor[i], max(1, widths[i] // 4))
            widths[i] -= step
            excess -= step
    return widths


_READABLE = 8  # the least width a column folds to, where its cells are wider
_WORD_FLOOR = 15  # a longer word (a web address) is folded rather than kept whole


def _longest_word(values: Sequence[str]) -> int:
    """The width of the longest word in `values`: a run of characters between spaces, or
    ending after a hyphen or slash (where `fold` folds a text without a space)."""
    text = " ".join(values).replace("-", "- ").replace("/", "/ ")
    words = text.split()
    return max(map(len, words) if text.isascii() else map(cell_width, words), default=0)


def _header_lines(headers: Sequence[str], widths: Sequence[int]) -> list[list[str]]:
    """The header row as lines: a header wider than its (wide) column folded at its spaces."""
    folded = [fold(h, w) for h, w in zip(headers, widths, strict=True)]
    return [[f[k] if k < len(f) else "" for f in folded] for k in range(max(len(f) for f in folded))]


def _fit_cells(
    by_column: list[list[str]], sizes: list[list[int]], widths: Sequence[int]
) -> dict[int, dict[int, list[str]]]:
    """The cells of wide columns wider than their column folded, in place: the first line
    kept in `by_column`, all its lines returned by row and column (_fit narrows no other)."""
    folds: dict[int, dict[int, list[str]]] = {}
    for i, (values, size, w) in enumerate(zip(by_column, sizes, widths, strict=True)):
        if max(size, default=0) <= w:
            continue
        values = by_column[i] = list(values)  # the caller's column (write_columns) stays as it was
        for r, n in enumerate(size):
            if n <= w:
                continue
            lines = fold(values[r], w)
            folds.setdefault(r, {})[i] = lines
            values[r] = lines[0]
            size[r] = cell_width(values[r])
    return folds


class _Painter:
    """Text in a rich style as this console prints it: the codes before and after a mark,
    rendered by rich once per style (its colour system, NO_COLOR, themes), then reused."""

    _MARK = "\ue000"

    def __init__(self, con: Any) -> None:
        self.con = con
        self.codes: dict[str, tuple[str, str]] = {}

    def __call__(self, text: str, style: str) -> str:
        if not text:  # rich writes no codes around nothing
            return ""
        codes = self.codes.get(style)
        if codes is None:
            codes = self.codes[style] = self._render(style)
        return codes[0] + text + codes[1]

    def _render(self, style: str) -> tuple[str, str]:
        from rich.text import Text

        with self.con.capture() as captured:
            self.con.print(Text(self._MARK, style=style), end="", no_wrap=True, overflow="ignore", crop=False)
        before, _, after = captured.get().partition(self._MARK)
        return before, after


def _styled_line(
    parts: Sequence[str],
    widths: Sequence[int],
    columns: Sequence[Column],
    styles: Sequence[str | None],
    paint: Callable[[str, str], str],
) -> str:
    """One line of cells, each in its style, padded to its column, the line's trailing
    white space taken off (styled or not, as rich's Text.rstrip does)."""
    segments: list[tuple[str, str | None]] = []
    last = len(parts) - 1
    for i, (v, w, c, style) in enumerate(zip(parts, widths, columns, styles, strict=True)):
        pad = " " * (w - cell_width(v))
        if c.right:
            segments.append((pad, None))
        segments.append((v, style))
        if i < last:
            segments.append(("  " if c.right else pad + "  ", None))
    keep = len("".join(text for text, _ in segments).rstrip())
    line = []
    for text, style in segments:
        text = text[:keep]
        keep -= len(text)
        line.append(paint(text, style) if style else text)
    return "".join(line)


def _fitting(s: str, width: int) -> int:
    """How many characters of `s`, from the start, fit in `width` cells (a zero-width
    character after them fits too: it belongs to the one before)."""
    used = 0
    for i, ch in enumerate(s):
        used += cell_width(ch)
        if used > width:
            return i
    return len(s)


def fold(s: str, width: int) -> list[str]:
    """`s` as lines of at most `width` cells, cut at spaces where it can be, else after a
    hyphen or slash (`political-` / `prisoners-of-conscience`, a tag; a URL's path), else
    where the width ends. A character wider than `width` (CJK in a one-cell column) is a
    line of its own, over the width."""
    if cell_width(s) <= width:
        return [s]
    lines: list[str] = []
    while cell_width(s) > width:
        head = s[: _fitting(s, width)] or s[0]  # the longest prefix that fits, at least a character
        space = head.rfind(" ")
        if space > 0:
            head = head[:space]
        else:
            joint = max(head.rfind("-"), head.rfind("/"))
            if joint > 0:
                head = head[: joint + 1]
        lines.append(head)
        s = s[len(head) :].lstrip(" ")
    if s:
        lines.append(s)
    return lines


def write_fields(pairs: Sequence[tuple[str, object]], out: IO[str] | None = None) -> None:
    """One record in full, a field a line (`show`): nothing cut, newlines kept. On a terminal a
    long value is folded (at spaces where it can be) to the terminal's width, beside its name."""
    out = out or sys.stdout
    if not _is_terminal(out):  # every line whole, each name as long as it is
        width = max(len(k) for k, _ in pairs)
        for key, value in pairs:
            lines = safe_text(value, multiline=True).split("\n")
            out.write("".join(line + "\n" for line in _beside([(key, len(key))], lines, width)))
        return
    columns = console(out).width
    width = _key_width([k for k, _ in pairs], columns)
    room = max(columns - width - 2, 1)
    for key, value in pairs:
        text = safe_text(value, multiline=True).expandtabs()  # a tab's width is its terminal's, not one cell
        lines = [part.rstrip() for line in text.split("\n") for part in fold(line, room)]
        folded = [(part, cell_width(part)) for part in fold(key, width)]
        out.write("".join(line + "\n" for line in _beside(folded, lines, width)))


def blank_line(out: IO[str] | None = None) -> None:
    """The gap between two tables printed one after the other."""
    (out or sys.stdout).write("\n")


def file_to_write(written: str, wanted: str) -> Path:
    """The file that `-o` names (export, plot), refused before any work where it names none:
    nothing, or a folder (an existing one, or one written with its `/`, which a Path would
    forget). `wanted`: what -o takes, for the message."""
    from pathlib import Path

    from .errors import BadInput

    if not written:
        raise BadInput(f"-o is empty: give -o {wanted}")
    if written.endswith(("/", os.sep)) or Path(written).is_dir():
        raise BadInput(f"-o {written!r} names a folder: give -o {wanted}")
    return Path(written)


def write_whole(path: Path, write: Callable[[Path], object]) -> None:
    """Write the file at `path` whole or not at all (`export -o`, `plot -o`): `write` fills a
    temporary file beside it, which then takes its name. A failure while writing (a full disk)
    exits 1; a path where no file can be made (no such folder, not allowed) is bad input (2)."""
    from . import partials
    from .errors import BadInput, PptrackError

    partials.sweep(path, f".partial{path.suffix}")  # what a killed export or plot left there
    tmp = path.with_name(f".{path.name}.{os.getpid()}.partial{path.suffix}")
    try:
        open(tmp, "w").close()
    except OSError as e:
        where = "give -o a file in a folder you can write to"
        raise BadInput(f"cannot write {str(path)!r}: {e.strerror or e}; {where}") from None
    try:
        write(tmp)
        os.replace(tmp, path)
    except OSError as e:
        raise PptrackError(f"cannot write {str(path)!r}: {e.strerror or e}; nothing was written") from None
    finally:
        tmp.unlink(missing_ok=True)


def notice(message: str) -> None:
    """A message for the user on stderr (never mixed into data on stdout)."""
    sys.stderr.write(safe_text(message) + "\n")


@contextmanager
def progress(label: str, total: int | None, *, delay: float = 0.5) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr for long work (import, export): drawn only on a terminal
    and only once the work has taken `delay` seconds, gone when it ends; piped data never
    sees it. Yields `update(done)`, `done` counting towards `total` (None: unknown)."""
    import time

    if not _is_terminal(sys.stderr):
        yield lambda done: None
        return
    started = time.monotonic()
    shown: list[Any] = []

    def update(done: int) -> None:
        if not shown:
            if time.monotonic() - started < delay:
                return
            from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

            bar = Progress(
                TextColumn(safe_text(label)),
                BarColumn(),
                TaskProgressColumn(),
                TimeRemainingColumn(),
                console=console(stderr=True),
                transient=True,
            )
            bar.start()
            shown.extend((bar, bar.add_task(safe_text(label), total=total)))
        shown[0].update(shown[1], completed=done)

    try:
        yield update
    finally:
        if shown:
            shown[0].stop()
