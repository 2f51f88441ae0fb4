"""add, list, show, edit, rm, restore, history through the CLI."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import Run, add


def test_add_prints_the_fact_object(run: Run) -> None:
    fact = add(
        run,
        "political-prisoners",
        "nearly 1,200",
        "August 2025",
        "Viasna",
        "--via",
        "People In Need",
        "--url",
        "https://example.org/a",
        "--quote",
        "As of August 2025, nearly 1,200",
        "--note",
        "n",
        "--tag",
        "belarus",
        "--tag",
        "pin",
        "--published",
        "Sep 12, 2025",
    )
    assert set(fact) == {
        "id",
        "uid",
        "metric",
        "value",
        "low",
        "high",
        "qualifier",
        "display",
        "date",
        "date_precision",
        "published",
        "source",
        "via",
        "url",
        "quote",
        "note",
        "tags",
        "created_at",
        "updated_at",
    }
    assert fact["metric"] == "political-prisoners"
    assert (fact["value"], fact["low"], fact["high"], fact["qualifier"]) == (1200, 1100, 1200, "nearly")
    assert fact["display"] == "nearly 1,200"
    assert (fact["date"], fact["date_precision"], fact["published"]) == ("2025-08", "month", "2025-09-12")
    assert (fact["source"], fact["via"]) == ("Viasna", "People In Need")
    assert fact["tags"] == ["belarus", "pin"]
    assert len(fact["uid"]) == 36


def test_add_creates_names_with_notice_and_did_you_mean(run: Run) -> None:
    add(run, "political-prisoners", "888", "2021", "Viasna")
    result = run("add", "political-prisoner", "5", "--date", "2021", "--source", "Viasna")
    assert result.exit_code == 0
    assert "new metric 'political-prisoner' created (did you mean political-prisoners?)" in result.stderr


def test_did_you_mean_names_only_close_names(run: Run) -> None:
    """A bug: a name of one or two letters is inside nearly every other, so a new source
    `Amnesty` was asked "did you mean S?", and a metric `m` offered three long slugs."""
    add(run, "journalists-imprisoned", "40", "2025", "S")
    add(run, "political-prisoners", "888", "2021", "Viasna Human Rights Centre")
    notices = {
        args: run("add", args[0], "5", "--date", "2021", "--source", args[1]).stderr
        for args in (("m", "Amnesty"), ("political-prisoners", "Viasna"), ("journalists", "Vyasna"))
    }
    assert "did you mean" not in notices["m", "Amnesty"]
    viasna = notices["political-prisoners", "Viasna"]
    assert "new source 'Viasna' created (did you mean Viasna Human Rights Centre?)" in viasna
    assert "new metric 'journalists' created (did you mean journalists-imprisoned?)" in notices["journalists", "Vyasna"]


def test_strict_refuses_unknown_names_and_writes_nothing(run: Run, db_path: Path) -> None:
    result = run("add", "political-prisoners", "5", "--date", "2021", "--source", "Viasna", "--strict")
    assert result.exit_code == 2
    assert "unknown metric 'political-prisoners'" in result.stderr
    assert not db_path.exists()
    run("metrics", "add", "political-prisoners")
    run("sources", "add", "Viasna", "--alias", "Vjasna")
    result = run("add", "political-prisoners", "5", "--date", "2021", "--source", "vjasna", "--strict")
    assert result.exit_code == 0, result.stderr


def test_a_via_that_is_the_source_itself_is_no_via(run: Run, run_json, tmp_path: Path) -> None:
    """`--via` naming the source (any of its names) stored a second fact, via the source."""
    add(run, "pp", "1,189", "2025-05", "Viasna")
    run("sources", "alias", "Viasna", "Vjasna")
    result = run("add", "pp", "1,189", "--date", "2025-05", "--source", "viasna", "--via", "Vjasna")
    assert result.exit_code == 0
    assert "via 'Vjasna' is the source itself ('Viasna')" in result.stderr
    assert "identical fact is stored already as #1" in result.stderr
    add(run, "pp", "1,200", "2025-08", "Viasna", "--via", "PIN")
    edited = run("edit", "2", "--source", "PIN")
    assert "via 'PIN' is the source itself ('PIN')" in edited.stderr
    assert [(f["id"], f["source"], f["via"]) for f in run_json("list")] == [(2, "PIN", None), (1, "Viasna", None)]
    path = tmp_path / "in.csv"
    path.write_text("metric,value,date,source,via\npp,888,2021,HRO,hro\npp,1189,2025-05,Viasna,Viasna\n")
    imported = run("import", str(path))
    assert "1 fact(s); 1 already present" in imported.stderr
    assert "2 row(s) named the source itself as via: stored without via" in imported.stderr
    assert [f["via"] for f in run_json("list")] == [None, None, None]


def test_identical_fact_is_stored_once(run: Run, run_json) -> None:
    first = add(run, "pp", "nearly 1,400", "May 21, 2024", "EU")
    result = run("add", "pp", "nearly 1,400", "--date", "2024-05-21", "--source", "eu", "--format", "json")
    assert result.exit_code == 0
    assert "identical fact is stored already as #1" in result.stderr
    assert json.loads(result.stdout)["uid"] == first["uid"]
    assert len(run_json("list")) == 1
    # "about" is another fact; the same figure removed no longer counts
    add(run, "pp", "about 1,400", "May 21, 2024", "EU")
    assert run("rm", "1").exit_code == 0
    again = add(run, "pp", "nearly 1,400", "May 21, 2024", "EU")
    assert again["id"] == 3


def test_sources_match_ignoring_case_accents_punctuation(run: Run, run_json) -> None:
    run("sources", "add", "Viasna", "--alias", "Viasna Human Rights Center", "--alias", "spring96")
    for name in ("VIASNA", "Viásna", "viasna-human rights center", "Spring 96"):
        assert add(run, "pp", "1", "2021", name)["source"] == "Viasna"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["add", "pp", "nan", "--date", "2021", "--source", "X"], 2, "cannot read value 'nan'"),
        (["add", "pp", "1,5", "--date", "2021", "--source", "X"], 2, "comma separates thousands"),
        (["add", "pp", "1.400", "--date", "2021", "--source", "X"], 2, "write 1400 or 1,400 for thousands, 1.4 for"),
        (["add", "pp", "nearly 12.500", "--date", "2021", "--source", "X"], 2, "12500 or 12,500 for thousands"),
        (["add", "pp", "5", "--date", "03/04/2025", "--source", "X"], 2, "--dayfirst or --monthfirst"),
        (["add", "pp", "5", "--date", "7H2UWUUU", "--source", "X"], 2, "cannot read date"),
        (["add", "pp", "5", "--source", "X"], 2, "Missing option '--date'"),
        (["add", "pp", "5", "--date", "2021", "--source", "!!!"], 2, "only punctuation"),
        (["add", "pp", "5", "--date", "2021", "--source", "X", "--tag", "a;b"], 2, "has a ';'"),
        (["add", "pp", "5", "--date", "2021", "--source", "X", "--format", "xml"], 2, "'xml' is not one of"),
        (["add", "pp", "5", "--date", "2021", "--source", "X", "--dayfirst", "--monthfirst"], 2, "not both"),
        (
            ["add", "pp", "-5", "--date", "2021", "--source", "X"],
            2,
            "after '--', e.g. pptrack add METRIC --date D --source S -- -5",
        ),
        (["add", "pp", "-inf", "--date", "2021", "--source", "X"], 2, "No such option: -i; write a value"),
        (["list", "-5"], 2, "No such option: -5 (see 'pptrack list --help')"),
        (["show", "abc"], 2, "not a fact id"),
        (["show", "99"], 1, "no fact with id 99"),
        (["edit", "99", "--note", "x"], 1, "no fact with id 99"),
        (["list", "--metric", ""], 2, "the metric name '' is empty"),
        (["list", "--since", "soon"], 2, "cannot read date"),
        (["list", "--limit", "-1"], 2, "--limit"),
        (["list", "--limit", "99999999999999999999999"], 2, "from 0 to 9223372036854775807"),
        (["list", "--limit", "9223372036854775808", "--format", "tsv"], 2, "--limit"),
        (["frobnicate"], 2, "no such command"),
        (["lis"], 2, "did you mean list?"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    run: Run, db_path: Path, args: list[str], code: int, message: str
) -> None:
    result = run(*args)
    assert result.exit_code == code
    assert message in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert not db_path.exists()


def test_an_unknown_metric_in_a_database_is_not_found(run: Run) -> None:
    add(run, "pp", "5", "2021", "X")
    result = run("list", "--metric", "nope")
    assert result.exit_code == 1 and result.stderr == "error: unknown metric 'nope'\n"


def test_list_filters_and_order(run: Run, run_json) -> None:
    add(run, "pp", "888", "2021", "HRO", "--tag", "statement")
    add(run, "pp", "nearly 1,400", "2024-05-21", "EU")
    add(run, "pp", "1,189", "2025-05-21", "Viasna", "--via", "Pozirk")
    add(run, "pp", "nearly 1,200", "2025-08", "Viasna", "--via", "People In Need")
    add(run, "pp", "5", "2025-08-01", "Viasna")
    add(run, "died", "at least 8", "2025-05-21", "Viasna")
    dates = [f["date"] for f in run_json("list", "--metric", "pp")]
    # newest first: the day inside August after the month itself (coarser first, reversed)
    assert dates == ["2025-08-01", "2025-08", "2025-05-21", "2024-05-21", "2021"]
    assert {f["metric"] for f in run_json("list", "--source", "viasna")} == {"pp", "died"}
    assert [f["display"] for f in run_json("list", "--via", "Pozirk")] == ["1,189"]
    assert [f["date"] for f in run_json("list", "--metric", "pp", "--since", "2025-08-15")] == ["2025-08"]
    assert [f["date"] for f in run_json("list", "--metric", "pp", "--until", "2021-06")] == ["2021"]
    assert [f["date"] for f in run_json("list", "--tag", "statement")] == ["2021"]
    assert len(run_json("list", "--limit", "2")) == 2


def test_list_table_shows_values_as_written(run: Run) -> None:
    add(run, "political-prisoners", "nearly 1,400", "May 21, 2024", "EU")
    add(run, "political-prisoners", "1,189", "2025-05-21", "Viasna", "--via", "Pozirk")
    out = run("list").stdout
    lines = out.splitlines()
    assert lines[0].split() == ["id", "date", "metric", "value", "source", "via", "tags"]
    assert "2025-05-21  political-prisoners         1,189  Viasna  Pozirk" in out
    assert "nearly 1,400" in lines[3]


def test_list_formats(run: Run) -> None:
    add(run, "pp", "nearly 1,400", "2024-05", "EU", "--tag", "a", "--tag", "b", "--quote", "=1+1")
    jsonl = run("list", "--format", "jsonl").stdout.splitlines()
    assert len(jsonl) == 1 and json.loads(jsonl[0])["tags"] == ["a", "b"]
    csv_out = run("list", "--format", "csv").stdout.splitlines()
    assert csv_out[0].startswith("id,uid,metric,value,low,high,qualifier,display,date,date_precision")
    assert ",a;b," in csv_out[1] and "'=1+1" in csv_out[1]
    tsv_out = run("list", "--format", "tsv").stdout.splitlines()
    assert tsv_out[0].split("\t")[:3] == ["id", "uid", "metric"]


def test_empty_database_lists_nothing_and_creates_nothing(run: Run, db_path: Path) -> None:
    result = run("list", "--format", "json")
    assert (result.exit_code, result.stdout) == (0, "[]\n")
    assert run("list").exit_code == 0
    assert not db_path.exists()


def test_show_every_field(run: Run) -> None:
    add(run, "pp", "over 1,000", "2025-09", "People In Need", "--quote", "More than 1,000 people\nremain")
    out = run("show", "1").stdout
    assert "qualifier       over" in out
    assert "quote           More than 1,000 people\n                remain" in out
    assert json.loads(run("show", "1", "--format", "json").stdout)["low"] == 1000


def test_edit_rm_restore_history(run: Run, run_json) -> None:
    fact = add(run, "pp", "nearly 1,400", "2024-05-21", "EU", "--note", "first", "--tag", "x")
    edited = json.loads(
        run("edit", "1", "--value", "1,189", "--note", "", "--tag", "y", "--tag", "z", "--format", "json").stdout
    )
    assert (edited["value"], edited["qualifier"], edited["low"], edited["high"]) == (1189, "exact", 1189, 1189)
    assert edited["note"] is None and edited["tags"] == ["y", "z"] and edited["uid"] == fact["uid"]
    assert run("edit", "1", "--date", "August 2025", "--source", "Viasna", "--via", "PIN").exit_code == 0
    assert run("edit", "1", "--via", "").exit_code == 0
    assert run("edit", "1").exit_code == 2  # nothing to change
    assert run("rm", "1").exit_code == 0
    assert run_json("list") == []
    assert run("rm", "1").exit_code == 1  # removed already
    shown = run("show", "1")
    assert shown.exit_code == 0 and "is removed" in shown.stderr
    assert run("restore", "1").exit_code == 0
    assert run("restore", "1").exit_code == 1
    versions = run_json("history", "1")
    assert [v["change"] for v in versions] == ["added", "edited", "edited", "edited", "removed", "restored"]
    assert [v["version"] for v in versions] == [1, 2, 3, 4, 5, 6]
    assert versions[0]["display"] == "nearly 1,400" and versions[0]["note"] == "first"
    assert versions[2]["via"] == "PIN" and versions[3]["via"] is None
    assert {v["uid"] for v in versions} == {fact["uid"]}
    table = run("history", "1").stdout
    assert "added" in table and "restored" in table


def test_edit_that_changes_nothing_adds_no_version(run: Run, run_json) -> None:
    add(run, "pp", "888", "2021", "HRO")
    result = run("edit", "1", "--value", "888")
    assert result.exit_code == 0 and "nothing changed" in result.stderr
    assert len(run_json("history", "1")) == 1


def test_history_of_unknown_fact(run: Run) -> None:
    add(run, "pp", "888", "2021", "HRO")
    result = run("history", "7")
    assert result.exit_code == 1 and "no fact with id 7" in result.stderr


def test_since_and_until_take_the_day_order_the_error_offers(run: Run, run_json) -> None:
    add(run, "pp", "5", "2025-04-03", "X")
    add(run, "pp", "6", "2025-03-04", "X")
    refused = run("list", "--since", "03/04/2025")
    assert refused.exit_code == 2 and "--dayfirst" in refused.stderr
    assert [f["value"] for f in run_json("list", "--since", "03/04/2025", "--dayfirst")] == [5]
    assert [f["value"] for f in run_json("list", "--until", "03/04/2025", "--monthfirst")] == [6]
    assert [f["value"] for f in run_json("timeline", "pp", "--since", "03/04/2025", "--dayfirst")] == [5]


def test_a_metric_named_in_another_script_gets_a_slug_in_that_script(run: Run, run_json, db_path) -> None:
    fact = add(run, "Палітвязні", "1,189", "2025-05-21", "Вясна")
    assert (fact["metric"], fact["source"]) == ("палітвязні", "Вясна")
    assert add(run, "палітвязні", "1,190", "2025-05-22", "вясна")["metric"] == "палітвязні"
    assert [m["slug"] for m in run_json("metrics", "list")] == ["палітвязні"]


def test_a_name_with_nothing_to_match_on_writes_nothing(run: Run, db_path) -> None:
    result = run("add", "—", "5", "--date", "2021", "--source", "X")
    assert result.exit_code == 2 and "empty or only punctuation" in result.stderr
    assert not db_path.exists()


def test_on_a_narrow_terminal_tags_fold_before_a_metric_slug_is_cut(run: Run, monkeypatch) -> None:
    from pptrack import render

    add(run, "political-prisoners-died-in-custody", "at least 8", "2025-05-21", "Viasna", "--via", "Pozirk",
        "--tag", "belarus", "--tag", "viasna", "--tag", "deaths-in-custody")  # fmt: skip
    monkeypatch.setattr(render, "_is_terminal", lambda out: True)
    monkeypatch.setenv("COLUMNS", "90")
    out = run("list").stdout
    assert "political-prisoners-died-in-custody" in out
    assert max(len(line) for line in out.splitlines()) <= 90
    tags = [line[81:].strip() for line in out.splitlines()[2:] if line.strip()]
    assert tags == ["belarus,", "viasna,", "deaths-", "in-", "custody"]  # folded after hyphens, nothing lost


# Values `add` refuses, and the reason it gives; `import` refuses them the same way.
REFUSED_VALUES = [
    ("1.400", "write 1400 or 1,400 for thousands, 1.4 for a decimal"),
    ("about 1.189", "write 1189 or 1,189 for thousands, 1.1890 for a decimal"),
    ("1.400.000", "a point does not separate thousands: write 1400000 or 1,400,000"),
    ("-fifty", "a minus sign goes with digits: write -50"),
    ("over -fifty", "a minus sign goes with digits: write -50"),
    ("five-", "a hyphen only joins tens and units, as in fifty-two"),
    ("fifty - two", "a hyphen only joins tens and units, as in fifty-two"),
    ("one hundred and", "'and' only comes after hundred or thousand, before what follows, as in one hundred and five"),
    ("five hundred and and two", "'and' only comes after hundred or thousand"),
]


@pytest.mark.parametrize(("value", "reason"), REFUSED_VALUES)
def test_add_and_import_refuse_a_value_alike(run: Run, db_path: Path, tmp_path: Path, value: str, reason: str) -> None:
    result = run("add", "pp", "--date", "2021", "--source", "S", "--format", "json", "--", value)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"error: cannot read value {value!r} (") and reason in result.stderr
    assert result.stderr.count("\n") == 1 and "); write a number" in result.stderr and "e.g." in result.stderr
    assert not db_path.exists()
    rows = tmp_path / "rows.csv"
    rows.write_text(f'metric,value,date,source\npp,5,2021,S\npp,"{value}",2021,S\n', encoding="utf-8")
    result = run("import", str(rows))
    assert result.exit_code == 2
    assert f"line 3, column value: cannot read value {value!r} (" in result.stderr and reason in result.stderr
    assert result.stderr.count("\n") == 1
    assert not db_path.exists()


@pytest.mark.parametrize("date", ["2025-8", "2025/08", "08/2025", "8.2025"])
def test_a_month_written_in_numbers_is_read_alike_by_add_and_import(
    run: Run, run_json, tmp_path: Path, date: str
) -> None:
    fact = add(run, "pp", "5", date, "S")
    assert (fact["date"], fact["date_precision"]) == ("2025-08", "month")
    rows = tmp_path / "rows.csv"
    rows.write_text(f"metric,value,date,source\npp,6,{date},S\n", encoding="utf-8")
    assert run("import", str(rows)).exit_code == 0
    assert [(f["value"], f["date"], f["date_precision"]) for f in run_json("list")] == [
        (6, "2025-08", "month"),
        (5, "2025-08", "month"),
    ]


def test_a_number_beside_the_year_that_is_no_month_is_refused_saying_so(run: Run, db_path: Path) -> None:
    result = run("add", "pp", "5", "--date", "13/2025", "--source", "S")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("error: cannot read date '13/2025' (13 is not a month; a month with its year")
    assert "write e.g. 2024-05-21, 2025-08" in result.stderr and result.stderr.count("\n") == 1
    assert not db_path.exists()


@pytest.mark.parametrize("how", ["empty --db", "env", "explicit folder"])
def test_a_folder_for_the_database_is_bad_input(run: Run, tmp_path: Path, monkeypatch, how: str) -> None:
    """A bug: `--db ""` (the current folder) exited 1 where `--db FOLDER` exited 2."""
    monkeypatch.chdir(tmp_path)
    if how == "env":
        monkeypatch.setenv("PPTRACK_DB", str(tmp_path))
        result = run("list")
    else:
        result = run("list", "--db", "" if how == "empty --db" else str(tmp_path))
    assert result.exit_code == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "--db" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", ["json", "tsv", "table"])
def test_a_tag_is_found_whatever_its_case(run: Run, fmt: str) -> None:
    """--tag matches tags as metric and source names match: `belarus` finds `Belarus`, and
    `беларусь` finds `Беларусь` (Unicode case, not SQLite's ASCII-only lower())."""
    add(run, "pp", "888", "2021-12", "Viasna", "--tag", "Belarus")
    add(run, "pp", "1,189", "2025-05-21", "Viasna", "--tag", "Беларусь", "--tag", "STRASSE")
    add(run, "pp", "5", "2025-06", "Viasna", "--tag", "belarus-2")

    def displays(text: str) -> str:
        """The values listed: only they, where a uid or a time (json, tsv) may hold 888 by chance."""
        if fmt == "json":
            return " | ".join(f["display"] for f in json.loads(text))
        if fmt == "tsv":
            return " | ".join(line.split("\t")[7] for line in text.splitlines()[1:])
        return text

    found = {
        tag: displays(run("list", "--tag", tag, "--format", fmt).stdout)
        for tag in ("belarus", "BELARUS", "беларусь", "straße", "Belarus-2")
    }
    assert "888" in found["belarus"] and "888" in found["BELARUS"] and "1,189" not in found["belarus"]
    assert "1,189" in found["беларусь"] and "888" not in found["беларусь"]
    assert "1,189" in found["straße"]  # casefold: ß is ss
    assert "5" in found["Belarus-2"] and "888" not in found["Belarus-2"]


def test_a_change_that_makes_a_fact_twice_says_so(run: Run, run_json) -> None:
    """A bug: `add` refuses a fact stored already, but a merge, a restore or an edit could
    make the same fact twice without a word, and timeline then showed the figure twice."""
    add(run, "pp", "1,189", "2025-05-21", "Viasna")
    add(run, "pp", "1,189", "2025-05-21", "Vjasna")  # the same report under a misspelled name
    merged = run("sources", "merge", "Viasna", "Vjasna")
    twice = "fact #2 is now the same fact as #1 (metric, source, via, date and value); `pptrack rm 2` takes it out"
    assert merged.exit_code == 0 and twice in merged.stderr
    assert run("rm", "2").exit_code == 0
    restored = run("restore", "2")
    assert restored.exit_code == 0 and twice in restored.stderr
    add(run, "pp", "5", "2025-05-21", "Viasna")
    edited = run("edit", "3", "--value", "1189")
    assert edited.exit_code == 0 and "fact #3 is now the same fact as #1" in edited.stderr
    other = run("edit", "3", "--value", "1190")  # no longer the same: nothing said
    assert other.exit_code == 0 and "same fact" not in other.stderr
    assert len(run_json("list")) == 3  # said, not undone: the user decides


def test_a_report_published_before_its_figure_is_stored_and_said(run: Run, run_json) -> None:
    """--published is when the report came out, "if later" than --date (SPEC): one before
    the figure's date is kept as given (a forecast), with a notice, as swapped dates often are."""
    early = run("add", "pp", "5", "--date", "2025", "--source", "X", "--published", "2024")
    assert early.exit_code == 0
    assert "fact #1 was published 2024, before its date 2025: --published is when" in early.stderr
    same_year = run("add", "pp", "6", "--date", "2025-05", "--source", "X", "--published", "2025")
    assert same_year.exit_code == 0 and "published" not in same_year.stderr  # the spans overlap: no notice
    assert "was published 2025-04-30, before" in run("edit", "2", "--published", "2025-04-30").stderr
    assert "published" not in run("edit", "2", "--date", "2025-04").stderr
    assert [f["published"] for f in run_json("list")] == ["2025-04-30", "2024"]


def test_a_bad_published_date_names_the_option(run: Run, db_path: Path) -> None:
    """Beside --date, "cannot read date 'garbage'" did not say which date."""
    result = run("add", "pp", "5", "--date", "2025", "--source", "X", "--published", "garbage")
    assert result.exit_code == 2 and result.stderr.startswith("error: --published: cannot read date 'garbage'")
    assert not db_path.exists()
    add(run, "pp", "5", "2025", "X")
    edited = run("edit", "1", "--published", "31 Feb 2025")
    assert edited.exit_code == 2 and edited.stderr.startswith("error: --published: cannot read date '31 Feb 2025'")


def test_editing_a_removed_fact_says_it_is_removed(run: Run, run_json) -> None:
    add(run, "pp", "5", "2025", "X")
    run("rm", "1")
    result = run("edit", "1", "--note", "checked")
    assert result.exit_code == 0
    assert "fact #1 is removed; `pptrack restore 1` brings it back" in result.stderr
    assert run_json("list") == [] and [v["change"] for v in run_json("history", "1")][-1] == "edited"


@pytest.mark.parametrize(
    "args", [["list"], ["list", "--format", "json"], ["add", "pp", "5", "--date", "2025", "--source", "X"]]
)
def test_a_folder_as_database_says_what_db_takes(run: Run, tmp_path: Path, args: list[str]) -> None:
    """Click's "Invalid value for '--db' (env var: 'PPTRACK_DB')" named the variable even
    when --db was given, and not what --db takes."""
    result = run(*args, "--db", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr == f"error: {tmp_path} is a folder; --db takes the path of a database file\n"


def test_a_pipe_as_database_is_refused(run: Run, tmp_path: Path) -> None:
    """SQLite failed on it: "disk I/O error (is the disk full ...)"."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    for args in (["list"], ["list", "--format", "json"], ["add", "pp", "5", "--date", "2025", "--source", "X"]):
        result = run(*args, "--db", str(pipe))
        assert result.exit_code == 2
        assert result.stderr == f"error: {pipe} is not a regular file; --db takes the path of a database file\n"


def test_a_link_to_a_missing_folder_says_so(run: Run, tmp_path: Path) -> None:
    """It asked whether the link's own folder was writable."""
    link = tmp_path / "facts.db"
    link.symlink_to(tmp_path / "gone" / "facts.db")
    result = run("add", "pp", "5", "--date", "2025", "--source", "X", "--db", str(link))
    assert result.exit_code == 1
    assert f"cannot create {link}: it is a link into {tmp_path / 'gone'}, which does not exist" in result.stderr
