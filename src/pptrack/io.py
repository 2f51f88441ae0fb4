"""Moving facts in and out: import from CSV, JSON or JSON Lines (all rows or none) and an
export that imports back to the same facts, uids and history included.

An import streams: each row is checked as it is read and staged in temporary tables
inside the import's one transaction (store.import_stage); a bad row is noted, and at
the end either every row is written or, if any row was bad, the transaction is rolled
back and the bad rows are reported. Repeated written values, dates and names are read
once each.
"""

from __future__ import annotations

import csv
import itertools
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache, partial
from operator import itemgetter
from pathlib import Path
from typing import IO, Any, TypeVar

from .dates import ACCEPTED as DATE_ACCEPTED
from .dates import parse_date, precision_rank
from .errors import BadInput
from .models import FACT_FIELDS, KINDS, QUALIFIERS, Interval, number, stored_tags
from .names import name_key
from .render import FORMULA_START
from .service import now, read_tags, resolve_metric, resolve_source, stored_time, time_order_problems
from .store import Store
from .values import ACCEPTED as VALUE_ACCEPTED
from .values import parse_value, parse_written

_T = TypeVar("_T")
REQUIRED = ("metric", "value", "date", "source")
_REQUIRED = frozenset(REQUIRED)
# What `export` writes, in this order; `import` reads all of it back.
EXPORT_FIELDS = (*FACT_FIELDS[1:3], "kind", *FACT_FIELDS[3:], "removed_at", "history")  # no local `id`
# `id` is a row number local to one database: read (from `list --format csv`) but not kept.
ACCEPTED_COLUMNS = (*REQUIRED, *(f for f in ("id", *EXPORT_FIELDS) if f not in REQUIRED))
_ACCEPTED = frozenset(ACCEPTED_COLUMNS)
IMPORT_FORMATS = ("csv", "json", "jsonl")
EXPORT_FORMATS = ("jsonl", "json", "csv", "datasette-metadata")
MAX_REPORTED = 20
CHANGES = ("added", "edited", "removed", "restored")
# What an export writes beside `display` that follows from it (see _Importer.check_value).
_DERIVED = ("value", "low", "high", "qualifier")
_BATCH = 5000
_MEMO = 100_000  # distinct written values remembered at most
_KEYS = 250_000  # rows told apart in memory at most, about 16 MB (see _Importer.keys)
EXPORT_BATCH = 1000  # facts an export holds at once at most: about 0.5 MB of lines


def _raise_csv_field_limit() -> None:
    """Let the csv module read a cell of any length the platform allows: its default, 131,072
    characters, refused an export's own history cell of a fact edited a hundred times with a long
    quote. Rows are still read one at a time; only the one long cell is held whole."""
    limit = sys.maxsize
    while True:
        try:
            csv.field_size_limit(limit)
            return
        except OverflowError:  # a C long of 32 bits (Windows)
            limit = int(limit // 2)


_raise_csv_field_limit()


class _DryRun(Exception):
    """Raised inside the import's transaction to roll it back after counting."""


@dataclass
class ImportResult:
    added: int = 0
    present: int = 0
    updated: int = 0
    dry_run: bool = False
    notices: list[str] = field(default_factory=list)

    def summary(self) -> str:
        verb = "would import" if self.dry_run else "imported"
        text = f"{verb} {self.added} fact(s); {self.present} already present; {self.updated} updated"
        return text + ("; nothing was written (--dry-run)" if self.dry_run else "")


# --- reading files -------------------------------------------------------------


@dataclass
class Input:
    """A file (or stdin) opened for import: text for the readers, bytes read for progress."""

    name: str
    text: IO[str]
    raw: IO[bytes] | None
    size: int | None

    def position(self) -> int:
        try:
            return self.raw.tell() if self.raw is not None else 0
        except (OSError, ValueError):
            return 0

    def head(self) -> bytes:
        """The first bytes, without consuming them (for sniffing the format)."""
        peek = getattr(self.raw, "peek", None)
        return peek(512)[:512] if peek is not None else b""

    def close(self) -> None:
        if self.raw is not None and self.name != "-":
            self.raw.close()


def open_input(name: str) -> Input:
    import io
    import os

    if name == "-":
        raw = getattr(sys.stdin, "buffer", None)
        if raw is None:
            return Input(name, sys.stdin, None, None)
        return Input(name, io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""), None, None)
    if os.path.isdir(name):
        raise BadInput(f"{name!r} is a folder; give the path of a .csv, .json or .jsonl file")
    try:
        handle = open(name, "rb")  # noqa: SIM115 - closed by Input.close
    except OSError as e:
        reason = e.strerror or e
        raise BadInput(f"cannot read {name!r}: {reason}; give the path of a .csv, .json or .jsonl file") from None
    size = os.fstat(handle.fileno()).st_size
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    return Input(name, text, handle, size)


def detect_format(source: Input, given: str | None) -> str:
    """`given`, else the extension, else sniffed from the first bytes (a file only: stdin
    needs --format)."""
    if given:
        if given not in IMPORT_FORMATS:
            raise BadInput(f"unknown import format {given!r}; accepted: {', '.join(IMPORT_FORMATS)}")
        return given
    if source.name == "-":
        raise BadInput("reading from stdin needs --format csv, json or jsonl")
    suffix = Path(source.name).suffix.lower().lstrip(".")
    if suffix in IMPORT_FORMATS:
        return suffix
    head = source.head().lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"["):
        return "json"
    if head.startswith(b"{"):
        return "jsonl"
    first_line = head.split(b"\n", 1)[0]
    if b"," in first_line and b"metric" in first_line.lower():
        return "csv"
    raise BadInput(f"cannot tell the format of {source.name!r}; give --format csv, json or jsonl")


def unescape_cell(text: str) -> str:
    """Undo export's guard against formulas: `'=x` reads back as `=x`; other `'` is data."""
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_START):
        return text[1:]
    return text


def row_word(fmt: str) -> str:
    """What the numbers read_rows gives count in `fmt`, for reports: the lines of a CSV or
    JSON Lines file, the records (objects) of a JSON array, which may share a line or span many."""
    return "record" if fmt == "json" else "line"


def read_rows(stream: IO[str], fmt: str) -> Iterable[tuple[int, dict[str, Any]]]:
    """(number, row) for each record: its line, or in a JSON array its place (row_word).
    Problems with the file as a whole (empty, not CSV/JSON, unknown columns) raise BadInput
    now (CSV) or on the first row (JSON)."""
    if fmt == "csv":
        try:
            return CsvRows(stream)
        except UnicodeDecodeError as e:
            raise BadInput(f"the file is not UTF-8 text (byte {e.start}); save it as UTF-8 and import again") from None
    if fmt == "jsonl":
        return _jsonl_rows(stream)
    return _json_rows(stream)


def started(rows: Iterable[tuple[int, dict[str, Any]]], name: str) -> Iterable[tuple[int, dict[str, Any]]] | None:
    """The same rows, with the first one read already: a file that is undecodable or not the
    format it claims fails here, before anything is opened for writing. None: the file holds
    no facts, as the export of an empty database does (a header, `[]`, no line)."""
    try:
        if isinstance(rows, CsvRows):
            found = rows.peek()
        else:
            rows = iter(rows)
            first = next(rows, None)
            found = first is not None
            rows = itertools.chain((first,), rows) if first is not None else rows
    except UnicodeDecodeError as e:
        raise BadInput(f"{name!r} is not UTF-8 text (byte {e.start}); save it as UTF-8 and import again") from None
    return rows if found else None


def _accepted() -> str:
    return f"accepted: {', '.join(ACCEPTED_COLUMNS)} (at least {', '.join(REQUIRED)})"


def _check_fields(names: Iterable[str], where: str) -> None:
    if _ACCEPTED.issuperset(names):  # every row of a big JSON file: a set's test, not a loop
        return
    unknown = [n for n in names if n not in _ACCEPTED]
    if unknown:
        raise BadInput(f"{where}unknown column(s) {', '.join(repr(n) for n in unknown)}; {_accepted()}")


class CsvRows:
    """The rows of a CSV file, its header checked on opening. Iterating gives (line, row)
    like the other readers; `cells()` gives (line, cells) as read, for the fast path of a
    file of just metric, value, date and source (`plain`)."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        try:  # where the file starts, to read a row again (open_quote_line): a pipe cannot
            self.origin = stream.tell() if stream.seekable() else None
        except (OSError, ValueError):
            self.origin = None
        # strict: a quoted cell still open at the end of the file is an error (not the rest of
        # the file read into it), and so is text after a closing quote.
        self.reader = csv.reader(stream, strict=True)
        try:
            header = next(self.reader)
        except StopIteration:
            raise BadInput("the file is empty; a CSV import needs a header row: metric,value,date,source") from None
        except csv.Error as e:
            raise self.unreadable(e, 1) from None
        self.header = [h.strip() for h in header]
        if len(self.header) == 1:
            for delimiter, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "bars")):
                if delimiter in self.header[0]:
                    raise BadInput(
                        f"the header is one column separated by {name}; pptrack reads comma-separated CSV:"
                        " metric,value,date,source"
                    )
        _check_fields(self.header, "")
        twice = _repeated(self.header)
        if twice:
            names = " and ".join(repr(n) for n in twice)
            raise BadInput(
                f"the header names column {names} twice; name each column once, e.g. metric,value,date,source"
            )
        missing = [c for c in REQUIRED if c not in self.header]
        if missing:
            raise BadInput(f"missing column(s) {', '.join(missing)}; {_accepted()}")
        self.plain = len(self.header) == len(REQUIRED)
        self.pushed: list[tuple[int, list[str]]] = []

    def cells(self) -> Iterator[tuple[int, list[str]]]:
        """(line, cells) of each line that is not blank."""
        yield from self.pushed
        self.pushed = []
        reader = self.reader
        line = reader.line_num + 1
        try:
            for cells in reader:
                if _filled(cells):
                    yield line, cells
                line = reader.line_num + 1
        except csv.Error as e:
            raise self.unreadable(e, line) from None

    def chunks(self, size: int) -> Iterator[tuple[Sequence[int], list[list[str]]]]:
        """The same (line, cells) as `cells`, up to `size` rows at a time, as (lines, rows):
        read by the csv module in one call a chunk, each row's line counted from the chunk's
        first line and the line breaks inside the row's quoted cells (the line numbers go
        into new uids: they must be the ones `cells` gives)."""
        if self.pushed:
            yield [line for line, _ in self.pushed], [cells for _, cells in self.pushed]
            self.pushed = []
        reader = self.reader
        while True:
            start = reader.line_num + 1
            chunk: list[list[str]] = []
            try:
                chunk.extend(itertools.islice(reader, size))  # keeps the rows read before an error
            except csv.Error as e:
                raise self.unreadable(e, start + len(chunk) + sum(map(_line_breaks, chunk))) from None
            if not chunk:
                return
            if reader.line_num - start + 1 == len(chunk) and min(map(len, chunk)) > 1:
                yield range(start, start + len(chunk)), chunk  # one line a row, none blank
                continue
            lines: list[int] = []
            kept: list[list[str]] = []
            line = start
            for cells in chunk:
                if _filled(cells):
                    lines.append(line)
                    kept.append(cells)
                line += 1 + _line_breaks(cells)
            if kept:
                yield lines, kept

    def unreadable(self, error: csv.Error, line: int) -> BadInput:
        """What is wrong where, for an error of the csv module in the row that starts on `line`."""
        reason = str(error)
        if reason.startswith("unexpected end of data"):
            opened = self.open_quote_line(line)
            where = "the quoted cell that starts on this line"
            if opened is None:
                where = "a quoted cell of the row that starts here"
            return BadInput(
                f"line {opened or line}: {where} is never closed (the rest of the file would be read into it);"
                ' end the cell with a " and write a " inside a quoted cell as ""'
            )
        if "expected after" in reason:
            return BadInput(
                f"line {self.reader.line_num}: a quoted cell goes on after its closing quote ({reason});"
                ' quote the whole cell and write a " inside it as "", e.g. "6"" or so" for 6" or so'
            )
        return BadInput(f"line {line}: not readable as CSV ({reason})")

    def open_quote_line(self, row_line: int) -> int | None:
        """The line where the quoted cell left open at the end of the file starts: that of its
        row (`row_line`), or a later one when an earlier cell of the row spans lines. Found by
        reading the row again, which a file allows; None from a pipe."""
        if self.origin is None:
            return None
        try:
            self.stream.seek(self.origin)
            return _open_quote_line(itertools.islice(self.stream, row_line - 1, None), row_line)
        except (OSError, ValueError, UnicodeDecodeError):
            return None

    def peek(self) -> bool:
        """Whether there is a row at all (read now, given again by the iterators)."""
        if not self.pushed:
            self.pushed = list(itertools.islice(self.cells(), 1))
        return bool(self.pushed)

    def row(self, cells: list[str]) -> dict[str, Any]:
        if len(cells) != len(self.header):
            return {"": f"{len(cells)} cells where the header has {len(self.header)}"}
        if "'" in "".join(cells):  # (a test of the joined row: most have no ' at all)
            cells = list(map(unescape_cell, cells))
        return dict(zip(self.header, cells, strict=True))

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any]]]:
        for line, cells in self.cells():
            yield line, self.row(cells)


def _filled(cells: list[str]) -> bool:
    """Whether a row read by the csv module is more than a blank line (nothing, or spaces)."""
    return len(cells) > 1 or (len(cells) == 1 and bool(cells[0].strip()))


def _open_quote_line(lines: Iterable[str], line: int) -> int:
    """The line where the last quoted cell opened by a row (starting at the first of `lines`,
    numbered `line`) starts, when it is never closed: the file's lines read as the csv module
    reads them (a cell opens with a quote at its start and closes with a quote not doubled)."""
    opened, quoted, cell_start = line, False, True
    for at_line, text in enumerate(lines, start=line):
        at = 0
        while at < len(text):
            if quoted:
                at = text.find('"', at)
                if at < 0:
                    break
                if text.startswith('"', at + 1):
                    at += 2
                else:
                    quoted, cell_start, at = False, False, at + 1
            elif cell_start and text.startswith('"', at):
                opened, quoted, at = at_line, True, at + 1
            else:
                at = text.find(",", at)
                if at < 0:
                    break
                cell_start, at = True, at + 1
        if not quoted:
            cell_start = True  # a new row (not reached: the row runs to the end of the file)
    return opened


def _line_breaks(cells: list[str]) -> int:
    """The line breaks inside a row read by the csv module: its quoted cells keep them as
    written (\\r\\n is one), and the file's lines end at each (open_input's newline="")."""
    return sum(c.count("\n") + c.count("\r") - c.count("\r\n") for c in cells if "\n" in c or "\r" in c)


def _repeated(names: Sequence[str]) -> list[str]:
    """The names given more than once, each once, in the order of their second time."""
    seen: set[str] = set()
    twice: list[str] = []
    for name in names:
        if name in seen and name not in twice:
            twice.append(name)
        seen.add(name)
    return twice


class _KeysTwice(dict[str, Any]):
    """A JSON object that gave a key more than once: the keys (`twice`), the last value of each kept."""

    twice: list[str]


def _object_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object from its (key, value) pairs, a _KeysTwice if a key is given twice (json
    keeps the last value silently): about 1 µs more an object of 21 keys than json.loads."""
    read = dict(pairs)
    if len(read) == len(pairs):
        return read
    marked = _KeysTwice(read)
    marked.twice = _repeated([k for k, _ in pairs])
    return marked


# json.loads with a decoder made once: the pairs of each object are seen (_object_pairs).
_decode = json.JSONDecoder(object_pairs_hook=_object_pairs).decode


def _keys_twice(item: dict[str, Any]) -> str:
    """The keys an object gave twice, as a message names them ('' if none)."""
    return " and ".join(repr(k) for k in item.twice) if type(item) is _KeysTwice else ""


def _json(text: str, where: str) -> Any:
    try:
        return _decode(text)
    except json.JSONDecodeError as e:
        if where == "the file":
            where = f"line {e.lineno}, column {e.colno}"
        raise BadInput(f"{where}: not valid JSON ({e.msg}); each record is an object like {_EXAMPLE}") from None
    except RecursionError:
        raise BadInput(f"{where}: JSON nested too deeply") from None


_EXAMPLE = '{"metric": "political-prisoners", "value": "nearly 1,200", "date": "2025-08", "source": "Viasna"}'


def _object(item: Any, where: str) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise BadInput(f"{where}: expected an object with metric, value, date and source, like {_EXAMPLE}")
    _check_fields(item, f"{where}: ")
    twice = _keys_twice(item)
    if twice:
        raise BadInput(f"{where}: key {twice} is given twice; give each key once, like {_EXAMPLE}")
    return item


def _jsonl_rows(stream: IO[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    for n, text in enumerate(stream, start=1):
        if text.strip():
            yield n, _object(_json(text, f"line {n}"), f"line {n}")


# Characters a JSON array's reader takes from the file at a time (see _ArrayReader).
_JSON_PIECE = 1 << 20
_raw_decode = json.JSONDecoder(object_pairs_hook=_object_pairs).raw_decode
_JSON_SPACE = " \t\n\r"


def _json_rows(stream: IO[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """The records of a JSON array, decoded one by one from pieces of the file as they are
    read: memory holds a piece and a record, never the whole file or every record at once
    (a .json export of a million facts is about 1 GB of text)."""
    reader = _ArrayReader(stream)
    first = reader.next_char()
    if first is None:
        raise BadInput(f"the file is empty; a JSON import is a list of fact objects, e.g. [{_EXAMPLE}]")
    if first != "[":  # not an array: JSON says what else it is (the file whole, as it is no import)
        _json(reader.rest(), "the file")
        raise BadInput(f"a JSON import must be a list of fact objects, e.g. [{_EXAMPLE}]")
    reader.pos += 1
    n = 0
    if reader.next_char() == "]":
        reader.pos += 1
    else:
        while True:
            item = reader.value()
            n += 1
            yield n, _object(item, f"record {n}")
            after = reader.next_char()
            reader.pos += 1
            if after == "]":
                break
            if after != ",":
                reader.fail("Expecting ',' delimiter" if after is not None else "Expecting ']'", reader.pos - 1)
    if reader.next_char() is not None:
        reader.fail("Extra data", reader.pos)


class _ArrayReader:
    """A JSON text read from `stream` a piece at a time: `buffer` from `pos` is what is not
    decoded yet; `lines` counts the line breaks of what was dropped, for errors' places."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.buffer = ""
        self.pos = 0
        self.lines = 0
        self.carried = 0  # the characters of the buffer's first line that were dropped
        self.ended = False

    def more(self) -> bool:
        """Read another piece (dropping what is decoded); False at the end of the file."""
        if self.ended:
            return False
        piece = self.stream.read(_JSON_PIECE)
        if not piece:
            self.ended = True
            return False
        dropped = self.buffer[: self.pos]
        self.lines += dropped.count("\n")
        last = dropped.rfind("\n")
        self.carried = len(dropped) - last - 1 if last >= 0 else self.carried + len(dropped)
        self.buffer = self.buffer[self.pos :] + piece
        self.pos = 0
        return True

    def next_char(self) -> str | None:
        """The next character that is not white space (not taken), None at the end."""
        while True:
            buffer, pos = self.buffer, self.pos
            while pos < len(buffer) and buffer[pos] in _JSON_SPACE:
                pos += 1
            self.pos = pos
            if pos < len(buffer):
                return buffer[pos]
            if not self.more():
                return None

    def value(self) -> Any:
        """The JSON value that starts here, taken; a piece more is read while it may go on."""
        if self.next_char() is None:
            self.fail("Expecting value", self.pos)
        while True:
            try:
                item, end = _raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as e:
                if self.more():
                    continue
                self.fail(e.msg, e.pos)
            except RecursionError:
                raise BadInput(f"line {self.line_at(self.pos)}: JSON nested too deeply") from None
            if end == len(self.buffer) and self.more():  # a number may go on in the next piece
                continue
            self.pos = end
            return item

    def line_at(self, pos: int) -> int:
        return self.lines + self.buffer.count("\n", 0, pos) + 1

    def fail(self, msg: str, pos: int) -> None:
        last = self.buffer.rfind("\n", 0, pos)
        column = pos - last if last >= 0 else self.carried + pos + 1
        where = f"line {self.line_at(pos)}, column {column}"
        raise BadInput(f"{where}: not valid JSON ({msg}); each record is an object like {_EXAMPLE}")

    def rest(self) -> str:
        """The whole file, read before anything is decoded: what was dropped is white space,
        given back as as many lines and columns, so that JSON's errors name their places."""
        return "\n" * self.lines + " " * self.carried + self.buffer + self.stream.read()


# --- checking rows ---------------------------------------------------------------

# A row's value is parsed twice in a row: for its ids (_Importer.read_value) and to check an
# export's value columns against it (check_value). The second time it comes from this cache of
# the last few (checking 100,000 exported facts: about 180 ms less of 2.2 s).
_parse_recent = lru_cache(maxsize=64)(parse_value)


def _again(problem: str) -> str:
    """A problem reported again on a later row: said in full (hint, close matches) at its
    first row only, so that a name missing from a thousand rows does not repeat its hint in
    each."""
    return problem.split(";", 1)[0].split(" (did you mean", 1)[0] + " again"


def _short(message: str) -> str:
    """A parse error without the list of accepted forms: the report names those once."""
    for tail in (f"; {VALUE_ACCEPTED}", f"; {DATE_ACCEPTED}"):
        message = message.replace(tail, "")
    return message


def _blank(value: Any) -> bool:
    """An absent field: null or an empty cell (a cell of spaces is text, kept as given)."""
    return value is None or value == ""


def _text(value: Any) -> str:
    if isinstance(value, bool) or isinstance(value, (list, dict)):
        raise BadInput(f"expected text, not {json.dumps(value)[:40]}")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


class _Importer:
    """Checks rows one by one and stages the good ones; remembers every reading."""

    def __init__(self, store: Store, *, dayfirst: bool | None, strict: bool, unit: str = "line") -> None:
        self.store = store
        self.unit = unit  # what a row's number counts, in reports (row_word)
        self.dayfirst = dayfirst
        self.strict = strict
        self.notices: list[str] = []
        self.errors: list[str] = []
        self.bad_rows = 0
        self.error_kinds: set[str] = set()
        self.rows = 0
        # Each reading, by what was written: ids, or the reason it cannot be read.
        self.values: dict[str, tuple[int, int] | str] = {}  # -> (value id, interval id)
        self.older_values: dict[str, tuple[int, int]] = {}  # displays read as stored (displayed_value)
        self.value_count = 0
        # Each distinct interval and date gets one id, so that identical rows can be found
        # by their ids alone; past _MEMO intervals they are found by content (slower).
        self.interval_ids: dict[Interval, int] = {}
        self.exact_ids = True
        self.date_ids: dict[str, int] = {}
        self.value_checks: dict[tuple[Any, ...], tuple[str, str] | None] = {}
        self.said: set[str] = set()  # each problem reported
        self.via_is_source = 0  # rows whose via named their source: stored without via
        self.stamps: dict[str, str | None] = {}  # each time stamp read, as stored (None: not a time)
        self.dates: dict[str, tuple[int, str, str] | str] = {}  # written -> (date id, iso, precision)
        self.metrics: dict[str, int | str] = {}
        self.sources: dict[str, int | str] = {}
        self.kinds: dict[int, str] = {}
        self.new_metrics: set[int] = set()
        self.kind_given: set[int] = set()
        self.staged_values: list[tuple[Any, ...]] = []
        self.staged_dates: list[tuple[Any, ...]] = []
        self.staged_rows: list[tuple[Any, ...]] = []
        self.staged_bare: list[tuple[Any, ...]] = []  # rows with ids and times only (Store.stage_bare_rows)
        self.plain_rows: list[tuple[int, int, int, int, int, int]] = []
        # The hash of each live row's key (see tell_apart): while no two rows share one
        # (`repeated`), no row repeats an earlier one and that search is skipped. None: rows
        # are no longer told apart (too many to keep, or intervals no longer numbered).
        self.keys: set[int] | None = set()
        self.repeated = False
        self.uidless = False  # whether a row without a uid was read
        # Into a database without facts, rows of just metric, value, date and source go straight
        # into `facts` (store.add_plain_facts), its other indexes dropped until the end; while
        # no row of any other kind came before. A row whose key's hash an earlier row has is
        # staged instead (`repeats`: matched at the end, already present if identical). Past
        # _KEYS rows (or _MEMO intervals) `keys` is None: the first `told_apart` rows written
        # straight are known to differ, and end_direct takes out each later one identical to
        # an earlier (already present; its id stays unused).
        self.direct = False
        self.direct_added = 0
        self.repeats: list[tuple[int, int, int, int, int, int]] = []
        self.direct_present = 0
        self.told_apart: int | None = None
        self.before = 0  # the highest fact id before the import
        self.rebuild: list[str] = []
        self.stamp = ""
        self.clock_ms = 0

    def start_direct(self, stamp: str, clock_ms: int, before: int) -> None:
        if self.store.facts_empty():
            self.direct = True
            self.stamp, self.clock_ms, self.before = stamp, clock_ms, before
            self.rebuild = self.store.drop_fact_indexes()

    def end_direct(self) -> None:
        """Rows are staged from now on; the indexes are back for matching them, and a row
        written straight into `facts` that repeats an earlier one is taken out again."""
        if self.direct:
            self.direct = False
            self.store.create_fact_indexes(self.rebuild)
            self.rebuild = []
            if self.told_apart is not None:
                twins = self.store.remove_twin_facts(after=self.before + self.told_apart)
                self.direct_added -= twins
                self.direct_present += twins

    def lose_keys(self) -> None:
        """Rows can no longer be told apart in memory: from the rows not yet written on, any
        may repeat an earlier one."""
        if self.keys is not None:
            self.keys = None
            if self.direct:
                self.told_apart = self.direct_added + len(self.plain_rows)

    def twins_possible(self) -> bool:
        """Whether some live row without a uid may be identical to an earlier one of the import:
        only such a row is already present for being one (a row with a uid is the fact it names).
        A million rows of an export, each with its uid, skip that search (3.4 s)."""
        return self.uidless and (self.keys is None or self.repeated)  # (intervals no longer numbered: keys is None)

    def tell_apart(self, rows: Sequence[_T], keys: Iterable[tuple[int, ...]]) -> tuple[Sequence[_T], list[_T]]:
        """Live rows, each by its key (the (metric, source, date, interval) ids, and its via's
        if it has one): those whose key's hash no earlier row has, and those whose hash one
        has (`repeated` from then on: they may be identical to an earlier row). Past _KEYS
        rows, or once rows are not told apart by ids, every row is in the first (lose_keys)."""
        told = self.keys
        if told is None:
            return rows, []
        hashes = list(map(hash, keys))
        fresh: Sequence[_T] = rows
        again: list[_T] = []
        if told.isdisjoint(hashes) and len(set(hashes)) == len(hashes):
            told.update(hashes)
        else:
            fresh = []
            for row, key in zip(rows, hashes, strict=True):
                if key in told:
                    again.append(row)
                else:
                    told.add(key)
                    fresh.append(row)
            self.repeated = True
        if len(told) > _KEYS:
            self.lose_keys()
        return fresh, again

    # Each reader returns an id or raises BadInput with the reason.

    def value(self, written: str) -> tuple[int, int]:
        got = self.values.get(written)
        if got is None:
            got = self.read_value(written)
        if type(got) is str:
            self.error_kinds.add("value")
            raise BadInput(got)
        return got  # type: ignore[return-value]

    def read_value(self, written: str) -> tuple[int, int] | str:
        """A value not read before: (value id, interval id), staged, or why it cannot be read."""
        try:
            interval = _parse_recent(written)
        except BadInput as e:
            got: tuple[int, int] | str = _short(e.message)
        else:
            got = self.stage_value(written, interval)
        if len(self.values) >= _MEMO:  # a file of ever new values: memory stays flat
            self.values.clear()
        self.values[written] = got
        return got

    def stage_value(self, written: str, interval: Interval) -> tuple[int, int]:
        """Stage a value read from `written`: (value id, interval id)."""
        self.value_count = value_id = self.value_count + 1
        interval_id = self.interval_ids.get(interval, 0)  # (value, low, high, qualifier): 1 == 1.0
        if not interval_id and self.exact_ids:
            if len(self.interval_ids) >= _MEMO:
                self.exact_ids = False
                self.interval_ids.clear()
                # A value read again from now on gets no interval id: rows are no longer
                # told apart by ids, so any two may be alike (found by content).
                self.lose_keys()
            else:
                interval_id = self.interval_ids[interval] = len(self.interval_ids) + 1
        # (id, value, low, high, qualifier, display): the display with its spaces made single
        self.staged_values.append((value_id, *interval, " ".join(written.split())))
        return value_id, interval_id

    def displayed_value(self, written: str, value: Any) -> tuple[int, int]:
        """An export's display, with its `value` column, read as `add` reads it. A display
        that an older pptrack stored and `add` now refuses (`1.400`, then read as 1.4: see
        values._POINT_GROUPS) is read as it was stored where `value` says so, so that such a
        database's export imports (SPEC: export then import gives the same facts)."""
        got = self.values.get(written)
        if got is None:
            got = self.read_value(written)
        if type(got) is str and "." in written and not _blank(value):
            older = self.older_values.get(written)
            if older is None:
                try:
                    interval = parse_written(written, decimal_points=True)
                    same = float(str(value).replace(",", "")) == interval.value
                except (BadInput, ValueError):
                    same = False
                if same:
                    older = self.older_values[written] = self.stage_value(written, interval)
            if older is not None:
                return older
        return self.value(written)

    def date(self, written: str) -> tuple[int, str, str]:
        got = self.dates.get(written)
        if got is None:
            got = self.read_date(written)
        if type(got) is str:
            self.error_kinds.add("date")
            raise BadInput(got)
        return got  # type: ignore[return-value]

    def read_date(self, written: str) -> tuple[int, str, str] | str:
        """A date not read before: (date id, iso, precision), staged, or why it cannot be read."""
        try:
            d = parse_date(written, dayfirst=self.dayfirst)
        except BadInput as e:
            got: tuple[int, str, str] | str = _short(e.message)
        else:
            date_id = self.date_ids.get(d.iso)
            if date_id is None:
                date_id = self.date_ids[d.iso] = len(self.date_ids) + 1
                self.staged_dates.append(
                    (date_id, d.iso, d.precision, d.start.isoformat(), d.end.isoformat(), precision_rank(d.precision))
                )
            got = (date_id, d.iso, d.precision)
        if len(self.dates) >= _MEMO:
            self.dates.clear()
        self.dates[written] = got
        return got

    def metric(self, name: str) -> int:
        got = self.metrics.get(name)
        if got is None:
            existed = self.store.find_name("metric", name_key(name)) is not None
            try:
                got = resolve_metric(
                    self.store, name, create=True, strict=self.strict, notices=self.notices, suggest=self.suggest
                )
            except BadInput as e:
                got = e.message
            else:
                if not existed:
                    self.new_metrics.add(got)
            self.metrics[name] = got
        if isinstance(got, str):
            raise BadInput(got)
        return got

    def source(self, name: str) -> int:
        got = self.sources.get(name)
        if got is None:
            try:
                got = resolve_source(
                    self.store, name, create=True, strict=self.strict, notices=self.notices, suggest=self.suggest
                )
            except BadInput as e:
                got = e.message
            self.sources[name] = got
        if isinstance(got, str):
            raise BadInput(got)
        return got

    @property
    def suggest(self) -> bool:
        """Whether a new name's notice is shown in full (with close matches): the first
        MAX_REPORTED are; the rest are only counted, so matching them would be wasted."""
        return len(self.notices) < MAX_REPORTED

    def kind(self, metric_id: int, kind: str) -> None:
        if kind not in KINDS:
            raise BadInput(f"unknown kind {kind!r}; accepted: {', '.join(KINDS)}")
        if metric_id in self.new_metrics and metric_id not in self.kind_given:
            self.store.update_metric(metric_id, kind=kind)
            self.kinds[metric_id] = kind
            self.kind_given.add(metric_id)
            return
        current = self.kinds.get(metric_id) or self.kinds.setdefault(metric_id, self.store.metric_kind(metric_id))
        if current != kind:
            raise BadInput(f"the metric is a {current} metric, this row says {kind}: different kinds never share one")

    def check_value(self, row: dict[str, Any], written: str, column: str) -> tuple[str, str] | None:
        """The columns an export derives from the value as written (value, low, high,
        qualifier) must agree with it, written in `column`: `display`, else `value` (then not
        checked against itself). The first that does not: (its name, what is wrong)."""
        names = _DERIVED if column == "display" else _DERIVED[1:]
        given = tuple(map(row.get, names))
        if "" in given:
            given = tuple(None if g == "" else g for g in given)
        if given.count(None) == len(given):
            return None
        # Keyed by each cell's repr (True is not 1, 1 not 1.0 in a message), a blank one as None;
        # a display's key has one cell more than a value's.
        key = (written, *map(repr, given))
        if key not in self.value_checks:
            if len(self.value_checks) >= _MEMO:
                self.value_checks.clear()
            try:
                interval = _parse_recent(written)
            except BadInput:  # a display read as an older pptrack stored it (displayed_value)
                interval = parse_written(written, decimal_points=True)
            problem = None
            for name, got in zip(names, given, strict=True):
                want = getattr(interval, name)
                if got is None or (got == want and type(got) is not bool):
                    continue
                try:
                    same = (
                        want is not None
                        and name != "qualifier"
                        and type(got) is not bool
                        and float(str(got).replace(",", "")) == want
                    )
                except ValueError:
                    same = False
                if not same:
                    problem = (name, f"{got!r} does not match {column} {written!r}, which reads as {name} {want!r}")
                    break
            self.value_checks[key] = problem
        return self.value_checks[key]

    def feed(self, line: int, row: dict[str, Any]) -> None:
        self.rows += 1
        if not self.quick(line, row):
            self.check(line, row)

    def quick(self, line: int, row: dict[str, Any]) -> bool:
        """Stage a good row of just metric, value, date and source: most rows of a big
        file. False sends the row to the full check, which says what is wrong."""
        for key, cell in row.items():
            if type(cell) is not str or (key not in _REQUIRED and cell):
                return False
        try:
            metric = self.metric(row["metric"])
            source = self.source(row["source"])
            value = self.value(row["value"])
            date = self.date(row["date"])
        except (BadInput, KeyError):
            return False
        self.stage_plain(((line, metric, source, value[0], value[1], date[0]),))
        return True

    def stage_plain(self, rows: Sequence[tuple[int, int, int, int, int, int]]) -> None:
        """Stage good rows of just metric, value, date and source as (line, metric id, source id,
        value id, interval id, date id): one row from `quick`, or a run of a chunk's rows from
        _PlainRows. Flushed after every _BATCH rows, as if staged one by one."""
        if self.errors:
            return  # nothing will be written: only keep checking
        self.uidless = True
        plain = self.plain_rows
        room = _BATCH - len(plain) - len(self.repeats)
        while len(rows) > room:  # flushed where rows staged one by one would be
            self.stage_plain(rows[:room])
            rows, room = rows[room:], _BATCH
        fresh, again = self.tell_apart(rows, map(_plain_key, rows))
        plain.extend(fresh)
        self.repeats.extend(again)  # staged even while rows go straight into facts (see flush)
        if len(plain) + len(self.repeats) >= _BATCH:
            self.flush()

    def check(self, line: int, row: dict[str, Any]) -> None:
        """Read every field of a row; note each problem with its column."""
        problems: list[tuple[str, str]] = []

        def attempt(column: str, read: Callable[[Any], _T], cell: Any) -> _T | None:
            """read(cell), or None with the problem noted."""
            try:
                return read(cell)
            except BadInput as e:
                problems.append((column, e.message))
                return None

        def text(column: str, read: Callable[[str], _T], cell: Any) -> _T | None:
            """read(the cell as text), or None with the problem noted."""
            try:
                return read(cell if type(cell) is str else _text(cell))
            except BadInput as e:
                problems.append((column, e.message))
                return None

        get = row.get
        if "" in row:  # a CSV line with the wrong number of cells
            problems.append(("", row[""]))
        else:
            for column in REQUIRED:
                cell = get(column)
                if (_blank(cell) or (isinstance(cell, str) and not cell.strip())) and not (
                    column == "value" and not _blank(get("display"))
                ):
                    problems.append((column, "empty; every row needs metric, value, date and source"))
        if problems:
            self._report(line, problems)
            return
        metric_id = text("metric", self.metric, row["metric"])
        source_id = text("source", self.source, row["source"])
        via = get("via")
        via_id = None if _blank(via) else text("via", self.source, via)
        value_column = "value" if _blank(get("display")) else "display"
        written = text(value_column, str, row[value_column])
        value_ids = None
        if written is not None:
            try:
                if value_column == "value":
                    value_ids = self.value(written)
                else:
                    value_ids = self.displayed_value(written, get("value"))
            except BadInput as e:
                problems.append((value_column, e.message))
            else:
                disagrees = self.check_value(row, written, value_column)
                if disagrees:
                    problems.append(disagrees)
                    self.error_kinds.add("derived")
        date = text("date", self.date, row["date"])
        precision = get("date_precision")
        if date is not None and not _blank(precision) and precision != date[2]:
            problems.append(("date_precision", f"{precision!r} does not match date {date[1]!r}"))
        kind = get("kind")
        if metric_id is not None and not _blank(kind):
            text("kind", partial(self.kind, metric_id), kind)
        published = get("published")
        if _blank(published):
            published = None
        else:
            got = text("published", self.date, published)
            published = None if got is None else got[1]
        url, quote, note = (None if _blank(cell := get(c)) else text(c, str, cell) for c in ("url", "quote", "note"))
        tags = get("tags")
        if not _blank(tags) and tags != []:
            got_tags = attempt("tags", _tags, tags)
            tags = json.dumps(got_tags, ensure_ascii=False) if got_tags else None
        else:
            tags = None
        stamps: list[str | None] = []
        for column in ("created_at", "updated_at", "removed_at"):
            stamp = get(column)
            if _blank(stamp):
                stamp = None
            else:
                stored = self.timestamp(stamp) if type(stamp) is str else None
                if stored is None:
                    problems.append((column, f"{stamp!r} is not a time like 2025-09-12T10:00:00.000000Z"))
                stamp = stored
            stamps.append(stamp)
        if stamps != _NO_TIMES:
            problems += time_order_problems(*stamps)
        uid = get("uid")
        if _blank(uid):
            uid = None
            self.uidless = True
        else:
            uid = attempt("uid", _uid, uid)
        history = get("history")
        if not _blank(history) and history != []:
            got_history = attempt("history", _history, history)
            if got_history and uid is None:
                problems.append(("history", "a history needs the uid of its fact"))
            history = json.dumps(got_history, ensure_ascii=False) if got_history else None
        else:
            history = None
        if problems:
            self._report(line, problems)
            return
        if self.errors:
            return  # nothing will be written: only keep checking
        assert value_ids is not None and date is not None and metric_id is not None and source_id is not None
        created_at, updated_at, removed_at = stamps
        if via_id == source_id and history is None:
            via_id = None  # published by who counted: no via (a copy with its history is kept as stored)
            self.via_is_source += 1
        if removed_at is None:
            key = _plain_key((line, metric_id, source_id, value_ids[0], value_ids[1], date[0]))
            self.tell_apart((line,), (key if via_id is None else (*key, via_id),))  # a plain row's key, and the via
        ids = (line, uid, metric_id, source_id, via_id, value_ids[0], value_ids[1], date[0])
        rest = (published, url, quote, note, tags, removed_at, history)
        if rest == _NOTHING_MORE:  # most rows of an export: staged without the seven NULLs
            self.staged_bare.append((*ids, created_at, updated_at))
        else:
            self.staged_rows.append((*ids, removed_at is not None, *rest[:5], created_at, updated_at, *rest[5:]))
        if len(self.staged_rows) + len(self.staged_bare) >= _BATCH:
            self.flush()

    def timestamp(self, text: str) -> str | None:
        """`text` as a stored time, None if it is none (service.stored_time), remembered: the
        rows of one import share a few."""
        try:
            return self.stamps[text]
        except KeyError:
            if len(self.stamps) >= _MEMO:
                self.stamps.clear()
            known = self.stamps[text] = stored_time(text)
            return known

    def _report(self, line: int, problems: list[tuple[str, str]]) -> None:
        self.bad_rows += 1
        if len(self.errors) < MAX_REPORTED:
            shown = []
            for column, message in problems:
                shown.append((column, _again(message) if message in self.said else message))
                self.said.add(message)
            problems = shown
            where = f"{self.unit} {line}"
            self.errors.append("; ".join(f"{where}, column {c}: {m}" if c else f"{where}: {m}" for c, m in problems))

    def flush(self) -> None:
        if not self.errors:
            store = self.store
            store.stage_values(self.staged_values)
            store.stage_dates(self.staged_dates)
            if self.direct and (self.staged_rows or self.staged_bare):
                self.end_direct()
            if self.direct:
                store.add_plain_facts(self.plain_rows, self.stamp, self.clock_ms)
                self.direct_added += len(self.plain_rows)
            else:
                store.stage_rows(self.staged_rows)
                store.stage_bare_rows(self.staged_bare)
                store.stage_plain_rows(self.plain_rows)
            store.stage_plain_rows(self.repeats)
        self.staged_values.clear()
        self.staged_dates.clear()
        self.staged_rows.clear()
        self.staged_bare.clear()
        self.plain_rows.clear()
        self.repeats.clear()

    def fail_if_bad(self) -> None:
        if not self.errors:
            return
        more = self.bad_rows - len(self.errors)
        tail = f" (and {more} more bad row(s))" if more > 0 else ""
        hints = []
        if "value" in self.error_kinds:
            hints.append(f"values: {VALUE_ACCEPTED}")
        if "date" in self.error_kinds:
            hints.append(f"dates: {DATE_ACCEPTED}")
        if "derived" in self.error_kinds:
            hints.append(
                "qualifier, low and high: leave them empty or give what the value reads as;"
                " a qualifier is written in the value, e.g. over 888, nearly 1,400"
            )
        hint = f" ({'; '.join(hints)})" if hints else ""
        raise BadInput("; ".join(self.errors) + tail + f"; nothing was imported{hint}")


def _tags(tags: Any) -> list[str]:
    if isinstance(tags, str):
        items = tags.split(";")
    elif isinstance(tags, list) and all(isinstance(t, str) for t in tags):
        items = tags
    else:
        raise BadInput("tags are a list of text, or in CSV one cell joined by ';'")
    return read_tags(items)


def _uid(uid: Any) -> str:
    text = _text(uid).strip()
    if len(text) > 100 or not text.isprintable():
        raise BadInput(f"{text[:40]!r} is not a uid: at most 100 printable characters")
    return text


def _history(history: Any) -> list[dict[str, Any]]:
    if isinstance(history, str):
        try:
            history = _decode(history)
        except json.JSONDecodeError as e:
            raise BadInput(f"not valid JSON ({e.msg}): a list of versions as `export` writes it") from None
    if not isinstance(history, list) or not all(isinstance(v, dict) for v in history):
        raise BadInput("a list of versions as `export` writes it")
    for n, version in enumerate(history, start=1):
        twice = _keys_twice(version)
        if twice:
            raise BadInput(f"version {n} gives key {twice} twice; give each key once")
        if version.get("version") != n:
            raise BadInput(f"version {n} is numbered {version.get('version')!r}: versions count 1, 2, 3...")
        if version.get("change") not in CHANGES:
            raise BadInput(f"version {n} has change {version.get('change')!r}; accepted: {', '.join(CHANGES)}")
        changed_at = stored_time(version["changed_at"]) if isinstance(version.get("changed_at"), str) else None
        if changed_at is None:
            raise BadInput(f"version {n} has no changed_at time")
        if n > 1 and changed_at < history[n - 2]["changed_at"]:
            raise BadInput(f"version {n} was changed at {changed_at}, before version {n - 1}; versions go oldest first")
        # Its times as stored, as the fact's own are.
        version["changed_at"] = changed_at
        for key in ("created_at", "updated_at", "removed_at"):
            if isinstance(version.get(key), str) and (stamp := stored_time(version[key])) is not None:
                version[key] = stamp
    return history


# --- importing ---------------------------------------------------------------------


def import_facts(
    store: Store,
    rows: Iterator[tuple[int, dict[str, Any]]],
    *,
    dayfirst: bool | None = None,
    strict: bool = False,
    dry_run: bool = False,
    progress: Callable[[], None] | None = None,
    unit: str = "line",
) -> ImportResult:
    """Check every row and write them all, in one transaction, or none.

    A row whose uid the database has is that fact: already present, or updated when its
    updated_at is later and its content differs. A live row identical to a live fact
    stored before (or, without a uid, to an earlier row) is already present. The rest
    are added, each with its history: the row's own (an export's), else an 'added'
    version. `unit` is what the rows' numbers count, in reports (row_word)."""
    result = ImportResult(dry_run=dry_run)
    older: list[str] = []  # rows matched by uid to a fact changed since (Store.staged_changed)
    importer = _Importer(store, dayfirst=dayfirst, strict=strict, unit=unit)
    try:
        with store.transaction():
            store.import_stage()
            stamp = now()
            clock_ms = int(datetime.fromisoformat(stamp).timestamp() * 1000)
            before = store.last_fact_id()  # facts up to it were stored before this import
            importer.start_direct(stamp, clock_ms, before)
            _stage_all(importer, rows, progress)
            importer.fail_if_bad()
            importer.end_direct()
            twins = store.staged_uid_twins(MAX_REPORTED)
            if twins:
                where = "on line" if unit == "line" else f"in {unit}"
                raise BadInput(
                    "; ".join(f"{unit} {n}, column uid: {uid!r} is {where} {first} too" for n, uid, first in twins)
                    + "; a uid names one fact; nothing was imported"
                )
            store.match_staged(before=before, by_ids=importer.exact_ids, twins=importer.twins_possible())
            for line, fact_id, uid, updated_at, row_at in store.staged_changed(stamp):
                if updated_at is not None:
                    _update(store, line, fact_id, updated_at)
                else:
                    why = (
                        "has changed since this copy of it was made"
                        if row_at
                        else "differs, and the row has no updated_at to tell which is newer"
                    )
                    older.append(f"{unit} {line}: fact {fact_id} (uid {uid}) {why}; the stored fact is kept")
            store.write_staged(stamp, clock_ms)
            _record_changes_since(store, _write_histories(store), stamp)
            counts = store.staged_counts()
            result.added = counts.get(None, 0) + importer.direct_added
            result.present = counts.get("present", 0) + importer.direct_present
            result.updated = counts.get("updated", 0)
            store.import_unstage()
            if dry_run:
                raise _DryRun
    except UnicodeDecodeError as e:
        raise BadInput(f"the file is not UTF-8 text (byte {e.start}); save it as UTF-8 and import again") from None
    except _DryRun:
        pass
    notices = importer.notices
    if importer.via_is_source:
        notices.append(f"{importer.via_is_source} row(s) named the source itself as via: stored without via")
    if dry_run:  # nothing was created after all
        notices = [n.replace(" created", " would be created", 1) for n in notices]
    result.notices = _summarised(notices) + _summarised(older, "copies of facts changed since")
    return result


def _stage_all(
    importer: _Importer, rows: Iterable[tuple[int, dict[str, Any]]], progress: Callable[[], None] | None
) -> None:
    if isinstance(rows, CsvRows) and rows.plain:
        _stage_plain_csv(importer, rows, progress)
    else:
        feed = importer.feed
        for line, row in rows:
            feed(line, row)
            if progress is not None and importer.rows % _BATCH == 0:
                progress()
    importer.flush()
    if importer.rows == 0 and not importer.errors:
        raise BadInput("the file has a header but no facts to import")


def _stage_plain_csv(importer: _Importer, rows: CsvRows, progress: Callable[[], None] | None) -> None:
    """The loop of a big hand-made CSV, a chunk of rows at a time (see _PlainRows)."""
    plain = _PlainRows(importer, rows)
    for lines, chunk in rows.chunks(_CHUNK):
        if progress is not None:
            progress()
        plain.chunk(lines, chunk)


_CHUNK = 1000  # rows read at a time by the loop of a plain CSV
_first, _second = itemgetter(0), itemgetter(1)
_NO_TIMES = [None, None, None]  # no created_at, updated_at or removed_at
_NOTHING_MORE = (None,) * 7  # no published, url, quote, note, tags, removed_at or history
_plain_key = itemgetter(1, 2, 5, 4)  # a staged plain row's (metric, source, date, interval) ids, see note


def _learn(
    cells: Iterable[str],
    known: dict[str, Any],
    seen: dict[str, Any],
    read: Callable[[str], Any] | None = None,
    keep: Callable[[tuple[Any, ...]], Any] | None = None,
) -> None:
    """Put in `known` the good reading of each of `cells` not known yet (what `keep` takes of it,
    if given): the reading `seen` before, else, given `read`, read now. A bad reading (the reason,
    as text), one not made yet, and any of an escaped cell (a leading ': its row goes through
    feed, which reads it as unescape_cell gives it) are left to the row."""
    for text in itertools.filterfalse(known.__contains__, dict.fromkeys(cells)):
        if text[:1] == "'":
            continue
        got = seen.get(text)
        if got is None and read is not None:
            got = read(text)
        if got is not None and type(got) is not str:
            if len(known) >= _MEMO:
                known.clear()
            known[text] = got if keep is None else keep(got)


def _known(cells: Sequence[str], known: dict[str, Any], seen: dict[str, Any]) -> list[Any]:
    """The good reading of each of `cells` (None where there is none yet), those `seen` but not
    `known` put in `known` first (see _learn)."""
    got = list(map(known.get, cells))
    if None in got:
        _learn(cells, known, seen)
        got = list(map(known.get, cells))
    return got


class _PlainRows:
    """Stages the rows of a CSV of just metric, value, date and source, a chunk at a time. The
    readings of a chunk's cells are looked up by whole columns (its values and dates not read
    before are read first, each once, in the order they come; a new name is resolved by its row,
    in file order), and each run of rows whose readings are all known and good is staged at once
    by _Importer.stage_plain (the per-row work of a big file). Any other row goes alone through
    `feed`, in file order, which stages it the same way or says what is wrong with it."""

    def __init__(self, importer: _Importer, rows: CsvRows) -> None:
        self.importer = importer
        self.rows = rows
        self.columns = [rows.header.index(c) for c in REQUIRED]
        # Good readings by cell as read: of cells that need no unescaping (no leading ').
        self.metrics: dict[str, int] = {}
        self.sources: dict[str, int] = {}
        self.values: dict[str, tuple[int, int]] = {}  # -> (value id, interval id)
        self.dates: dict[str, int] = {}  # -> date id

    def chunk(self, lines: Sequence[int], chunk: list[list[str]]) -> None:
        """Stage the rows of one chunk (from CsvRows.chunks), in file order."""
        importer = self.importer
        if importer.errors or set(map(len, chunk)) != {4}:
            for line, cells in zip(lines, chunk, strict=True):
                importer.feed(line, self.rows.row(cells))
            return
        columns = list(zip(*chunk, strict=True))
        metrics, values, dates, sources = (columns[i] for i in self.columns)
        metric_ids, source_ids = self.learn_names(metrics, sources)
        _learn(values, self.values, importer.values, importer.read_value)
        _learn(dates, self.dates, importer.dates, importer.read_date, _first)
        value_ids, date_ids = list(map(self.values.get, values)), list(map(self.dates.get, dates))
        alone = sorted({*_nones(metric_ids), *_nones(source_ids), *_nones(value_ids), *_nones(date_ids)})
        start = 0
        for k in (*alone, len(chunk)):
            if k < len(chunk) and value_ids[k] is not None and date_ids[k] is not None:
                # a name new at the chunk's start may have been resolved since, by a row gone alone
                metric_ids[k], source_ids[k] = self.metrics.get(metrics[k]), self.sources.get(sources[k])
                if metric_ids[k] is not None and source_ids[k] is not None:
                    continue
            if start < k:
                part = slice(start, k)
                read = value_ids[part]
                ids = (metric_ids[part], source_ids[part], map(_first, read), map(_second, read), date_ids[part])
                importer.rows += k - start
                importer.stage_plain(list(zip(lines[part], *ids, strict=True)))
            if k < len(chunk):
                importer.feed(lines[k], self.rows.row(chunk[k]))
                if metric_ids[k] is None or source_ids[k] is None:
                    self.learn_names((metrics[k],), (sources[k],))  # the names it resolved, if it did
            start = k + 1

    def learn_names(self, metrics: Sequence[str], sources: Sequence[str]) -> tuple[list[Any], list[Any]]:
        """Learn the ids of these metric and source cells' names that the importer resolved
        (see _known); return them, None where a name is not resolved yet."""
        importer = self.importer
        return _known(metrics, self.metrics, importer.metrics), _known(sources, self.sources, importer.sources)


def _nones(items: list[Any]) -> list[int]:
    """Where None is in `items`."""
    found: list[int] = []
    at = -1
    try:
        while True:
            at = items.index(None, at + 1)
            found.append(at)
    except ValueError:
        return found


def _update(store: Store, line: int, fact_id: int, updated_at: str) -> None:
    before = store.get_fact(fact_id)
    store.update_from_staged(line, fact_id, updated_at)
    after = store.get_fact(fact_id)
    store.add_version(fact_id, _change(before.removed != after.removed, after.removed), updated_at, after.to_dict())


def _change(removal_changed: bool, removed: bool) -> str:
    """The change a version records: an edit, or a removal or restore when that changed."""
    return "edited" if not removal_changed else "removed" if removed else "restored"


def _write_histories(store: Store) -> list[int]:
    """The rows that bring their own history (an export's) get it in place of the 'added'
    version write_staged gave them, each snapshot with the fact's new id; their ids."""
    written: list[int] = []
    fact_ids: list[int] = []
    versions: list[tuple[int, int, str, str, str]] = []
    for fact_id, history in store.staged_histories():
        fact_ids.append(fact_id)
        for version in json.loads(history):
            snapshot = {k: v for k, v in version.items() if k not in ("id", "version", "changed_at", "change")}
            data = json.dumps({"id": fact_id, **snapshot}, ensure_ascii=False)
            versions.append((fact_id, version["version"], version["changed_at"], version["change"], data))
        if len(versions) >= _BATCH:
            store.replace_versions(fact_ids, versions)
            written += fact_ids
            fact_ids.clear()
            versions.clear()
    store.replace_versions(fact_ids, versions)
    return written + fact_ids


def _record_changes_since(store: Store, fact_ids: list[int], stamp: str) -> None:
    """Of the facts added with their own history (`fact_ids`), those whose row does not read as
    their last version (a copy changed by hand or by another program after its export: a
    note edited in a spreadsheet, `removed_at` emptied) get that change recorded as made now,
    at `stamp`, as `edit`, `rm` or `restore` would record it, so that `check` finds their
    history whole and the change is not taken for the fact as it was."""
    from .check import history_differences

    changed: dict[str, list[int]] = {}
    for row in store.last_versions(fact_ids):
        differ = history_differences(row)
        if differ:
            change = _change("removed" in differ, row["removed_at"] is not None)
            changed.setdefault(change, []).append(int(row["id"]))
    for change, ids in changed.items():
        store.add_versions_now(stamp, ids=ids, change=change)


def _summarised(notices: list[str], what: str = "new names") -> list[str]:
    if len(notices) <= MAX_REPORTED:
        return notices
    return [*notices[:MAX_REPORTED], f"... and {len(notices) - MAX_REPORTED} more {what}"]


# --- exporting ---------------------------------------------------------------------


def export_records(store: Store) -> Iterator[dict[str, Any]]:
    """Every fact, removed ones too, as `export` writes it, in a stable order: by metric,
    date order, source and uid, so that the same facts always give the same bytes."""
    with store.snapshot():
        for row in store.export_rows():
            yield export_record(store, row)


def export_lines(
    store: Store, fmt: str = "jsonl", *, progress: Callable[[int], None] | None = None
) -> Iterator[list[bytes | dict[str, Any]]]:
    """The facts of `export_records`, in the same order, a batch at a time: each as the line
    SQLite made for it (UTF-8, see Store.export_lines: JSON, or in csv (`fmt`) a csv line), or
    as its record (`csv_record` in csv) where SQLite could not make the line. render's
    write_lines writes them as write_records writes the records
    (100,000 facts: jsonl 1.3 -> 0.6 s, csv 1.8 -> 0.9 s)."""
    done = 0
    with store.snapshot():
        for batch in store.export_lines(EXPORT_BATCH, "csv" if fmt == "csv" else "jsonl"):
            others = [fact_id for line, fact_id in batch if line is None]
            if others:
                rows = store.export_rows_by_id(others)
                made = (export_record(store, rows[fact_id]) for fact_id in others)
                records = iter(map(csv_record, made) if fmt == "csv" else made)
                yield [line if line is not None else next(records) for line, _ in batch]
            else:
                yield [line for line, _ in batch]  # type: ignore[misc]
            done += len(batch)
            if progress is not None:
                progress(done)


def export_record(store: Store, row: tuple[Any, ...]) -> dict[str, Any]:
    """A row of Store.export_rows as `export` writes it."""
    (fact_id, uid, metric, kind, value, low, high, qualifier, display, date, precision, published) = row[:12]
    (source, via, url, quote, note, tags, created_at, updated_at, removed_at, plain) = row[12:]
    return {
        "uid": uid,
        "metric": metric,
        "kind": kind,
        "value": number(value),
        "low": number(low),
        "high": number(high),
        "qualifier": qualifier,
        "display": display,
        "date": date,
        "date_precision": precision,
        "published": published,
        "source": source,
        "via": via,
        "url": url,
        "quote": quote,
        "note": note,
        "tags": list(stored_tags(tags)),
        "created_at": created_at,
        "updated_at": updated_at,
        "removed_at": removed_at,
        "history": [] if plain else _history_of(store, fact_id),
    }


def _history_of(store: Store, fact_id: int) -> list[dict[str, Any]]:
    out = []
    for v in store.versions(fact_id):
        snapshot = json.loads(v["data"])
        snapshot.pop("id", None)
        out.append({**snapshot, "version": v["version"], "changed_at": v["changed_at"], "change": v["change"]})
    return out


def csv_record(r: dict[str, Any]) -> dict[str, Any]:
    """A record for CSV: the history as one JSON cell (empty when there is none to keep)."""
    history = r["history"]
    return {**r, "history": json.dumps(history, ensure_ascii=False, separators=(",", ":")) if history else None}


def export_format_for(path: str | None, given: str | None) -> str:
    if given is not None:
        if given not in EXPORT_FORMATS:
            raise BadInput(f"unknown export format {given!r}; accepted: {', '.join(EXPORT_FORMATS)}")
        return given
    if path is None or path == "-":
        return "jsonl"
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in ("csv", "json", "jsonl"):
        return suffix
    raise BadInput(f"cannot tell the format from {path!r}; name it .csv, .json or .jsonl, or give --format")


def datasette_metadata(database: str) -> dict[str, Any]:
    """Titles and descriptions for `datasette pptrack.db -m metadata.json`; `database` is
    the name Datasette gives the file (its name without .db)."""
    fact_columns = {
        "uid": "Stable identity of the fact, the same in every copy of the database",
        "metric": "What is counted (metric slug)",
        "kind": "stock (a level at a moment), cumulative (a running total) or flow (one event or period)",
        "value": "The figure; for a range its midpoint",
        "low": "Lower end of the interval the written value stands for (empty: open to minus infinity)",
        "high": "Upper end of the interval (empty: open to infinity)",
        "qualifier": "How the value was written: " + ", ".join(QUALIFIERS),
        "display": "The value as written, e.g. nearly 1,400",
        "date": "When the figure was true, at the precision it was given (2025-08 is all of August)",
        "date_precision": "year, month or day",
        "published": "When the report came out, if later than the date",
        "source": "Who counted",
        "via": "Who published the figure, when not the source",
        "url": "Where it was published",
        "quote": "The sentence that gives the figure",
        "note": "A note by whoever recorded the fact",
        "tags": "Tags, as a JSON list",
        "created_at": "When the fact was recorded (UTC)",
        "updated_at": "When the fact was last changed (UTC)",
    }
    return {
        "title": "pptrack: contested figures over time",
        "description": "Figures as each source gave them (value as written, date at its precision, who counted "
        "and who published), with the full history of every change. Made by pptrack.",
        "databases": {
            database: {
                "tables": {
                    "facts_named": {
                        "title": "Facts",
                        "description": "Every live fact with its metric and source names, as `pptrack list` shows.",
                        "columns": fact_columns,
                        "sort": "date",
                    },
                    "latest_per_metric_source": {
                        "title": "Latest figure per metric and source",
                        "description": "For each metric, each source's most recent live figure.",
                        "columns": fact_columns,
                    },
                    "facts": {
                        "description": "The facts table itself: ids instead of names, removed facts included "
                        "(removed_at set). facts_named is easier to read.",
                    },
                    "fact_versions": {
                        "title": "History",
                        "description": "Every earlier version of every changed fact (added, edited, removed, "
                        "restored), whole, as JSON in data; nothing is ever lost. A fact never changed since it "
                        "was added has none stored here: its one version is the fact itself.",
                    },
                    "metrics": {"description": "What is counted: slug, label, unit and kind."},
                    "metric_names": {"description": "Every name a metric answers to (slug, label, aliases)."},
                    "sources": {"description": "Who counts or publishes figures."},
                    "source_names": {"description": "Every name a source answers to (its name and aliases)."},
                },
            }
        },
    }
