"""`pptrack latest`: the current figure per metric, its age, and the other sources beside it."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import PP, Run, add


def test_latest_with_the_other_sources_newest_first(run_json, belarus: None) -> None:
    [item] = run_json("latest", "--as-of", "2025-10-30")
    assert (item["display"], item["date"], item["source"], item["age_days"]) == (
        "more than 1,000",
        "2025-09",
        "People In Need",
        30,
    )
    assert [(o["source"], o["display"], o["date"], o["age_days"]) for o in item["others"]] == [
        ("Viasna", "nearly 1,200", "2025-08", 60),
        ("EU", "nearly 1,400", "2024-05-21", 527),
        ("human-rights organisations", "888", "2021-12", 1399),
    ]
    fact = run_json("show", str(item["id"]))
    assert {k: v for k, v in item.items() if k not in ("age_days", "others")} == fact
    assert set(item["others"][0]) == {*fact, "age_days"}


def test_as_of_leaves_out_later_figures(run_json, belarus: None) -> None:
    [item] = run_json("latest", PP, "--as-of", "2025-06-30")
    assert (item["display"], item["source"], item["age_days"]) == ("1,189", "Viasna", 40)
    assert [o["source"] for o in item["others"]] == ["EU", "human-rights organisations"]  # Viasna once: its latest


def test_a_coarse_as_of_date_reaches_its_end(run_json, belarus: None) -> None:
    [item] = run_json("latest", "--as-of", "2025-08")
    assert (item["date"], item["age_days"]) == ("2025-08", 0)
    [item] = run_json("latest", "--as-of", "2025-08-10")  # the month has started and not ended
    assert (item["date"], item["age_days"]) == ("2025-08", 0)
    [item] = run_json("latest", "--as-of", "2025-07-31")
    assert item["date"] == "2025-05-21"


def test_the_default_is_today(run_json, belarus: None) -> None:
    from datetime import date

    [item] = run_json("latest")
    assert item["date"] == "2025-09" and item["age_days"] == (date.today() - date(2025, 9, 30)).days


def test_one_item_per_metric_by_slug(run_json, run: Run, belarus: None) -> None:
    add(run, "released", "52", "2025-09-11", "Viasna")
    add(run, "released", "16", "2025-06-21", "Viasna")
    items = run_json("latest", "--as-of", "2025-12-31")
    assert [(i["metric"], i["display"], len(i["others"])) for i in items] == [
        (PP, "more than 1,000", 3),
        ("released", "52", 0),
    ]
    assert [i["metric"] for i in run_json("latest", "released")] == ["released"]


def test_table_puts_the_others_below_it(run: Run, belarus: None) -> None:
    result = run("latest", "--as-of", "2025-10-30")
    assert result.exit_code == 0, result.stderr
    header, _, *rows = result.stdout.splitlines()
    assert header.split() == ["metric", "date", "value", "source", "via", "days", "old"]
    assert [row.split("  ")[0] for row in rows] == [PP, "", "", ""]
    assert rows[0].startswith(PP) and "more than 1,000" in rows[0] and rows[0].endswith(" 30")
    assert (
        "2025-08" in rows[1] and "nearly 1,200" in rows[1] and "People In Need" in rows[1] and rows[1].endswith(" 60")
    )
    assert "EU Neighbours East" in rows[2] and rows[3].endswith(" 1399")


def test_csv_gives_one_row_per_metric_with_the_others_as_text(run: Run, belarus: None) -> None:
    result = run("latest", "--as-of", "2025-06-30", "--format", "csv")
    [row] = list(csv.DictReader(io.StringIO(result.stdout)))
    assert (row["display"], row["age_days"]) == ("1,189", "40")
    assert row["others"] == "EU: nearly 1,400 (2024-05-21); human-rights organisations: 888 (2021-12)"
    lines = run("latest", "--as-of", "2025-06-30", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line)["display"] for line in lines] == ["1,189"]


def test_removed_facts_do_not_count(run: Run, run_json, belarus: None) -> None:
    [item] = run_json("latest", "--as-of", "2025-10-30")
    assert run("rm", str(item["id"])).exit_code == 0
    [item] = run_json("latest", "--as-of", "2025-10-30")
    assert item["source"] == "Viasna" and "People In Need" not in [o["source"] for o in item["others"]]


def test_via_is_not_a_source_of_its_own(run_json, run: Run) -> None:
    add(run, "m", "5", "2025-01-01", "A", "--via", "B")
    [item] = run_json("latest", "--as-of", "2025-12-31")
    assert item["source"] == "A" and item["via"] == "B" and item["others"] == []


def test_empty_result_says_so_and_json_is_an_empty_array(run: Run, belarus: None) -> None:
    result = run("latest", "--as-of", "2020")
    assert result.exit_code == 0 and result.stdout == "" and "no facts match" in result.stderr
    result = run("latest", "--as-of", "2020", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_unknown_metric_names_close_ones(run: Run, belarus: None) -> None:
    result = run("latest", "political-prisoner")
    assert result.exit_code == 1 and "did you mean" in result.stderr and PP in result.stderr


def test_bad_as_of_is_bad_input(run: Run, belarus: None) -> None:
    result = run("latest", "--as-of", "03/04/2025")
    assert result.exit_code == 2 and "--dayfirst" in result.stderr and result.stdout == ""
    assert result.stderr.count("\n") == 1
    [item] = json.loads(run("latest", "--as-of", "30/06/2025", "--format", "json").stdout)  # one real reading
    assert item["display"] == "1,189"
    [item] = json.loads(run("latest", "--as-of", "06/07/2025", "--dayfirst", "--format", "json").stdout)
    assert (item["display"], item["age_days"]) == ("1,189", 46)
    [item] = json.loads(run("latest", "--as-of", "06/07/2025", "--monthfirst", "--format", "json").stdout)
    assert (item["display"], item["age_days"]) == ("1,189", 17)


def test_a_narrow_terminal_leaves_out_via(run: Run, belarus: None, monkeypatch: pytest.MonkeyPatch) -> None:
    import pptrack.commands.timeline as commands

    monkeypatch.setattr(commands, "_terminal_width", lambda: 60)
    header = run("latest", "--as-of", "2025-10-30").stdout.splitlines()[0]
    assert header.split() == ["metric", "date", "value", "source", "days", "old"]
    monkeypatch.setattr(commands, "_terminal_width", lambda: 200)
    assert "via" in run("latest", "--as-of", "2025-10-30").stdout.splitlines()[0]
