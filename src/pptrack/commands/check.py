"""`pptrack check`: verify a database and list what is wrong with it."""

# No `from __future__ import annotations`: Typer would compile and evaluate the
# signatures twice a run (see commands/facts.py).
import typer

from ..errors import ExitCode
from .options import DbOption, Format, FormatOption, opened, tell

CHECK_FIELDS = ("check", "table", "id", "problem")


def check(db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """Verify the database: SQLite integrity, references, history, values and dates.
    Exits 1 and lists the problems when there are any."""
    from ..check import check_database
    from ..render import col, write_records

    with opened(db, write=False) as store:
        problems = check_database(store)
    if not problems:
        if fmt is not Format.table:
            write_records([], fmt.value, [], fields=CHECK_FIELDS)
        tell(["no problems found"])
        return
    columns = [col("check"), col("table"), col("id", right=True), col("problem", wide=True)]
    write_records([p.to_dict() for p in problems], fmt.value, columns, fields=CHECK_FIELDS)
    tell([f"{len(problems)} problem(s) found"])
    raise typer.Exit(ExitCode.FAILURE)
