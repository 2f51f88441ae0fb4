"""metrics list|add|alias|rename and sources list|add|alias|merge."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from conftest import Run, add


def test_metric_slug_from_name_and_json_shape(run: Run, run_json) -> None:
    result = run("metrics", "add", "Political Prisoners", "--unit", "people", "--alias", "political prisoners held")
    assert result.exit_code == 0, result.stderr
    add(run, "political prisoners held", "1,189", "2025-05-21", "Viasna")
    assert run_json("metrics", "list") == [
        {
            "slug": "political-prisoners",
            "label": "Political Prisoners",
            "unit": "people",
            "kind": "stock",
            "aliases": ["political prisoners held"],
            "facts": 1,
        }
    ]


def test_metric_kinds(run: Run, run_json) -> None:
    assert run("metrics", "add", "recognised", "--kind", "cumulative").exit_code == 0
    bad = run("metrics", "add", "x", "--kind", "level")
    assert bad.exit_code == 2 and "'level' is not one of" in bad.stderr
    assert [m["kind"] for m in run_json("metrics", "list")] == ["cumulative"]


def test_metric_add_twice_is_refused(run: Run) -> None:
    run("metrics", "add", "pp")
    result = run("metrics", "add", "PP")
    assert result.exit_code == 2 and "exists already" in result.stderr


def test_metric_alias_and_rename_keep_old_names(run: Run, run_json) -> None:
    add(run, "pp", "888", "2021", "HRO")
    assert run("metrics", "alias", "pp", "politzeki").exit_code == 0
    assert run("metrics", "rename", "pp", "Political Prisoners").exit_code == 0
    [metric] = run_json("metrics", "list")
    assert metric["slug"] == "political-prisoners"
    assert metric["aliases"] == ["politzeki", "pp"]
    assert run_json("list", "--metric", "pp")[0]["metric"] == "political-prisoners"
    assert run_json("list", "--metric", "politzeki")[0]["metric"] == "political-prisoners"


@pytest.mark.parametrize("back", ["pp", "PP", "politzeki"])
def test_a_rename_back_to_an_old_name_is_no_alias_of_itself(back: str, run: Run, run_json) -> None:
    add(run, "pp", "888", "2021", "HRO")
    assert run("metrics", "alias", "pp", "politzeki").exit_code == 0
    assert run("metrics", "rename", "pp", "qq").exit_code == 0
    assert run("metrics", "rename", "qq", back).exit_code == 0
    [metric] = run_json("metrics", "list")
    slug = back.lower()
    assert metric["slug"] == slug
    assert metric["aliases"] == sorted({"pp", "politzeki", "qq"} - {slug})
    assert run_json("list", "--metric", "qq")[0]["metric"] == slug
    assert run("check").exit_code == 0


def test_a_rename_is_in_each_facts_history(run: Run, run_json) -> None:
    """A bug: after a rename, a fact's last version still named the old slug, unlike `show`."""
    added = add(run, "pp", "888", "2021", "HRO")
    add(run, "other", "5", "2021", "HRO")
    assert run("metrics", "rename", "pp", "political-prisoners").exit_code == 0
    versions = run_json("history", str(added["id"]))
    assert [(v["change"], v["metric"]) for v in versions] == [("added", "pp"), ("edited", "political-prisoners")]
    [shown] = run_json("list", "--metric", "political-prisoners")
    assert shown["updated_at"] == versions[-1]["changed_at"] == versions[-1]["updated_at"] > added["updated_at"]
    assert [v["change"] for v in run_json("history", "2")] == ["added"]  # another metric's facts: untouched
    assert run("metrics", "rename", "political-prisoners", "Political Prisoners").exit_code == 0  # the same slug
    assert len(run_json("history", str(added["id"]))) == 2


def test_a_rename_to_its_own_slug_writes_nothing(run: Run, db_path: Path) -> None:
    """It stored each fact's 'added' version, as a rename does before it edits them."""
    add(run, "pp", "888", "2021", "HRO")
    with closing(sqlite3.connect(db_path)) as conn:
        before = list(conn.iterdump())
    result = run("metrics", "rename", "pp", "PP")
    assert result.exit_code == 0 and "metric 'pp' is named so already; nothing changed" in result.stderr
    with closing(sqlite3.connect(db_path)) as conn:
        assert list(conn.iterdump()) == before


def test_alias_taken_by_another_metric_is_refused(run: Run) -> None:
    run("metrics", "add", "a")
    run("metrics", "add", "b")
    result = run("metrics", "alias", "a", "B")
    assert result.exit_code == 2 and "already belongs to another metric" in result.stderr


def test_unknown_metric_for_alias(run: Run, db_path) -> None:
    result = run("metrics", "alias", "nope", "x")
    assert result.exit_code == 1 and "unknown metric 'nope'" in result.stderr
    assert not db_path.exists()


def test_sources_add_alias_list(run: Run, run_json) -> None:
    assert run("sources", "add", "Viasna", "--alias", "Vjasna", "--url", "https://spring96.org").exit_code == 0
    assert run("sources", "alias", "vjasna", "Viasna Human Rights Center").exit_code == 0
    add(run, "pp", "1,189", "2025-05-21", "Viasna Human Rights Center")
    assert run_json("sources", "list") == [
        {
            "name": "Viasna",
            "aliases": ["Viasna Human Rights Center", "Vjasna"],
            "url": "https://spring96.org",
            "facts": 1,
        }
    ]


def test_sources_merge_moves_facts_and_keeps_alias(run: Run, run_json) -> None:
    add(run, "pp", "1,189", "2025-05-21", "Viasna")
    add(run, "pp", "over 1,400", "2025-09", "Vjasna")
    add(run, "pp", "nearly 1,200", "2025-08", "Viasna", "--via", "Vjasna")
    result = run("sources", "merge", "Viasna", "Vjasna")
    assert result.exit_code == 0 and "moved 2 fact(s)" in result.stderr
    [source] = run_json("sources", "list")
    assert source == {"name": "Viasna", "aliases": ["Vjasna"], "url": None, "facts": 3}
    facts = run_json("list")
    # Viasna via Vjasna is now Viasna via itself: no via (test_a_merge_leaves_no_fact_via_its_own_source)
    assert {f["source"] for f in facts} == {"Viasna"} and {f["via"] for f in facts} == {None}
    # the move is in each moved fact's history
    assert [v["change"] for v in run_json("history", "2")] == ["added", "edited"]
    assert add(run, "pp", "5", "2020", "vjasna")["source"] == "Viasna"


def test_a_merge_keeps_the_merged_sources_url(run: Run, run_json) -> None:
    """A bug: OTHER's web address went with it, though KEEP had none."""
    assert run("sources", "add", "Viasna").exit_code == 0
    assert run("sources", "add", "Vjasna", "--url", "https://spring96.org").exit_code == 0
    assert run("sources", "add", "EU", "--url", "https://europa.eu").exit_code == 0
    assert run("sources", "add", "EEAS", "--url", "https://eeas.europa.eu").exit_code == 0
    result = run("sources", "merge", "Viasna", "Vjasna")
    assert result.exit_code == 0 and "url" not in result.stderr
    again = run("sources", "merge", "EU", "EEAS")  # both have one: KEEP's stays, and the other is named
    assert again.exit_code == 0
    assert "'EEAS' had the url https://eeas.europa.eu; the merged source keeps https://europa.eu" in again.stderr
    urls = {s["name"]: s["url"] for s in run_json("sources", "list")}
    assert urls == {"Viasna": "https://spring96.org", "EU": "https://europa.eu"}


def test_merge_errors(run: Run) -> None:
    add(run, "pp", "1", "2021", "Viasna")
    assert run("sources", "merge", "Viasna", "viasna").exit_code == 2
    result = run("sources", "merge", "Viasna", "Nobody")
    assert result.exit_code == 1 and "unknown source 'Nobody'" in result.stderr


def test_catalog_tables(run: Run) -> None:
    run("sources", "add", "Viasna", "--alias", "Vjasna")
    out = run("sources", "list").stdout
    assert out.splitlines()[0].split() == ["name", "aliases", "url", "facts"]
    assert "Viasna  Vjasna" in out
    assert "political-prisoners" in run("metrics", "add", "political-prisoners").stdout


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["add", "m", "5", "--date", "2021", "--source", "S", "--strict"], 2, "unknown metric 'm'"),
        (["metrics", "add", ""], 2, "write e.g. political-prisoners"),
        (["metrics", "add", "x", "--alias", "!!"], 2, "the metric name '!!' is empty"),
        (["metrics", "add", "x", "--label", "--"], 2, "the metric name '--' is empty"),
        (["sources", "add", ""], 2, "write e.g. Viasna"),
        (["sources", "add", "A", "--alias", " "], 2, "the source name ' ' is empty"),
        (["sources", "merge", "A", "B"], 1, "unknown source 'A'"),
    ],
)
def test_refused_into_a_new_database_creates_no_file(run: Run, db_path: Path, args, code, says) -> None:
    """Bad input writes nothing: not even the file and its folder a good one would have made."""
    db = db_path.parent / "new" / "pptrack.db"
    result = run(*args, "--db", str(db))
    assert result.exit_code == code and says in result.stderr
    assert not db.parent.exists()


def test_merging_by_an_alias_says_whose_it_is(run: Run, run_json) -> None:
    """All of Viasna moved, named by its alias, with no word of it."""
    run("sources", "add", "Viasna", "--alias", "Vjasna")
    add(run, "pp", "5", "2025", "Viasna")
    add(run, "pp", "6", "2025", "EU")
    result = run("sources", "merge", "EU", "Vjasna")
    assert result.exit_code == 0
    assert "'Vjasna' is an alias of 'Viasna': all of 'Viasna' was merged" in result.stderr
    add(run, "pp", "7", "2025", "PIN")
    by_name = run("sources", "merge", "EU", "pin")  # its own name, in other letters: no notice
    assert by_name.exit_code == 0 and "alias of" not in by_name.stderr


def test_a_merge_leaves_no_fact_via_its_own_source(run: Run, run_json) -> None:
    """A via B, merged into A, was A via A."""
    add(run, "pp", "2", "2021", "A", "--via", "B")
    add(run, "pp", "3", "2022", "B", "--via", "A")
    add(run, "pp", "4", "2023", "B", "--via", "C")
    add(run, "pp", "5", "2024", "A", "--via", "A")  # refused as a via: no via already
    result = run("sources", "merge", "A", "B")
    assert result.exit_code == 0
    assert "fact(s) #1, #2: 'A' is now source and via at once; stored without via" in result.stderr
    assert [(f["id"], f["source"], f["via"]) for f in run_json("list")] == [
        (4, "A", None),
        (3, "A", "C"),
        (2, "A", None),
        (1, "A", None),
    ]
    assert [(v["change"], v["via"]) for v in run_json("history", "1")] == [("added", "B"), ("edited", None)]
