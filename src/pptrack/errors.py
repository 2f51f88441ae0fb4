"""The error family of pptrack and the exit codes it maps to."""

from __future__ import annotations

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
