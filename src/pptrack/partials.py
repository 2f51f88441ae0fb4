"""Files written whole beside their path and then put in its place (a new database by
import, `export -o`, `plot -o`): `.NAME.PID….partial…` until done. A process killed
outright leaves its file behind; the next one to write beside the same path removes it."""

from __future__ import annotations

import os
from pathlib import Path

# A file left this long, by a process that is gone, is a killed process's: nobody's data.
ABANDONED_S = 600


def sweep(path: Path, suffix: str) -> None:
    """Remove the files `.NAME.PID….{suffix}` beside `path` whose writer is no longer
    running and that nothing has written for ABANDONED_S: a process on another machine
    sharing the folder may have the same id."""
    import time

    prefix = f".{path.name}."
    try:
        names = [n for n in os.listdir(path.parent) if n.startswith(prefix) and n.endswith(suffix)]
    except OSError:
        return
    for name in names:
        pid = name[len(prefix) : -len(suffix)].split("-", 1)[0]
        if not pid.isdigit() or _running(int(pid)):
            continue
        left = path.with_name(name)
        try:
            if time.time() - left.stat().st_mtime > ABANDONED_S:
                discard(left)
        except OSError:
            continue


def discard(partial: Path) -> None:
    """A file not put in place, and what SQLite kept beside it (a database's)."""
    for end in ("", "-journal", "-wal", "-shm"):
        partial.with_name(partial.name + end).unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's, or not a process id this system can ask about: left alone
    return True
