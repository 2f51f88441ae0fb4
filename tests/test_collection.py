"""The `pptrack` command runs with Python's cyclic garbage collector off (pptrack.main): safe
only while no command makes cyclic garbage as it goes, which would then pile up for the whole
run of an import or export of a million facts. Each command here is run on a few facts and on
many, the collector off, and what a collection then finds must not grow with the facts."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pptrack.cli import app

FORMATS = ("table", "jsonl", "json", "csv", "tsv")
COMMANDS = [
    *(("list", "--format", f) for f in FORMATS),
    *(("timeline", "--format", f) for f in FORMATS),
    *(("latest", "--format", f) for f in FORMATS),
    *(("diff-sources", "m1", "--format", f) for f in FORMATS),
    *(("export", "--format", f) for f in ("jsonl", "json", "csv")),
    ("check",),
]


def test_the_command_runs_with_the_collector_off_and_its_objects_are_frozen_at_the_exit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Off from the first import to the exit, where what the run made is frozen out of the
    last collection Python makes even with the collector off."""
    import pptrack
    from pptrack import cli

    seen: list[tuple[bool, int]] = []

    def command() -> None:
        seen.append((gc.isenabled(), gc.get_freeze_count()))
        raise SystemExit(0)

    monkeypatch.setattr(cli, "app", command)
    try:
        with pytest.raises(SystemExit):
            pptrack.main()
        assert seen == [(False, seen[0][1])]
        assert not gc.isenabled() and gc.get_freeze_count() > seen[0][1]
    finally:
        gc.unfreeze()
        gc.enable()


def _garbage(runner: CliRunner, *args: str) -> int:
    """How many objects a collection finds unreachable after `pptrack ARGS` run with the collector off."""
    gc.collect()
    gc.disable()
    try:
        result = runner.invoke(app, list(args))
        assert result.exit_code in (0, 2), result.stderr
        del result
        return gc.collect()
    finally:
        gc.enable()


def _facts(path: Path, n: int, *, bad: bool = False) -> Path:
    """A csv of `n` facts of three metrics and seven sources, tags to escape; `bad`: every date wrong."""
    month = "-13" if bad else ""
    rows = "".join(f'm{i % 3},nearly {i + 1}00,20{10 + i % 9}{month},S{i % 7},"a;=b"\n' for i in range(n))
    path.write_text("metric,value,date,source,tags\n" + rows)
    return path


def _garbage_of_each(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, n: int) -> dict[str, int]:
    runner = CliRunner()
    monkeypatch.setenv("PPTRACK_DB", str(tmp_path / f"{n}.db"))
    # Chunks and batches of a few rows: garbage made once a chunk or batch grows with the facts too.
    for name, size in (("_CHUNK", 7), ("_BATCH", 11), ("EXPORT_BATCH", 5)):
        monkeypatch.setattr(f"pptrack.io.{name}", size)
    found = {"import": _garbage(runner, "import", str(_facts(tmp_path / f"{n}.csv", n)))}
    for fact_id in range(1, n, 3):  # a history to export: written by Python, not SQLite
        assert runner.invoke(app, ["edit", str(fact_id), "--note", "seen"]).exit_code == 0
    found["import again"] = _garbage(runner, "import", str(_facts(tmp_path / f"{n}.csv", n)))
    found["bad import"] = _garbage(runner, "import", str(_facts(tmp_path / f"{n}-bad.csv", n, bad=True)))
    for args in COMMANDS:
        found[" ".join(args)] = _garbage(runner, *args)
    return found


def test_no_command_makes_cyclic_garbage_a_fact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    few = _garbage_of_each(tmp_path, monkeypatch, 12)
    many = _garbage_of_each(tmp_path, monkeypatch, 300)
    assert many == few
