"""Every benchmark of pptrack in one run, each figure next to its baseline measured in the
same run on the same machine, with the ratio and the target.

    python benchmarks/run.py            # start-up, import/export of 100,000 rows, listings, 1,000,000-fact queries
    python benchmarks/run.py --million  # also import and export 1,000,000 rows (peak memory)
    python benchmarks/run.py --keep DIR # keep the generated databases in DIR for the next run

Install first: pip install -e '.[test]' (sqlite-utils' command is the import baseline).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
from pathlib import Path

import import_export
import scale
import startup
from common import Report, compile_package


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--million", action="store_true", help="also import and export 1,000,000 rows")
    parser.add_argument("--keep", type=Path, default=None, help="folder for the generated databases")
    parser.add_argument("--runs", type=int, default=21, help="rounds of the short commands (median kept)")
    args = parser.parse_args()
    compile_package()
    report = Report()
    notes: list[str] = []
    cores = len(os.sched_getaffinity(0))
    print(f"python {platform.python_version()} on {platform.machine()}, {cores} cores")
    startup.run(report, runs=args.runs)
    with tempfile.TemporaryDirectory() as folder:
        notes += import_export.measure(report, 100_000, 3, Path(folder))
        if args.million:
            notes += import_export.measure(report, 1_000_000, 1, Path(folder))
    scale.run(report, runs=args.runs, keep=args.keep)
    report.print()
    print("\n".join(notes))


if __name__ == "__main__":
    sys.exit(main())
