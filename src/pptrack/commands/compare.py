"""`pptrack diff-sources`: sources side by side, period by period."""

# No `from __future__ import annotations`: Typer reads each command's signature when the
# command is built, and string annotations would be compiled and evaluated twice a run
# (see commands/facts.py). Names known only to the type checker are quoted.

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from ..errors import ExitCode
from ..values import format_number
from .options import DbOption, Format, FormatOption, opened, tell

if TYPE_CHECKING:
    from ..compare import Comparison, Pair, Row


class Period(StrEnum):
    month = "month"
    quarter = "quarter"
    year = "year"


class By(StrEnum):
    source = "source"
    via = "via"


CONFLICT = "CONFLICT"


def diff_sources(
    metric: Annotated[str, typer.Argument(help="The metric to compare, e.g. political-prisoners.")],
    source: Annotated[
        Optional[list[str]],
        typer.Option("--source", help="A source to show, as a column; repeat for more, in the order wanted."),
    ] = None,
    period: Annotated[Period, typer.Option("--period", help="The span each row covers.")] = Period.month,
    by: Annotated[
        By, typer.Option("--by", help="Compare who counted (source) or who published (via; the source if none).")
    ] = By.source,
    fail_on_conflict: Annotated[
        bool, typer.Option("--fail-on-conflict", help="Exit 1 when the figures of any period cannot all be true.")
    ] = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Sources side by side: each one's latest figure per period, the spread, and whether they can all be true."""
    from ..compare import diff_sources as compare

    with opened(db, write=False) as store:
        comparison = compare(store, metric, sources=source or [], period=period.value, by=by.value)
    tell(comparison.notices)
    _write(comparison, fmt)
    conflicts = comparison.conflicts
    if fail_on_conflict and conflicts:
        periods = ", ".join(r.period for r in conflicts)
        tell([f"{len(conflicts)} of {len(comparison.rows)} periods conflict: {periods}"])
        raise typer.Exit(ExitCode.FAILURE)


def _write(c: "Comparison", fmt: Format) -> None:
    from ..render import to_json, write_delimited, write_records, write_text

    if fmt is Format.json:
        write_text(to_json(c.to_dict()) + "\n")
    elif fmt is Format.jsonl:
        write_records([r.to_dict(c.sources) for r in c.rows], fmt.value, [])
    elif fmt in (Format.csv, Format.tsv):
        # A source named as a column of its own ("spread") is told apart: "spread (source)".
        fixed = ("period", "spread", "consistent")
        header = ["period", *(f"{s} (source)" if s in fixed else s for s in c.sources), *fixed[1:]]
        records = (r.to_dict(c.sources) for r in c.rows)
        rows = ([r["period"], *r["values"].values(), r["spread"], r["consistent"]] for r in records)  # type: ignore[union-attr]
        write_delimited(header, rows, fmt.value)
    elif c.rows:
        _write_tables(c)


def _write_tables(c: "Comparison") -> None:
    """The periods, then the pairs; cells made row by row here (a million facts give 130
    periods of 50 sources and 1,225 pairs), the columns only naming and aligning them."""
    from ..render import blank_line, col, write_table
    from ..values import format_number

    def verdict(r: "Row") -> str:
        if len(r.figures) < 2:
            return "-"
        return "consistent" if r.consistent else CONFLICT

    columns = [
        col("period"),
        *(col(name, right=True, wide=True) for name in c.sources),
        col("spread", right=True),
        col("verdict", style=lambda v: "bold red" if v == CONFLICT else None),
    ]
    # Each row's figures as written, blank where a source said nothing: its displays laid
    # over blanks in column order, then read out by the columns at C speed (130 x 50 cells).
    blanks = dict.fromkeys(c.sources, "")
    rows: list[list[object]] = [
        [
            r.period,
            *map({**blanks, **{name: f.display for name, f in r.figures.items()}}.__getitem__, c.sources),
            format_number(r.spread),
            verdict(r),
        ]
        for r in c.rows
    ]
    who = "publisher" if c.by == "via" else "source"
    write_table(rows, columns, title=f"{c.metric} by {c.period}: each {who}'s latest figure")
    if len(c.sources) < 2:
        return

    # Pairs that never reported in the same period are left out of the table (JSON keeps them: n is 0).
    pairs = _pair_rows(c.pairs)
    if not pairs:
        return
    blank_line()
    columns = [
        col("a"),
        col("b"),
        col(f"{c.period}s both", right=True),
        col("mean a - b", right=True),
        col("higher"),
        col("how often", right=True),
    ]
    write_table(pairs, columns, title="pairs of " + who + "s")


def _pair_rows(pairs: "list[Pair]") -> list[list[object]]:
    """The pairs table's cells, of the pairs that reported in the same period at least once."""
    shown = [p for p in pairs if p.n]
    rows: list[list[object]] = []
    for p, mean in zip(shown, map(mean_text, (p.mean_diff for p in shown)), strict=True):
        higher = p.higher
        if higher is None:
            how_often = f"each {p.a_higher} of {p.n}" if p.a_higher else "equal"
        else:
            how_often = f"{p.a_higher if higher == p.a else p.b_higher} of {p.n}"
        rows.append([p.a, p.b, p.n, mean, higher or "", how_often])
    return rows


def mean_text(x: float | int | None) -> str:
    """A mean as the pairs table shows it: to one decimal, and a mean below 1 to two
    significant digits, never 0 when it is not (JSON carries it in full)."""
    if x is None or x == 0 or abs(x) >= 1:
        return format_number(None if x is None else round(x, 1))
    from math import floor, log10

    return format_number(round(x, 1 - floor(log10(abs(x)))))
