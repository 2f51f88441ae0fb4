"""Moving facts in and out of the database: import and export."""

from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Optional

# No `from __future__ import annotations`: Typer would compile and evaluate the
# signatures twice a run (see commands/facts.py).
import typer

from .options import DayFirst, DbOption, MonthFirst, Strict, day_order, not_the_database, opened, tell

if TYPE_CHECKING:
    from ..io import ImportResult
    from ..store import Store


def import_(
    file: Annotated[str, typer.Argument(help="A .csv, .json or .jsonl file, or - for stdin.")],
    fmt: Annotated[
        Optional[str], typer.Option("--format", "-f", help="csv, json or jsonl (default: from the extension).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row and say what would be imported; write nothing.")
    ] = False,
    strict: Strict = False,
    dayfirst: DayFirst = False,
    monthfirst: MonthFirst = False,
    db: DbOption = None,
) -> None:
    """Import facts: all rows or none; importing the same file again adds nothing."""
    from ..io import ImportResult, detect_format, import_facts, open_input, read_rows, row_word, started
    from ..render import progress

    order = day_order(dayfirst, monthfirst)
    source = open_input(file)
    try:
        # A file that is not what it says fails before the database is opened.
        kind = detect_format(source, fmt)
        rows = started(read_rows(source.text, kind), source.name)
        if rows is None:  # an export of an empty database: nothing to add, no file to make
            name = "stdin" if source.name == "-" else repr(source.name)
            tell([f"{name} holds no facts", ImportResult(dry_run=dry_run).summary()])
            return
        with (
            # A new database is built beside its path and appears there only when whole:
            # a failed import leaves no file, and no fsync is paid until it is complete.
            opened(db, write=not dry_run, aside=True) as store,
            progress(f"importing {file}", source.size) as update,
        ):
            result = import_facts(
                store,
                rows,
                dayfirst=order,
                strict=strict,
                dry_run=dry_run,
                progress=lambda: update(source.position()),
                unit=row_word(kind),
            )
            if not store.publish():
                result = _into_the_file_that_appeared(store, result, strict=strict)
    finally:
        source.close()
    tell(result.notices)
    tell([result.summary()])


def _into_the_file_that_appeared(built: "Store", first: "ImportResult", *, strict: bool) -> "ImportResult":
    """Another process made the database while this import built a new one beside it: what
    was built goes into that file as its export would (`export | import`), never over it.
    Rows the file repeated were counted present by the first import, and stay so."""
    from ..io import export_records, import_facts

    assert built.building is not None
    with opened(built.building, write=False) as facts, opened(built.path, write=True) as target:
        result = import_facts(target, enumerate(export_records(facts), start=1), strict=strict)
    result.present += first.present
    return result


def export(
    fmt: Annotated[
        Optional[str],
        typer.Option(
            "--format",
            "-f",
            help="jsonl (default), json, csv, or datasette-metadata (titles and descriptions for Datasette).",
        ),
    ] = None,
    output: Annotated[
        Optional[str],
        typer.Option("--output", "-o", help="Write to this file (format from its extension unless --format names it)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Export every fact with its history, in a stable order: import reads it back."""
    import sys

    from ..io import datasette_metadata, export_format_for
    from ..render import file_to_write, progress, to_json
    from ..store import default_db_path

    path = None if output is None or output == "-" else file_to_write(output, "a file name, or - for stdout")
    kind = export_format_for(output, fmt)
    if path is not None:
        not_the_database(path, db)
    if kind == "datasette-metadata":
        name = Path(db or default_db_path()).stem
        _write(path, lambda out: out.write(to_json(datasette_metadata(name)) + "\n"))
        return
    from ..io import EXPORT_FIELDS, export_lines
    from ..render import write_lines

    with opened(db, write=False) as store, progress("exporting", store.count_facts()) as update:
        # Lines SQLite makes, a batch at a time: every format streams.
        batches = export_lines(store, kind, progress=update)

        try:
            _write(path, lambda out: write_lines(batches, kind, fields=EXPORT_FIELDS, out=out))
            if path is None:
                sys.stdout.flush()
        finally:  # before the store closes, even when the reader of stdout went away
            batches.close()


def _write(output: Path | None, write: Callable[[IO[str]], object]) -> None:
    """To stdout (`output` None), or to `output` whole or not at all (render.write_whole)."""
    import sys

    from ..render import write_whole

    if output is None:
        write(sys.stdout)
        return

    def fill(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="") as out:
            write(out)

    write_whole(output, fill)
