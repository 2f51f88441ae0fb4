"""Reading facts from CSV, JSON and JSON Lines files: all rows checked, then all written or none."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .errors import BadInput
from .render import FORMULA_START
from .service import NewFact, read_fact, store_fact
from .store import Store

REQUIRED = ("metric", "value", "date", "source")
OPTIONAL = ("via", "url", "quote", "note", "tags", "published")
# Columns `export` writes that are derived from the ones above, read back for checking.
DERIVED = ("id", "uid", "low", "high", "qualifier", "display", "date_precision", "created_at", "updated_at")
ACCEPTED_COLUMNS = (*REQUIRED, *OPTIONAL, *DERIVED)
IMPORT_FORMATS = ("csv", "json", "jsonl")
MAX_REPORTED = 20


@dataclass
class ImportResult:
    added: int = 0
    present: int = 0
    notices: list[str] = field(default_factory=list)


def detect_format(name: str, given: str | None) -> str:
    if given:
        return given
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix in IMPORT_FORMATS:
        return suffix
    if name == "-":
        raise BadInput("reading from stdin needs --format csv, json or jsonl")
    raise BadInput(f"cannot tell the format of {name!r} from its extension; give --format csv, json or jsonl")


def unescape_cell(text: str) -> str:
    """Undo export's guard against formulas: `'=x` reads back as `=x`; other `'` is data."""
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_START:
        return text[1:]
    return text


def read_rows(stream: IO[str], fmt: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, row) for each record in the stream."""
    if fmt == "csv":
        yield from _csv_rows(stream)
    elif fmt == "jsonl":
        for n, line in enumerate(stream, start=1):
            if line.strip():
                yield n, _object(_json(line, n), n)
    else:
        data = _json(stream.read(), None)
        if not isinstance(data, list):
            raise BadInput('a JSON import must be a list of fact objects, e.g. [{"metric": ...}]')
        for n, item in enumerate(data, start=1):
            yield n, _object(item, n)


def _json(text: str, line: int | None) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        where = f"line {line}" if line is not None else f"line {e.lineno}"
        raise BadInput(f"{where}: not valid JSON ({e.msg})") from None


def _object(item: Any, n: int) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise BadInput(f"record {n}: expected an object with metric, value, date and source")
    return item


def _csv_rows(stream: IO[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration:
        raise BadInput("the file is empty; a CSV import needs a header row: metric,value,date,source") from None
    header = [h.strip().lstrip("\ufeff") for h in header]
    unknown = [h for h in header if h not in ACCEPTED_COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    if unknown or missing:
        problem = f"unknown column(s) {', '.join(unknown)}" if unknown else f"missing column(s) {', '.join(missing)}"
        raise BadInput(f"{problem}; accepted columns: {', '.join(ACCEPTED_COLUMNS)} (at least {', '.join(REQUIRED)})")
    start = reader.line_num + 1
    for cells in reader:
        if cells and any(c.strip() for c in cells):
            if len(cells) != len(header):
                raise BadInput(f"line {start}: {len(cells)} cells where the header has {len(header)}")
            yield start, {h: unescape_cell(c) for h, c in zip(header, cells, strict=True)}
        start = reader.line_num + 1


def parse_row(row: dict[str, Any], dayfirst: bool | None) -> NewFact:
    missing = [c for c in REQUIRED if row.get(c) in (None, "")]
    if missing:
        raise BadInput(f"missing {', '.join(missing)}")
    tags = row.get("tags") or []
    if isinstance(tags, str):
        tags = tags.split(";")
    value = row.get("display") or row["value"]
    new = read_fact(
        str(row["metric"]),
        str(value),
        str(row["date"]),
        str(row["source"]),
        via=_text(row.get("via")),
        url=_text(row.get("url")),
        quote=_text(row.get("quote")),
        note=_text(row.get("note")),
        tags=[str(t) for t in tags],
        published=_text(row.get("published")),
        dayfirst=dayfirst,
    )
    new.uid = _text(row.get("uid")) or None
    return new


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def import_facts(
    store: Store, rows: Iterator[tuple[int, dict[str, Any]]], *, dayfirst: bool | None = None, strict: bool = False
) -> ImportResult:
    """Check every row, then store them all in one transaction, or none."""
    parsed: list[NewFact] = []
    errors: list[str] = []
    for line, row in rows:
        try:
            parsed.append(parse_row(row, dayfirst))
        except BadInput as e:
            errors.append(f"line {line}: {e.message}")
    if errors:
        more = f" (and {len(errors) - MAX_REPORTED} more)" if len(errors) > MAX_REPORTED else ""
        raise BadInput("; ".join(errors[:MAX_REPORTED]) + more + "; nothing was imported")
    result = ImportResult()
    with store.transaction():
        for new in parsed:
            if new.uid and store.fact_id_for_uid(new.uid) is not None:
                result.present += 1
                continue
            _, created = store_fact(store, new, strict=strict, notices=result.notices)
            result.added += created
            result.present += not created
    return result
