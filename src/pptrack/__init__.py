"""pptrack: track contested figures over time, with their provenance."""

__version__ = "0.1.0"

# The commands answered before or while the command line loads (pptrack.early); only these
# import that module.
EARLY_COMMANDS = ("list", "latest")


def main() -> None:
    """The `pptrack` command, and the one place that sets Python's cyclic garbage collector
    for it: off for the whole run, start-up included. Each collection walks every object
    of the modules loaded (Typer's too), and no command makes cyclic garbage as it goes:
    records are freed by their reference counts (an import or export of 100,000 facts, a
    check of a million, leave none to collect; tests/test_collection.py). At the exit, what the run
    made is frozen out of the last collection Python makes even with the collector off
    (8 ms of a 60 ms `--version`). A reading command may be answered early, a listing in a
    data format without Typer at all (pptrack.early)."""
    import gc
    import sys

    gc.disable()
    early = None
    code = None
    try:
        if sys.argv[1:2] and sys.argv[1] in EARLY_COMMANDS:
            from . import early

            code = early.start(sys.argv[1:])
        if code is None:
            from .cli import app

            app()
    except KeyboardInterrupt:  # Ctrl-C before the command's own boundary (cli) was reached
        code = 130
    finally:
        if early is not None:
            early.finish()
        gc.freeze()
    sys.exit(code)
