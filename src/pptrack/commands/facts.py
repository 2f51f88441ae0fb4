"""Commands on facts: add, show, edit, rm, restore, history (list: commands/listing.py).

No `from __future__ import annotations` here: Typer reads each command's signature
when the command is built, and string annotations would be compiled and evaluated
twice on every run (3 ms for `add`, a tenth of what it costs above `--version`).
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
    Strict,
    day_order,
    opened,
    tell,
    write_facts,
)

Tags = Annotated[Optional[list[str]], typer.Option("--tag", help="A tag; repeat for more.")]


def add(
    metric: Annotated[str, typer.Argument(help="What is counted, e.g. political-prisoners.")],
    value: Annotated[str, typer.Argument(help='The figure as written: 888, "nearly 1,400", "1,200-1,400".')],
    date: Annotated[str, typer.Option("--date", help="When the figure was true: 2024-05-21, August 2025, 2021.")],
    source: Annotated[str, typer.Option("--source", help="Who counted, e.g. Viasna.")],
    via: Annotated[Optional[str], typer.Option("--via", help="Who published it, if not the source.")] = None,
    url: Annotated[Optional[str], typer.Option("--url", help="Where it was published.")] = None,
    quote: Annotated[Optional[str], typer.Option("--quote", help="The sentence that gives the figure.")] = None,
    note: Annotated[Optional[str], typer.Option("--note", help="Your note.")] = None,
    tag: Tags = None,
    published: Annotated[Optional[str], typer.Option("--published", help="When the report came out.")] = None,
    strict: Strict = False,
    dayfirst: DayFirst = False,
    monthfirst: MonthFirst = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Add a figure with its date and provenance."""
    from .. import service

    new = service.read_fact(
        metric,
        value,
        date,
        source,
        via=via,
        url=url,
        quote=quote,
        note=note,
        tags=tag or [],
        published=published,
        dayfirst=day_order(dayfirst, monthfirst),
    )
    # Strict, every name is unknown to a database that does not exist yet: refused, no file made.
    with opened(db, write=True, create=not strict) as store:
        outcome = service.add_fact(store, new, strict=strict)
    tell(outcome.notices)
    write_facts(outcome.facts, fmt, one=True)


FactId = Annotated[str, typer.Argument(help="The fact's id, as `pptrack list` shows it.", show_default=False)]


def show(fact_id: FactId, db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """Show one fact with every field in full."""
    from .. import service
    from ..render import write_fields

    with opened(db, write=False) as store:
        fact = service.get_fact(store, service.parse_fact_id(fact_id))
    if fact.removed:
        tell([f"fact #{fact.id} is removed; `pptrack restore {fact.id}` brings it back"])
    if fmt is Format.table:
        record = fact.to_dict()
        write_fields([(k, ", ".join(record[k]) if k == "tags" else record[k]) for k in FACT_FIELDS])
    else:
        write_facts([fact], fmt, one=True)


def edit(
    fact_id: FactId,
    value: Annotated[Optional[str], typer.Option("--value", help="New value, read as `add` reads it.")] = None,
    metric: Annotated[Optional[str], typer.Option("--metric")] = None,
    date: Annotated[Optional[str], typer.Option("--date")] = None,
    source: Annotated[Optional[str], typer.Option("--source")] = None,
    via: Annotated[Optional[str], typer.Option("--via", help='"" clears it.')] = None,
    url: Annotated[Optional[str], typer.Option("--url", help='"" clears it.')] = None,
    quote: Annotated[Optional[str], typer.Option("--quote", help='"" clears it.')] = None,
    note: Annotated[Optional[str], typer.Option("--note", help='"" clears it.')] = None,
    tag: Annotated[Optional[list[str]], typer.Option("--tag", help='Replaces the tags; --tag "" clears them.')] = None,
    published: Annotated[Optional[str], typer.Option("--published", help='"" clears it.')] = None,
    strict: Strict = False,
    dayfirst: DayFirst = False,
    monthfirst: MonthFirst = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Change a fact; the version before stays in its history."""
    from .. import service

    changes = service.Changes(value, metric, date, source, via, url, quote, note, tag, published)
    order = day_order(dayfirst, monthfirst)
    fid = service.parse_fact_id(fact_id)
    with opened(db, write=True, create=False) as store:
        outcome = service.edit_fact(store, fid, changes, strict=strict, dayfirst=order)
    tell(outcome.notices)
    write_facts(outcome.facts, fmt, one=True)


def rm(fact_id: FactId, db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """Hide a fact (it stays in the history; `restore` brings it back)."""
    from .. import service

    with opened(db, write=True, create=False) as store:
        outcome = service.remove_fact(store, service.parse_fact_id(fact_id))
    tell(outcome.notices)
    if fmt is not Format.table:
        write_facts(outcome.facts, fmt, one=True)


def restore(fact_id: FactId, db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """Bring back a removed fact."""
    from .. import service

    with opened(db, write=True, create=False) as store:
        outcome = service.restore_fact(store, service.parse_fact_id(fact_id))
    tell(outcome.notices)
    write_facts(outcome.facts, fmt, one=True)


def history(fact_id: FactId, db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """Every version of a fact, oldest first."""
    from .. import service
    from ..render import col, write_records

    with opened(db, write=False) as store:
        versions = service.history(store, service.parse_fact_id(fact_id))
    columns = [
        col("version", right=True),
        col("changed_at"),
        col("change"),
        col("date"),
        col("metric", fold_last=True),
        col("value", "display", right=True),
        col("source", wide=True),
        col("via", wide=True),
        col("quote", wide=True),
        col("note", wide=True),
    ]
    fields = ("version", "changed_at", "change", *FACT_FIELDS)
    write_records(versions, fmt.value, columns, fields=fields)
