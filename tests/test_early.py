"""A reading command's query started while the command line loads (pptrack.early): the
arguments read the plain way must be what Typer reads, the answer made early is used only
for exactly the question the command asks, a failure in the early query changes nothing the
user sees, and the thread imports nothing."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import Result

from conftest import PP, Run, add
from pptrack import early, service, timeline
from pptrack.early import Question, read_question

V1 = Path(__file__).resolve().parent / "data" / "pptrack-v1.db"
TWO_CORES = len(os.sched_getaffinity(0)) > 1


@pytest.fixture(autouse=True)
def second_core(monkeypatch: pytest.MonkeyPatch) -> None:
    """The early start is tested as on a machine with two cores (where it happens)."""
    monkeypatch.setattr(early, "_second_core", lambda: True)


NO_QUERY = (None, [], None, None, None, None, None, None)
TODAY = "today"  # the day the test runs, filled in by test_read_question (a run may cross midnight)


def listing(db: Path | None, *fields: Any) -> Question:
    """The question of a listing: service.ListQuery's fields, then the format."""
    *query, fmt = fields
    return Question("list", db, (service.ListQuery(*query), fmt))


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["list", "--format", "tsv"], listing(None, *NO_QUERY, "tsv")),
        (["list", "-f", "json", "--db", "x.db"], listing(Path("x.db"), *NO_QUERY, "json")),
        (["list", "--format=csv", "--db=x.db"], listing(Path("x.db"), *NO_QUERY, "csv")),
        (
            ["list", "--source", "EU", "--metric", PP, "--source", "Viasna", "--limit", "5", "--format", "jsonl"],
            listing(None, PP, ["EU", "Viasna"], None, None, None, None, 5, None, "jsonl"),
        ),
        (
            ["list", "--since", "03/04/2025", "--dayfirst", "--via", "PIN", "--tag", "t", "-f", "tsv"],
            listing(None, None, [], "PIN", "03/04/2025", None, "t", None, True, "tsv"),
        ),
        (
            ["list", "--until", "2025", "--monthfirst", "-f", "csv"],
            listing(None, *NO_QUERY[:4], "2025", None, None, False, "csv"),
        ),
        (["list", "--limit", "-1", "-f", "tsv"], listing(None, *NO_QUERY[:6], -1, None, "tsv")),
        (["latest"], Question("latest", None, (None, TODAY))),
        (["latest", PP, "--db", "x.db"], Question("latest", Path("x.db"), (PP, TODAY))),
        (["latest", "--as-of", "2025-08", "-f", "table"], Question("latest", None, (None, date(2025, 8, 31)))),
        (["latest", "--as-of", "03/04/2025", "--dayfirst"], Question("latest", None, (None, date(2025, 4, 3)))),
        (["latest", "--as-of", "03/04/2025"], None),  # refused: which day is meant?
        (["latest", "--format", "json"], None),  # whole facts: nothing to start early
        (["latest", "a", "b"], None),
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
        (["list", "-f", "tsv", "--as-of", "2025"], None),
        (["timeline", "-f", "tsv"], None),
        (["--version"], None),
        ([], None),
    ],
)
def test_read_question(argv: list[str], expected: Question | None) -> None:
    if expected is not None and expected.asks[-1] == TODAY:
        expected = expected._replace(asks=(*expected.asks[:-1], date.today()))
    try:
        assert read_question(argv, {}) == expected
    except Exception as e:  # start() takes any failure as no early start
        assert expected is None, e


def test_main_starts_early_what_early_reads() -> None:
    import pptrack

    assert set(pptrack.EARLY_COMMANDS) == set(early._COMMANDS)


def test_the_database_from_the_environment() -> None:
    assert read_question(["list", "-f", "tsv"], {"PPTRACK_DB": "e.db"}).db == Path("e.db")
    assert read_question(["latest", "--db", "o.db"], {"PPTRACK_DB": "e.db"}).db == Path("o.db")
    assert read_question(["list", "-f", "tsv"], {"PPTRACK_DB": ""}).db is None  # as click: empty is unset


OPTION = st.sampled_from(
    ["--metric", "--source", "--via", "--since", "--until", "--tag", "--limit", "--db", "--format", "-f", "--as-of"]
)
VALUE = st.sampled_from(
    ["tsv", "json", "csv", "jsonl", "table", "3", "-2", "0", "x", PP, "EU", "2025-08", "", "--since", "-f", "a=b", "5x"]
)
WORD = st.sampled_from(["--dayfirst", "--monthfirst", PP, "other", "--"])
ARGV = st.tuples(
    st.sampled_from(["list", "latest"]),
    st.lists(
        st.tuples(OPTION, VALUE).map(list)
        | st.tuples(OPTION, VALUE).map(lambda p: [f"{p[0]}={p[1]}"])
        | WORD.map(lambda f: [f]),
        max_size=6,
    ),
).map(lambda c: [c[0], *[a for p in c[1] for a in p]])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=ARGV)
def test_the_plain_reading_is_typers(argv: list[str], run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the plain reading starts early, Typer reads the same way: else the early answer
    would be made for nothing (never used: `take` compares)."""
    asked: list[Question] = []

    def take(command: str, db: Path | None, asks: tuple[Any, ...]) -> None:
        asked.append(Question(command, db, asks))
        return None

    monkeypatch.setattr(early, "take", take)
    monkeypatch.setattr(early, "start", lambda argv: None)
    try:
        plain = read_question(argv)
    except Exception:
        plain = None
    run(*argv)
    if plain is not None:
        assert asked == [plain]


LISTING = st.tuples(
    st.lists(
        st.tuples(OPTION.filter(lambda o: o != "--as-of"), VALUE).map(list)
        | st.tuples(OPTION, VALUE).map(lambda p: [f"{p[0]}={p[1]}"])
        | WORD.map(lambda f: [f]),
        max_size=5,
    ),
    st.sampled_from(["tsv", "json", "jsonl", "csv"]),
).map(lambda c: ["list", *[a for p in c[0] for a in p], "--format", c[1]])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=LISTING)
def test_a_listing_written_early_is_the_commands(argv: list[str], run: Run, belarus: None) -> None:
    """Whatever a listing's command line, written early or by the command: the same output,
    message and exit code."""
    early_run, itself = run(*argv), alone(run, *argv)
    assert (early_run.exit_code, early_run.stdout_bytes, early_run.stderr) == (
        itself.exit_code,
        itself.stdout_bytes,
        itself.stderr,
    )


def test_an_interrupted_listing_stops(run: Run, belarus: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while a listing is answered early ends the run (exit 130), nothing written; the
    command does not start over."""
    calls: list[int] = []

    def interrupted(*args: Any) -> None:
        calls.append(1)
        raise KeyboardInterrupt

    monkeypatch.setattr(service, "list_fact_block", interrupted)
    result = run("list", "--format", "tsv")
    assert (result.exit_code, result.stdout, result.stderr, calls) == (130, "", "", [1])


def count_calls(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[int]:
    """A list that grows by one at each call of module.name (early or in the command)."""
    calls: list[int] = []
    real = getattr(module, name)

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counting)
    return calls


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    return count_calls(monkeypatch, service, "list_fact_block")


@pytest.fixture
def counted_latest(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    return count_calls(monkeypatch, timeline, "latest_table")


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
    assert "1,189" in result.stdout and "human-rights organisations" not in result.stdout  # only Viasna


def test_an_early_answer_for_another_question_is_not_used(
    run: Run, belarus: None, counted_latest: list[int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The early reading differs from Typer's (here: another database, which does not exist):
    # its answer is not used, and the command's own is written.
    other = tmp_path / "other" / "x.db"
    real_start = early.start
    monkeypatch.setattr(early, "start", lambda argv: real_start(["latest", "--db", str(other)]))
    result = run("latest")
    assert len(counted_latest) == 2
    assert result.exit_code == 0 and "nearly 1,200" in result.stdout
    assert not other.parent.exists()


def test_a_listing_python_writes_line_by_line_is_queried_once(run: Run, belarus: None, counted: list[int]) -> None:
    """A text SQLite could not make whole (a tab in a quote: tsv quotes that cell) is not
    written early; the command takes it and writes it as before, without asking again."""
    add(run, PP, "1,000", "2025-10", "EU", "--quote", "a\ttab")
    counted.clear()
    result = run("list", "--format", "tsv")
    assert len(counted) == 1
    itself = alone(run, "list", "--format", "tsv")
    assert result.exit_code == itself.exit_code == 0
    assert result.stdout_bytes == itself.stdout_bytes
    assert '"a\ttab"' in result.stdout


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

    def watched(args: Question, result: list[Any]) -> None:
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


@pytest.mark.parametrize("args", [[], [PP], ["--as-of", "2025-06"], [PP, "--as-of", "May 2025"]])
def test_latest_early_is_what_the_command_writes(
    args: list[str], run: Run, belarus: None, counted_latest: list[int]
) -> None:
    result = run("latest", *args)
    assert len(counted_latest) == 1  # made early, taken by the command
    itself = alone(run, "latest", *args)
    assert len(counted_latest) == 2
    assert result.exit_code == itself.exit_code == 0
    assert (result.stdout, result.stderr) == (itself.stdout, itself.stderr)
    assert PP in result.stdout


@pytest.mark.parametrize("args", [["no-such-metric"], ["--as-of", "someday"], ["--as-of", "03/04/2025"]])
def test_a_failing_early_latest_leaves_the_command_to_say_it(args: list[str], run: Run, belarus: None) -> None:
    result = run("latest", *args)
    itself = alone(run, "latest", *args)
    assert result.exit_code == itself.exit_code != 0
    assert (result.stdout, result.stderr) == ("", itself.stderr)
    assert result.stderr.count("\n") == 1


# Run pptrack.main in a fresh process and report the modules its early thread imported.
_WATCH_IMPORTS = """
import builtins, sys, threading
real = builtins.__import__
made = []
def watching(name, globals=None, locals=None, fromlist=(), level=0):
    if threading.current_thread() is threading.main_thread():
        return real(name, globals, locals, fromlist, level)
    before = set(sys.modules)
    try:
        return real(name, globals, locals, fromlist, level)
    finally:
        made.extend(sorted(set(sys.modules) - before))
builtins.__import__ = watching
from pptrack import early, main
started = []
real_start = early.start
def start(argv):
    code = real_start(argv)
    started.append(bool(early._started))
    return code
early.start = start
try:
    main()
finally:
    sys.stderr.write(f"\\nstarted={started} imported={made}\\n")
"""


@pytest.mark.slow
@pytest.mark.skipif(not TWO_CORES, reason="on one core nothing is started early")
@pytest.mark.parametrize(
    "args",
    [
        ["latest"],
        ["latest", PP, "--as-of", "May 21, 2025"],
        ["latest", "prisoners"],  # did you mean
        ["latest", "Вясна"],  # a name that is not ASCII
    ],
)
def test_the_early_thread_imports_nothing(args: list[str], run: Run, belarus: None, db_path: Path) -> None:
    """Every module the early query may need is imported before its thread starts (a module
    imported by two threads at once can leave one with the other's half-made module)."""
    result = subprocess.run(
        [sys.executable, "-c", _WATCH_IMPORTS, *args, "--db", str(db_path)], capture_output=True, text=True
    )
    assert result.returncode in (0, 1), result.stderr
    assert result.stderr.splitlines()[-1] == "started=[True] imported=[]"


def test_on_one_core_nothing_starts_early(
    run: Run, belarus: None, counted: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No thread on one core: a listing is still written early (it needs none), latest's
    table is made by the command."""
    import threading

    monkeypatch.setattr(early, "_second_core", lambda: False)
    monkeypatch.setattr(threading.Thread, "start", lambda self: pytest.fail("a thread started on one core"))
    result = run("list", "--format", "tsv")
    assert result.exit_code == 0 and len(counted) == 1
    assert run("latest").exit_code == 0


def test_no_thread_to_be_had_leaves_the_command_to_run(
    run: Run, belarus: None, counted_latest: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A limit on threads (ulimit, a cgroup's pids.max) is no error: the command queries itself."""
    import threading

    def refuse(self: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", refuse)
    result = run("latest")
    assert result.exit_code == 0, result.stderr
    assert len(counted_latest) == 1 and "nearly 1,200" in result.stdout
    assert not early._started


def test_the_early_query_does_not_wait_for_a_locked_database(
    run: Run, belarus: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database another process keeps locked: the early query gives up at once (no busy
    timeout), and only the command waits, as it did before."""
    from pptrack import store

    timeouts: list[tuple[bool, float]] = []
    real_connect = store._connect

    def connect(target: str, *, timeout: float = store.BUSY_TIMEOUT_S) -> Any:
        timeouts.append((threading.current_thread() is threading.main_thread(), timeout))
        return real_connect(target, timeout=timeout)

    monkeypatch.setattr(store, "_connect", connect)
    assert run("list", "--format", "tsv").exit_code == 0
    assert run("latest").exit_code == 0
    assert timeouts == [(True, 0), (False, 0)]  # both answered early: the listing before Typer, latest beside it
    timeouts.clear()
    assert alone(run, "list", "--format", "tsv").exit_code == 0
    assert timeouts == [(True, store.BUSY_TIMEOUT_S)]


def test_a_text_that_is_not_utf8_is_named_as_before(run: Run, belarus: None, db_path: Path) -> None:
    """latest's rows come as one JSON text; a text another program wrote that is not UTF-8
    is still reported by its column, in one short line, not with the whole answer."""
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE facts SET display = CAST(X'31FF32' AS TEXT) WHERE id = 4")  # Viasna's latest
    conn.close()
    for result in (run("latest"), alone(run, "latest")):
        assert result.exit_code == 1
        assert result.stderr.count("\n") == 1 and "display" in result.stderr and len(result.stderr) < 300


def test_shell_completion_is_typers(run: Run, belarus: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """With Typer's completion variable set, Typer answers (here: that it knows no such
    shell), not a listing written early."""
    monkeypatch.setenv("_PPTRACK_COMPLETE", "source_bash")
    assert read_question(["list", "-f", "csv"]) is None
    result, itself = run("list", "-f", "csv", "--limit", "1"), alone(run, "list", "-f", "csv", "--limit", "1")
    assert (result.exit_code, result.stdout, result.stderr) == (itself.exit_code, itself.stdout, itself.stderr)
    assert result.exit_code == 1 and result.stdout == "" and "bash" in result.stderr


@pytest.mark.parametrize("argv", [["latest"], ["list", "--format", "tsv"]])
def test_ctrl_c_before_the_command_starts_is_no_traceback(
    argv: list[str], belarus: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C while the command line is read (before cli's boundary): exit 130, nothing said."""
    import pptrack

    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(early, "read_question", interrupted)
    monkeypatch.setattr(sys, "argv", ["pptrack", *argv])
    with pytest.raises(SystemExit) as stopped:
        pptrack.main()
    assert stopped.value.code == 130
    assert capsys.readouterr() == ("", "")
