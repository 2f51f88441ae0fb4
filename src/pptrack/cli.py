"""The pptrack command line: assembles the commands and is the one error boundary."""

from __future__ import annotations

import sys
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperGroup

from . import __version__
from .commands import catalog, facts, transfer
from .errors import ExitCode, PptrackError


class PptrackGroup(TyperGroup):
    """Turns every failure into one line on stderr and its exit code: never a traceback."""

    def main(
        self,
        args: Any = None,
        prog_name: Optional[str] = None,
        complete_var: Optional[str] = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        from typer._click.exceptions import ClickException, NoArgsIsHelpError

        from .render import notice
        from .store import DB_ERRORS

        code: int = ExitCode.OK
        try:
            result = super().main(
                args=args, prog_name=prog_name or "pptrack", complete_var=complete_var, standalone_mode=False, **extra
            )
            code = result if isinstance(result, int) else ExitCode.OK
        except PptrackError as e:
            notice(f"error: {e.message}")
            code = e.code
        except NoArgsIsHelpError as e:
            sys.stderr.write(e.format_message() + "\n")
            code = e.exit_code
        except ClickException as e:
            hint = ""
            ctx = getattr(e, "ctx", None)
            if ctx is not None:
                hint = f" (see '{ctx.command_path} --help')"
            notice(f"error: {e.format_message()}{hint}")
            code = e.exit_code
        except typer.Abort:
            notice("aborted")
            code = ExitCode.FAILURE
        except DB_ERRORS as e:
            notice(f"error: the database cannot be used: {e}")
            code = ExitCode.FAILURE
        except BrokenPipeError:
            # The reader went away (`pptrack list | head`): stop quietly.
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            code = ExitCode.FAILURE
        except KeyboardInterrupt:
            code = 130
        except Exception as e:  # a bug: still one line, and a way to see more
            import os

            if os.environ.get("PPTRACK_DEBUG"):
                raise
            notice(f"internal error: {type(e).__name__}: {e} (set PPTRACK_DEBUG=1 for the traceback)")
            code = ExitCode.FAILURE
        if standalone_mode:
            sys.exit(code)
        return code


app = typer.Typer(
    cls=PptrackGroup,
    name="pptrack",
    help="Track contested figures over time, with their provenance.",
    no_args_is_help=True,
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


app.command("add")(facts.add)
app.command("list")(facts.list_)
app.command("show")(facts.show)
app.command("edit")(facts.edit)
app.command("rm")(facts.rm)
app.command("restore")(facts.restore)
app.command("history")(facts.history)
app.command("import")(transfer.import_)
app.add_typer(catalog.metrics_app, name="metrics")
app.add_typer(catalog.sources_app, name="sources")


def main() -> None:
    app()
