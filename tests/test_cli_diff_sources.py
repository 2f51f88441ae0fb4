"""`pptrack diff-sources` through the CLI: periods, columns, pairs, conflicts, every format."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from conftest import Run, add
from test_startup import HEAVY, loaded_modules

PP = "political-prisoners"


@pytest.fixture
def belarus(run: Run) -> None:
    """The seed figures, with a second EU figure in Viasna's month."""
    add(run, PP, "888", "2021", "human-rights organisations")
    add(run, PP, "nearly 1,400", "2024-05-21", "EU", "--via", "EU Neighbours East")
    add(run, PP, "over 1,400", "2024-07", "Viasna", "--via", "Sweden Herald")
    add(run, PP, "1,189", "2025-05-21", "Viasna", "--via", "Pozirk")
    add(run, PP, "nearly 1,200", "2025-08", "Viasna", "--via", "People In Need")
    add(run, PP, "more than 1,000", "2025-09", "People In Need")
    add(run, PP, "about 1,150", "2025-08-28", "EU")


def test_json_shape_by_month(run_json, belarus: None) -> None:
    out = run_json("diff-sources", PP)
    assert list(out) == ["metric", "period", "sources", "rows", "pairs"]
    assert (out["metric"], out["period"]) == (PP, "month")
    assert out["sources"] == ["EU", "human-rights organisations", "People In Need", "Viasna"]
    none = dict.fromkeys(out["sources"])
    assert out["rows"] == [
        {"period": "2021", "values": {**none, "human-rights organisations": 888}, "spread": None, "consistent": True},
        {"period": "2024-05", "values": {**none, "EU": 1400}, "spread": None, "consistent": True},
        {"period": "2024-07", "values": {**none, "Viasna": 1400}, "spread": None, "consistent": True},
        {"period": "2025-05", "values": {**none, "Viasna": 1189}, "spread": None, "consistent": True},
        # nearly 1,200 is [1100, 1200); about 1,150 is [1145, 1155]
        {"period": "2025-08", "values": {**none, "EU": 1150, "Viasna": 1200}, "spread": 50, "consistent": True},
        {"period": "2025-09", "values": {**none, "People In Need": 1000}, "spread": None, "consistent": True},
    ]
    assert [(p["a"], p["b"]) for p in out["pairs"]] == [
        ("EU", "human-rights organisations"),
        ("EU", "People In Need"),
        ("EU", "Viasna"),
        ("human-rights organisations", "People In Need"),
        ("human-rights organisations", "Viasna"),
        ("People In Need", "Viasna"),
    ]
    assert out["pairs"][2] == {"a": "EU", "b": "Viasna", "n": 1, "mean_diff": -50, "higher": "Viasna"}
    assert out["pairs"][0] == {"a": "EU", "b": "human-rights organisations", "n": 0, "mean_diff": None, "higher": None}


def test_by_year_finds_the_2024_conflict(run_json, belarus: None) -> None:
    out = run_json("diff-sources", PP, "--period", "year")
    rows = {r["period"]: r for r in out["rows"]}
    assert list(rows) == ["2021", "2024", "2025"]
    # nearly 1,400 is [1300, 1400); over 1,400 is (1400, 1500]: the same value, and a conflict
    assert (rows["2024"]["spread"], rows["2024"]["consistent"]) == (0, False)
    # the latest of each in 2025: EU about 1,150, People In Need more than 1,000, Viasna nearly 1,200
    assert rows["2025"]["values"] == {
        "EU": 1150,
        "human-rights organisations": None,
        "People In Need": 1000,
        "Viasna": 1200,
    }
    assert (rows["2025"]["spread"], rows["2025"]["consistent"]) == (200, True)


def test_quarter_view_takes_months_but_not_years(run: Run, run_json) -> None:
    add(run, PP, "10", "2025", "A")
    add(run, PP, "11", "2025-08", "A")
    add(run, PP, "12", "2025-07-02", "B")
    add(run, PP, "13", "2025-10-01", "B")
    out = run_json("diff-sources", PP, "--period", "quarter")
    assert [(r["period"], r["values"]) for r in out["rows"]] == [
        ("2025", {"A": 10, "B": None}),
        ("2025-Q3", {"A": 11, "B": 12}),
        ("2025-Q4", {"A": None, "B": 13}),
    ]


def test_latest_figure_of_the_period_wins(run: Run, run_json) -> None:
    add(run, PP, "5", "2025-08-20", "A")
    add(run, PP, "3", "2025-08-01", "A")
    add(run, PP, "4", "2025-08", "A")  # a month sorts before its first day: not the latest
    add(run, PP, "9", "2025-07-31", "A")
    out = run_json("diff-sources", PP)
    assert [(r["period"], r["values"]["A"]) for r in out["rows"]] == [("2025-07", 9), ("2025-08", 5)]


def test_removed_facts_and_other_metrics_are_left_out(run: Run, run_json) -> None:
    add(run, PP, "5", "2025-08", "A")
    gone = add(run, PP, "50", "2025-08", "B")
    add(run, "journalists-imprisoned", "27", "2025-08", "B")
    assert run("rm", str(gone["id"])).exit_code == 0
    out = run_json("diff-sources", PP)
    assert out["sources"] == ["A"]
    assert out["rows"] == [{"period": "2025-08", "values": {"A": 5}, "spread": None, "consistent": True}]


def test_table_shows_values_as_written_and_marks_conflicts(run: Run, belarus: None) -> None:
    result = run("diff-sources", PP, "--period", "year")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "political-prisoners by year: each source's latest figure"
    assert lines[1].split() == ["period", "EU", "human-rights", "organisations", "People", "In", "Need", "Viasna"] + [
        "spread",
        "verdict",
    ]
    row_2024 = next(line for line in lines if line.startswith("2024"))
    assert row_2024.split() == ["2024", "nearly", "1,400", "over", "1,400", "0", "CONFLICT"]
    row_2025 = next(line for line in lines if line.startswith("2025"))
    assert row_2025.split() == [
        "2025",
        "about",
        "1,150",
        "more",
        "than",
        "1,000",
        "nearly",
        "1,200",
        "200",
        "consistent",
    ]
    row_2021 = next(line for line in lines if line.startswith("2021"))
    assert row_2021.split() == ["2021", "888", "-"]
    # The pairs: only those that met, with how often the higher one reads higher.
    pairs = lines[lines.index("pairs of sources") + 3 :]
    assert [p.split() for p in pairs] == [
        ["EU", "People", "In", "Need", "1", "150", "EU", "1", "of", "1"],
        ["EU", "Viasna", "2", "-25", "Viasna", "1", "of", "2"],  # equal in 2024
        ["People", "In", "Need", "Viasna", "1", "-200", "Viasna", "1", "of", "1"],
    ]
    assert result.stderr == ""


def test_conflict_is_red_on_a_terminal() -> None:
    from pptrack.render import Column, write_table

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    style = Column("verdict", lambda r: r, style=lambda v: "bold red" if v == "CONFLICT" else None)
    write_table([["CONFLICT"], ["consistent"]], [style], out=out)
    text = out.getvalue()
    assert "\x1b[1;31mCONFLICT" in text
    assert "\x1b[1;31mconsistent" not in text and "consistent" in text


def test_pairs_table_says_when_neither_reads_higher(run: Run) -> None:
    for date, a, b in [("2025-01", "10", "12"), ("2025-02", "10", "8"), ("2025-03", "7", "7")]:
        add(run, PP, a, date, "A")
        add(run, PP, b, date, "B")
    lines = run("diff-sources", PP).stdout.splitlines()
    assert lines[-1].split() == ["A", "B", "3", "0", "each", "1", "of", "3"]


def test_source_picks_and_orders_columns(run: Run, run_json, belarus: None) -> None:
    assert run("sources", "alias", "Viasna", "Vjasna").exit_code == 0
    out = run_json("diff-sources", PP, "--source", "Vjasna", "--source", "EU", "--source", "Viasna", "--period", "year")
    assert out["sources"] == ["Viasna", "EU"]  # a source picked twice, once by alias, counts once
    assert [r["period"] for r in out["rows"]] == ["2024", "2025"]
    assert out["pairs"] == [{"a": "Viasna", "b": "EU", "n": 2, "mean_diff": 25, "higher": "Viasna"}]


def test_a_picked_source_without_figures_is_an_empty_column(run: Run, run_json) -> None:
    add(run, PP, "5", "2025-08", "A")
    run("sources", "add", "B")
    out = run_json("diff-sources", PP, "--source", "B", "--source", "A")
    assert out["sources"] == ["B", "A"]
    assert out["rows"] == [{"period": "2025-08", "values": {"B": None, "A": 5}, "spread": None, "consistent": True}]
    assert out["pairs"] == [{"a": "B", "b": "A", "n": 0, "mean_diff": None, "higher": None}]


def test_by_via_compares_publishers(run_json, belarus: None) -> None:
    out = run_json("diff-sources", PP, "--by", "via", "--period", "year")
    # A fact without a via was published by its source.
    assert out["sources"] == [
        "EU",
        "EU Neighbours East",
        "human-rights organisations",
        "People In Need",
        "Pozirk",
        "Sweden Herald",
    ]
    rows = {r["period"]: r["values"] for r in out["rows"]}
    assert {k: v for k, v in rows["2025"].items() if v is not None} == {
        "EU": 1150,
        "People In Need": 1000,  # its own figure of September, later than Viasna's of August it published
        "Pozirk": 1189,
    }
    assert {k: v for k, v in rows["2024"].items() if v is not None} == {
        "EU Neighbours East": 1400,
        "Sweden Herald": 1400,
    }


def test_by_via_with_a_picked_publisher(run_json, belarus: None) -> None:
    out = run_json("diff-sources", PP, "--by", "via", "--source", "people in need", "--source", "Pozirk")
    assert out["sources"] == ["People In Need", "Pozirk"]
    assert [(r["period"], r["values"]) for r in out["rows"]] == [
        ("2025-05", {"People In Need": None, "Pozirk": 1189}),
        ("2025-08", {"People In Need": 1200, "Pozirk": None}),  # Viasna's figure, published by People In Need
        ("2025-09", {"People In Need": 1000, "Pozirk": None}),
    ]


def test_fail_on_conflict(run: Run, belarus: None) -> None:
    calm = run("diff-sources", PP, "--fail-on-conflict")
    assert calm.exit_code == 0, calm.stderr
    result = run("diff-sources", PP, "--period", "year", "--fail-on-conflict", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["rows"][1]["consistent"] is False  # the data is still printed
    assert result.stderr == "1 of 3 periods conflict: 2024\n"
    assert run("diff-sources", PP, "--period", "year").exit_code == 0  # without the flag a conflict is data


def test_a_source_named_as_a_column_has_a_column_of_its_own(run: Run) -> None:
    """A source named spread gave a header with spread twice: a reader by name took one."""
    add(run, "m", "8", "2025-01", "spread")
    add(run, "m", "9", "2025-01", "consistent")
    add(run, "m", "7", "2025-01", "X")
    csv = run("diff-sources", "m", "--format", "csv").stdout
    assert csv.splitlines() == [
        "period,consistent (source),spread (source),X,spread,consistent",
        "2025-01,9,8,7,2,false",
    ]


def test_csv_tsv_and_jsonl_give_the_rows(run: Run, belarus: None) -> None:
    csv = run("diff-sources", PP, "--period", "year", "--format", "csv")
    assert csv.exit_code == 0
    assert csv.stdout == (
        "period,EU,human-rights organisations,People In Need,Viasna,spread,consistent\n"
        "2021,,888,,,,true\n"
        "2024,1400,,,1400,0,false\n"
        "2025,1150,,1000,1200,200,true\n"
    )
    tsv = run("diff-sources", PP, "--period", "year", "--format", "tsv", "--source", "EU", "--source", "Viasna")
    assert (
        tsv.stdout == "period\tEU\tViasna\tspread\tconsistent\n2024\t1400\t1400\t0\tfalse\n2025\t1150\t1200\t50\ttrue\n"
    )
    jsonl = run("diff-sources", PP, "--period", "year", "--format", "jsonl", "--source", "EU", "--source", "Viasna")
    assert [json.loads(line) for line in jsonl.stdout.splitlines()] == [
        {"period": "2024", "values": {"EU": 1400, "Viasna": 1400}, "spread": 0, "consistent": False},
        {"period": "2025", "values": {"EU": 1150, "Viasna": 1200}, "spread": 50, "consistent": True},
    ]


def test_decimal_values_give_an_exact_spread(run: Run, run_json) -> None:
    add(run, "rate", "2.5", "2025-08", "A")
    add(run, "rate", "2.2", "2025-08", "B")
    out = run_json("diff-sources", "rate")
    assert out["rows"][0]["spread"] == 0.3
    assert out["pairs"][0]["mean_diff"] == 0.3


def test_one_source_only_still_shows_the_table(run: Run) -> None:
    add(run, PP, "5", "2025-08", "A")
    add(run, PP, "6", "2025-09", "A")
    result = run("diff-sources", PP)
    assert result.exit_code == 0
    assert [line.split() for line in result.stdout.splitlines()[3:]] == [["2025-08", "5", "-"], ["2025-09", "6", "-"]]
    assert "pairs" not in result.stdout
    assert result.stderr == "only one source reports political-prisoners here: nothing to compare\n"


def test_sources_that_never_meet_are_told_to_try_a_longer_period(run: Run) -> None:
    add(run, PP, "5", "2025-08", "A")
    add(run, PP, "6", "2025-09", "B")
    result = run("diff-sources", PP)
    assert result.exit_code == 0
    assert "pairs" not in result.stdout
    assert "no two sources report political-prisoners in the same month" in result.stderr
    assert "--period" in result.stderr


def test_a_metric_without_facts(run: Run, run_json) -> None:
    assert run("metrics", "add", PP).exit_code == 0
    result = run("diff-sources", PP)
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "no facts for political-prisoners: nothing to compare\n"
    assert run_json("diff-sources", PP) == {"metric": PP, "period": "month", "sources": [], "rows": [], "pairs": []}


def test_the_metric_is_found_by_alias(run: Run, run_json) -> None:
    add(run, "Political Prisoners", "5", "2025-08", "A")
    assert run_json("diff-sources", "political prisoners")["metric"] == PP


def test_unknown_metric_is_not_found_with_close_names(run: Run, db_path: Path) -> None:
    result = run("diff-sources", "political-prisoner")
    # No database yet: no facts to compare (SPEC: a reading command finds no facts there, exit 0).
    assert result.exit_code == 0 and "no facts for political-prisoner" in result.stderr
    assert not db_path.exists()
    add(run, PP, "5", "2025-08", "A")
    result = run("diff-sources", "politcal-prisoners")
    assert result.exit_code == 1
    assert result.stderr == "error: unknown metric 'politcal-prisoners' (did you mean political-prisoners?)\n"
    assert result.stdout == ""


def test_unknown_source_is_not_found(run: Run) -> None:
    add(run, PP, "5", "2025-08", "Viasna")
    result = run("diff-sources", PP, "--source", "Viasn")
    assert result.exit_code == 1
    assert result.stderr == "error: unknown source 'Viasn' (did you mean Viasna?)\n"


@pytest.mark.parametrize(
    "args",
    [["--period", "week"], ["--by", "author"], ["--format", "xml"], []],
)
def test_bad_options_are_usage_errors(run: Run, args: list[str]) -> None:
    result = run("diff-sources", *([PP] if args else []), *args)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


def test_source_names_are_printed_as_text(run: Run) -> None:
    add(run, PP, "5", "2025-08", "[bold]A\x1b[2J")
    add(run, PP, "6", "2025-08", "=cmd()")
    table = run("diff-sources", PP)
    assert "[bold]A\\x1b[2J" in table.stdout.splitlines()[1] and "\x1b" not in table.stdout
    csv = run("diff-sources", PP, "--format", "csv")
    assert csv.stdout.splitlines()[0] == "period,[bold]A\x1b[2J,'=cmd(),spread,consistent"


def test_diff_sources_starts_lean(run: Run, db_path: Path) -> None:
    add(run, PP, "5", "2025-08", "A")
    add(run, PP, "6", "2025-08", "B")
    assert loaded_modules(HEAVY, "diff-sources", PP, "--db", str(db_path)) == set()
    assert loaded_modules(HEAVY, "diff-sources", PP, "--format", "json", "--db", str(db_path)) == set()


def test_whole_numbers_are_compared_without_decimal_or_whole_facts(run: Run, db_path: Path) -> None:
    """Spreads and means of whole numbers are worked out in integers, and figures are read
    from the index without making facts: neither decimal nor pptrack.fact is imported."""
    add(run, PP, "1,189", "2025-08", "A")
    add(run, PP, "nearly 1,200", "2025-08-20", "B")
    add(run, PP, "over 1,000", "2025-09", "A")
    add(run, PP, "1,100", "2025-09", "B")
    watched = ("decimal", "fractions", "pptrack.fact", "dataclasses")
    assert loaded_modules(watched, "diff-sources", PP, "--db", str(db_path)) == set()
    result = run("diff-sources", PP, "--format", "json")
    assert [(p["mean_diff"], p["higher"]) for p in json.loads(result.stdout)["pairs"]] == [(-55.5, "B")]
    assert [r["spread"] for r in json.loads(result.stdout)["rows"]] == [11, 100]
