"""A data listing's query, started while the command line loads.

`pptrack list --format tsv` spends most of its time in two waits that need not follow
each other: Python importing Typer and building the command (about 40 ms, one core), and
SQLite making the lines (about 20 ms for 10,000 facts, with Python's lock released). On a
machine with a second core the query can run during the first. So `pptrack.main` reads the
arguments of a `list` in a data format the plain way (`read_list_args`) and starts the
query in a thread (`start`); the command, once Typer has read the same arguments, takes
the text only if its own reading gives the same database, query and format (`take`).
Whatever the early reading got wrong, or any failure in the thread (an unknown name, a
database to upgrade, a bad date), leaves the command to do its work as before: the early
query writes nothing and prints nothing, and what it made is used only when it is the
answer to exactly the question the command asks.
"""

import os
import threading
from pathlib import Path
from typing import Any, NamedTuple, Optional

# The options of `list` and whether each takes a value: an argument outside these (or a
# second --metric, a --limit that is not a number) means no early start.
_LIST_OPTIONS = {
    "--metric": True,
    "--source": True,
    "--via": True,
    "--since": True,
    "--until": True,
    "--tag": True,
    "--limit": True,
    "--db": True,
    "--format": True,
    "-f": True,
    "--dayfirst": False,
    "--monthfirst": False,
}
_DATA_FORMATS = ("json", "jsonl", "csv", "tsv")


class ListArgs(NamedTuple):
    """What a `list` asks for: the database (None: the default path), the query's fields in
    service.ListQuery's order, and the format."""

    db: Optional[Path]
    query: tuple[Any, ...]
    fmt: str


def read_list_args(argv: list[str], environ: Any = os.environ) -> Optional[ListArgs]:
    """The arguments of `pptrack list ...` in a data format, read as Typer reads them, or None
    for anything else or anything not plainly read (then the command runs as usual)."""
    if not argv or argv[0] != "list":
        return None
    values: dict[str, list[str]] = {}
    flags: set[str] = set()
    args = iter(argv[1:])
    for arg in args:
        name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        takes = _LIST_OPTIONS.get(name)
        if takes is None or (eq and not takes):
            return None
        if not takes:
            flags.add(name)
            continue
        value = inline if eq else next(args, None)
        if value is None:
            return None
        values.setdefault("--format" if name == "-f" else name, []).append(value)
    if any(len(v) > 1 for name, v in values.items() if name != "--source"):
        return None
    one = {name: v[0] for name, v in values.items() if name != "--source"}
    fmt = one.get("--format")
    if fmt not in _DATA_FORMATS or {"--dayfirst", "--monthfirst"} <= flags:
        return None
    limit = one.get("--limit")
    if limit is not None:
        if not (limit.isascii() and limit.lstrip("-").isdigit()):
            return None
        limit = int(limit)
    db = one.get("--db", environ.get("PPTRACK_DB") or None)
    dayfirst = True if "--dayfirst" in flags else False if "--monthfirst" in flags else None
    query = (
        one.get("--metric"),
        values.get("--source", []),
        one.get("--via"),
        one.get("--since"),
        one.get("--until"),
        one.get("--tag"),
        limit,
        dayfirst,
    )
    return ListArgs(Path(db) if db is not None else None, query, fmt)


class _Early(NamedTuple):
    args: ListArgs
    thread: threading.Thread
    result: list[Any]


_started: list[_Early] = []


def start(argv: list[str]) -> None:
    """Start the query of a `list` in a data format in a thread, if argv is one (see module)."""
    try:
        args = read_list_args(argv)
    except Exception:  # anything odd (text that is not UTF-8): the command will say
        return
    if args is None:
        return
    from . import service  # noqa: F401  (imported here, not in the thread: see _run)

    result: list[Any] = []
    thread = threading.Thread(target=_run, args=(args, result), name="pptrack-early-list")
    thread.start()
    _started.append(_Early(args, thread, result))


def _run(args: ListArgs, result: list[Any]) -> None:
    try:
        from . import service
        from .store import open_db

        store = open_db(args.db, write=False, upgrade=False)
        try:
            if not store.notices:
                result.append(service.list_fact_block(store, service.ListQuery(*args.query), args.fmt))
        finally:
            store.close()
    except BaseException:  # the command, running the same query, meets it and says what it is
        result.clear()


def take(db: Optional[Path], query: tuple[Any, ...], fmt: str) -> Optional[tuple[Any]]:
    """What service.list_fact_block answered in the early query, as a 1-tuple, if it was
    started for exactly this database, query and format and ran to its end; else None (the
    command queries itself)."""
    if not _started:
        return None
    early = _started.pop()
    early.thread.join()
    asked = ListArgs(db, (query[0], list(query[1]), *query[2:]), fmt)
    if early.args != asked or not early.result:
        return None
    return (early.result[0],)


def finish() -> None:
    """Wait for an early query nobody took (the command failed before it asked)."""
    while _started:
        _started.pop().thread.join()
