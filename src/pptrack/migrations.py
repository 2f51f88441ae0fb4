"""The schema, as sqlite-utils migrations applied in order; `PRAGMA user_version` counts them.

sqlite-utils applies them to a file made by an older pptrack. A new, empty file gets
the same functions run against `_Executor`, a stand-in for the one method of
sqlite_utils.Database they use, with sqlite-utils' own record of each written as it
would write it: the file is then as sqlite-utils would have made it (tests/test_migrations.py
holds that), without importing sqlite-utils (and numpy with it), about 150 ms of the first
command on a new database.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

MIGRATION_SET = "pptrack"


def m001_create_tables(db: Database) -> None:
    for sql in (
        """CREATE TABLE metrics (
            id INTEGER PRIMARY KEY,
            slug TEXT NOT NULL UNIQUE,
            label TEXT NOT NULL,
            unit TEXT,
            kind TEXT NOT NULL DEFAULT 'stock' CHECK (kind IN ('stock', 'cumulative', 'flow')),
            created_at TEXT NOT NULL)""",
        # Every name a metric answers to (slug, label, aliases), by match key.
        """CREATE TABLE metric_names (
            key TEXT PRIMARY KEY,
            metric_id INTEGER NOT NULL REFERENCES metrics(id),
            name TEXT NOT NULL,
            is_alias INTEGER NOT NULL DEFAULT 0)""",
        """CREATE TABLE sources (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            url TEXT,
            created_at TEXT NOT NULL)""",
        """CREATE TABLE source_names (
            key TEXT PRIMARY KEY,
            source_id INTEGER NOT NULL REFERENCES sources(id),
            name TEXT NOT NULL,
            is_alias INTEGER NOT NULL DEFAULT 0)""",
        """CREATE TABLE facts (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,
            metric_id INTEGER NOT NULL REFERENCES metrics(id),
            value NUMERIC NOT NULL,
            low NUMERIC,
            high NUMERIC,
            qualifier TEXT NOT NULL,
            display TEXT NOT NULL,
            date TEXT NOT NULL,
            date_precision TEXT NOT NULL CHECK (date_precision IN ('year', 'month', 'day')),
            date_start TEXT NOT NULL,
            date_end TEXT NOT NULL,
            date_rank INTEGER NOT NULL,
            published TEXT,
            source_id INTEGER NOT NULL REFERENCES sources(id),
            via_id INTEGER REFERENCES sources(id),
            url TEXT,
            quote TEXT,
            note TEXT,
            tags TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            removed_at TEXT)""",
        "CREATE INDEX facts_by_metric_date ON facts (metric_id, date_start, date_rank, id)",
        "CREATE INDEX facts_by_date ON facts (date_start, date_rank, id)",
        "CREATE INDEX facts_by_source ON facts (source_id)",
        "CREATE INDEX facts_by_via ON facts (via_id)",
        # Each version of each fact, whole, as JSON: nothing is ever lost.
        """CREATE TABLE fact_versions (
            id INTEGER PRIMARY KEY,
            fact_id INTEGER NOT NULL REFERENCES facts(id),
            version INTEGER NOT NULL,
            changed_at TEXT NOT NULL,
            change TEXT NOT NULL CHECK (change IN ('added', 'edited', 'removed', 'restored')),
            data TEXT NOT NULL,
            UNIQUE (fact_id, version))""",
        # For Datasette and sqlite-utils users: facts with their names, live ones only.
        """CREATE VIEW facts_named AS
            SELECT f.id, f.uid, m.slug AS metric, f.value, f.low, f.high, f.qualifier,
                   f.display, f.date, f.date_precision, f.published, s.name AS source,
                   v.name AS via, f.url, f.quote, f.note, f.tags, f.created_at, f.updated_at
            FROM facts f
            JOIN metrics m ON m.id = f.metric_id
            JOIN sources s ON s.id = f.source_id
            LEFT JOIN sources v ON v.id = f.via_id
            WHERE f.removed_at IS NULL""",
    ):
        db.execute(sql)


def m002_datasette_views(db: Database) -> None:
    # The latest live figure of each source for each metric, with names: the "who says
    # what now" table a Datasette visitor looks for first. "Latest" is the last in the
    # date order of the facts: span start, then the finer precision, then id.
    db.execute(
        """CREATE VIEW latest_per_metric_source AS
            SELECT id, uid, metric, kind, value, low, high, qualifier, display, date, date_precision,
                   published, source, via, url, quote, note, tags, created_at, updated_at
            FROM (
                SELECT f.*, m.slug AS metric, m.kind AS kind, s.name AS source, v.name AS via,
                       row_number() OVER (
                           PARTITION BY f.metric_id, f.source_id
                           ORDER BY f.date_start DESC, f.date_rank DESC, f.id DESC
                       ) AS newest
                FROM facts f
                JOIN metrics m ON m.id = f.metric_id
                JOIN sources s ON s.id = f.source_id
                LEFT JOIN sources v ON v.id = f.via_id
                WHERE f.removed_at IS NULL
            )
            WHERE newest = 1
            ORDER BY metric, source"""
    )


def m003_latest_index(db: Database) -> None:
    # `latest` and the Datasette view want each source's newest fact of a metric: one
    # probe down this index per (metric, source) instead of a walk through the metric's
    # facts (on a million facts: 537 ms → 30 ms for the query).
    db.execute("CREATE INDEX facts_by_metric_source_date ON facts (metric_id, source_id, date_start, date_rank, id)")


def m004_live_facts_index(db: Database) -> None:
    # m003's index, for live facts only and carrying what `latest` shows and `diff-sources`
    # compares (and what `add` and import match a fact by), so that these read the index
    # alone, never the facts table: on a million facts diff-sources reads 10,000 facts scattered
    # over 45,000 pages of the table (32 ms) or 150 pages of this index (11 ms), and latest
    # finds each source's figure without reading its row. removed_at is listed, although
    # always NULL here, because SQLite counts an index as covering only when it holds every
    # column a query names. It replaces m003's index, which every query using it had to
    # follow to the table to learn whether a fact was removed.
    db.execute("DROP INDEX IF EXISTS facts_by_metric_source_date")
    db.execute(
        """CREATE INDEX facts_live_by_metric_source_date ON facts (
               metric_id, source_id, date_start, date_rank, id,
               via_id, date, date_precision, value, low, high, qualifier, display, date_end, removed_at)
           WHERE removed_at IS NULL"""
    )


MIGRATIONS = [m001_create_tables, m002_datasette_views, m003_latest_index, m004_live_facts_index]
SCHEMA_VERSION = len(MIGRATIONS)

# sqlite-utils' record of applied migrations (Migrations.migrations_table), as its
# ensure_migrations_table creates it and _record_applied fills it.
_APPLIED_TABLE = (
    'CREATE TABLE "_sqlite_migrations" (\n   "id" INTEGER PRIMARY KEY,\n   "migration_set" TEXT,\n'
    '   "name" TEXT,\n   "applied_at" TEXT\n)',
    'CREATE UNIQUE INDEX "idx__sqlite_migrations_migration_set_name"\n'
    '    ON "_sqlite_migrations" ("migration_set", "name")',
)
_RECORD_APPLIED = 'INSERT INTO "_sqlite_migrations" ("migration_set", "name", "applied_at") VALUES (?, ?, ?)'


class _Executor:
    """What a migration uses of sqlite_utils.Database (`execute`), on a plain connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, parameters: Any = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, parameters)


def migrate(conn: sqlite3.Connection) -> None:
    """Apply the pending migrations inside the caller's transaction: to a new, empty
    database without sqlite-utils, to any other through it."""
    if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
        _create(conn)
    else:
        _upgrade(conn)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _create(conn: sqlite3.Connection) -> None:
    """Every migration, in order, with sqlite-utils' record of it: its Migrations.apply, step for step."""
    from datetime import UTC, datetime

    for sql in _APPLIED_TABLE:
        conn.execute(sql)
    db: Any = _Executor(conn)  # a stand-in where the migrations expect a Database
    for fn in MIGRATIONS:
        fn(db)
        conn.execute(_RECORD_APPLIED, (MIGRATION_SET, fn.__name__, str(datetime.now(UTC))))


def _upgrade(conn: sqlite3.Connection) -> None:
    from sqlite_utils import Database

    chain().apply(Database(conn))


def chain() -> Migrations:
    """The migrations as sqlite-utils Migrations: what upgrades a file, and finds what is pending in one."""
    from sqlite_utils.migrations import Migrations

    migrations = Migrations(MIGRATION_SET)
    for fn in MIGRATIONS:
        migrations()(fn)
    return migrations
