"""A reading command answered before, or while, the command line loads.

`pptrack list --format tsv` or `pptrack latest` spend most of their time in two waits that
need not follow each other: Python importing Typer and building the command (about 40 ms,
one core), and SQLite answering the query (30 ms for 10,000 facts listed, 20 ms for a
million looked through, with Python's lock released). `pptrack.main` reads the arguments
of such a command the plain way (`read_question`, as Typer reads them: a test holds it)
and `start`s its answer:

- A listing in a data format, the command scripts call in loops, is answered and written
  here, without Typer: when its text is one SQLite made whole (Store.fact_block), the
  command would write that text and nothing else. Waiting for Typer cost 30 to 45 ms of
  a 110 ms listing of 10,000 facts whenever the machine gave the process one core.
- latest's table is made in a thread while Typer loads, on a machine with a second core;
  the command, once Typer has read the same arguments, takes the answer only if its own
  reading asks exactly the same question of the same database (`take`).

Whatever the plain reading got wrong, or any failure (an unknown name, a database to
upgrade or locked, a bad date, an argument not UTF-8), leaves the command to do its work
as before: nothing is written or printed early but the whole answer, and an answer made
early is used only when it answers exactly what the command asks.

A query started early in a thread must be answered by SQLite in one step (one text, as
Store.fact_block makes): a thread that takes its rows one by one waits for Python's lock
at each row while the command line loads, and would finish no sooner than the command.
"""

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, Optional

# The options both commands take, and whether each takes a value.
_COMMON = {"--db": True, "--format": True, "-f": True, "--dayfirst": False, "--monthfirst": False}
_REPEATABLE = frozenset({"--source"})
_DATA_FORMATS = ("json", "jsonl", "csv", "tsv")
# Set (not empty), Typer answers a shell's completion instead of running any command.
_COMPLETION = "_PPTRACK_COMPLETE"


class Question(NamedTuple):
    """What a command asks: its name, the database (None: the default path), and the rest as
    the command spells it (list: its service.ListQuery and the format; latest: the metric or
    None, and the as-of day)."""

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


def _list_asks(words: _Words) -> Optional[tuple[Any, ...]]:
    fmt = words.one("--format")
    limit: Any = words.one("--limit")
    if fmt not in _DATA_FORMATS:  # a table is made from rows, not one text
        return None
    if limit is not None:
        if not (limit.isascii() and limit.lstrip("-").isdigit()):
            return None
        limit = int(limit)
    from .service import ListQuery

    one = words.one
    sources = words.values.get("--source", [])
    texts = (one("--metric"), sources, one("--via"), one("--since"), one("--until"), one("--tag"))
    return (ListQuery(*texts, limit, words.day_order()), fmt)


def _list_answer(store: Any, asks: tuple[Any, ...]) -> Any:
    from .service import list_fact_block

    return list_fact_block(store, *asks)


def _list_write(asks: tuple[Any, ...], block: Any) -> bool:
    """Write the listing's text as the command would, if SQLite made it whole (else False:
    the command writes it line by line)."""
    from .models import FACT_FIELDS
    from .render import plain_block, write_block

    fmt = asks[1]
    if block is None or not plain_block(*block, fmt, len(FACT_FIELDS)):
        return False
    write_block(block, fmt, fields=FACT_FIELDS)
    return True


def _latest_asks(words: _Words) -> Optional[tuple[Any, ...]]:
    if words.one("--format") not in (None, "table"):  # the data formats read whole facts
        return None
    from .timeline import as_of_day

    metric = words.arguments[0] if words.arguments else None
    return (metric, as_of_day(words.one("--as-of"), dayfirst=words.day_order()))


def _latest_prepare(asks: tuple[Any, ...]) -> None:
    import json  # noqa: F401  (the rows come as one JSON text)


def _latest_answer(store: Any, asks: tuple[Any, ...]) -> Any:
    from .timeline import latest_table

    metric, day = asks
    return latest_table(store, metric, as_of=day)


class _Command(NamedTuple):
    """A command answered early: how many arguments it takes, its options (and whether each
    takes a value: anything else, a second --metric or --help, means no early answer), its
    question (None: not answered early) and its answer; then either how the answer is
    written here (list), or what to import before its thread starts (latest)."""

    arguments: int
    options: dict[str, bool]
    asks: Callable[[_Words], Optional[tuple[Any, ...]]]
    answer: Callable[[Any, tuple[Any, ...]], Any]
    write: Optional[Callable[[tuple[Any, ...], Any], bool]] = None
    prepare: Callable[[tuple[Any, ...]], None] = lambda asks: None


_LIST_OPTIONS = ("--metric", "--source", "--via", "--since", "--until", "--tag", "--limit")
_COMMANDS: dict[str, _Command] = {
    "list": _Command(0, {**dict.fromkeys(_LIST_OPTIONS, True), **_COMMON}, _list_asks, _list_answer, write=_list_write),
    "latest": _Command(1, {"--as-of": True, **_COMMON}, _latest_asks, _latest_answer, prepare=_latest_prepare),
}


def _read_words(argv: list[str], command: _Command) -> Optional[_Words]:
    arguments: list[str] = []
    values: dict[str, list[str]] = {}
    flags: set[str] = set()
    args = iter(argv[1:])
    for arg in args:
        if not arg.startswith("-"):
            arguments.append(arg)
            continue
        name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        takes = command.options.get(name)
        if takes is None or (eq and not takes):
            return None
        if not takes:
            flags.add(name)
            continue
        value = inline if eq else next(args, None)
        if value is None:
            return None
        values.setdefault("--format" if name == "-f" else name, []).append(value)
    if len(arguments) > command.arguments or any(len(v) > 1 for k, v in values.items() if k not in _REPEATABLE):
        return None
    if {"--dayfirst", "--monthfirst"} <= flags:
        return None
    return _Words(arguments, values, frozenset(flags))


def read_question(argv: list[str], environ: Any = os.environ) -> Optional[Question]:
    """The question of a command line started early, read as Typer reads it, or None for any
    other command line or anything not plainly read (then the command runs as usual)."""
    command = _COMMANDS.get(argv[0]) if argv else None
    if command is None or environ.get(_COMPLETION):
        return None
    words = _read_words(argv, command)
    asks = command.asks(words) if words else None
    if words is None or asks is None:
        return None
    db = words.one("--db")
    if db is None:
        db = environ.get("PPTRACK_DB") or None  # as click reads the variable: empty is unset
    return Question(argv[0], Path(db) if db is not None else None, asks)


class _Early(NamedTuple):
    question: Question
    thread: Any  # None: answered already
    answer: list[Any]


_started: list[_Early] = []


def start(argv: list[str]) -> Optional[int]:
    """Answer `argv` early if it is a command so answered (see module): a listing written
    here gives its exit code; latest's query starts in a thread if a second core can run
    it. None: the command runs (and takes what was made early)."""
    command = _COMMANDS.get(argv[0]) if argv else None
    if command is None:
        return None
    if command.write is not None:
        from .errors import reported

        return reported(lambda: _written(argv, command.write))
    if not _second_core():
        return None
    try:
        question = read_question(argv)
        if question is None:
            return None
        _prepare(question, argv)
        import threading

        answer: list[Any] = []
        thread = threading.Thread(target=_run, args=(question, answer), name="pptrack-early")
        thread.start()
    except Exception:  # anything odd (a bad date, text not UTF-8, no thread to be had): the command will say
        return None
    _started.append(_Early(question, thread, answer))
    return None


def _written(argv: list[str], write: Callable[[tuple[Any, ...], Any], bool]) -> Optional[int]:
    """Exit 0 once the answer of `argv` is written here, or None (nothing written) for the
    command to run: an answer it writes line by line is left for it to `take`."""
    from .errors import ExitCode, undecodable

    try:
        question = read_question(argv) if undecodable(argv) is None else None
    except Exception:  # a bad date, a name not found: the command will say
        return None
    if question is None:
        return None
    answer: list[Any] = []
    _run(question, answer)
    if not answer:
        return None
    if write(question.asks, answer[0]):
        return ExitCode.OK
    _started.append(_Early(question, None, answer))
    return None


def _second_core() -> bool:
    """Whether this process may run on two cores or more. On one, the thread and the command
    would take turns: pinned to one core, a listing of 10,000 facts took 112 ms against 109
    started early and not."""
    try:
        return len(os.sched_getaffinity(0)) > 1
    except AttributeError:  # no affinity outside Linux: the machine's cores
        return (os.cpu_count() or 1) > 1


def _prepare(question: Question, argv: list[str]) -> None:
    """Import here, before the thread starts, every module the thread's work may import: a
    module imported by two threads at once may leave one of them with the other's half-made
    module (importlib's answer to a circular wait), and the thread must never be the cause
    of an error in the command. Names need difflib ("did you mean", which Typer imports
    anyway) and, when not ASCII, unicodedata; each command adds its own."""
    import difflib  # noqa: F401

    from . import service  # noqa: F401

    if not all(arg.isascii() for arg in argv):
        import unicodedata  # noqa: F401
    _COMMANDS[question.command].prepare(question.asks)


def _run(question: Question, answer: list[Any]) -> None:
    try:
        from .store import open_db

        store = open_db(question.db, write=False, upgrade=False, wait=False)
        try:
            if not store.notices:
                answer.append(_COMMANDS[question.command].answer(store, question.asks))
        finally:
            store.close()
    except Exception:  # the command, asking the same, meets it and says what it is
        answer.clear()


def take(command: str, db: Optional[Path], asks: tuple[Any, ...]) -> Optional[tuple[Any]]:
    """The early answer, as a 1-tuple, if the query was started for exactly this command,
    database and question and ran to its end; else None (the command queries itself)."""
    if not _started:
        return None
    early = _started.pop()
    if early.thread is not None:
        early.thread.join()
    if early.question != Question(command, db, asks) or not early.answer:
        return None
    return (early.answer[0],)


def finish() -> None:
    """Wait for an early query nobody took (the command failed before it asked), and forget
    an answer nobody took."""
    while _started:
        thread = _started.pop().thread
        if thread is not None:
            thread.join()
