"""Commands on the names facts use: `metrics ...` and `sources ...`."""

from enum import StrEnum
from typing import Annotated, Optional

# No `from __future__ import annotations`: Typer would compile and evaluate the
# signatures twice a run (see commands/facts.py).
import typer

from .options import DbOption, Format, FormatOption, opened, tell

metrics_app = typer.Typer(help="What is counted: list, add, alias, rename.", add_completion=False)
sources_app = typer.Typer(help="Who counted or published: list, add, alias, merge.", add_completion=False)


class Kind(StrEnum):
    stock = "stock"
    cumulative = "cumulative"
    flow = "flow"


Aliases = Annotated[Optional[list[str]], typer.Option("--alias", help="Another name; repeatable.")]


def _write_metrics(metrics: list, fmt: Format) -> None:
    from ..render import Column, col, write_records

    columns = [
        col("slug", fold_last=True),
        col("label", wide=True),
        col("unit"),
        col("kind"),
        Column("aliases", lambda r: ", ".join(r["aliases"]), wide=True),
        col("facts", right=True),
    ]
    write_records(
        [m.to_dict() for m in metrics], fmt.value, columns, fields=("slug", "label", "unit", "kind", "aliases", "facts")
    )


def _write_sources(sources: list, fmt: Format) -> None:
    from ..render import Column, col, write_records

    columns = [
        col("name", fold_last=True),
        Column("aliases", lambda r: ", ".join(r["aliases"]), wide=True),
        col("url", wide=True),
        col("facts", right=True),
    ]
    write_records([s.to_dict() for s in sources], fmt.value, columns, fields=("name", "aliases", "url", "facts"))


@metrics_app.command("list")
def metrics_list(db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """List metrics with their aliases and number of facts."""
    from .. import service

    with opened(db, write=False) as store:
        _write_metrics(service.list_metrics(store), fmt)


@metrics_app.command("add")
def metrics_add(
    name: Annotated[str, typer.Argument(help="Slug or name, e.g. political-prisoners.")],
    label: Annotated[Optional[str], typer.Option("--label", help="A readable name.")] = None,
    unit: Annotated[Optional[str], typer.Option("--unit", help="e.g. people.")] = None,
    kind: Annotated[
        Kind, typer.Option("--kind", help="stock (a level), cumulative (a running total) or flow (an event).")
    ] = Kind.stock,
    alias: Aliases = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Add a metric."""
    from .. import service

    names = service.read_names("metric", name, label=label, aliases=alias or [])
    with opened(db, write=True) as store:
        metric = service.add_metric(store, names, unit=unit, kind=kind.value)
    _write_metrics([metric], fmt)


@metrics_app.command("alias")
def metrics_alias(
    name: Annotated[str, typer.Argument(help="The metric.")],
    alias: Annotated[str, typer.Argument(help="Another name it answers to.")],
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Give a metric another name."""
    from .. import service

    with opened(db, write=True, create=False) as store:
        metric = service.alias_metric(store, name, alias)
    _write_metrics([metric], fmt)


@metrics_app.command("rename")
def metrics_rename(
    old: Annotated[str, typer.Argument(help="The metric.")],
    new: Annotated[str, typer.Argument(help="Its new slug; the old one stays as an alias.")],
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Rename a metric."""
    from .. import service

    with opened(db, write=True, create=False) as store:
        metric, notices = service.rename_metric(store, old, new)
    tell(notices)
    _write_metrics([metric], fmt)


@sources_app.command("list")
def sources_list(db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """List sources with their aliases and number of facts."""
    from .. import service

    with opened(db, write=False) as store:
        _write_sources(service.list_sources(store), fmt)


@sources_app.command("add")
def sources_add(
    name: Annotated[str, typer.Argument(help="The canonical name, e.g. Viasna.")],
    alias: Aliases = None,
    url: Annotated[Optional[str], typer.Option("--url", help="The source's site.")] = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Add a source."""
    from .. import service

    names = service.read_names("source", name, aliases=alias or [])
    with opened(db, write=True) as store:
        source = service.add_source(store, names, url=url)
    _write_sources([source], fmt)


@sources_app.command("alias")
def sources_alias(
    name: Annotated[str, typer.Argument(help="The source.")],
    alias: Annotated[str, typer.Argument(help="Another name it answers to, e.g. Vjasna.")],
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Give a source another name."""
    from .. import service

    with opened(db, write=True, create=False) as store:
        source = service.alias_source(store, name, alias)
    _write_sources([source], fmt)


@sources_app.command("merge")
def sources_merge(
    keep: Annotated[str, typer.Argument(help="The source to keep.")],
    other: Annotated[str, typer.Argument(help="The source whose facts move to KEEP; its names become aliases.")],
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Merge OTHER into KEEP."""
    from .. import service

    with opened(db, write=True, create=False) as store:
        source, moved, notices = service.merge_sources(store, keep, other)
    tell([f"moved {moved} fact(s) to {source.name!r}", *notices])
    _write_sources([source], fmt)
