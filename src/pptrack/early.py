"""A reading command's query, started while the command line loads.

`pptrack list --format tsv` or `pptrack latest` spend most of their time in two waits that
need not follow each other: Python importing Typer and building the command (about 40 ms,
one core), and SQLite answering the query (20 to 30 ms on 10,000 facts listed or a million
looked through, with Python's lock released). On a machine with a second core the query
can run during the first. So `pptrack.main` reads the arguments of such a command the
plain way (`read_question`) and starts its query in a thread (`start`); the command, once
Typer has read the same arguments, takes the answer only if its own reading asks exactly
the same question of the same database (`take`). Whatever the plain reading got wrong, or
any failure in the thread (an unknown name, a database to upgrade, a bad date), leaves the
command to do its work as before: the early query writes nothing and prints nothing, and
what it made is used only when it answers exactly what the command asks.

A query started early must be answered by SQLite in one step (one text, as
Store.fact_block makes): a thread that takes its rows one by one waits for Python's lock
at each row while the command line loads, and would finish no sooner than the command.
"""

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, Optional

# The options of each command started early and whether each takes a value, and how many
# arguments it takes: anything else (an unknown option, a second --metric, --help) means
# no early start.
_COMMON = {"--db": True, "--format": True, "-f": True}
_DAY_ORDER = {"--dayfirst": False, "--monthfirst": False}
_COMMANDS: dict[str, tuple[int, dict[str, bool]]] = {
    "list": (
        0,
        {
            "--metric": True,
            "--source": True,
            "--via": True,
            "--since": True,
            "--until": True,
            "--tag": True,
            "--limit": True,
            **_DAY_ORDER,
            **_COMMON,
        },
    ),
    "latest": (1, {"--as-of": True, **_DAY_ORDER, **_COMMON}),
}
_REPEATABLE = frozenset({"--source"})
_DATA_FORMATS = ("json", "jsonl", "csv", "tsv")


class Question(NamedTuple):
    """What a command asks: its name, the database (None: the default path), and the rest as
    the command spells it (list: service.ListQuery's fields and the format; latest: the
    metric or None, and the as-of day)."""

    command: str
    db: Optional[Path]
    asks: tuple[Any, ...]


class _Words(NamedTuple):
    """A command line read the plain way: arguments, option values (a list each) and flags."""

    arguments: list[str]
    values: dict[str, list[str]]
    flags: frozenset[str]

    def one(self, name: str) -> Optional[str]:
        return self.values.get(name, [None])[0]

    def day_order(self) -> Optional[bool]:
        return True if "--dayfirst" in self.flags else False if "--monthfirst" in self.flags else None


def _read_words(argv: list[str]) -> Optional[_Words]:
    count, options = _COMMANDS[argv[0]]
    arguments: list[str] = []
    values: dict[str, list[str]] = {}
    flags: set[str] = set()
    args = iter(argv[1:])
    for arg in args:
        if not arg.startswith("-"):
            arguments.append(arg)
            continue
        name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        takes = options.get(name)
        if takes is None or (eq and not takes):
            return None
        if not takes:
            flags.add(name)
            continue
        value = inline if eq else next(args, None)
        if value is None:
            return None
        values.setdefault("--format" if name == "-f" else name, []).append(value)
    if len(arguments) > count or any(len(v) > 1 for k, v in values.items() if k not in _REPEATABLE):
        return None
    if {"--dayfirst", "--monthfirst"} <= flags:
        return None
    return _Words(arguments, values, frozenset(flags))


def read_question(argv: list[str], environ: Any = os.environ) -> Optional[Question]:
    """The question of a command line started early, read as Typer reads it, or None for any
    other command line or anything not plainly read (then the command runs as usual)."""
    if not argv or argv[0] not in _COMMANDS:
        return None
    words = _read_words(argv)
    if words is None:
        return None
    asks = _ASKS[argv[0]](words)
    if asks is None:
        return None
    db = words.one("--db")
    if db is None:
        db = environ.get("PPTRACK_DB") or None  # as click reads the variable: empty is unset
    return Question(argv[0], Path(db) if db is not None else None, asks)


def _list_asks(words: _Words) -> Optional[tuple[Any, ...]]:
    fmt = words.one("--format")
    limit: Any = words.one("--limit")
    if fmt not in _DATA_FORMATS:  # a table is made from rows, not one text
        return None
    if limit is not None:
        if not (limit.isascii() and limit.lstrip("-").isdigit()):
            return None
        limit = int(limit)
    one = words.one
    query = (one("--metric"), words.values.get("--source", []), one("--via"), one("--since"), one("--until"))
    return (*query, one("--tag"), limit, words.day_order(), fmt)


def _latest_asks(words: _Words) -> Optional[tuple[Any, ...]]:
    if words.one("--format") not in (None, "table"):  # the data formats read whole facts
        return None
    from .timeline import as_of_day

    metric = words.arguments[0] if words.arguments else None
    return (metric, as_of_day(words.one("--as-of"), dayfirst=words.day_order()))


_ASKS: dict[str, Callable[[_Words], Optional[tuple[Any, ...]]]] = {"list": _list_asks, "latest": _latest_asks}


def _answer(store: Any, question: Question) -> Any:
    """What the command computes for `question` (in the thread)."""
    if question.command == "list":
        from . import service

        *query, fmt = question.asks
        return service.list_fact_block(store, service.ListQuery(*query), fmt)
    from .timeline import latest_table

    metric, day = question.asks
    return latest_table(store, metric, as_of=day)


def _texts(asks: tuple[Any, ...]) -> list[str]:
    """The texts of a question (names, dates), those in lists too."""
    texts: list[str] = []
    for a in asks:
        if isinstance(a, str):
            texts.append(a)
        elif isinstance(a, list):
            texts.extend(a)
    return texts


class _Early(NamedTuple):
    question: Question
    thread: Any
    answer: list[Any]


_started: list[_Early] = []


def start(argv: list[str]) -> None:
    """Start the query of `argv` in a thread, if it is one started early (see module) and a
    second core can run it."""
    if not _second_core():
        return
    try:
        question = read_question(argv)
        if question is None:
            return
        _prepare(question)
        import threading

        answer: list[Any] = []
        thread = threading.Thread(target=_run, args=(question, answer), name="pptrack-early")
        thread.start()
    except Exception:  # anything odd (a bad date, text not UTF-8, no thread to be had): the command will say
        return
    _started.append(_Early(question, thread, answer))


def _second_core() -> bool:
    """Whether this process may run on two cores or more. On one, the thread and the command
    would take turns: pinned to one core, a listing of 10,000 facts took 112 ms against 109
    started early and not."""
    try:
        return len(os.sched_getaffinity(0)) > 1
    except AttributeError:  # no affinity outside Linux: the machine's cores
        return (os.cpu_count() or 1) > 1


def _prepare(question: Question) -> None:
    """Import here, before the thread starts, every module the thread's work may import: a
    module imported by two threads at once may leave one of them with the other's half-made
    module (importlib's answer to a circular wait), and the thread must never be the cause
    of an error in the command. Dates are read once here (dateutil is imported if a date
    needs it); names need difflib ("did you mean", which Typer imports anyway) and, when not
    ASCII, unicodedata; latest's rows come as JSON."""
    import difflib  # noqa: F401

    from . import service  # noqa: F401

    if not all(text.isascii() for text in _texts(question.asks)):
        import unicodedata  # noqa: F401

    if question.command == "list":
        since, until, dayfirst = question.asks[3], question.asks[4], question.asks[7]
        for text in (since, until):
            if text:
                from .dates import parse_date

                parse_date(text, dayfirst=dayfirst)
    else:
        import json  # noqa: F401


def _run(question: Question, answer: list[Any]) -> None:
    try:
        from .store import open_db

        store = open_db(question.db, write=False, upgrade=False, wait=False)
        try:
            if not store.notices:
                answer.append(_answer(store, question))
        finally:
            store.close()
    except BaseException:  # the command, asking the same, meets it and says what it is
        answer.clear()


def take(command: str, db: Optional[Path], asks: tuple[Any, ...]) -> Optional[tuple[Any]]:
    """The early answer, as a 1-tuple, if the query was started for exactly this command,
    database and question and ran to its end; else None (the command queries itself)."""
    if not _started:
        return None
    early = _started.pop()
    early.thread.join()
    if early.question != Question(command, db, asks) or not early.answer:
        return None
    return (early.answer[0],)


def finish() -> None:
    """Wait for an early query nobody took (the command failed before it asked)."""
    while _started:
        _started.pop().thread.join()
