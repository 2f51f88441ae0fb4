"""Extraction accuracy: precision and recall of `pptrack extract` against hand-written expectations.

The articles and what a careful reader would note in each are in tests/data/articles/
(expected.json). A found candidate matches an expected one when value, qualifier and
date are equal and the sources name the same (case, accents and punctuation ignored, one
name containing the other: "Viasna" matches "Viasna Human Rights Center", or one the
acronym of the other: "EIPR"). Nouns are
scored separately over the matched pairs. Held-out articles were written with their
expectations before their output was ever looked at and were never used to tune the rules.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pptrack.dates import parse_date
from pptrack.extract import Candidate, decode_article, extract
from pptrack.names import name_key
from pptrack.values import parse_value

ARTICLES = Path(__file__).resolve().parent.parent / "tests" / "data" / "articles"


@dataclass
class Score:
    expected: int = 0
    found: int = 0
    matched: int = 0
    nouns: int = 0
    figures: int = 0  # matched on value and qualifier alone, whatever the date and source

    def add(self, other: Score) -> None:
        self.expected += other.expected
        self.found += other.found
        self.matched += other.matched
        self.nouns += other.nouns
        self.figures += other.figures

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0


def same_source(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is b
    ka, kb = name_key(a), name_key(b)
    return bool(ka and kb) and (ka in kb or kb in ka or ka == acronym(b) or kb == acronym(a))


def acronym(name: str) -> str:
    """The initials of a name's capitalised words: Egyptian Initiative for Personal Rights → eipr."""
    return "".join(w[0] for w in name.split() if w[:1].isupper()).casefold()


def same_figure(found: Candidate, want: dict[str, Any]) -> bool:
    return found.value == parse_value(want["display"]).value and found.qualifier == want["qualifier"]


def matches(found: Candidate, want: dict[str, Any]) -> bool:
    return same_figure(found, want) and found.date == want["date"] and same_source(found.source, want["source"])


def score(article: dict[str, Any]) -> tuple[Score, list[str]]:
    """The score of one article and a line for each miss and each extra candidate."""
    text = decode_article((ARTICLES / article["file"]).read_bytes(), article["file"])
    date = parse_date(article["date"]) if article["date"] else None
    found = extract(text, date=date, source=article["source"]).candidates
    result = Score(expected=len(article["expected"]), found=len(found))
    unmatched = list(found)
    problems: list[str] = []
    for want in article["expected"]:
        hit = next((c for c in unmatched if matches(c, want)), None)
        if hit is None:
            problems.append(f"  missed {want['display']!r} {want['date']} {want['source']!r}")
            continue
        unmatched.remove(hit)
        result.matched += 1
        result.nouns += hit.noun == want["noun"]
    problems += [f"  extra  {c.display!r} {c.date} {c.source!r} ({c.noun})" for c in unmatched]
    figures = list(found)
    for want in article["expected"]:
        hit = next((c for c in figures if same_figure(c, want)), None)
        if hit is not None:
            figures.remove(hit)
            result.figures += 1
    return result, problems


def load() -> list[dict[str, Any]]:
    return json.loads((ARTICLES / "expected.json").read_text(encoding="utf-8"))["articles"]


def main(verbose: bool = False) -> None:
    rows = []
    totals = {False: Score(), True: Score()}
    for article in load():
        s, problems = score(article)
        totals[article["held_out"]].add(s)
        name = Path(article["file"]).stem + (" (held out)" if article["held_out"] else "")
        rows.append((name, article.get("style", ""), s))
        if verbose:
            rows.extend(("", p, None) for p in problems)
    for label, held in (("overall, tuned on", False), ("overall, HELD OUT (never tuned on)", True)):
        rows.append((label, "", totals[held]))
    everything = Score()
    for s in totals.values():
        everything.add(s)
    rows.append(("overall, all articles", "", everything))
    width = max(len(r[0]) for r in rows)
    print(f"{'article':<{width}}  expected  found  matched  precision  recall  nouns right  figures only")
    for name, style, s in rows:
        if s is None:
            print(f"{'':<{width}}  {style}")
            continue
        nouns = f"{s.nouns}/{s.matched}"
        figures = f"{s.figures}/{s.expected}"
        print(
            f"{name:<{width}}  {s.expected:>8}  {s.found:>5}  {s.matched:>7}  "
            f"{s.precision:>9.0%}  {s.recall:>6.0%}  {nouns:>11}  {figures:>12}"
        )
    print(
        "matched: value, qualifier, date and source all right; figures only: value and qualifier right, "
        "whatever the date and source"
    )


if __name__ == "__main__":
    main(verbose="-v" in sys.argv[1:])
