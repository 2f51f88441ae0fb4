"""A data listing's query started while the command line loads (pptrack.early): the arguments
read the plain way must be what Typer reads, the text made early is used only for exactly
the question the command asks, and a failure in the early query changes nothing the user sees."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import Result

from conftest import PP, Run, add
from pptrack import early, service
from pptrack.early import ListArgs, read_list_args

V1 = Path(__file__).resolve().parent / "data" / "pptrack-v1.db"
NONE_QUERY = (None, [], None, None, None, None, None, None)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["list", "--format", "tsv"], ListArgs(None, NONE_QUERY, "tsv")),
        (["list", "-f", "json", "--db", "x.db"], ListArgs(Path("x.db"), NONE_QUERY, "json")),
        (["list", "--format=csv", "--db=x.db"], ListArgs(Path("x.db"), NONE_QUERY, "csv")),
        (
            ["list", "--source", "EU", "--metric", PP, "--source", "Viasna", "--limit", "5", "--format", "jsonl"],
            ListArgs(None, (PP, ["EU", "Viasna"], None, None, None, None, 5, None), "jsonl"),
        ),
        (
            ["list", "--since", "03/04/2025", "--dayfirst", "--via", "PIN", "--tag", "t", "-f", "tsv"],
            ListArgs(None, (None, [], "PIN", "03/04/2025", None, "t", None, True), "tsv"),
        ),
        (
            ["list", "--until", "2025", "--monthfirst", "-f", "csv"],
            ListArgs(None, (*NONE_QUERY[:4], "2025", None, None, False), "csv"),
        ),
        (["list", "--limit", "-1", "-f", "tsv"], ListArgs(None, (*NONE_QUERY[:6], -1, None), "tsv")),
        (["list"], None),  # a table: nothing to start early
        (["list", "--format", "table"], None),
        (["list", "--format", "TSV"], None),  # Typer refuses it
        (["list", "-f"], None),  # no value
        (["list", "-ftsv"], None),  # not read the plain way
        (["list", "-f", "tsv", "--metric", "a", "--metric", "b"], None),
        (["list", "-f", "tsv", "--limit", "five"], None),
        (["list", "-f", "tsv", "--limit", "٥"], None),
        (["list", "-f", "tsv", "--dayfirst", "--monthfirst"], None),
        (["list", "-f", "tsv", "--dayfirst=yes"], None),
        (["list", "-f", "tsv", "--help"], None),
        (["list", "-f", "tsv", "extra"], None),
        (["timeline", "-f", "tsv"], None),
        (["--version"], None),
        ([], None),
    ],
)
def test_read_list_args(argv: list[str], expected: ListArgs | None) -> None:
    assert read_list_args(argv, {}) == expected


def test_the_database_from_the_environment() -> None:
    assert read_list_args(["list", "-f", "tsv"], {"PPTRACK_DB": "e.db"}).db == Path("e.db")
    assert read_list_args(["list", "-f", "tsv", "--db", "o.db"], {"PPTRACK_DB": "e.db"}).db == Path("o.db")
    assert read_list_args(["list", "-f", "tsv"], {"PPTRACK_DB": ""}).db is None  # as click: empty is unset


OPTION = st.sampled_from(
    ["--metric", "--source", "--via", "--since", "--until", "--tag", "--limit", "--db", "--format", "-f"]
)
VALUE = st.sampled_from(
    ["tsv", "json", "csv", "jsonl", "table", "3", "-2", "0", "x", PP, "EU", "2025-08", "", "--since", "-f", "a=b", "5x"]
)
FLAG = st.sampled_from(["--dayfirst", "--monthfirst"])
ARGV = st.lists(
    st.tuples(OPTION, VALUE).map(list)
    | st.tuples(OPTION, VALUE).map(lambda p: [f"{p[0]}={p[1]}"])
    | FLAG.map(lambda f: [f]),
    max_size=6,
).map(lambda parts: ["list", *[a for p in parts for a in p]])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=ARGV)
def test_the_plain_reading_is_typers(argv: list[str], run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the plain reading starts early, Typer reads the same way: else the early text
    would be made for nothing (never used: `take` compares)."""
    asked: list[ListArgs] = []

    def take(db: Path | None, query: tuple[Any, ...], fmt: str) -> None:
        asked.append(ListArgs(db, (query[0], list(query[1]), *query[2:]), fmt))
        return None

    monkeypatch.setattr(early, "take", take)
    monkeypatch.setattr(early, "start", lambda argv: None)
    plain = read_list_args(argv)
    run(*argv)
    if plain is not None:
        assert asked == [plain]


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How often service.list_fact_block runs (early or in the command)."""
    calls: list[int] = []
    real = service.list_fact_block

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "list_fact_block", counting)
    return calls


def alone(run: Run, *args: str) -> Result:
    """The command run without an early start."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(early, "start", lambda argv: None)
        return run(*args)


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "tsv"])
def test_the_early_text_is_what_the_command_writes(fmt: str, run: Run, belarus: None, counted: list[int]) -> None:
    result = run("list", "--source", "Viasna", "--format", fmt)
    assert len(counted) == 1  # made early, taken by the command
    itself = alone(run, "list", "--source", "Viasna", "--format", fmt)
    assert len(counted) == 2
    assert result.exit_code == itself.exit_code == 0
    assert result.stdout_bytes == itself.stdout_bytes
    assert "1,189" in result.stdout and "888" not in result.stdout


def test_an_early_text_for_another_question_is_not_used(
    run: Run, belarus: None, counted: list[int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The early reading differs from Typer's (here: another database, which does not exist):
    # its text is not used, and the command's own is written.
    other = tmp_path / "other" / "x.db"
    real_start = early.start
    monkeypatch.setattr(early, "start", lambda argv: real_start(["list", "--format", "tsv", "--db", str(other)]))
    result = run("list", "--format", "tsv")
    assert len(counted) == 2
    assert result.exit_code == 0 and result.stdout.count("\n") == 6  # header and five facts
    assert not other.parent.exists()


@pytest.mark.parametrize(
    "args",
    [["--metric", "no-such-metric"], ["--since", "someday"], ["--via", "nobody"], ["--limit", "-1"]],
)
def test_a_failing_early_query_leaves_the_command_to_say_it(
    args: list[str], run: Run, belarus: None, counted: list[int]
) -> None:
    result = run("list", *args, "--format", "tsv")
    itself = alone(run, "list", *args, "--format", "tsv")
    assert result.exit_code == itself.exit_code != 0
    assert (result.stdout, result.stderr) == ("", itself.stderr)
    assert result.stderr.count("\n") == 1


def test_the_early_query_never_upgrades_nor_creates(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An older database is upgraded by the command alone (one notice, one backup); a
    database that does not exist is not made."""
    old = tmp_path / "old.db"
    shutil.copyfile(V1, old)
    answers: list[list[Any]] = []
    real_run = early._run

    def watched(args: ListArgs, result: list[Any]) -> None:
        real_run(args, result)
        answers.append(list(result))

    monkeypatch.setattr(early, "_run", watched)
    result = run("list", "--format", "jsonl", "--db", str(old))
    assert answers == [[]]  # started, and refused the older schema
    assert result.exit_code == 0 and result.stderr.count("upgrading") == 1
    assert result.stdout.count("\n") == 3  # the v1 file's three live facts
    assert len(list(tmp_path.glob("old.db.v1*"))) == 1
    missing = tmp_path / "none" / "x.db"
    assert run("list", "--format", "tsv", "--db", str(missing)).exit_code == 0
    assert not missing.parent.exists()


def test_a_listing_as_a_process_is_the_same_text(db_path: Path, run: Run) -> None:
    """The installed command (which starts the query early) against the command run alone."""
    add(run, PP, "888", "2021-12", "EU")
    add(run, PP, "nearly 1,400", "2024-05-21", "EU")
    add(run, PP, "1,189", "2025", 'q"uote', "--quote", "-5 said =x")  # tsv line by line
    script = Path(sys.executable).parent / "pptrack"
    for fmt in ["tsv", "json", "csv"]:
        real = subprocess.run([str(script), "list", "--format", fmt], capture_output=True, check=True)
        assert real.stdout == alone(run, "list", "--format", fmt).stdout_bytes
