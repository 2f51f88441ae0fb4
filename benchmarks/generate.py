"""Make N hand-written-style facts as CSV (`metric,value,date,source`), or a database of them.

    python benchmarks/generate.py --rows 100000 --metrics 100 --sources 50 --years 10 -o facts.csv
    python benchmarks/generate.py --rows 1000000 -o facts.db     # imported with `pptrack import`

Values are written the way articles write them (`nearly 1,400`, `1,189`, `over 1,000`,
`~250`, `1,200-1,400`), dates at day, month or year precision (`2025-05-21`, `2025-08`,
`2021`). The same arguments always give the same file.
"""

from __future__ import annotations

import argparse
import csv
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

QUALIFIERS = ("", "", "", "nearly ", "over ", "about ", "~", "more than ", "at least ", "almost ")


def written_value(rng: random.Random) -> str:
    n = rng.choice((rng.randint(1, 99), rng.randint(100, 2000), rng.randint(1, 60) * 100, rng.randint(1000, 50000)))
    text = f"{n:,}"
    if rng.random() < 0.05:
        return f"{text}-{n + rng.randint(1, 20) * 10:,}"
    return rng.choice(QUALIFIERS) + text


def written_date(rng: random.Random, first_year: int, years: int) -> str:
    year = first_year + rng.randrange(years)
    kind = rng.random()
    if kind < 0.6:
        return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if kind < 0.95:
        return f"{year}-{rng.randint(1, 12):02d}"
    return str(year)


def rows(n: int, metrics: int, sources: int, years: int, seed: int = 1) -> Iterator[tuple[str, str, str, str]]:
    rng = random.Random(seed)
    metric_names = [f"metric-{i:03d}" for i in range(metrics)]
    source_names = [f"Source {i:03d}" for i in range(sources)]
    for _ in range(n):
        yield (
            rng.choice(metric_names),
            written_value(rng),
            written_date(rng, 2016, years),
            rng.choice(source_names),
        )


def write_csv(path: Path, n: int, metrics: int, sources: int, years: int) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(("metric", "value", "date", "source"))
        writer.writerows(rows(n, metrics, sources, years))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--metrics", type=int, default=100)
    parser.add_argument("--sources", type=int, default=50)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("-o", "--output", type=Path, required=True, help="FILE.csv, or FILE.db for a database")
    args = parser.parse_args(argv)
    if args.output.suffix == ".db":
        csv_path = args.output.with_suffix(".csv")
        write_csv(csv_path, args.rows, args.metrics, args.sources, args.years)
        pptrack = Path(sys.executable).parent / "pptrack"
        subprocess.run([str(pptrack), "import", str(csv_path), "--db", str(args.output)], check=True)
        csv_path.unlink()
    else:
        write_csv(args.output, args.rows, args.metrics, args.sources, args.years)


if __name__ == "__main__":
    main()
