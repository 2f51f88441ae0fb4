"""The shipped example data: the figures of the five seed articles, entered by hand.

Checked against the articles themselves, so that a slip in examples/belarus.csv (a
quote that is not in its article, a value that is not what the quote says) fails here.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from conftest import EXAMPLES, Run
from pptrack.values import parse_value

SEEDS = Path(__file__).resolve().parent / "data" / "articles" / "seeds"
BELARUS = EXAMPLES / "belarus.csv"


def rows() -> list[dict[str, str]]:
    with open(BELARUS, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


ARTICLES = {p.name: squeeze(p.read_text(encoding="utf-8")) for p in SEEDS.glob("*.txt")}


@pytest.mark.parametrize("row", rows(), ids=lambda r: f"{r['metric']}-{r['date']}-{r['source']}")
def test_every_quote_is_in_a_seed_article(row: dict[str, str]) -> None:
    quote = squeeze(row["quote"])
    assert any(quote in text for text in ARTICLES.values()), f"quote not found in any seed: {quote!r}"


@pytest.mark.parametrize("row", rows(), ids=lambda r: f"{r['metric']}-{r['date']}-{r['source']}")
def test_every_value_reads_and_its_number_is_in_the_quote(row: dict[str, str]) -> None:
    value = parse_value(row["value"])
    quote = row["quote"]
    number = int(value.value)
    written = {str(number), f"{number:,}"}
    words = {6: "six", 8: "eight", 5: "five", 100: "a hundred", 40: "40"}
    if number in words:
        written.add(words[number])
    if row["metric"] == "political-prisoners-died-in-custody" and number == 6:
        # "at least five more" after Ashurak: the note explains the sixth.
        written = {"five more"}
    assert any(w in quote.lower() for w in written), (row["value"], quote)


def test_the_import_gives_the_spec_table(run: Run, run_json) -> None:
    result = run("import", str(BELARUS))
    assert result.exit_code == 0, result.stderr
    facts = run_json("timeline", "political-prisoners")
    table = [(f["date"], f["display"], f["qualifier"], f["source"], f["via"]) for f in facts]
    assert table == [
        ("2021", "888", "exact", "human-rights organisations", None),
        ("2024-05-21", "nearly 1,400", "nearly", "EU", "EU Neighbours East"),
        ("2024-07", "over 1,400", "over", "Viasna", "Sweden Herald"),
        ("2025-05-21", "1,189", "exact", "Viasna", "Pozirk"),
        ("2025-08", "nearly 1,200", "nearly", "Viasna", "People In Need"),
        ("2025-09-12", "more than 1,000", "over", "People In Need", None),
    ]
    august = facts[4]
    assert (august["date_precision"], august["published"]) == ("month", "2025-09-12")


def test_kinds_keep_stock_cumulative_and_flow_apart(run: Run, run_json) -> None:
    assert run("import", str(BELARUS)).exit_code == 0
    kinds = {m["slug"]: m["kind"] for m in run_json("metrics", "list")}
    assert kinds["political-prisoners"] == "stock"
    assert kinds["political-prisoners-since-2020"] == "cumulative"
    assert kinds["political-prisoners-died-in-custody"] == "cumulative"
    assert kinds["political-prisoners-released"] == "flow"


def test_importing_the_examples_twice_adds_nothing(run: Run, run_json) -> None:
    assert run("import", str(BELARUS)).exit_code == 0
    before = run_json("list")
    again = run("import", str(BELARUS))
    assert again.exit_code == 0, again.stderr
    assert run_json("list") == before
