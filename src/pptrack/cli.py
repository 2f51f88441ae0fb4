"""The pptrack command line: assembles the commands and is the one error boundary."""

from __future__ import annotations

import sys
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperGroup

from . import __version__
from .errors import ExitCode, notice, refuse_undecodable, reported

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


def _value_taken_for_option(e: Exception, argv: list[str]) -> str | None:
    """The argument that made `e` if it is a value written with a minus (-5, -1,400, -inf)
    that Click read as options (-5, -i), else None."""
    import re

    name = getattr(e, "option_name", None)
    if type(e).__name__ != "NoSuchOption" or not name:
        return None
    return next((a for a in argv if a.startswith(name) and re.match(r"-(?:[\d.]|inf|nan)", a, re.IGNORECASE)), None)


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

        run_group = super().main

        def work() -> int:
            try:
                refuse_undecodable(sys.argv[1:] if args is None else args or ())
                result = run_group(
                    args=args,
                    prog_name=prog_name or "pptrack",
                    complete_var=complete_var,
                    standalone_mode=False,
                    **extra,
                )
                return result if isinstance(result, int) else ExitCode.OK
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
                return e.exit_code
            except typer.Abort:
                notice("aborted")
                return ExitCode.FAILURE

        code = reported(work)
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
