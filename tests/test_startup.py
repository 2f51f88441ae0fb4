"""Start-up stays lean: a command imports only what it uses.

Each case runs the command in a fresh interpreter and lists which of the watched
modules it imported: one heavy import added back (at the top of a module that
`--version`, `add` or `list` loads) fails here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

HEAVY = ("rich", "sqlite_utils", "dateutil", "pydantic", "plotext", "matplotlib")
# Modules `--version` needs none of: it answers before any command module is loaded.
NOT_FOR_VERSION = (
    *HEAVY,
    "sqlite3",
    "json",
    "csv",
    "decimal",
    "calendar",
    "pptrack.store",
    "pptrack.render",
    "pptrack.service",
    "pptrack.models",
    "pptrack.commands",
)
# `add` of a value and date in the common shapes reads them without decimal or calendar.
NOT_FOR_ADD = (*HEAVY, "decimal", "calendar")
# A listing in a data format parses no value and, without --since/--until, no date; its
# text, made whole by SQLite, is written before Typer would be loaded (pptrack.early).
NOT_FOR_LISTING = (
    *HEAVY, "decimal", "calendar", "pptrack.values", "pptrack.dates", "unicodedata", "typer", "click", "pptrack.cli"
)  # fmt: skip
# The command as installed: pptrack.main (which may start a query early, pptrack.early).
PROBE = """
import sys
from pptrack import main
watched = sys.argv[1].split(",")
sys.argv = ["pptrack", *sys.argv[2:]]
try:
    main()
except SystemExit:
    pass
loaded = {w for w in watched for m in list(sys.modules) if m == w or m.startswith(w + ".")}
print("loaded:" + ",".join(sorted(loaded)), file=sys.stderr)
"""


def loaded_modules(watched: tuple[str, ...], *args: str) -> set[str]:
    """Which of `watched` (modules or packages) a fresh `pptrack ARGS` imports."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, ",".join(watched), *args], capture_output=True, text=True, timeout=60
    )
    last = result.stderr.splitlines()[-1]
    assert last.startswith("loaded:"), result.stderr
    return {m for m in last.removeprefix("loaded:").split(",") if m}


def test_version_imports_nothing_heavy() -> None:
    assert loaded_modules(NOT_FOR_VERSION, "--version") == set()


def test_a_bad_command_is_told_without_the_database(db_path: Path) -> None:
    assert loaded_modules(("sqlite3", "pptrack.store"), "lsit") == set()


@pytest.mark.parametrize(
    "args",
    [
        ["add", "pp", "6", "--date", "2021", "--source", "X"],
        ["add", "pp", "nearly 1,400", "--date", "2024-05", "--source", "X"],
        ["add", "pp", "1,200-1,400", "--date", "2025-08-01", "--source", "X", "--format", "json"],
    ],
)
def test_add_imports_only_what_it_uses(args: list[str], db_path: Path, run) -> None:
    run("add", "pp", "5", "--date", "2021", "--source", "X")  # the database exists: no migration is due
    assert loaded_modules(NOT_FOR_ADD, *args, "--db", str(db_path)) == set()


@pytest.mark.parametrize(
    "args",
    [["add", "pp", "6", "--date", "2021", "--source", "X"], ["list", "--format", "json"]],
    ids=["add", "list"],
)
def test_a_new_database_is_made_without_sqlite_utils(args: list[str], db_path: Path) -> None:
    """The schema of a new file (or of the empty one in memory a listing reads) comes from
    the migrations run without sqlite-utils, which would bring numpy when installed."""
    assert not db_path.exists()
    assert loaded_modules((*NOT_FOR_ADD, "numpy"), *args, "--db", str(db_path)) == set()
    assert db_path.exists() == (args[0] == "add")


@pytest.mark.parametrize("fmt", ["tsv", "csv", "json", "jsonl"])
def test_listings_import_no_parsing(fmt: str, db_path: Path, run) -> None:
    run("add", "pp", "nearly 1,400", "--date", "2024-05", "--source", "X", "--tag", "a")
    assert loaded_modules(NOT_FOR_LISTING, "list", "--format", fmt, "--db", str(db_path)) == set()


@pytest.mark.parametrize(
    "args",
    [
        ["add", "pp", "6", "--date", "2021", "--source", "X"],
        ["list"],
        ["list", "--format", "json"],
        ["list", "--since", "2020"],
        ["timeline"],
        ["timeline", "pp", "--format", "json"],
        ["latest"],
    ],
)
def test_commands_do_not_import_heavy_modules(args: list[str], db_path: Path, run) -> None:
    run("add", "pp", "5", "--date", "2021", "--source", "X")
    assert loaded_modules(HEAVY, *args, "--db", str(db_path)) == set()


def test_a_date_in_words_still_reads(run_json) -> None:
    """Month names are made on first use (dates._months): the path that needs them works."""
    fact = run_json("add", "pp", "5", "--date", "21 Sept 2024", "--source", "X", "--format", "json")
    assert (fact["date"], fact["date_precision"]) == ("2024-09-21", "day")


@given(st.text(max_size=12) | st.text(alphabet=st.characters(max_codepoint=127), max_size=12))
def test_names_read_without_unicodedata_as_with_it(name: str) -> None:
    """names._unaccent takes an ASCII name as it is (its NFKD form, with nothing to drop) and
    imports unicodedata for the others: keys and slugs are those of the decomposition."""
    import unicodedata

    from pptrack import names

    unaccented = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    assert names._unaccent(name) == unaccented
    assert names.name_key(name) == "".join(c for c in unaccented.casefold() if c.isalnum())


def test_a_name_with_accents_still_matches(run, run_json) -> None:
    """The path that imports unicodedata: an accented name answers to its plain spelling."""
    assert run("add", "pp", "5", "--date", "2021", "--source", "Viasna Ćentr").exit_code == 0
    assert [f["source"] for f in run_json("list", "--source", "viasna centr", "--format", "json")] == ["Viasna Ćentr"]
