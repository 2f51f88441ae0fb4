"""Options shared by every command, and the few steps every command takes."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from ..models import FACT_FIELDS

if TYPE_CHECKING:
    from ..models import Fact
    from ..store import Store


class Format(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"


DbOption = Annotated[
    Optional[Path],
    typer.Option(
        "--db",
        envvar="PPTRACK_DB",
        help="Database file (default: pptrack/pptrack.db under $XDG_DATA_HOME or ~/.local/share).",
        show_default=False,
    ),
]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
DayFirst = Annotated[bool, typer.Option("--dayfirst", help="Read 03/04/2025 as 3 April.")]
MonthFirst = Annotated[bool, typer.Option("--monthfirst", help="Read 03/04/2025 as 4 March.")]
Strict = Annotated[bool, typer.Option("--strict", help="Refuse unknown metric and source names.")]


def day_order(dayfirst: bool, monthfirst: bool) -> bool | None:
    from ..errors import BadInput

    if dayfirst and monthfirst:
        raise BadInput("give --dayfirst or --monthfirst, not both")
    return True if dayfirst else False if monthfirst else None


@contextmanager
def opened(db: Path | None, *, write: bool, create: bool = True, aside: bool = False) -> Iterator[Store]:
    """The store for one command; notices from opening it (an upgrade) go to stderr.
    `create=False`: a command that only changes what exists never creates the file.
    `aside`: a new database is built beside its path (the command publishes it; see open_db)."""
    from ..render import notice
    from ..store import open_db

    store = open_db(db, write=write, create=create, aside=aside)
    for message in store.notices:
        notice(message)
    try:
        yield store
    finally:
        store.close()


def not_the_database(output: Path, db: Path | None) -> None:
    """Refuse an `-o` (export, plot) that names the database or a file SQLite keeps beside
    it: what is written would take the place of every fact, aliases and units with them."""
    import os

    from ..errors import BadInput
    from ..store import default_db_path

    database = Path(db or default_db_path())
    for own in (database, *(database.with_name(database.name + end) for end in ("-wal", "-shm", "-journal"))):
        try:
            same = os.path.samefile(output, own)
        except (OSError, ValueError):  # either is missing, or no path at all
            continue
        if same:
            raise BadInput(f"-o {str(output)!r} is the database's own file {str(own)!r}; give -o another file")


def tell(notices: Sequence[str]) -> None:
    from ..render import notice

    for message in notices:
        notice(message)


def fact_columns() -> list[Any]:
    from ..render import Column, col

    return [
        col("id", right=True),
        col("date"),
        col("metric", fold_last=True),
        col("value", "display", right=True),
        # On a narrow terminal names and tags fold (nothing of them is lost), the slug last.
        col("source", wide=True),
        col("via", wide=True),
        Column("tags", lambda r: ", ".join(r["tags"]), wide=True),
    ]


def write_facts(facts: Sequence[Fact], fmt: Format, *, one: bool = False) -> None:
    """Facts in any format; `one` prints a single fact as an object (show, add)."""
    from ..render import to_json, write_records, write_text

    records = [f.to_dict() for f in facts]
    if one and fmt is Format.json:
        write_text(to_json(records[0]) + "\n")
        return
    write_records(records, fmt.value, fact_columns(), fields=FACT_FIELDS)
