"""The error family of pptrack, the exit codes it maps to, and the boundary (`reported`)
where every failure becomes one line on stderr and its exit code."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILURE = 1  # runtime failure: not found, database unusable, conflict
    BAD_INPUT = 2  # bad input or usage


class PptrackError(Exception):
    """An error to show the user as one line; `code` is the exit code."""

    code: ExitCode = ExitCode.FAILURE

    def __init__(self, message: str, code: ExitCode | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        return str(self.args[0])


class BadInput(PptrackError):
    """What the user wrote cannot be read; nothing is written."""

    code = ExitCode.BAD_INPUT


class NotFound(PptrackError):
    """A fact, metric or source that does not exist."""

    code = ExitCode.FAILURE


class DatabaseProblem(PptrackError):
    """The database file cannot be used: not a database, unwritable, too new."""

    code = ExitCode.FAILURE


def undecodable(args: Iterable[object]) -> str | None:
    """The first argument that is not UTF-8 text (bytes Python keeps as lone surrogates, which
    could be neither stored nor printed), shown with its bad bytes escaped; None if all are."""
    for arg in args:
        if isinstance(arg, str) and not arg.isascii():
            try:
                arg.encode("utf-8")
            except UnicodeEncodeError:
                return arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return None


def refuse_undecodable(args: Iterable[object]) -> None:
    """Arguments are text: one that is not UTF-8 is refused before anything runs."""
    shown = undecodable(args)
    if shown is not None:
        raise BadInput(f"the argument '{shown}' is not valid UTF-8 text; write it as UTF-8")


def notice(message: str) -> None:
    """render.notice, imported only when there is something to say: a run that succeeds
    without a message (`--version`) never loads render."""
    from .render import notice as write_notice

    write_notice(message)


def reported(work: Callable[[], int | None]) -> int | None:
    """What `work` returns, or the exit code of its failure, said in one line on stderr:
    never a traceback. The one boundary of every run, through Typer (cli.PptrackGroup) or
    not (a listing pptrack.early writes itself)."""
    try:
        return work()
    except PptrackError as e:
        notice(f"error: {e.message}")
        return e.code
    except BrokenPipeError:
        # The reader went away (`pptrack list | head`): stop quietly.
        _discard_stdout()
        return ExitCode.FAILURE
    except OSError as e:  # the output could not be written: a full disk, a file over its size limit
        if e.filename is None:
            _discard_stdout()
            notice(f"error: cannot write the output: {e.strerror or e}")
        else:
            notice(f"error: {e.filename}: {e.strerror or e}")
        return ExitCode.FAILURE
    except KeyboardInterrupt:
        return 130
    except UnicodeEncodeError as e:
        if "surrogate" in e.reason:  # a lone surrogate (from a JSON \ud800 escape) cannot be stored
            notice(f"error: text that is not valid Unicode cannot be stored ({e.reason}); write it as UTF-8")
            return ExitCode.BAD_INPUT
        # the output cannot carry the text: PYTHONIOENCODING=ascii, a latin-1 terminal
        notice(f"error: the output encoding {e.encoding} cannot show {e.object[e.start : e.end]!r}; use UTF-8")
        return ExitCode.FAILURE
    except Exception as e:
        if isinstance(e, AttributeError) and sys.stdout is None:  # started with stdout closed (`>&-`)
            notice("error: cannot write the output: standard output is closed")
        elif _is_db_error(e):
            from .store import describe_db_error

            notice(f"error: {describe_db_error(e)}")
        else:  # a bug: still one line, and a way to see more
            import os

            if os.environ.get("PPTRACK_DEBUG"):
                raise
            notice(f"internal error: {type(e).__name__}: {e} (set PPTRACK_DEBUG=1 for the traceback)")
        return ExitCode.FAILURE


def _is_db_error(e: Exception) -> bool:
    """Whether `e` is an SQLite error. All SQL is in pptrack.store: before it is imported
    none can have been raised, so a run that never opens the database never imports it."""
    store = sys.modules.get("pptrack.store")
    return store is not None and isinstance(e, store.DB_ERRORS)


def _discard_stdout() -> None:
    """Point standard output at the null device: what is still buffered for it goes nowhere
    when Python exits, instead of failing a second time there with its own message."""
    import os

    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
