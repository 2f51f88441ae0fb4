"""Moving facts in and out of the database: import."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from .options import DayFirst, DbOption, MonthFirst, Strict, day_order, opened, tell


def import_(
    file: Annotated[str, typer.Argument(help="A .csv, .json or .jsonl file, or - for stdin.")],
    fmt: Annotated[
        Optional[str], typer.Option("--format", "-f", help="csv, json or jsonl (default: from the extension).")
    ] = None,
    strict: Strict = False,
    dayfirst: DayFirst = False,
    monthfirst: MonthFirst = False,
    db: DbOption = None,
) -> None:
    """Import facts: all rows or none; a second import of the same file adds nothing."""
    from ..errors import BadInput
    from ..io import IMPORT_FORMATS, detect_format, import_facts, read_rows

    if fmt is not None and fmt not in IMPORT_FORMATS:
        raise BadInput(f"unknown import format {fmt!r}; accepted: {', '.join(IMPORT_FORMATS)}")
    kind = detect_format(file, fmt)
    order = day_order(dayfirst, monthfirst)
    try:
        stream = sys.stdin if file == "-" else open(file, encoding="utf-8-sig", newline="")  # noqa: SIM115
    except OSError as e:
        raise BadInput(f"cannot read {file!r}: {e.strerror or e}") from None
    try:
        rows = list(read_rows(stream, kind))
    except UnicodeDecodeError:
        raise BadInput(f"{file!r} is not UTF-8 text; save it as UTF-8 and import again") from None
    finally:
        if stream is not sys.stdin:
            stream.close()
    if not rows:
        raise BadInput(f"{file!r} has no facts to import")
    with opened(db, write=True) as store:
        result = import_facts(store, iter(rows), dayfirst=order, strict=strict)
    tell(result.notices)
    tell([f"imported {result.added} fact(s); {result.present} already present"])
