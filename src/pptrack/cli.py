"""The pptrack command line: assembles the commands and is the one error boundary."""

from __future__ import annotations

import sys
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperGroup

from . import __version__
from .errors import ExitCode, PptrackError

# Each command by name: (module under pptrack.commands, attribute). The attribute is a
# function (one command) or a Typer app (a group). Only the invoked command's module is
# imported and only its click command built: start-up is paid for what is used.
COMMANDS: dict[str, tuple[str, str]] = {
    "add": ("facts", "add"),
    "list": ("listing", "list_"),
    "show": ("facts", "show"),
    "edit": ("facts", "edit"),
    "rm": ("facts", "rm"),
    "restore": ("facts", "restore"),
    "history": ("facts", "history"),
    "timeline": ("timeline", "timeline"),
    "latest": ("timeline", "latest"),
    "plot": ("timeline", "plot"),
    "import": ("transfer", "import_"),
    "export": ("transfer", "export"),
    "metrics": ("catalog", "metrics_app"),
    "sources": ("catalog", "sources_app"),
    "extract": ("extract", "extract"),
    "diff-sources": ("compare", "diff_sources"),
    "check": ("check", "check"),
}


def load_command(name: str) -> Any:
    """The click command for `name`, built from its module on first use."""
    from importlib import import_module

    module, attr = COMMANDS[name]
    target = getattr(import_module(f"pptrack.commands.{module}"), attr)
    if isinstance(target, typer.Typer):
        command = typer.main.get_command(target)
    else:
        single = typer.Typer(add_completion=False)
        single.command(name)(target)
        command = typer.main.get_command(single)
    command.name = name
    return command


def refuse_undecodable(args: Any) -> None:
    """Arguments are text: bytes that are not UTF-8 (Python keeps them as lone surrogates)
    could be neither stored nor printed, so they are refused before anything runs."""
    from .errors import BadInput

    for arg in args or ():
        if isinstance(arg, str) and not arg.isascii():
            try:
                arg.encode("utf-8")
            except UnicodeEncodeError:
                shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                raise BadInput(f"the argument '{shown}' is not valid UTF-8 text; write it as UTF-8") from None


def notice(message: str) -> None:
    """render.notice, imported only when there is something to say: a run that succeeds
    without a message (`--version`) never loads render."""
    from .render import notice as write_notice

    write_notice(message)


def _is_db_error(e: Exception) -> bool:
    """Whether `e` is an SQLite error. All SQL is in pptrack.store: before it is imported
    none can have been raised, so a run that never opens the database never imports it."""
    store = sys.modules.get("pptrack.store")
    return store is not None and isinstance(e, store.DB_ERRORS)


def _value_taken_for_option(e: Exception, argv: list[str]) -> str | None:
    """The argument that made `e` if it is a value written with a minus (-5, -1,400, -inf)
    that Click read as options (-5, -i), else None."""
    import re

    name = getattr(e, "option_name", None)
    if type(e).__name__ != "NoSuchOption" or not name:
        return None
    return next((a for a in argv if a.startswith(name) and re.match(r"-(?:[\d.]|inf|nan)", a, re.IGNORECASE)), None)


def _discard_stdout() -> None:
    """Point standard output at the null device: what is still buffered for it goes nowhere
    when Python exits, instead of failing a second time there with its own message."""
    import os

    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


class PptrackGroup(TyperGroup):
    """Loads commands lazily, and turns every failure into one line on stderr and its exit
    code: never a traceback."""

    def list_commands(self, ctx: Any) -> list[str]:
        return sorted(COMMANDS, key=list(COMMANDS).index)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in COMMANDS:
            if not ctx.resilient_parsing and not cmd_name.startswith("-"):
                import difflib

                close = difflib.get_close_matches(cmd_name, list(COMMANDS), n=3, cutoff=0.6)
                hint = f" (did you mean {', '.join(close)}?)" if close else ""
                ctx.fail(f"no such command {cmd_name!r}{hint}")
            return None
        return load_command(cmd_name)

    def main(
        self,
        args: Any = None,
        prog_name: Optional[str] = None,
        complete_var: Optional[str] = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        # Only what every run needs is imported here: render and store (and sqlite3) are
        # loaded by the error branches that use them, so `--version` never pays for them.
        from typer._click.exceptions import ClickException

        code: int = ExitCode.OK
        try:
            refuse_undecodable(sys.argv[1:] if args is None else args)
            result = super().main(
                args=args, prog_name=prog_name or "pptrack", complete_var=complete_var, standalone_mode=False, **extra
            )
            code = result if isinstance(result, int) else ExitCode.OK
        except PptrackError as e:
            notice(f"error: {e.message}")
            code = e.code
        except ClickException as e:
            hint, message = "", e.format_message()
            ctx = getattr(e, "ctx", None)
            if ctx is not None:
                hint = f" (see '{ctx.command_path} --help')"
                # `pptrack`, `pptrack metrics`: the commands it could be
                if message == "Missing command." and hasattr(ctx.command, "list_commands"):
                    message = f"missing command; give one of {', '.join(ctx.command.list_commands(ctx))}"
            value = _value_taken_for_option(e, sys.argv[1:] if args is None else list(args))
            if value is not None and ctx is not None and ctx.info_name == "add":  # `add m -5`: read as options
                example = f"pptrack add METRIC --date D --source S -- {value}"
                hint = f"; write a value that starts with '-' after '--', e.g. {example}"
            notice(f"error: {message}{hint}")
            code = e.exit_code
        except typer.Abort:
            notice("aborted")
            code = ExitCode.FAILURE
        except BrokenPipeError:
            # The reader went away (`pptrack list | head`): stop quietly.
            _discard_stdout()
            code = ExitCode.FAILURE
        except OSError as e:  # the output could not be written: a full disk, a file over its size limit
            if e.filename is None:
                _discard_stdout()
                notice(f"error: cannot write the output: {e.strerror or e}")
            else:
                notice(f"error: {e.filename}: {e.strerror or e}")
            code = ExitCode.FAILURE
        except KeyboardInterrupt:
            code = 130
        except UnicodeEncodeError as e:
            if "surrogate" in e.reason:  # a lone surrogate (from a JSON \ud800 escape) cannot be stored
                notice(f"error: text that is not valid Unicode cannot be stored ({e.reason}); write it as UTF-8")
                code = ExitCode.BAD_INPUT
            else:  # the output cannot carry the text: PYTHONIOENCODING=ascii, a latin-1 terminal
                notice(f"error: the output encoding {e.encoding} cannot show {e.object[e.start : e.end]!r}; use UTF-8")
                code = ExitCode.FAILURE
        except Exception as e:
            code = ExitCode.FAILURE
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
        if standalone_mode:
            sys.exit(code)
        return code


app = typer.Typer(
    cls=PptrackGroup,
    name="pptrack",
    help="Track contested figures over time, with their provenance.",
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"pptrack {__version__}\n")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Track contested figures over time, with their provenance."""
