"""`pptrack diff-sources`: sources side by side, period by period."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from ..errors import ExitCode
from .options import DbOption, Format, FormatOption, opened, tell

if TYPE_CHECKING:
    from ..compare import Comparison


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


def _write(c: Comparison, fmt: Format) -> None:
    from ..render import to_json, write_delimited, write_records

    if fmt is Format.json:
        import sys

        sys.stdout.write(to_json(c.to_dict()) + "\n")
    elif fmt is Format.jsonl:
        write_records([r.to_dict(c.sources) for r in c.rows], fmt.value, [])
    elif fmt in (Format.csv, Format.tsv):
        header = ["period", *c.sources, "spread", "consistent"]
        records = (r.to_dict(c.sources) for r in c.rows)
        rows = ([r["period"], *r["values"].values(), r["spread"], r["consistent"]] for r in records)  # type: ignore[union-attr]
        write_delimited(header, rows, fmt.value)
    elif c.rows:
        _write_tables(c)


def _write_tables(c: Comparison) -> None:
    from ..render import Column, blank_line, write_records
    from ..values import format_number

    def figure(name: str) -> Any:
        return lambda r: r["figures"][name].display if name in r["figures"] else ""

    def verdict(r: dict[str, Any]) -> str:
        if len(r["figures"]) < 2:
            return "-"
        return "consistent" if r["consistent"] else CONFLICT

    rows = [{"period": r.period, "figures": r.figures, "spread": r.spread, "consistent": r.consistent} for r in c.rows]
    columns = [
        Column("period", lambda r: r["period"]),
        *(Column(name, figure(name), right=True, wide=True) for name in c.sources),
        Column("spread", lambda r: format_number(r["spread"]), right=True),
        Column("verdict", verdict, style=lambda v: "bold red" if v == CONFLICT else None),
    ]
    who = "publisher" if c.by == "via" else "source"
    write_records(rows, "table", columns, title=f"{c.metric} by {c.period}: each {who}'s latest figure")
    if len(c.sources) < 2:
        return

    def how_often(p: dict[str, Any]) -> str:
        if not p["n"]:
            return ""
        if p["higher"] is None:
            return f"each {p['a_higher']} of {p['n']}" if p["a_higher"] else "equal"
        wins = p["a_higher"] if p["higher"] == p["a"] else p["b_higher"]
        return f"{wins} of {p['n']}"

    # Pairs that never reported in the same period are left out of the table (JSON keeps them: n is 0).
    pairs = [{**p.to_dict(), "a_higher": p.a_higher, "b_higher": p.b_higher} for p in c.pairs if p.n]
    if not pairs:
        return
    blank_line()
    write_records(
        pairs,
        "table",
        [
            Column("a", lambda p: p["a"]),
            Column("b", lambda p: p["b"]),
            Column(f"{c.period}s both", lambda p: p["n"], right=True),
            Column("mean a - b", lambda p: format_number(_rounded(p["mean_diff"])), right=True),
            Column("higher", lambda p: p["higher"] or ""),
            Column("how often", how_often, right=True),
        ],
        title="pairs of " + who + "s",
    )


def _rounded(x: float | int | None) -> float | int | None:
    # A mean shown to one decimal; JSON carries it in full.
    return None if x is None else round(x, 1)
