"""All SQL of pptrack: opening (and upgrading) the database, reading and writing rows."""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from . import models, partials
from .errors import BadInput, DatabaseProblem, NotFound
from .migrations import SCHEMA_VERSION, migrate

if TYPE_CHECKING:
    from .models import Fact

DB_ERRORS = (sqlite3.Error,)
BUSY_TIMEOUT_S = 60.0


def default_db_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME")
    if not base or not os.path.isabs(base):  # the XDG rule: a relative path is to be ignored
        base = os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "pptrack" / "pptrack.db"


def open_db(
    path: Path | None,
    *,
    write: bool,
    create: bool = True,
    aside: bool = False,
    upgrade: bool = True,
    wait: bool = True,
) -> Store:
    """Open the database at `path`, upgrading an older one after a backup copy (with
    `upgrade=False`, an older one is refused as it is; with `wait=False`, a database another
    process keeps locked fails at once rather than after BUSY_TIMEOUT_S: pptrack.early opens
    it so, and the command that asks after it waits once).

    A command on a database that does not exist gets an empty one in memory
    unless it writes and may create (`create`): edit, rm and the like only
    change what exists, so they never create a file. A file left unfinished (a
    full disk while creating it) is not removed: another process may have it
    open; the next command finishes it. With `aside` (import), a database that
    does not exist is built in a temporary file beside `path` instead, which
    Store.publish puts in place and Store.close otherwise deletes.
    """
    path = Path(path) if path is not None else default_db_path()
    notices: list[str] = []
    if not path.exists():
        if not (write and create):
            return _in_memory(path, notices, absent=not write)
        made = _make_folders(path.parent)
        if aside:
            return _open_aside(path, made)
    elif path.is_dir():
        raise BadInput(f"{path} is a folder; --db takes the path of a database file")
    elif not path.is_file():  # a named pipe, a device: SQLite would fail on it with an I/O error
        raise BadInput(f"{path} is not a regular file; --db takes the path of a database file")
    conn: sqlite3.Connection | None = None
    try:
        conn = _connect(str(path), timeout=BUSY_TIMEOUT_S if wait else 0)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.OperationalError as e:
            if write or not _no_room_to_read(path, e):
                raise
            conn.close()
            conn = _connect(f"{path.absolute().as_uri()}?immutable=1", uri=True)
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            notices.append(f"the disk of {path} is full: it is read as the file is; free some space to change it")
        if version > SCHEMA_VERSION:
            raise DatabaseProblem(
                f"{path} has schema version {version}, made by a newer pptrack; this pptrack "
                f"reads up to version {SCHEMA_VERSION}: upgrade pptrack to use it (the file is left as it is)"
            )
        if version == 0 and not write and _no_tables(conn):
            # Nothing made yet (a file `touch` made, or one whose tables were all dropped): a
            # command that only reads reads it as empty, rather than writing pptrack's tables.
            conn.close()
            return _in_memory(path, notices, absent=True)
        if version < SCHEMA_VERSION:
            if not upgrade:
                raise DatabaseProblem(f"{path} has schema version {version}, older than {SCHEMA_VERSION}")
            _upgrade(conn, path, notices, wal=True)
        elif write:
            _use_wal(conn)
        conn.execute("PRAGMA foreign_keys = ON")
    except (sqlite3.Error, DatabaseProblem) as e:
        if conn is not None:
            conn.close()
        raise database_problem(path, e) if isinstance(e, sqlite3.Error) else e from None
    _opened.append(path)
    return Store(conn, path, notices)


def _in_memory(path: Path, notices: list[str], *, absent: bool) -> Store:
    """An empty database in memory, standing for the one at `path`, which has nothing yet."""
    conn = _connect(":memory:")
    _upgrade(conn, path, notices, wal=False)
    return Store(conn, path, notices, absent=absent)


def _no_tables(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone() is None


def _no_room_to_read(path: Path, e: sqlite3.OperationalError) -> bool:
    """Whether a database in write-ahead logging cannot be read only because its disk is
    full (SQLite could not make its shared-memory file, -shm, as large as it needs), with
    nothing in its log (-wal): then the file alone is the whole database, which is read as
    it is (`immutable`), so that a full disk does not keep its facts from being exported
    elsewhere. No process can be writing to it meanwhile: its log would grow."""
    if getattr(e, "sqlite_errorname", None) not in ("SQLITE_IOERR_SHMSIZE", "SQLITE_FULL"):
        return False
    try:
        return path.with_name(path.name + "-wal").stat().st_size == 0
    except FileNotFoundError:
        return True
    except OSError:
        return False


def _open_aside(path: Path, made: list[Path]) -> Store:
    """A new database for `path`, built in a temporary file beside it: nobody's data until
    published, so its rollback journal is kept in memory and nothing is synced to disk
    while it is built (Store.publish syncs it once, whole). `made`: the folders created for
    it, nearest first, removed again (if still empty) when it is not published."""
    building = _claim_beside(path)
    notices: list[str] = []
    conn: sqlite3.Connection | None = None
    try:
        conn = _connect(str(building))
        conn.execute("PRAGMA journal_mode = MEMORY")
        conn.execute("PRAGMA synchronous = OFF")
        _upgrade(conn, path, notices, wal=False)
        conn.execute("PRAGMA foreign_keys = ON")
    except BaseException as e:
        if conn is not None:
            conn.close()
        partials.discard(building)
        _remove_empty(made)
        if isinstance(e, sqlite3.Error):
            raise database_problem(path, e) from None
        raise
    _opened.append(path)
    return Store(conn, path, notices, building=building, made_folders=made)


def _claim_beside(path: Path) -> Path:
    """A new, empty file in the folder of `path`, named for what it is and who builds it:
    `.NAME.PID-RANDOM.partial`. What a killed import left there is removed first."""
    partials.sweep(path, ".partial")
    while True:
        candidate = path.with_name(f".{path.name}.{os.getpid()}-{os.urandom(4).hex()}.partial")
        try:
            os.close(os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
        except FileExistsError:
            continue
        except OSError as e:
            raise DatabaseProblem(
                f"cannot create {path}: {e.strerror or e}; is the folder {path.parent} writable?"
            ) from None
        return candidate


def _make_folders(folder: Path) -> list[Path]:
    """Make `folder` and the folders above it that are missing; return those this call
    made, nearest first (not one that existed, or that another process made meanwhile)."""
    made: list[Path] = []
    try:
        for step in (*reversed(folder.parents), folder):
            try:
                os.mkdir(step)
            except FileExistsError:
                continue
            made.append(step)
    except OSError as e:
        _remove_empty(made[::-1])
        raise DatabaseProblem(f"cannot create the folder {folder}: {e.strerror or e}") from None
    return made[::-1]


def _remove_empty(folders: Sequence[Path]) -> None:
    """Remove `folders` (nearest first) as long as they are empty: what a failed import
    into a new folder created is gone again, and a folder something else has put a file in
    since stays."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


def _sync(path: Path) -> None:
    """fsync a file or a folder (what a folder holds: a name linked into it)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# The database files this process opened: an error met later, reading a damaged page,
# is reported with the file it came from.
_opened: list[Path] = []


def describe_db_error(e: sqlite3.Error) -> str:
    """An SQLite error raised outside open_db and transaction(), as one line with the file."""
    if _opened:
        return database_problem(_opened[-1], e).message
    return f"the database cannot be used: {e}"


def database_problem(path: Path, e: sqlite3.Error) -> DatabaseProblem:
    """One line on what went wrong with the database file, and where."""
    text = str(e)
    code = getattr(e, "sqlite_errorname", "") or ""
    if code.startswith("SQLITE_READONLY") or "readonly" in text:
        what = f"cannot write to {path}: the file or its folder {path.parent} is read-only; nothing was changed"
    elif code.startswith(("SQLITE_FULL", "SQLITE_IOERR")) or "disk is full" in text or "I/O error" in text:
        what = (
            f"cannot write to {path}: {text} (is the disk full, or the file over its size limit?); nothing was changed"
        )
    elif code.startswith("SQLITE_CANTOPEN") or "unable to open" in text:
        if path.exists():
            what = (
                f"cannot open {path}: SQLite must create {path.name}-wal and {path.name}-shm beside it; "
                f"is the folder {path.parent} writable?"
            )
        else:
            folder = path.resolve().parent  # a link's, where it points
            if folder.is_dir():
                what = f"cannot create {path}: is the folder {folder} writable?"
            else:
                what = f"cannot create {path}: it is a link into {folder}, which does not exist"
    elif code.startswith("SQLITE_NOTADB") or "not a database" in text:
        what = f"{path} is not an SQLite database; give --db a pptrack database or the path of a new file"
    elif code.startswith("SQLITE_CORRUPT") or "malformed" in text:
        what = f"{path} is damaged ({text}); restore it from a backup copy"
    elif code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        what = f"{path} is locked by another program; waited {BUSY_TIMEOUT_S:.0f} s for it"
    else:
        what = f"the database {path} cannot be used: {text}"
    return DatabaseProblem(what)


def _connect(target: str, *, timeout: float = BUSY_TIMEOUT_S, uri: bool = False) -> sqlite3.Connection:
    conn = sqlite3.connect(target, timeout=timeout, isolation_level=None, uri=uri)
    conn.row_factory = sqlite3.Row
    conn.create_function("casefold", 1, _casefold, deterministic=True)
    return conn


def _casefold(value: object) -> str | None:
    """SQL casefold(x): text without case, as Python's str.casefold (SQLite's lower() and
    NOCASE fold ASCII letters only: `Беларусь` would not find `беларусь`)."""
    return None if value is None else str(value).casefold()


def _use_wal(conn: sqlite3.Connection) -> None:
    """Write-ahead logging: readers never block the writer, and writers queue on the busy timeout.

    The switch itself does not queue: SQLite takes a read lock, then tries once for the
    file to itself and fails at once with SQLITE_BUSY, never calling the busy handler,
    while another process holds a lock on it (two processes making a new database: one
    switches while the other checks the schema, or both switch). So it is tried again,
    as the busy handler would, until BUSY_TIMEOUT_S has passed.
    """
    import time

    deadline = time.monotonic() + BUSY_TIMEOUT_S
    pause = 0.001
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as e:
            if getattr(e, "sqlite_errorcode", 0) & 0xFF != sqlite3.SQLITE_BUSY or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


def _upgrade(conn: sqlite3.Connection, path: Path, notices: list[str], *, wal: bool) -> None:
    """Migrate to SCHEMA_VERSION under the write lock, after a backup copy of an older file,
    then (`wal`) switch to write-ahead logging.

    The version is read again once the lock is held: another process may have
    migrated meanwhile, and then there is nothing to back up or to do. An upgrade that
    fails (a file that cannot be written) is rolled back and its backup removed.
    """
    conn.execute("BEGIN IMMEDIATE")
    backup: Path | None = None
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version >= SCHEMA_VERSION:
            conn.execute("COMMIT")
        else:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if version == 0 and tables:
                raise DatabaseProblem(
                    f"{path} is an SQLite database but not a pptrack one (it has tables "
                    f"{', '.join(sorted(tables)[:5])}); give --db a new file or a pptrack database"
                )
            if version > 0:
                backup = _backup(conn, path, version)
                notices.append(
                    f"upgrading {path} from schema version {version} to {SCHEMA_VERSION}; "
                    f"the old file is kept as {backup}"
                )
            migrate(conn)
            conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if backup is not None:  # the file is as it was: its copy would only pile up, one a run
            backup.unlink(missing_ok=True)
        raise
    if wal:
        _use_wal(conn)


def _backup(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    """A copy of the database as it is, next to it, named with its schema version.

    Read through a second connection: `conn` holds the write lock, so what is copied is
    the last committed state and no other process can change it meanwhile.
    """
    backup = _free_backup_name(path, version)
    try:
        source = _connect(str(path))
        target = sqlite3.connect(backup)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    except sqlite3.Error as e:
        raise DatabaseProblem(f"cannot write the backup copy {backup} before upgrading {path}: {e}") from None
    return backup


def _free_backup_name(path: Path, version: int) -> Path:
    """NAME.vOLD.bak, or NAME.vOLD.2.bak, .3.bak ... when that is taken: an older backup
    of the same version (a file restored from a copy and upgraded again) is never written over."""
    backup = path.with_name(f"{path.name}.v{version}.bak")
    n = 1
    while backup.exists():
        n += 1
        backup = path.with_name(f"{path.name}.v{version}.{n}.bak")
    return backup


class FactFilter(NamedTuple):  # a NamedTuple, not a dataclass: cheaper to create at start-up (see models)
    metric_id: int | None = None
    source_ids: Sequence[int] = ()
    via_id: int | None = None
    since: str | None = None  # ISO day: keep facts whose span ends on or after it
    until: str | None = None  # ISO day: keep facts whose span starts on or before it
    tag: str | None = None
    limit: int | None = None
    newest_first: bool = False
    include_removed: bool = False


# The columns of a Fact in its field order (then removed_at and the span), so that a row
# becomes a Fact positionally: listings build tens of thousands of them.
_FACT_SELECT = """
SELECT f.id, f.uid, m.slug AS metric_slug, f.value, f.low, f.high, f.qualifier, f.display,
       f.date, f.date_precision, f.published, s.name AS source_name, v.name AS via_name,
       f.url, f.quote, f.note, f.tags, f.created_at, f.updated_at, f.removed_at,
       f.date_start, f.date_end
FROM facts f
JOIN metrics m ON m.id = f.metric_id
JOIN sources s ON s.id = f.source_id
LEFT JOIN sources v ON v.id = f.via_id
"""


def fact_from_row(row: sqlite3.Row) -> Fact:
    """A Fact from a row of `_FACT_SELECT`. (models.Fact: the class is made on first use, and
    json imported for the first tags (models.stored_tags): a listing in a data format needs neither.)"""
    return models.Fact.of((*row[:16], models.stored_tags(row[16]), row[17], row[18], row[19] is not None))


_FACT_JOINS = _FACT_SELECT[_FACT_SELECT.index("FROM facts f") :]

# A number as JSON: SQLite writes a real with 15 digits; the few that need more get 17.
_SNAPSHOT_NUMBER = (
    "CASE WHEN typeof({0}) = 'real' AND CAST(CAST({0} AS TEXT) AS REAL) <> {0}"
    " THEN json(printf('%!.17g', {0})) ELSE {0} END"
)


def _new_uid(line: str, prefix: str) -> str:
    """SQL: a new uid, a UUIDv7 from its time part `prefix` (_uid_prefix) and the row's `line`,
    with 48 random bits: the uids of one import are time-ordered and go into the uid index in
    order. (One printf of numbers: 100,000 uids in 51 ms, against 89 ms with the time part
    formatted for each and the random bits as lower(hex(randomblob(6))).)"""
    return (
        f"printf('%s%03x-%x%03x-%012x', {prefix}, ({line} >> 12) & 4095, 8 + (({line} >> 24) & 3), {line} & 4095,"
        " random() & 281474976710655)"
    )


def _uid_prefix(clock_ms: int) -> str:
    """The part of a new uid (_new_uid) that the clock gives, `clock_ms` ms since 1970: the same
    for every uid of one import."""
    return f"{clock_ms >> 16:08x}-{clock_ms & 65535:04x}-7"


# What makes two facts the same fact (`add` and `import` add it once): metric, source, via,
# the date with its precision, qualifier, value and bounds. date_start and date_rank, which the
# date fixes, let the live index find it (metric, source, date_start, date_rank, ...).
_SAME_FACT = (
    *("metric_id", "source_id", "date_start", "date_rank", "via_id"),
    *("date", "qualifier", "value", "low", "high"),
)
_MAY_BE_NULL = frozenset({"via_id", "low", "high"})


def _id_lists(ids: Sequence[int]) -> Iterator[tuple[str, Sequence[int]]]:
    """`ids` 500 at a time, each with its SQL list of parameters, `(?, ?, ...)`: a statement
    holds at most 32,766 of them (999 before SQLite 3.32)."""
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        yield f"({', '.join('?' * len(chunk))})", chunk


def _same_live_fact(f: str, other: Mapping[str, str]) -> str:
    """SQL: live fact `f` is the same fact as `other` (the SQL of each column of _SAME_FACT there)."""
    return " AND ".join(
        [f"{f}.{c} {'IS' if c in _MAY_BE_NULL else '='} {other[c]}" for c in _SAME_FACT] + [f"{f}.removed_at IS NULL"]
    )


def _snapshot(updated_at: str) -> str:
    """SQL: fact `f` as a version of its history stores it (`Fact.to_dict` as JSON), with
    `updated_at` for its updated_at."""
    value, low, high = (_SNAPSHOT_NUMBER.format(f"f.{x}") for x in ("value", "low", "high"))
    return f"""json_object(
        'id', f.id, 'uid', f.uid, 'metric', m.slug, 'value', {value}, 'low', {low}, 'high', {high},
        'qualifier', f.qualifier, 'display', f.display, 'date', f.date, 'date_precision', f.date_precision,
        'published', f.published, 'source', s.name, 'via', v.name, 'url', f.url, 'quote', f.quote,
        'note', f.note, 'tags', json(f.tags), 'created_at', f.created_at, 'updated_at', {updated_at})"""


def _plain_number(x: str) -> str:
    """SQL: whether number `x` prints in SQLite (json_object, printf's %s) as Python's json
    writes `models.number(x)`: an integer, NULL, or a real below 1e9 in sixteenths, which
    has at most 13 digits, all of them exact, and no exponent. Other reals are left to Python."""
    return (
        f"(typeof({x}) IN ('integer', 'null') OR (typeof({x}) = 'real' AND {x} <> 0"
        f" AND abs({x}) < 1e9 AND {x} * 16 = CAST({x} * 16 AS INTEGER)))"
    )


# Three integers (most facts) are told by one test: their sum is an integer only if each is (a real,
# a NULL or an overflow makes it otherwise); the rest are looked at one by one.
_PLAIN_NUMBERS = (
    "(typeof(f.value + f.low + f.high) = 'integer' OR ("
    + " AND ".join(_plain_number(f"f.{x}") for x in ("value", "low", "high"))
    + "))"
)
# json_each ends a tag at a NUL character (stored, by json.dumps, as \u0000): such tags are left to Python.
_TAGS_NO_NUL = "instr(f.tags, '\\u0000') = 0"
# Tags that are all text, as pptrack writes them: json_each reads a `true` another program
# wrote as 1, where Python reads it as the text "true" (models.stored_tags); such tags are left to Python.
_TAGS_TEXT = "NOT EXISTS (SELECT 1 FROM json_each(f.tags) t WHERE t.type <> 'text')"
# Both, for a listing or an export: most facts have no tags, which one comparison tells
# (10,000 facts: 3 of 200 million instructions SQLite runs less than with both tests on every fact).
_TAGS_PLAIN = f"(f.tags = '[]' OR ({_TAGS_NO_NUL} AND {_TAGS_TEXT}))"
_TAGS_JSON = (
    "CASE f.tags WHEN '[]' THEN json('[]') ELSE (SELECT json_group_array(t.value) FROM json_each(f.tags) t) END"
)
# A fact as `Fact.to_dict` in compact JSON, made by SQLite (which escapes text as Python's json
# does; tests/test_lean_listing.py holds it to that); NULL where a number would print otherwise
# or a tag holds a NUL character or is not text.
# The pairs of a fact's JSON object from its value on (listing and export alike).
_FACT_JSON_PAIRS = f"""'value', f.value, 'low', f.low, 'high', f.high,
    'qualifier', f.qualifier, 'display', f.display, 'date', f.date, 'date_precision', f.date_precision,
    'published', f.published, 'source', s.name, 'via', v.name, 'url', f.url, 'quote', f.quote, 'note', f.note,
    'tags', {_TAGS_JSON}, 'created_at', f.created_at, 'updated_at', f.updated_at"""
_FACT_JSON_SELECT = f"""SELECT CASE WHEN {_PLAIN_NUMBERS} AND {_TAGS_PLAIN} THEN json_object(
    'id', f.id, 'uid', f.uid, 'metric', m.slug, {_FACT_JSON_PAIRS}) END AS line, f.id
{_FACT_JOINS}"""
# The cells a user or an article wrote (uid, display, names, url, quote, note, tags joined by ';'):
# render.lines_to_redo finds the lines where one needs quoting or escaping against a formula.
_FACT_TAGS_JOINED = (
    "CASE f.tags WHEN '[]' THEN NULL ELSE (SELECT group_concat(t.value, ';') FROM json_each(f.tags) t) END"
)


# The cells of a fact's csv or tsv line, in FACT_FIELDS order, and those a user or an article wrote.
_FACT_CELLS = (
    "f.id", "f.uid", "m.slug", "f.value", "f.low", "f.high", "f.qualifier", "f.display", "f.date",
    "f.date_precision", "f.published", "s.name", "v.name", "f.url", "f.quote", "f.note", _FACT_TAGS_JOINED,
    "f.created_at", "f.updated_at",
)  # fmt: skip
# Cells checked on input: numbers, the slug, qualifier, dates, precision and timestamps; the
# others (uid, display, names, url, quote, note, tags) a user or an article wrote.
_FACT_CHECKED = frozenset(
    ("f.id", "m.slug", "f.value", "f.low", "f.high", "f.qualifier", "f.date", "f.date_precision", "f.published")
    + ("f.created_at", "f.updated_at")
)
_FACT_TEXTS = tuple(c for c in _FACT_CELLS if c not in _FACT_CHECKED)
# A fact as one tsv line of `Fact.to_dict` made by SQLite, cells as they are (a tab, a quote
# or a line break is rare in them: render.lines_to_redo finds the lines that need quoting or
# escaping, at C speed over the whole listing), or NULL where a number would print otherwise,
# a text holds a NUL character (where printf ends it) or a tag is not text.
# The id is printed as the integer it always is (%d: no text made of it first); the other cells by %s.
_FACT_TSV_LINE = "printf('{}', {})".format("\t".join(["%d"] + ["%s"] * (len(_FACT_CELLS) - 1)), ", ".join(_FACT_CELLS))
_FACT_OPTIONAL = ("f.url", "f.quote", "f.note")


def _no_nul(text: str) -> str:
    """SQL: whether `text` (or NULL) holds no NUL character."""
    return f"instr({text}, char(0)) IS NOT TRUE"


# The names come from the few sources: one look at them all for a NUL (made once a query) spares
# the test of each fact's two names (10,000 facts: 6 of 200 million instructions).
_NAMES_NO_NUL = "NOT EXISTS (SELECT 1 FROM sources WHERE instr(name, char(0)))"
_FACT_TSV_PLAIN = " AND ".join(
    [_PLAIN_NUMBERS, _TAGS_PLAIN]
    + [_no_nul(c) for c in _FACT_TEXTS if c not in (_FACT_TAGS_JOINED, "s.name", "v.name", *_FACT_OPTIONAL)]
    # url, quote and note: most facts have none, which one test tells (3 of 184 million instructions)
    + [f"(coalesce(f.url, f.quote, f.note) IS NULL OR ({' AND '.join(_no_nul(c) for c in _FACT_OPTIONAL)}))"]
    + [f"({_NAMES_NO_NUL} OR ({_no_nul('s.name')} AND {_no_nul('v.name')}))"]
)
_FACT_TSV_SELECT = f"""SELECT CASE WHEN {_FACT_TSV_PLAIN} THEN {_FACT_TSV_LINE} END AS line, f.id
{_FACT_JOINS}"""


# A listing's table (commands.options.fact_columns): id, date, metric, the value as written,
# source, via, and the tags as stored (joined in Python where a fact has any).
_FACT_TABLE_CELLS = ("f.id", "f.date", "m.slug", "f.display", "s.name", "v.name", "f.tags")
_FACT_TABLE_SELECT = f"SELECT {', '.join(_FACT_TABLE_CELLS)} {_FACT_JOINS}"


def _csv_line(cells: Sequence[str], texts: Sequence[str], plain: Sequence[str], *, tail: str = "") -> str:
    """SQL: the csv line of `cells` (then `tail`) as render.write_records writes its record, or
    NULL where Python must write it: where `plain` does not hold, or one of `texts` (the cells
    a user or an article wrote) is a text Python treats otherwise -- with a NUL (where printf
    ends it), a "\r" (a row Python quotes whole), or a formula sign or quote first (escaped,
    see render.csv_cell; a minus too, whose numbers Python leaves as they are). A text with a
    comma, a quote or a newline is quoted as the csv module quotes it."""
    checks = [
        f"instr({c}, char(0)) IS NOT TRUE AND instr({c}, char(13)) IS NOT TRUE"
        f" AND coalesce(unicode({c}), 0) NOT IN (61, 43, 45, 64, 39, 9)"
        for c in texts
    ]
    values = [
        f"""CASE WHEN instr({c}, ',') + instr({c}, '"') + instr({c}, char(10)) = 0 THEN {c}"""
        f""" ELSE '"' || replace({c}, '"', '""') || '"' END"""
        if c in texts
        else c
        for c in cells
    ]
    line = f"printf('{','.join(['%s'] * len(cells))}{tail}', {', '.join(values)})"
    return f"CASE WHEN {' AND '.join([*plain, *checks])} THEN {line} END"


# Numbers stored as numbers: a text where one belongs (another program wrote it) is Python's to write.
_NUMBERS_NOT_TEXT = "typeof(f.value) <> 'text' AND typeof(f.low) <> 'text' AND typeof(f.high) <> 'text'"
# A fact as one csv line of `Fact.to_dict` (see _csv_line): `list --format csv`, where most
# lines quote a cell ("nearly 1,400"), and SQLite quoting them beats Python redoing them.
_FACT_CSV_LINE = _csv_line(_FACT_CELLS, _FACT_TEXTS, (_PLAIN_NUMBERS, _TAGS_PLAIN, _NUMBERS_NOT_TEXT))
_FACT_CSV_SELECT = f"""SELECT {_FACT_CSV_LINE} AS line, f.id
{_FACT_JOINS}"""


def _filtered(select: str, flt: FactFilter) -> tuple[str, list[Any]]:
    """`select` (FROM facts f joined as in _FACT_SELECT) with the WHERE, ORDER BY and LIMIT
    of `flt`, and the parameters."""
    where: list[str] = []
    params: list[Any] = []
    if not flt.include_removed:
        where.append("f.removed_at IS NULL")
    if flt.metric_id is not None:
        where.append("f.metric_id = ?")
        params.append(flt.metric_id)
    if flt.source_ids:
        where.append(f"f.source_id IN ({', '.join('?' for _ in flt.source_ids)})")
        params.extend(flt.source_ids)
    if flt.via_id is not None:
        # Who published the fact: its via, or its source when it has none (the source published it).
        where.append("(f.via_id = ? OR (f.via_id IS NULL AND f.source_id = ?))")
        params.extend([flt.via_id, flt.via_id])
    if flt.since is not None:
        # A span ends on or after `since` only if it starts at most a year before it:
        # saying so lets the date index narrow the scan instead of reading every fact.
        since = date.fromisoformat(flt.since)
        year_before = since - timedelta(days=366) if since - date.min > timedelta(days=366) else date.min
        where.append("f.date_end >= ? AND f.date_start >= ?")
        params.extend([flt.since, year_before.isoformat()])
    if flt.until is not None:
        where.append("f.date_start <= ?")
        params.append(flt.until)
    if flt.tag is not None:
        # A tag is found whatever its case: --tag belarus finds `Belarus` too.
        where.append("EXISTS (SELECT 1 FROM json_each(f.tags) WHERE casefold(json_each.value) = ?)")
        params.append(flt.tag.casefold())
    sql = select
    if where:
        sql += " WHERE " + " AND ".join(where)
    direction = "DESC" if flt.newest_first else "ASC"
    sql += f" ORDER BY f.date_start {direction}, f.date_rank {direction}, f.id {direction}"
    if flt.limit is not None:
        sql += " LIMIT ?"
        params.append(flt.limit)
    return sql, params


class Store:
    """An open database: the connection, its file, and what opening it told the user."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        notices: list[str] | None = None,
        *,
        building: Path | None = None,
        made_folders: Sequence[Path] = (),
        absent: bool = False,
    ) -> None:
        self.conn = conn
        self.path = path
        # Read from a file that does not exist yet (an empty database in memory): each name asked
        # for is made here, in memory only, so that a reading command finds it and no facts.
        self.absent = absent
        self.notices = notices if notices is not None else []
        self.building = building  # the temporary file a new database is built in, until published
        self.made_folders = made_folders  # the folders created for `building` (see _open_aside)

    def publish(self) -> bool:
        """Put a database built aside (open_db's `aside`) at its path, synced to disk and in
        WAL mode, as one new name in the folder: True. False when a file appeared at the path
        meanwhile (another process made it): that file is never replaced, and the one built
        stays at `building`, to be read, until close. True at once for any other store."""
        building = self.building
        if building is None:
            return True
        try:
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.close()
            _sync(building)
            try:
                os.link(building, self.path)  # never over an existing file, unlike a rename
            except FileExistsError:
                return False
            except OSError as e:
                if e.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK):
                    raise
                # A file system without hard links (FAT): the rename replaces only if a file
                # appears between the look and the rename.
                if self.path.exists():
                    return False
                os.rename(building, self.path)
            self.building = None
        except sqlite3.Error as e:
            raise database_problem(self.path, e) from None
        except OSError as e:
            raise DatabaseProblem(f"cannot write {self.path}: {e.strerror or e}; nothing was changed") from None
        try:  # the database is in place, whole: what fails now fails after it
            building.unlink(missing_ok=True)
            _sync(self.path.parent)
        except OSError as e:
            raise DatabaseProblem(
                f"{self.path} was written whole, but syncing its folder failed ({e.strerror or e}): "
                f"after a crash, check that it is there"
            ) from None
        return True

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write, all or nothing. IMMEDIATE takes the write lock up front so
        that concurrent writers wait for it instead of failing on upgrade."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield
                self.conn.execute("COMMIT")
            except BaseException:
                # SQLite may have rolled back already (an I/O error, a full disk).
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as e:
            if isinstance(e, sqlite3.OperationalError) or type(e) is sqlite3.DatabaseError:
                raise database_problem(self.path, e) from None
            raise

    def close(self) -> None:
        self.conn.close()
        if self.building is not None:  # built aside and not published: nobody's data
            partials.discard(self.building)
            _remove_empty(self.made_folders)
            self.building = None

    # --- names -------------------------------------------------------------

    def find_name(self, table: str, key: str) -> sqlite3.Row | None:
        """The metric or source (`table` is 'metric' or 'source') answering to `key`."""
        if table == "metric":
            sql = "SELECT m.* FROM metric_names n JOIN metrics m ON m.id = n.metric_id WHERE n.key = ?"
        else:
            sql = "SELECT s.* FROM source_names n JOIN sources s ON s.id = n.source_id WHERE n.key = ?"
        return self.conn.execute(sql, (key,)).fetchone()

    def all_names(self, table: str) -> list[str]:
        return [r[0] for r in self.conn.execute(f"SELECT name FROM {table}_names ORDER BY name")]

    def insert_metric(self, slug: str, label: str, unit: str | None, kind: str, now: str) -> int:
        cur = self.conn.execute(
            "INSERT INTO metrics (slug, label, unit, kind, created_at) VALUES (?, ?, ?, ?, ?)",
            (slug, label, unit, kind, now),
        )
        return int(cur.lastrowid or 0)

    def insert_source(self, name: str, url: str | None, now: str) -> int:
        cur = self.conn.execute("INSERT INTO sources (name, url, created_at) VALUES (?, ?, ?)", (name, url, now))
        return int(cur.lastrowid or 0)

    def add_name(self, table: str, key: str, owner_id: int, name: str, is_alias: bool) -> None:
        self.conn.execute(
            f"INSERT INTO {table}_names (key, {table}_id, name, is_alias) VALUES (?, ?, ?, ?)",
            (key, owner_id, name, int(is_alias)),
        )

    def name_owner(self, table: str, key: str) -> int | None:
        row = self.conn.execute(f"SELECT {table}_id FROM {table}_names WHERE key = ?", (key,)).fetchone()
        return None if row is None else int(row[0])

    def make_alias(self, table: str, owner_id: int, name: str) -> None:
        """Keep `name` as an alias of its metric or source (`table`), no longer its own name."""
        self.conn.execute(f"UPDATE {table}_names SET is_alias = 1 WHERE {table}_id = ? AND name = ?", (owner_id, name))

    def make_own_name(self, table: str, key: str, name: str) -> None:
        """The name of `key` (an alias, or its own name written otherwise) becomes `name`, the
        metric's or source's own name again."""
        self.conn.execute(f"UPDATE {table}_names SET is_alias = 0, name = ? WHERE key = ?", (name, key))

    def source_name(self, source_id: int) -> str:
        row = self.conn.execute("SELECT name FROM sources WHERE id = ?", (source_id,)).fetchone()
        if row is None:
            raise NotFound(f"no source with id {source_id}; `pptrack sources list` shows the sources")
        return str(row[0])

    def update_metric(self, metric_id: int, **fields: Any) -> None:
        if "slug" in fields:  # its facts' versions keep the name they had
            self.keep_added_versions("f.metric_id = ?", (metric_id,))
        sets = ", ".join(f"{k} = ?" for k in fields)
        self.conn.execute(f"UPDATE metrics SET {sets} WHERE id = ?", (*fields.values(), metric_id))

    def move_source(self, other_id: int, keep_id: int) -> tuple[list[int], list[int]]:
        """Point every fact and name of source `other_id` at `keep_id`; delete `other_id`.
        Return the ids of the facts moved, and of those among them that named one of the two
        as source and the other as via: now their source itself, they have no via."""
        self.keep_added_versions("f.source_id = ? OR f.via_id = ?", (other_id, other_id))
        moved = [
            r[0]
            for r in self.conn.execute(
                "SELECT id FROM facts WHERE source_id = ? OR via_id = ? ORDER BY id", (other_id, other_id)
            )
        ]
        pair = {"keep": keep_id, "other": other_id}
        unvia = [
            r[0]
            for r in self.conn.execute(
                """SELECT id FROM facts WHERE (source_id = :keep AND via_id = :other)
                   OR (source_id = :other AND via_id = :keep) ORDER BY id""",
                pair,
            )
        ]
        self.conn.executemany("UPDATE facts SET via_id = NULL WHERE id = ?", [(i,) for i in unvia])
        self.conn.execute("UPDATE facts SET source_id = ? WHERE source_id = ?", (keep_id, other_id))
        self.conn.execute("UPDATE facts SET via_id = ? WHERE via_id = ?", (keep_id, other_id))
        self.conn.execute(
            "UPDATE source_names SET source_id = ?, is_alias = 1 WHERE source_id = ?", (keep_id, other_id)
        )
        # KEEP takes OTHER's web address where it has none (service.merge_sources tells of two).
        self.conn.execute(
            "UPDATE sources SET url = (SELECT url FROM sources WHERE id = ?) WHERE id = ? AND url IS NULL",
            (other_id, keep_id),
        )
        self.conn.execute("DELETE FROM sources WHERE id = ?", (other_id,))
        return moved, unvia

    def source_url(self, source_id: int) -> str | None:
        row = self.conn.execute("SELECT url FROM sources WHERE id = ?", (source_id,)).fetchone()
        return None if row is None else row[0]

    def metrics(self) -> list[tuple[sqlite3.Row, list[str], int]]:
        return self._catalog("metric", "slug")

    def sources(self) -> list[tuple[sqlite3.Row, list[str], int]]:
        return self._catalog("source", "name")

    def _catalog(self, table: str, order: str) -> list[tuple[sqlite3.Row, list[str], int]]:
        counts = dict(
            self.conn.execute(
                f"SELECT {table}_id, count(*) FROM facts WHERE removed_at IS NULL GROUP BY {table}_id"
            ).fetchall()
        )
        aliases: dict[int, list[str]] = {}
        for owner, name in self.conn.execute(
            f"SELECT {table}_id, name FROM {table}_names WHERE is_alias = 1 ORDER BY name"
        ):
            aliases.setdefault(owner, []).append(name)
        rows = self.conn.execute(f"SELECT * FROM {table}s ORDER BY {order}").fetchall()
        return [(r, aliases.get(r["id"], []), counts.get(r["id"], 0)) for r in rows]

    # --- facts -------------------------------------------------------------

    def insert_fact(self, row: dict[str, Any]) -> int:
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        cur = self.conn.execute(f"INSERT INTO facts ({cols}) VALUES ({marks})", tuple(row.values()))
        return int(cur.lastrowid or 0)

    def update_fact(self, fact_id: int, fields: dict[str, Any]) -> None:
        self.keep_added_versions("f.id = ?", (fact_id,))
        sets = ", ".join(f"{k} = ?" for k in fields)
        self.conn.execute(f"UPDATE facts SET {sets} WHERE id = ?", (*fields.values(), fact_id))

    def fact_row(self, fact_id: int) -> sqlite3.Row:
        row = self.conn.execute("SELECT * FROM facts WHERE id = ?", (fact_id,)).fetchone()
        if row is None:
            raise NotFound(f"no fact with id {fact_id}; `pptrack list` shows the ids")
        return row

    def get_fact(self, fact_id: int) -> Fact:
        row = self.conn.execute(_FACT_SELECT + " WHERE f.id = ?", (fact_id,)).fetchone()
        if row is None:
            raise NotFound(f"no fact with id {fact_id}; `pptrack list` shows the ids")
        return fact_from_row(row)

    def find_identical(self, row: dict[str, Any]) -> int | None:
        """The first live fact that is the same fact as `row` (_SAME_FACT), if any."""
        same = _same_live_fact("f", {c: f":{c}" for c in _SAME_FACT})
        found = self.conn.execute(
            f"SELECT f.id FROM facts f WHERE {same} ORDER BY f.id LIMIT 1", {c: row[c] for c in _SAME_FACT}
        ).fetchone()
        return None if found is None else int(found[0])

    def twins(self, ids: Sequence[int]) -> list[tuple[int, int]]:
        """(earlier, later) ids of each pair of live facts that are the same fact (_SAME_FACT),
        one of them in `ids`: what a merge, an edit or a restore made twice."""
        same = _same_live_fact("g", {c: f"f.{c}" for c in _SAME_FACT})
        pairs: set[tuple[int, int]] = set()
        for listed, chunk in _id_lists(ids):
            pairs.update(
                (min(a, b), max(a, b))
                for a, b in self.conn.execute(
                    f"""SELECT f.id, (SELECT min(g.id) FROM facts g WHERE g.id <> f.id AND {same})
                        FROM facts f WHERE f.removed_at IS NULL AND f.id IN {listed}""",
                    chunk,
                )
                if b is not None
            )
        return sorted(pairs)

    def query_facts(self, flt: FactFilter) -> Iterator[Fact]:
        for row in self.conn.execute(*_filtered(_FACT_SELECT, flt)):
            yield fact_from_row(row)

    def fact_table(self, flt: FactFilter) -> list[list[Any]]:
        """The cells of a listing's table column by column (see _FACT_TABLE_SELECT), each
        fact's tags joined by ", ": no Fact and no record a fact (10,000 facts: about 60 ms less)."""
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples, taken apart into columns in C
        rows = cursor.execute(*_filtered(_FACT_TABLE_SELECT, flt)).fetchall()
        columns = [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in _FACT_TABLE_CELLS]
        columns[-1] = ["" if t == "[]" else ", ".join(models.stored_tags(t)) for t in columns[-1]]
        return columns

    def fact_lines(self, flt: FactFilter, fmt: str) -> list[tuple[str | None, int]]:
        """The facts of `query_facts` as (line, id): the line each gives in `fmt` (json,
        jsonl, csv or tsv), made by SQLite, as `render.write_records` writes its
        `Fact.to_dict` (csv and tsv: before quoting and escaping, see render.lines_to_redo);
        None where a number would print otherwise, a text holds a NUL character or a tag is not
        text. `facts_by_id` gives those to Python."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        return cursor.execute(*_filtered(self._line_select(fmt), flt)).fetchall()

    def fact_block(self, flt: FactFilter, fmt: str) -> tuple[bytes, int] | None:
        """The lines of `fact_lines` joined by SQLite into one text (by ",\n" in json, by
        newlines in the other formats), as its UTF-8 bytes, and how many lines there are: no
        Python string and tuple a line (10,000 facts: 10 ms less), and bytes as they are
        written out, never decoded and encoded again (a copy each way: 2 ms of 1.7 MB). None
        if a line is one SQLite cannot make (then `fact_lines` says which), or the text is
        longer than SQLite makes one (a gigabyte).

        The subquery's ORDER BY gives group_concat its rows in order: SQLite runs an
        ordered subquery of an aggregate as a co-routine and never flattens it. A line SQLite
        cannot make stands in the text as a NUL character, which no line it makes holds (a
        NUL in a text is such a line; JSON escapes it): each mention of `line` out here is a
        copy of it (a count of the lines made was one more: 7 of 200 million instructions)."""
        sql, params = _filtered(self._line_select(fmt), flt)
        separator = ",\n" if fmt == "json" else "\n"
        self.conn.text_factory = bytes  # SQLite's text as UTF-8, whatever the file's encoding
        try:
            data, count = self.conn.execute(
                f"SELECT group_concat(ifnull(line, char(0)), ?), count(*) FROM ({sql})", [separator, *params]
            ).fetchone()
        except sqlite3.DataError:  # SQLITE_TOOBIG
            return None
        finally:
            self.conn.text_factory = str
        data = data or b""
        return None if b"\0" in data else (data, count)

    @staticmethod
    def _line_select(fmt: str) -> str:
        if fmt in ("json", "jsonl"):
            return _FACT_JSON_SELECT
        return _FACT_CSV_SELECT if fmt == "csv" else _FACT_TSV_SELECT

    def facts_by_id(self, ids: Sequence[int]) -> dict[int, Fact]:
        found: dict[int, Fact] = {}
        for listed, chunk in _id_lists(ids):
            sql = _FACT_SELECT + f" WHERE f.id IN {listed}"
            found.update((row[0], fact_from_row(row)) for row in self.conn.execute(sql, chunk))
        return found

    # --- history -----------------------------------------------------------

    # A fact not changed since it was added stores no version: its history is the one 'added'
    # version, the fact as it is. Its first change (edit, removal, merge, its metric renamed)
    # stores that version first, whole, so nothing is lost; an import of many facts writes
    # each of them once rather than twice (100,000 rows: 440 ms less, and a smaller file).

    def keep_added_versions(self, where: str, params: Sequence[Any] = ()) -> None:
        """Store the 'added' version of each fact `f` matching `where` that stores none yet,
        before something changes it."""
        self.conn.execute(
            f"""INSERT INTO fact_versions (fact_id, version, changed_at, change, data)
                SELECT f.id, 1, f.created_at, 'added', {_snapshot("f.updated_at")} {_FACT_JOINS}
                WHERE ({where}) AND NOT EXISTS (SELECT 1 FROM fact_versions x WHERE x.fact_id = f.id)
                ORDER BY f.id""",
            params,
        )

    def add_versions_now(
        self, stamp: str, *, metric_id: int | None = None, ids: Sequence[int] = (), change: str = "edited"
    ) -> None:
        """A version (`change`: edited, removed, restored) at `stamp` of each fact of metric
        `metric_id`, or with an id in `ids`, as it reads now, its updated_at set to `stamp`:
        a name it shows has changed (a metric renamed, a source merged), or an import found
        it changed by hand. Each such fact has a version already (keep_added_versions,
        before the change)."""
        if metric_id is not None:
            self._add_versions_now("f.metric_id = ?", (metric_id,), stamp, change)
        for listed, chunk in _id_lists(ids):
            self._add_versions_now(f"f.id IN {listed}", chunk, stamp, change)

    def _add_versions_now(self, where: str, params: Sequence[Any], stamp: str, change: str) -> None:
        self.conn.execute(
            f"UPDATE facts SET updated_at = ? WHERE id IN (SELECT f.id FROM facts f WHERE {where})", (stamp, *params)
        )
        self.conn.execute(
            f"""INSERT INTO fact_versions (fact_id, version, changed_at, change, data)
                SELECT f.id, (SELECT max(x.version) FROM fact_versions x WHERE x.fact_id = f.id) + 1, ?, ?,
                       {_snapshot("f.updated_at")} {_FACT_JOINS}
                WHERE ({where}) ORDER BY f.id""",
            (stamp, change, *params),
        )

    def add_version(self, fact_id: int, change: str, changed_at: str, data: dict[str, Any]) -> None:
        import json

        self.conn.execute(
            """INSERT INTO fact_versions (fact_id, version, changed_at, change, data)
               VALUES (?, coalesce((SELECT max(version) FROM fact_versions WHERE fact_id = ?), 0) + 1,
                       ?, ?, ?)""",
            (fact_id, fact_id, changed_at, change, json.dumps(data, ensure_ascii=False)),
        )

    def versions(self, fact_id: int) -> list[sqlite3.Row]:
        """(version, changed_at, change, data JSON) of each version of the fact, oldest first."""
        return self.conn.execute(
            f"""SELECT version, changed_at, change, data FROM fact_versions WHERE fact_id = :id
                UNION ALL
                SELECT 1, f.created_at, 'added', {_snapshot("f.updated_at")} {_FACT_JOINS}
                WHERE f.id = :id AND NOT EXISTS (SELECT 1 FROM fact_versions x WHERE x.fact_id = :id)
                ORDER BY 1""",
            {"id": fact_id},
        ).fetchall()

    # --- timeline and latest (pptrack.timeline) ------------------------------

    def latest_per_source(self, as_of: str, metric_id: int | None = None) -> list[list[Any]]:
        """For each metric and each source, its latest live fact whose span starts on or
        before `as_of` (ISO day), as (fact id, metric slug, date, display, source name, via
        name, last day of the span); per metric the most recent first. Two probes of the
        live-facts index (m004) per (metric, source) pair, one to find the fact and one to
        read it, and no row of the facts table: on a million facts 5,000 rows in 21 ms
        against 36 ms for the facts themselves. `facts_by_id` gives the whole facts."""
        params: list[Any] = [as_of]
        where = ""
        if metric_id is not None:
            where = "WHERE m.id = ?"
            params.append(metric_id)
        # `+f.id`: matched as a value of the index, not as the rowid, which would read the table.
        sql = f"""SELECT f.id, m.slug AS slug, f.date, f.display, s.name AS source, v.name AS via, f.date_end
            FROM metrics m CROSS JOIN sources s
            CROSS JOIN facts f ON f.metric_id = m.id AND f.source_id = s.id AND f.removed_at IS NULL
                AND (f.date_start, f.date_rank, +f.id) = (
                    SELECT g.date_start, g.date_rank, g.id FROM facts g
                    WHERE g.metric_id = m.id AND g.source_id = s.id AND g.removed_at IS NULL AND g.date_start <= ?
                    ORDER BY g.date_start DESC, g.date_rank DESC, g.id DESC LIMIT 1)
            LEFT JOIN sources v ON v.id = f.via_id
            {where}
            ORDER BY m.slug, f.date_start DESC, f.date_rank DESC, f.id DESC"""
        # The rows as one JSON text SQLite makes in one step (the ordered subquery feeds the
        # aggregate in order, see fact_block): pptrack.early runs this query in a thread, which
        # would wait for Python's lock at each row taken one by one.
        import json

        try:
            (rows,) = self.conn.execute(
                f"SELECT json_group_array(json_array(id, slug, date, display, source, via, date_end)) FROM ({sql})",
                params,
            ).fetchone()
        except sqlite3.OperationalError:  # a text that is not UTF-8 (another program wrote it)
            # Row by row, the error names the column and text at fault, not the whole answer.
            cursor = self.conn.cursor()
            cursor.row_factory = None
            return [list(row) for row in cursor.execute(sql, params)]
        return json.loads(rows)

    # --- source comparison (pptrack.compare) -----------------------------------

    def comparison_facts(
        self, metric_id: int, *, by_via: bool, group_ids: Sequence[int] = ()
    ) -> Iterator[tuple[str, str, str, float, float | None, float | None, str, str]]:
        """The live facts of one metric, group by group and each group's in date order, as
        (group name, date, precision, value, low, high, qualifier, display): compare.Figure's
        fields. The group is who counted the fact or, `by_via`, who published it (its source
        when no via is given). Read from the live-facts index (m004), which holds them in
        that order by source: on a million facts 10,000 facts from 150 pages of it rather
        than 9,000 pages of the facts table (11 against 32 ms)."""
        group = "coalesce(f.via_id, f.source_id)" if by_via else "f.source_id"
        sql = f"""SELECT s.name, f.date, f.date_precision, f.value, f.low, f.high, f.qualifier, f.display
                  FROM facts f JOIN sources s ON s.id = {group}
                  WHERE f.metric_id = ? AND f.removed_at IS NULL"""
        params: list[Any] = [metric_id]
        if group_ids:
            sql += f" AND {group} IN ({', '.join('?' for _ in group_ids)})"
            params.extend(group_ids)
        sql += f" ORDER BY {group}, f.date_start, f.date_rank, f.id"
        cursor = self.conn.cursor()
        cursor.row_factory = None  # plain tuples: thousands of rows, no sqlite3.Row each
        # Read as they come: the facts not kept are freed at once (10,000 facts: 1 ms).
        return iter(cursor.execute(sql, params))

    def source_names(self, ids: Sequence[int]) -> dict[int, str]:
        sql = f"SELECT id, name FROM sources WHERE id IN ({', '.join('?' for _ in ids)})"
        return {int(i): str(n) for i, n in self.conn.execute(sql, ids)} if ids else {}

    def metric_slug(self, metric_id: int) -> str:
        row = self.conn.execute("SELECT slug FROM metrics WHERE id = ?", (metric_id,)).fetchone()
        if row is None:
            raise NotFound(f"no metric with id {metric_id}; `pptrack metrics list` shows the metrics")
        return str(row[0])

    # --- import and export (pptrack.io) ----------------------------------------

    # An import is staged in temporary tables inside the import's one transaction:
    # `import_rows` holds each checked row as a few keys into `import_values` (each
    # distinct written value) and `import_dates` (each distinct date), so a million
    # rows stream through without being held in memory; matching and writing are then
    # a handful of set-wise statements.

    def import_stage(self) -> None:
        # A bigger page cache for this connection: the facts of a 100,000-row import (about
        # 18 MB) stay in it for the index builds and history snapshots that read them back.
        self.conn.execute("PRAGMA cache_size = -32768")
        for sql in (
            "DROP TABLE IF EXISTS temp.import_rows",
            "DROP TABLE IF EXISTS temp.import_values",
            "DROP TABLE IF EXISTS temp.import_dates",
            """CREATE TEMP TABLE import_values (
                id INTEGER PRIMARY KEY, value NUMERIC, low NUMERIC, high NUMERIC, qualifier TEXT,
                display TEXT)""",
            """CREATE TEMP TABLE import_dates (
                id INTEGER PRIMARY KEY, date TEXT, date_precision TEXT, date_start TEXT, date_end TEXT,
                date_rank INTEGER)""",
            # The fields a hand-made row seldom has are NULL for it; `history` is the JSON list
            # of an export's versions. `status`: NULL (to add), 'present' or 'updated'.
            """CREATE TEMP TABLE import_rows (
                line INTEGER PRIMARY KEY, uid TEXT, metric_id INTEGER, source_id INTEGER, via_id INTEGER,
                value_id INTEGER, interval_id INTEGER, date_id INTEGER, removed INTEGER, published TEXT,
                url TEXT, quote TEXT, note TEXT, tags TEXT, created_at TEXT, updated_at TEXT, removed_at TEXT,
                history TEXT,
                fact_id INTEGER, status TEXT)""",
        ):
            self.conn.execute(sql)

    def import_unstage(self) -> None:
        for table in ("import_rows", "import_values", "import_dates"):
            self.conn.execute(f"DROP TABLE IF EXISTS temp.{table}")

    # Rows a statement: 600 parameters at most, within the 999 of SQLite before 3.32.
    _STAGED_A_STATEMENT = 100

    def _stage(self, into: str, row: str, rows: Sequence[tuple[Any, ...]], n: int = _STAGED_A_STATEMENT) -> None:
        """INSERT INTO `into` VALUES `row` for each of `rows`, `n` rows a
        statement: a big import steps through a thousand statements rather than one a row
        (100,000 rows of ids: 85 -> 50 ms)."""
        whole = len(rows) - len(rows) % n
        if whole:
            sql = f"INSERT INTO {into} VALUES " + ", ".join([row] * n)
            for k in range(0, whole, n):
                self.conn.execute(sql, [cell for r in rows[k : k + n] for cell in r])
        if whole < len(rows):
            self.conn.executemany(f"INSERT INTO {into} VALUES {row}", rows[whole:])

    def stage_values(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """(id, value, low, high, qualifier, display) rows."""
        self._stage("import_values", "(?, ?, ?, ?, ?, ?)", rows)

    def stage_dates(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """(id, date, date_precision, date_start, date_end, date_rank) rows."""
        self.conn.executemany("INSERT INTO import_dates VALUES (?, ?, ?, ?, ?, ?)", rows)

    def stage_rows(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """(line, uid, metric_id, source_id, via_id, value_id, interval_id, date_id, removed, published, url,
        quote, note, tags, created_at, updated_at, removed_at, history) rows."""
        self.conn.executemany(
            "INSERT INTO import_rows (line, uid, metric_id, source_id, via_id, value_id, interval_id, date_id,"
            " removed, published, url, quote, note, tags, created_at, updated_at, removed_at, history)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def stage_bare_rows(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """(line, uid, metric_id, source_id, via_id, value_id, interval_id, date_id, created_at, updated_at)
        rows, not removed and with nothing else: most of an export. Each NULL that stage_rows
        would bind costs Python's sqlite3 an adapter lookup (100,000 rows: 575 ms there, 180 ms
        here, 50 rows a statement)."""
        self._stage(
            "import_rows (line, uid, metric_id, source_id, via_id, value_id, interval_id, date_id,"
            " created_at, updated_at, removed)",
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
            rows,
            50,
        )

    def stage_plain_rows(self, rows: Sequence[tuple[int, int, int, int, int, int]]) -> None:
        """(line, metric_id, source_id, value_id, interval_id, date_id): rows with nothing else."""
        self._stage(
            "import_rows (line, metric_id, source_id, value_id, interval_id, date_id, removed)",
            "(?, ?, ?, ?, ?, ?, 0)",
            rows,
        )

    def staged_uid_twins(self, limit: int) -> list[tuple[int, str, int]]:
        """(line, uid, first line) of rows whose uid an earlier row of the import has already."""
        return self.conn.execute(
            """SELECT r.line, r.uid, t.first FROM import_rows r
               JOIN (SELECT uid, min(line) AS first FROM import_rows WHERE uid IS NOT NULL
                     GROUP BY uid HAVING count(*) > 1) t ON t.uid = r.uid
               WHERE r.line > t.first ORDER BY r.line LIMIT ?""",
            (limit,),
        ).fetchall()

    def match_staged(self, *, before: int, by_ids: bool, twins: bool = True) -> None:
        """Mark each staged row: a uid the database has is that fact; a live row identical
        to a live fact stored before this import (id up to `before`: same metric, source,
        via, date with its precision, qualifier, value and bounds) is present; so is a row
        without uid identical to an earlier live row of the import, written straight into
        facts (add_plain_facts) or staged. The rest stay NULL: to be added. `by_ids`: each
        distinct interval has one interval_id and each date one date_id, so rows are
        compared by ids alone. `twins`: whether two rows of the import may be identical at
        all (False: that search is skipped among the staged rows)."""
        conn = self.conn
        conn.execute(
            "UPDATE import_rows SET fact_id = (SELECT id FROM facts WHERE facts.uid = import_rows.uid)"
            " WHERE uid IS NOT NULL"
        )
        conn.execute("UPDATE import_rows SET status = 'present' WHERE fact_id IS NOT NULL")
        if conn.execute("SELECT 1 FROM facts WHERE removed_at IS NULL LIMIT 1").fetchone() is not None:
            # The staged row's names, its date and its value.
            cells = {c: f"import_rows.{c}" for c in ("metric_id", "source_id", "via_id")}
            cells |= {c: f"d.{c}" for c in ("date_start", "date_rank", "date")}
            cells |= {c: f"v.{c}" for c in ("qualifier", "value", "low", "high")}
            same = _same_live_fact("f", cells)
            match = f"""FROM facts f, import_values v, import_dates d
                       WHERE v.id = import_rows.value_id AND d.id = import_rows.date_id AND {same}
                         AND (import_rows.uid IS NULL OR f.id <= :before)"""
            conn.execute(
                f"""UPDATE import_rows SET status = 'present', fact_id = (SELECT f.id {match} ORDER BY f.id LIMIT 1)
                   WHERE status IS NULL AND NOT removed AND EXISTS (SELECT 1 {match})""",
                {"before": before},
            )
        if not twins:
            return
        same = "r.interval_id" if by_ids else "v.qualifier, v.value, v.low, v.high"
        conn.execute(
            f"""UPDATE import_rows SET status = 'present' WHERE line IN (
                   SELECT line FROM (
                       SELECT r.line, r.uid, row_number() OVER (
                           PARTITION BY r.metric_id, r.source_id, r.via_id, r.date_id, {same} ORDER BY r.line) AS nth
                       FROM import_rows r {"" if by_ids else "JOIN import_values v ON v.id = r.value_id"}
                       WHERE r.status IS NULL AND NOT r.removed)
                   WHERE nth > 1 AND uid IS NULL)"""
        )

    def staged_changed(self, stamp: str) -> list[tuple[int, int, str, str | None, str | None]]:
        """(line, fact id, uid, updated_at, the row's updated_at) of the rows matched by uid
        whose content differs from the stored fact's. A row changed later than the fact is
        newer (updated_at: the row's); so is one of the same time, which no copy of the fact
        as it was stored can be: changed by hand or by another program since its export
        (updated_at: `stamp`, the import's). Else updated_at is None: the row is older, or
        has no time to tell."""
        return self.conn.execute(
            """SELECT r.line, f.id, f.uid, CASE WHEN r.updated_at > f.updated_at THEN r.updated_at
                                                WHEN r.updated_at = f.updated_at THEN ? END,
                      r.updated_at
               FROM import_rows r
               JOIN facts f ON f.id = r.fact_id
               JOIN import_values v ON v.id = r.value_id
               JOIN import_dates d ON d.id = r.date_id
               WHERE r.uid IS NOT NULL
                 AND (f.metric_id IS NOT r.metric_id OR f.source_id IS NOT r.source_id
                      OR f.via_id IS NOT r.via_id OR f.value IS NOT v.value OR f.low IS NOT v.low
                      OR f.high IS NOT v.high OR f.qualifier IS NOT v.qualifier OR f.display IS NOT v.display
                      OR f.date IS NOT d.date OR f.published IS NOT r.published
                      OR f.url IS NOT r.url
                      OR f.quote IS NOT r.quote
                      OR f.note IS NOT r.note
                      OR f.tags IS NOT coalesce(r.tags, '[]')
                      OR (f.removed_at IS NULL) IS NOT (NOT r.removed))
               ORDER BY r.line""",
            (stamp,),
        ).fetchall()

    def update_from_staged(self, line: int, fact_id: int, updated_at: str) -> None:
        """Give fact `fact_id` the content of staged row `line` (a newer version of it), as
        changed at `updated_at`."""
        self.keep_added_versions("f.id = ?", (fact_id,))
        self.conn.execute(
            """UPDATE facts SET (metric_id, value, low, high, qualifier, display, date, date_precision,
                                 date_start, date_end, date_rank, published, source_id, via_id, url, quote,
                                 note, tags, updated_at, removed_at) = (
                   SELECT r.metric_id, v.value, v.low, v.high, v.qualifier, v.display, d.date,
                          d.date_precision, d.date_start, d.date_end, d.date_rank,
                          r.published, r.source_id, r.via_id,
                          r.url, r.quote,
                          r.note, coalesce(r.tags, '[]'),
                          ?, r.removed_at
                   FROM import_rows r JOIN import_values v ON v.id = r.value_id
                   JOIN import_dates d ON d.id = r.date_id WHERE r.line = ?)
               WHERE id = ?""",
            (updated_at, line, fact_id),
        )
        self.conn.execute("UPDATE import_rows SET status = 'updated' WHERE line = ?", (line,))

    def staged_counts(self) -> dict[str | None, int]:
        return dict(self.conn.execute("SELECT status, count(*) FROM import_rows GROUP BY status").fetchall())

    def write_staged(self, stamp: str, clock_ms: int) -> None:
        """Insert every staged row still to add as a fact, in file order, each with an
        'added' version (the fact as `Fact.to_dict` gives it); a removed row also gets its
        'removed' version. A row without uid gets a new one: a UUIDv7 from `clock_ms` (ms
        since 1970) and the row's line, time-ordered so that a million of them go into
        the uid index in order rather than at random places."""
        conn = self.conn
        base = self.last_fact_id()
        adding = conn.execute("SELECT count(*) FROM import_rows WHERE status IS NULL").fetchone()[0]
        # Many facts go in faster without the other indexes of `facts`, which are then built
        # again, sorted, in one go (inside this transaction: readers never miss them).
        rebuild = self.drop_fact_indexes() if adding >= 10_000 and adding >= base else []
        conn.execute(
            f"""INSERT INTO facts (uid, metric_id, value, low, high, qualifier, display, date,
                                  date_precision, date_start, date_end, date_rank, published, source_id,
                                  via_id, url, quote, note, tags, created_at, updated_at, removed_at)
               SELECT coalesce(r.uid, {_new_uid("r.line", ":uid_prefix")}),
                      r.metric_id, v.value, v.low, v.high, v.qualifier, v.display, d.date,
                      d.date_precision, d.date_start, d.date_end, d.date_rank,
                      r.published, r.source_id, r.via_id, r.url,
                      r.quote, r.note,
                      coalesce(r.tags, '[]'),
                      coalesce(r.created_at, :stamp),
                      coalesce(r.updated_at, r.created_at, :stamp),
                      r.removed_at
               FROM import_rows r
               JOIN import_values v ON v.id = r.value_id JOIN import_dates d ON d.id = r.date_id
               WHERE r.status IS NULL ORDER BY r.line""",
            {"stamp": stamp, "uid_prefix": _uid_prefix(clock_ms)},
        )
        self.create_fact_indexes(rebuild)
        # A row that comes removed, or changed since it was made (updated_at later than
        # created_at), has more history than the fact as it is: its 'added' version is
        # stored now (as the fact was made), then the removal.
        conn.execute(
            f"""INSERT INTO fact_versions (fact_id, version, changed_at, change, data)
               SELECT f.id, 1, f.created_at, 'added', {_snapshot("f.created_at")} {_FACT_JOINS}
               WHERE f.id > ? AND (f.removed_at IS NOT NULL OR f.updated_at <> f.created_at) ORDER BY f.id""",
            (base,),
        )
        conn.execute(
            """INSERT INTO fact_versions (fact_id, version, changed_at, change, data)
               SELECT f.id, 2, f.removed_at, 'removed', x.data
               FROM facts f JOIN fact_versions x ON x.fact_id = f.id AND x.version = 1
               WHERE f.id > ? AND f.removed_at IS NOT NULL""",
            (base,),
        )

    def drop_fact_indexes(self) -> list[str]:
        """Drop the indexes of `facts` (but the uid's); return the SQL that makes them again."""
        rebuild = [
            (str(name), str(sql))
            for name, sql in self.conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'facts' AND sql IS NOT NULL"
            )
        ]
        for name, _ in rebuild:
            self.conn.execute(f'DROP INDEX "{name}"')
        return [sql for _, sql in rebuild]

    def create_fact_indexes(self, sqls: Sequence[str]) -> None:
        for sql in sqls:
            self.conn.execute(sql)

    def last_fact_id(self) -> int:
        """The highest fact id, 0 when there is none: facts added later have higher ones."""
        return int(self.conn.execute("SELECT coalesce(max(id), 0) FROM facts").fetchone()[0])

    def facts_empty(self) -> bool:
        return self.conn.execute("SELECT 1 FROM facts LIMIT 1").fetchone() is None

    def add_plain_facts(self, rows: Sequence[tuple[int, int, int, int, int, int]], stamp: str, clock_ms: int) -> None:
        """Add (line, metric_id, source_id, value_id, interval_id, date_id) rows straight as
        facts, in line order, values and dates from the staged ones: rows of just metric,
        value, date and source that nothing stored or staged can match (see io._Importer).
        No staging table between: 100,000 rows are written once, not three times."""
        n = self._STAGED_A_STATEMENT

        def statement(count: int) -> str:
            # ?1 is the time stamp and ?2 the time part of the uids; then five cells a row.
            return f"""INSERT INTO facts (uid, metric_id, value, low, high, qualifier, display, date,
                                  date_precision, date_start, date_end, date_rank, source_id, tags, created_at,
                                  updated_at)
               SELECT {_new_uid("r.column1", "?2")}, r.column2, v.value, v.low, v.high, v.qualifier, v.display,
                      d.date, d.date_precision, d.date_start, d.date_end, d.date_rank, r.column3, '[]', ?1, ?1
               FROM (VALUES {", ".join(["(?, ?, ?, ?, ?)"] * count)}) r
               JOIN import_values v ON v.id = r.column4 JOIN import_dates d ON d.id = r.column5
               ORDER BY r.column1"""

        full = statement(n)
        for k in range(0, len(rows), n):
            chunk = rows[k : k + n]
            params: list[Any] = [stamp, _uid_prefix(clock_ms)]
            params += [cell for row in chunk for cell in (row[0], row[1], row[2], row[3], row[5])]
            self.conn.execute(full if len(chunk) == n else statement(len(chunk)), params)

    def remove_twin_facts(self, *, after: int) -> int:
        """Take out each live fact with an id above `after` identical to a live fact of a lower
        id (as match_staged finds a row identical to a fact): rows of an import written straight
        into `facts` (add_plain_facts) that repeat an earlier row, which is already present.
        Such a fact was added in this transaction and has no version. Return how many.

        The facts are read in the order of the live index (`+f.id`: not by id), so that each
        one's earlier twins are looked for where the last were: past a million facts, 0.7 s
        against 3.1 s when read by id, each search then landing on another page."""
        same = _same_live_fact("g", {c: f"f.{c}" for c in _SAME_FACT})
        return self.conn.execute(
            f"""DELETE FROM facts WHERE id IN (
                   SELECT f.id FROM facts f WHERE +f.id > ? AND f.removed_at IS NULL AND EXISTS (
                       SELECT 1 FROM facts g WHERE g.id < f.id AND {same}))""",
            (after,),
        ).rowcount

    def staged_histories(self) -> Iterator[tuple[int, str]]:
        """(new fact id, history JSON) of the added rows that bring their own history."""
        yield from self.conn.execute(
            """SELECT f.id, r.history FROM import_rows r JOIN facts f ON f.uid = r.uid
               WHERE r.status IS NULL AND r.history IS NOT NULL ORDER BY r.line"""
        )

    def replace_versions(self, fact_ids: Sequence[int], rows: Sequence[tuple[int, int, str, str, str]]) -> None:
        """Put `rows` (fact id, version, changed_at, change, data JSON) in place of the
        versions of `fact_ids`."""
        self.conn.executemany("DELETE FROM fact_versions WHERE fact_id = ?", [(i,) for i in fact_ids])
        self.insert_versions(rows)

    def insert_versions(self, rows: Sequence[tuple[int, int, str, str, str]]) -> None:
        """(fact id, version, changed_at, change, data JSON) rows."""
        self.conn.executemany(
            "INSERT INTO fact_versions (fact_id, version, changed_at, change, data) VALUES (?, ?, ?, ?, ?)", rows
        )

    def metric_kind(self, metric_id: int) -> str:
        return str(self.conn.execute("SELECT kind FROM metrics WHERE id = ?", (metric_id,)).fetchone()[0])

    def count_facts(self) -> int:
        """Every fact, removed ones too."""
        return int(self.conn.execute("SELECT count(*) FROM facts").fetchone()[0])

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """One read transaction: the statements of an export, metric by metric and line by
        line, all see the database as it was when the first of them read it."""
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")  # nothing was written: ends the read

    def export_rows(self) -> Iterator[tuple[Any, ...]]:
        """Every fact, removed ones too, as plain tuples (id, uid, metric, kind, value, low, high,
        qualifier, display, date, date_precision, published, source, via, url, quote, note, tags,
        created_at, updated_at, removed_at, plain) in a stable order
        (metric, date order, source, uid), with its metric's kind and whether its history
        is only its 'added' version as it stands (`plain`): such a history need not be
        written out, import rebuilds it from the fact (as it does for a fact that stores
        no version at all)."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        for metric_id in self._export_metric_ids():
            yield from cursor.execute(f"{self._EXPORT_SELECT} WHERE f.metric_id = ? {self._EXPORT_ORDER}", (metric_id,))

    def export_rows_by_id(self, ids: Sequence[int]) -> dict[int, tuple[Any, ...]]:
        """The rows of export_rows of the facts `ids`, by id."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        found: dict[int, tuple[Any, ...]] = {}
        for listed, chunk in _id_lists(ids):
            sql = f"{self._EXPORT_SELECT} WHERE f.id IN {listed}"
            found.update((row[0], row) for row in cursor.execute(sql, chunk))
        return found

    def export_lines(self, size: int, fmt: str = "jsonl") -> Iterator[list[tuple[bytes | None, int]]]:
        """The facts of export_rows, in the same order, up to `size` at a time, as (line, id):
        the line `export` writes for the fact in JSON Lines, made by SQLite as UTF-8 bytes
        (before render's escaping of characters a terminal could obey), or None where Python
        must write it: a history to write out, a number SQLite prints otherwise than Python's
        json (_plain_number), a NUL in a tag (json_each ends the tag there), a tag that is not
        text (_TAGS_PLAIN). Most facts have none of these: no Python tuple of 22 values and
        dict of 21 a fact, and no json encoding.
        In csv (`fmt`), the fact's csv line (see _EXPORT_CSV_SELECT)."""
        cursor = self.conn.cursor()
        cursor.row_factory = None
        sql = self._EXPORT_CSV_SELECT if fmt == "csv" else self._EXPORT_LINE_SELECT
        for metric_id in self._export_metric_ids():
            cursor.execute(sql, (metric_id,))
            while True:
                self.conn.text_factory = bytes  # the lines as SQLite made them: UTF-8, not decoded
                try:
                    batch = cursor.fetchmany(size)
                finally:
                    self.conn.text_factory = str
                if not batch:
                    break
                yield batch

    def _export_metric_ids(self) -> list[int]:
        # Metric by metric (few), so that the facts index gives the date order and only
        # facts of one date are sorted further: no sort of the whole table.
        return [r[0] for r in self.conn.execute("SELECT id FROM metrics ORDER BY slug")]

    # Whether a fact's history is only its 'added' version as it stands. Most facts store no
    # version at all (nothing changed since they were added): one probe of the versions index
    # tells, and only a fact with versions has them looked at.
    _EXPORT_PLAIN = """(f.created_at = f.updated_at AND f.removed_at IS NULL
        AND (NOT EXISTS (SELECT 1 FROM fact_versions x WHERE x.fact_id = f.id)
             OR (NOT EXISTS (SELECT 1 FROM fact_versions x WHERE x.fact_id = f.id AND x.version = 2)
                 AND (NOT EXISTS (SELECT 1 FROM fact_versions x WHERE x.fact_id = f.id AND x.version = 1)
                      OR EXISTS (SELECT 1 FROM fact_versions x WHERE x.fact_id = f.id AND x.version = 1
                                 AND x.change = 'added' AND x.changed_at = f.created_at
                                 AND json_extract(x.data, '$.metric') = m.slug
                                 AND json_extract(x.data, '$.source') = s.name
                                 AND json_extract(x.data, '$.via') IS v.name)))))"""
    _EXPORT_FROM = _FACT_JOINS
    _EXPORT_ORDER = "ORDER BY f.date_start, f.date_rank, s.name, f.uid"
    _EXPORT_SELECT = f"""SELECT f.id, f.uid, m.slug, m.kind, f.value, f.low, f.high, f.qualifier, f.display, f.date,
                      f.date_precision, f.published, s.name, v.name, f.url, f.quote, f.note, f.tags,
                      f.created_at, f.updated_at, f.removed_at, {_EXPORT_PLAIN}
               {_EXPORT_FROM}"""
    # A plain fact's line as io.export_record gives it to json (in EXPORT_FIELDS order), made by
    # SQLite, which escapes text as Python's json does (tests/test_export_lines.py holds it to
    # that); a plain fact is never removed and has no history to write.
    _EXPORT_LINE_SELECT = f"""SELECT CASE WHEN {_EXPORT_PLAIN} AND {_PLAIN_NUMBERS} AND {_TAGS_PLAIN} THEN json_object(
                   'uid', f.uid, 'metric', m.slug, 'kind', m.kind, {_FACT_JSON_PAIRS},
                   'removed_at', NULL, 'history', json_array()) END, f.id
               {_EXPORT_FROM}
               WHERE f.metric_id = ?
               {_EXPORT_ORDER}"""

    # A plain fact's csv line (history and removed_at empty): see _csv_line. Its cells are a
    # listing's but the id, with the metric's kind after the slug.
    _EXPORT_CSV_SELECT = f"""SELECT {_csv_line(
            ("f.uid", "m.slug", "m.kind", *_FACT_CELLS[3:]),
            _FACT_TEXTS,
            (_EXPORT_PLAIN, _PLAIN_NUMBERS, _TAGS_PLAIN, _NUMBERS_NOT_TEXT),
            tail=",,",
        )}, f.id
               {_EXPORT_FROM}
               WHERE f.metric_id = ?
               {_EXPORT_ORDER}"""  # fmt: skip

    # --- checks (pptrack.check) --------------------------------------------------

    def integrity_problems(self) -> list[str]:
        """What `PRAGMA integrity_check` finds; empty when the file is sound."""
        rows = [str(r[0]) for r in self.conn.execute("PRAGMA integrity_check")]
        return [] if rows == ["ok"] else rows

    def foreign_key_problems(self) -> list[tuple[str, int | None, str]]:
        """(table, rowid, parent table) of each row whose reference points nowhere."""
        return [(str(r[0]), r[1], str(r[2])) for r in self.conn.execute("PRAGMA foreign_key_check")]

    def orphans(self) -> list[tuple[str, int, str]]:
        """(table, rowid, what is missing) for rows whose owner is gone."""
        queries = (
            ("facts", "its metric", "SELECT id FROM facts WHERE metric_id NOT IN (SELECT id FROM metrics)"),
            ("facts", "its source", "SELECT id FROM facts WHERE source_id NOT IN (SELECT id FROM sources)"),
            (
                "facts",
                "its via source",
                "SELECT id FROM facts WHERE via_id IS NOT NULL AND via_id NOT IN (SELECT id FROM sources)",
            ),
            (
                "metric_names",
                "its metric",
                "SELECT rowid FROM metric_names WHERE metric_id NOT IN (SELECT id FROM metrics)",
            ),
            (
                "source_names",
                "its source",
                "SELECT rowid FROM source_names WHERE source_id NOT IN (SELECT id FROM sources)",
            ),
            ("fact_versions", "its fact", "SELECT id FROM fact_versions WHERE fact_id NOT IN (SELECT id FROM facts)"),
        )
        return [(table, int(r[0]), missing) for table, missing, sql in queries for r in self.conn.execute(sql)]

    def nameless(self) -> list[tuple[str, int]]:
        """(table, id) of metrics and sources that answer to no name: no command can reach them."""
        return [
            (table, int(r[0]))
            for table, sql in (
                ("metrics", "SELECT id FROM metrics WHERE id NOT IN (SELECT metric_id FROM metric_names) ORDER BY id"),
                ("sources", "SELECT id FROM sources WHERE id NOT IN (SELECT source_id FROM source_names) ORDER BY id"),
            )
            for r in self.conn.execute(sql)
        ]

    def facts_without_added_version(self) -> list[int]:
        """Live facts whose history does not begin with 'added': some versions stored, none
        of them 'added'; or none stored although the fact was changed since it was made."""
        sql = """SELECT id FROM facts f WHERE removed_at IS NULL AND CASE
                   WHEN EXISTS (SELECT 1 FROM fact_versions v WHERE v.fact_id = f.id)
                   THEN NOT EXISTS (SELECT 1 FROM fact_versions v WHERE v.fact_id = f.id AND v.change = 'added')
                   ELSE f.updated_at <> f.created_at END
                 ORDER BY id"""
        return [int(r[0]) for r in self.conn.execute(sql)]

    # What a version says of the fact itself (not of its metric's or source's names, which a
    # rename changes without a version): check.history_problems holds each fact to its last version.
    VERSIONED_FIELDS = (
        *("value", "low", "high", "qualifier", "display", "date", "date_precision"),
        *("published", "url", "quote", "note", "tags"),
    )

    def last_versions(self, ids: Sequence[int] | None = None) -> Iterator[sqlite3.Row]:
        """Each fact with a stored history (or those of them with an id in `ids`): its id,
        VERSIONED_FIELDS and removed_at, its last version's change and data, and `state`, the
        last change that was not an edit (added, removed or restored: whether the history
        has the fact removed; an edit of a removed fact, a merge or rename that reaches it,
        leaves it removed)."""
        columns = ", ".join(f"f.{c}" for c in self.VERSIONED_FIELDS)
        sql = f"""SELECT f.id, {columns}, f.removed_at, v.change, v.data,
                       (SELECT x.change FROM fact_versions x WHERE x.fact_id = f.id AND x.change <> 'edited'
                        ORDER BY x.version DESC LIMIT 1) AS state
                FROM facts f JOIN fact_versions v ON v.fact_id = f.id
                WHERE v.version = (SELECT max(x.version) FROM fact_versions x WHERE x.fact_id = f.id)"""
        if ids is None:
            yield from self.conn.execute(sql + " ORDER BY f.id")
            return
        for listed, chunk in _id_lists(sorted(ids)):
            yield from self.conn.execute(f"{sql} AND f.id IN {listed} ORDER BY f.id", chunk)

    def facts_to_check_more(self) -> Iterator[dict[str, Any]]:
        """The facts (id, source_id, via_id and times) whose via is their source, or with a
        time not of the form pptrack writes (roughly: check.time_problems reads them
        exactly) or before created_at: one scan in SQL, where Python reading every row's
        times cost a million facts 12 s."""
        form = "'" + "[0-9]" * 4 + "-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]." + "[0-9]" * 6 + "Z'"
        times = ("created_at", "updated_at", "removed_at")
        odd = " OR ".join(f"({c} IS NOT NULL AND {c} NOT GLOB {form})" for c in times)
        for row in self.conn.execute(
            f"""SELECT id, source_id, via_id, created_at, updated_at, removed_at FROM facts
               WHERE via_id = source_id OR {odd} OR updated_at < created_at OR removed_at < created_at
               ORDER BY id"""
        ):
            yield dict(row)

    def stored_facts(self) -> Iterator[dict[str, Any]]:
        """Every fact row as stored, with the storage type of its numbers."""
        for row in self.conn.execute(
            """SELECT id, value, low, high, qualifier, display, date, date_precision, date_start,
                      date_end, date_rank, published, tags, typeof(value) AS value_type,
                      typeof(low) AS low_type, typeof(high) AS high_type
               FROM facts ORDER BY id"""
        ):
            yield dict(row)
