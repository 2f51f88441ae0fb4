"""Shared helpers for the benchmarks: timing commands and printing figure / baseline / ratio."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

BIN = Path(sys.executable).parent


def compile_package() -> None:
    """Write pptrack's bytecode, as `pip install .` does. An editable install run with
    PYTHONDONTWRITEBYTECODE=1 compiles every module from source on each start (25 ms
    here), which no installed copy pays: time what users run."""
    import compileall

    import pptrack

    compileall.compile_dir(str(Path(pptrack.__file__).parent), quiet=1)


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if not found:
        raise SystemExit(f"{name} is not installed in this environment: pip install -e '.[test]'")
    return found


def time_command(
    argv: Sequence[str],
    *,
    runs: int,
    stdin: bytes | None = None,
    env: dict[str, str] | None = None,
    tty: bool = False,
) -> float:
    """Median wall time of a command in ms over `runs` runs (output discarded)."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        if tty:
            _run_on_terminal(argv, {**os.environ, **(env or {})})
        else:
            subprocess.run(
                argv,
                input=stdin,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=True,
                env={**os.environ, **(env or {})},
            )
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def time_interleaved(commands: dict[str, Command], *, runs: int) -> dict[str, float]:
    """Median wall time in ms of each command over `runs` rounds, one run of each command a
    round, in turn: a figure and its baseline see the same load, which on a busy machine
    drifts between one block of runs and the next. One round before is not counted (disk cache)."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for round_ in range(runs + 1):
        for name, command in commands.items():
            argv = command.argv(round_) if callable(command.argv) else command.argv
            ms = time_command(argv, runs=1, stdin=command.stdin, tty=command.tty)
            if round_:
                times[name].append(ms)
    return {name: statistics.median(t) for name, t in times.items()}


class Command(NamedTuple):
    """A command for time_interleaved: its argv, or what makes it from the round's number
    (a command that must differ each run, as `add` of a new figure)."""

    argv: Sequence[str] | Callable[[int], Sequence[str]]
    stdin: bytes | None = None
    tty: bool = False


def _run_on_terminal(argv: Sequence[str], env: dict[str, str]) -> None:
    """Run with stdout on a pseudo-terminal (120 columns), reading and dropping what it prints."""
    import fcntl
    import pty
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 120, 0, 0))
    env = {**env, "COLUMNS": "120", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(argv, stdout=slave, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env)
    os.close(slave)
    while True:
        try:
            if not os.read(master, 65536):
                break
        except OSError:  # the other end closed
            break
    os.close(master)
    if proc.wait() != 0:
        raise subprocess.CalledProcessError(proc.returncode, argv)


def time_call(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


class Report:
    """Rows of figure, value, baseline, ratio, target, printed as a plain table."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str, str]] = []

    def add(
        self,
        figure: str,
        value_ms: float,
        baseline_name: str,
        baseline_ms: float,
        target: float | None = None,
        higher_is_better: bool = False,
    ) -> None:
        ratio = value_ms / baseline_ms if baseline_ms else float("inf")
        verdict = ""
        if target is not None:
            ok = ratio >= target if higher_is_better else ratio <= target
            verdict = f"{'≥' if higher_is_better else '≤'}{target:g}× {'ok' if ok else 'MISSED'}"
        self.rows.append(
            (figure, f"{value_ms:,.0f} ms", f"{baseline_name} {baseline_ms:,.0f} ms", f"{ratio:.2f}×", verdict)
        )

    def print(self) -> None:
        headers = ("figure", "pptrack", "baseline", "ratio", "target")
        widths = [max(len(h), *(len(r[i]) for r in self.rows)) for i, h in enumerate(headers)]
        for row in (headers, tuple("-" * w for w in widths), *self.rows):
            print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
