"""Commands on how figures move: timeline (table or terminal chart), latest, plot (an image)."""

# No `from __future__ import annotations`: Typer reads each command's signature when the
# command is built, and string annotations would be compiled and evaluated twice a run
# (see commands/facts.py). Names known only to the type checker are quoted.

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from .options import (
    FACT_FIELDS,
    DayFirst,
    DbOption,
    Format,
    FormatOption,
    MonthFirst,
    day_order,
    not_the_database,
    opened,
    tell,
)

if TYPE_CHECKING:
    from datetime import date

    from ..timeline import Latest, TimelineRow

# Changes are written with an ASCII minus, as numbers are everywhere else (format_number,
# csv): `-211` reads back as a value and greps as one; tables of ASCII are also cheaper to lay out.
MINUS = "-"
COLUMN_GAP = 2  # render.write_table puts two spaces between columns, on a terminal too

Metric = Annotated[Optional[str], typer.Argument(help="The metric, e.g. political-prisoners; all when left out.")]
Sources = Annotated[Optional[list[str]], typer.Option("--source", help="Only who counted; repeatable.")]
Since = Annotated[Optional[str], typer.Option("--since", help="Facts whose date reaches this date or later.")]
Until = Annotated[Optional[str], typer.Option("--until", help="Facts whose date starts by this date.")]


def format_change(change: float | int | None, approximate: bool) -> str:
    """+12, -211, 0; `~` in front when either figure is not exact; blank for the first."""
    if change is None:
        return ""
    sign = "+" if change > 0 else MINUS if change < 0 else ""
    if isinstance(change, int):
        digits = f"{abs(change):,}"
    else:
        from ..values import format_number

        digits = format_number(abs(change))
    return ("~" if approximate else "") + sign + digits


def format_pct(pct: float | None, approximate: bool) -> str:
    """One decimal: +3.2%, ~-15.1%; blank where there is no percent."""
    if pct is None:
        return ""
    text = f"{abs(pct):.1f}"
    sign = "" if text.strip("0.") == "" else "+" if pct > 0 else MINUS
    return ("~" if approximate else "") + sign + text + "%"


def _timeline_columns() -> list[Any]:
    from ..render import col

    return [
        col("id", right=True),
        col("date"),
        col("value", right=True),
        col("change", right=True),
        col("change %", right=True),
        col("source", wide=True),  # on a narrow terminal names fold; dates and numbers stay whole
        col("via", wide=True),
        col("bar"),
    ]


def _timeline_table(rows: "list[TimelineRow]", *, terminal_width: int | None) -> tuple[list[Any], list[list[object]]]:
    """The table's columns and cells. On a terminal (`terminal_width`) the bars shrink,
    down to a quarter of their width, and if that is not enough the via column is left
    out (JSON, csv and a piped table always have it); names fold before numbers are cut."""
    from ..chart import BAR_WIDTH, bar, bar_scale

    columns = _timeline_columns()
    cells: list[list[object]] = [
        [
            r.fact.id,
            r.fact.date,
            r.fact.display,
            format_change(r.change, r.approximate),
            format_pct(r.change_pct, r.approximate),
            r.fact.source,
            r.fact.via,
        ]
        for r in rows
    ]
    width = BAR_WIDTH
    if terminal_width is not None:
        needed = _needed_widths(columns[:-1], zip(*cells, strict=True))
        width = terminal_width - _table_width(needed)
        if width < BAR_WIDTH // 4:
            _drop_column(columns, cells, columns.index(next(c for c in columns if c.header == "via")))
            width += needed[-1] + COLUMN_GAP
        width = max(BAR_WIDTH // 4, min(BAR_WIDTH, width))
    low_end, high_end = bar_scale([r.fact.value for r in rows])
    for row, r in zip(cells, rows, strict=True):
        row.append(bar(r.fact.value, low_end, high_end, width))
    return columns, cells


def _needed_widths(columns: list[Any], cells: Iterable[Sequence[object]]) -> list[int]:
    """What each column takes in a terminal table to show its cells (given column by column) whole."""
    from ..render import cell_width, safe_text

    return [
        max(cell_width(c.header), *(cell_width(safe_text(v)) for v in values))
        for c, values in zip(columns, cells, strict=False)
    ]


def _table_width(widths: list[int]) -> int:
    """The width of a table of these columns, with a gap after each."""
    return sum(widths) + COLUMN_GAP * len(widths)


def _drop_column(columns: list[Any], cells: list[list[object]], index: int) -> None:
    columns.pop(index)
    for row in cells:
        row.pop(index)


def _terminal_width() -> int | None:
    """The terminal's width when stdout is one, else None (a pipe or file is never cut)."""
    import os
    import shutil
    import sys

    if not sys.stdout.isatty() or os.environ.get("TERM") == "dumb":
        return None
    return shutil.get_terminal_size((80, 24)).columns


def _color_allowed() -> bool:
    import os
    import sys

    return sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def timeline(
    metric: Metric = None,
    source: Sources = None,
    since: Since = None,
    until: Until = None,
    chart: Annotated[
        bool, typer.Option("--chart", help="Draw a line chart in the terminal, one series per source.")
    ] = False,
    dayfirst: DayFirst = False,
    monthfirst: MonthFirst = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Figures in date order, with the change from the one before and a bar for each."""
    from ..errors import BadInput
    from ..timeline import timelines

    if chart and fmt is not Format.table:
        raise BadInput("--chart draws a chart in the terminal; leave out --format, or leave out --chart for data")
    day_first = day_order(dayfirst, monthfirst)
    with opened(db, write=False) as store:
        blocks = timelines(store, metric, sources=source or [], since=since, until=until, dayfirst=day_first)
    if not blocks and fmt is Format.table:
        tell(["no facts match"])
        return
    if chart:
        import shutil

        from ..chart import terminal_chart
        from ..render import write_text

        width = shutil.get_terminal_size((80, 24)).columns
        color = _color_allowed()
        for i, block in enumerate(blocks):
            text, left_out = terminal_chart(block.metric, [r.fact for r in block.rows], width=width, color=color)
            write_text(("\n" if i else "") + text)
            if left_out:
                names = ", ".join(left_out[:5]) + (", ..." if len(left_out) > 5 else "")
                tell([f"{block.metric}: not drawn, having fewer figures: {names} (--source chooses)"])
        return
    from ..render import write_records, write_table

    if fmt is Format.table:
        terminal_width = _terminal_width()
        for i, block in enumerate(blocks):
            if i:
                import sys

                sys.stdout.write("\n")
            columns, cells = _timeline_table(block.rows, terminal_width=terminal_width)
            write_table(cells, columns, title=block.metric)
        return
    records = [r.to_dict() for block in blocks for r in block.rows]
    write_records(records, fmt.value, _timeline_columns(), fields=(*FACT_FIELDS, "change", "change_pct"))


def _others_text(item: "Latest") -> str:
    return "; ".join(f"{o.fact.source}: {o.fact.display} ({o.fact.date})" for o in item.others)


def latest(
    metric: Metric = None,
    as_of: Annotated[
        Optional[str], typer.Option("--as-of", help="The date to look from (default today): 2025-06-30, 2024.")
    ] = None,
    dayfirst: DayFirst = False,
    monthfirst: MonthFirst = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """The current figure of each metric, its age, and what the other sources last said."""
    from ..timeline import as_of_day, latest_table

    day = as_of_day(as_of, dayfirst=day_order(dayfirst, monthfirst))
    if fmt is not Format.table:
        _write_latest_data(db, metric, day, fmt)
        return
    from ..early import take

    early = take("latest", db, (metric, day))  # made while the command line loaded
    if early:
        cells = early[0]
    else:
        with opened(db, write=False) as store:
            cells = latest_table(store, metric, as_of=day)
    if not cells:
        tell(["no facts match"])
        return
    from ..render import col, write_columns

    # A row for the current figure, then a row for each other source's latest below it.
    columns = [
        col("metric", wide=True, carried=True),  # blank under the metric's current figure
        col("date"),
        col("value", right=True),
        col("source", wide=True),
        col("via", wide=True),
        col("days old", right=True),
    ]
    terminal_width = _terminal_width()
    if terminal_width is not None and _table_width(_needed_widths(columns, cells)) - COLUMN_GAP > terminal_width:
        del columns[4], cells[4]  # via: names fold, and JSON, csv and a pipe keep it
    write_columns(cells, columns)


def _write_latest_data(db: Path | None, metric: str | None, day: "date", fmt: Format) -> None:
    """`latest` as json, jsonl (each figure a whole fact), csv or tsv."""
    from ..render import write_records
    from ..timeline import latest

    with opened(db, write=False) as store:
        items = latest(store, metric, as_of=day)
    if fmt in (Format.json, Format.jsonl):
        records = [item.to_dict() for item in items]
    else:
        records = [{**item.current.to_dict(), "others": _others_text(item)} for item in items]
    write_records(records, fmt.value, [], fields=(*FACT_FIELDS, "age_days", "others"))


def plot(
    metric: Annotated[str, typer.Argument(help="The metric, e.g. political-prisoners.")],
    output: Annotated[str, typer.Option("--output", "-o", help="The image to write: a file name ending .png or .svg.")],
    source: Sources = None,
    since: Since = None,
    until: Until = None,
    dayfirst: DayFirst = False,
    monthfirst: MonthFirst = False,
    db: DbOption = None,
) -> None:
    r"""Draw a metric's timeline as an image (needs the extra: pip install 'pptrack\[plot]')."""
    # (\[: help text is rich markup, where [plot] would be taken for a style and dropped.)
    from .. import service
    from ..chart import check_image_path, load_matplotlib, save_image
    from ..timeline import timelines

    day_first = day_order(dayfirst, monthfirst)
    path = check_image_path(output)
    not_the_database(path, db)
    load_matplotlib()
    with opened(db, write=False) as store:
        blocks = timelines(store, metric, sources=source or [], since=since, until=until, dayfirst=day_first)
        if blocks:
            about = next(m for m in service.list_metrics(store) if m.slug == blocks[0].metric)
    if not blocks:
        tell([f"no facts match; {path} not written"])
        return
    facts = [r.fact for r in blocks[0].rows]
    drawn = save_image(path, about.label, about.unit or about.label, facts)
    figures = sum(len(series.facts) for series in drawn)
    notices = [f"wrote {path}: {figures} figure(s) from {len(drawn)} source(s)"]
    left_out = sorted({f.source for f in facts} - {series.source for series in drawn})
    if left_out:
        names = ", ".join(left_out[:5]) + (", ..." if len(left_out) > 5 else "")
        notices.append(f"{about.slug}: not drawn, having fewer figures: {names} (--source chooses)")
    tell(notices)
