"""The `list` command: facts, newest first, in any format.

A module of its own: a listing builds only its own command, not the six others on facts
(half a millisecond of every `pptrack list`). No `from __future__ import annotations`:
see commands/facts.py.
"""

from typing import Annotated, Optional

import typer

from .options import (
    FACT_FIELDS,
    DayFirst,
    DbOption,
    Format,
    FormatOption,
    MonthFirst,
    day_order,
    fact_columns,
    opened,
    tell,
)


def list_(
    metric: Annotated[Optional[str], typer.Option("--metric", help="Only this metric.")] = None,
    source: Annotated[Optional[list[str]], typer.Option("--source", help="Only who counted; repeatable.")] = None,
    via: Annotated[
        Optional[str], typer.Option("--via", help="Only what it published: as via, or as source with no via.")
    ] = None,
    since: Annotated[
        Optional[str], typer.Option("--since", help="Facts whose date reaches this date or later.")
    ] = None,
    until: Annotated[Optional[str], typer.Option("--until", help="Facts whose date starts by this date.")] = None,
    tag: Annotated[Optional[str], typer.Option("--tag", help="Only facts with this tag (in any case).")] = None,
    limit: Annotated[Optional[int], typer.Option("--limit", help="At most this many facts.")] = None,
    dayfirst: DayFirst = False,
    monthfirst: MonthFirst = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """List facts, newest first."""
    from .. import service

    query = service.ListQuery(metric, source or [], via, since, until, tag, limit, day_order(dayfirst, monthfirst))
    if fmt is not Format.table:  # data formats: lines made by SQLite, no Fact built for most
        from ..early import take
        from ..render import lines_to_redo, plain_block, write_block, write_lines

        def plain(block: Optional[tuple[bytes, int]]) -> bool:
            return block is not None and plain_block(*block, fmt.value, len(FACT_FIELDS))

        # The usual listing is one text made by SQLite, most often while the command line
        # loaded (pptrack.early); one with a line Python must write goes line by line.
        early = take("list", db, (query, fmt.value))
        block = early[0] if early else None
        if not plain(block):
            with opened(db, write=False) as store:
                if not early:
                    block = service.list_fact_block(store, query, fmt.value)
                if not plain(block):
                    block = None
                    lines = service.list_fact_lines(store, query, fmt.value)
                    others = service.facts_by_id(store, lines_to_redo(lines, fmt.value, len(FACT_FIELDS)))
        if block is not None:
            write_block(block, fmt.value, fields=FACT_FIELDS)
        else:
            made = [others[i].to_dict() if i in others else line for line, i in lines]
            write_lines([made], fmt.value, fields=FACT_FIELDS)
        return
    from ..render import write_columns

    with opened(db, write=False) as store:
        cells = service.list_fact_table(store, query)
    if not cells[0]:
        tell(["no facts match"])
        return
    write_columns(cells, fact_columns())
