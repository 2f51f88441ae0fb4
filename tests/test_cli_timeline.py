"""`pptrack timeline`: order, changes, filters, blocks, formats, the bar and the terminal chart."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from conftest import PP, Run, add


def test_json_gives_each_fact_with_change_and_percent(run_json, belarus: None) -> None:
    rows = run_json("timeline", PP)
    assert [(r["date"], r["display"], r["change"], r["change_pct"]) for r in rows] == [
        ("2021-12", "888", None, None),
        ("2024-05-21", "nearly 1,400", 512, 512 / 888 * 100),
        ("2025-05-21", "1,189", -211, -211 / 1400 * 100),
        ("2025-08", "nearly 1,200", 11, 11 / 1189 * 100),
        ("2025-09", "more than 1,000", -200, -200 / 1200 * 100),
    ]
    assert rows[2]["change_pct"] == -15.071428571428571  # a percent, not rounded
    fact = run_json("show", str(rows[1]["id"]))
    assert rows[1] == {**fact, "change": 512, "change_pct": 512 / 888 * 100}


def test_table_shows_changes_with_approximation_and_one_decimal(run: Run, belarus: None) -> None:
    result = run("timeline", PP)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == PP
    assert lines[1].split() == ["id", "date", "value", "change", "change", "%", "source", "via", "bar"]
    body = {line.split()[1]: line for line in lines[3:]}
    assert "~+512" in body["2024-05-21"] and "~+57.7%" in body["2024-05-21"]
    assert "~-211" in body["2025-05-21"] and "~-15.1%" in body["2025-05-21"]
    assert "~+11" in body["2025-08"] and "~+0.9%" in body["2025-08"]
    assert "nearly 1,400" in body["2024-05-21"] and "EU Neighbours East" in body["2024-05-21"]
    assert "\x1b[" not in result.stdout  # piped: plain text


def test_exact_figures_give_an_exact_change(run: Run) -> None:
    add(run, "m", "100", "2024", "A")
    add(run, "m", "112", "2025", "A")
    line = run("timeline", "m").stdout.splitlines()[-1]
    assert "+12" in line and "~" not in line and "+12.0%" in line


def test_the_bar_is_longest_for_the_largest_value(run: Run, belarus: None) -> None:
    lines = run("timeline", PP).stdout.splitlines()[3:]
    bars = {line.split()[1]: line.rstrip().split()[-1] for line in lines}
    assert bars["2024-05-21"] == "█" * 20
    assert len(bars["2021-12"]) < len(bars["2025-08"]) < len(bars["2024-05-21"])
    assert set("".join(bars.values())) <= set("█▏▎▍▌▋▊▉")


def test_order_across_precisions(run_json, run: Run) -> None:
    add(run, "m", "4", "2025-08-01", "A")
    add(run, "m", "3", "2025-08", "A")
    add(run, "m", "2", "2025", "A")
    add(run, "m", "1", "2024-12-31", "A")
    add(run, "m", "5", "2025-07-31", "A")
    rows = run_json("timeline", "m")
    # by the start of the span, the coarser first on a tie: a month is its whole span
    assert [r["date"] for r in rows] == ["2024-12-31", "2025", "2025-07-31", "2025-08", "2025-08-01"]
    assert [r["change"] for r in rows] == [None, 1, 3, -2, 1]
    table = run("timeline", "m").stdout.splitlines()[3:]
    assert [line.split()[1] for line in table] == ["2024-12-31", "2025", "2025-07-31", "2025-08", "2025-08-01"]


def test_same_date_same_precision_goes_by_id(run_json, run: Run) -> None:
    first = add(run, "m", "10", "2025-08", "A")
    second = add(run, "m", "20", "2025-08", "B")
    assert [r["id"] for r in run_json("timeline", "m")] == [first["id"], second["id"]]


def test_source_filter_is_repeatable_and_changes_are_between_the_figures_shown(run_json, belarus: None) -> None:
    rows = run_json("timeline", PP, "--source", "Viasna", "--source", "human-rights organisations")
    assert [(r["display"], r["change"]) for r in rows] == [("888", None), ("1,189", 301), ("nearly 1,200", 11)]
    rows = run_json("timeline", PP, "--source", "VIASNA")  # names match as everywhere else
    assert [(r["display"], r["change"]) for r in rows] == [("1,189", None), ("nearly 1,200", 11)]


def test_since_and_until_keep_spans_that_reach_the_dates(run_json, belarus: None) -> None:
    rows = run_json("timeline", PP, "--since", "2025-08-31", "--until", "2025-09-01")
    assert [r["date"] for r in rows] == ["2025-08", "2025-09"]
    assert rows[0]["change"] is None and rows[1]["change"] == -200
    assert [r["date"] for r in run_json("timeline", PP, "--until", "2021")] == ["2021-12"]


def test_without_a_metric_one_block_per_metric(run: Run, run_json, belarus: None) -> None:
    add(run, "released", "52", "2025-09-11", "Viasna")
    add(run, "released", "16", "2025-06-21", "Viasna")
    result = run("timeline")
    assert result.exit_code == 0
    blocks = result.stdout.split("\n\n")
    assert [b.splitlines()[0] for b in blocks] == [PP, "released"]
    assert "+36" in blocks[1] and "+225.0%" in blocks[1]
    rows = run_json("timeline")
    assert [r["metric"] for r in rows] == [PP] * 5 + ["released"] * 2
    assert [r["change"] for r in rows if r["metric"] == "released"] == [None, 36]


def test_csv_tsv_and_jsonl_carry_the_same_fields(run: Run, belarus: None) -> None:
    result = run("timeline", PP, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0])[-2:] == ["change", "change_pct"]
    assert [(r["change"], r["change_pct"]) for r in rows[:3]] == [
        ("", ""),
        ("512", repr(512 / 888 * 100)),
        ("-211", repr(-211 / 1400 * 100)),
    ]
    lines = run("timeline", PP, "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line)["change"] for line in lines] == [None, 512, -211, 11, -200]
    tsv = run("timeline", PP, "--format", "tsv").stdout.splitlines()
    assert tsv[0].split("\t")[-2:] == ["change", "change_pct"] and len(tsv) == 6


def test_fractions_change_exactly(run_json, run: Run) -> None:
    add(run, "rate", "1.2", "2024", "A")
    add(run, "rate", "2.5", "2025", "A")
    assert [r["change"] for r in run_json("timeline", "rate")] == [None, 1.3]


def test_a_previous_value_of_zero_has_no_percent(run_json, run: Run) -> None:
    add(run, "m", "0", "2024", "A")
    add(run, "m", "5", "2025", "A")
    assert [(r["change"], r["change_pct"]) for r in run_json("timeline", "m")] == [(None, None), (5, None)]


def test_removed_facts_are_left_out(run_json, run: Run) -> None:
    add(run, "m", "1", "2024", "A")
    gone = add(run, "m", "100", "2025", "A")
    add(run, "m", "3", "2026", "A")
    assert run("rm", str(gone["id"])).exit_code == 0
    assert [r["change"] for r in run_json("timeline", "m")] == [None, 2]


def test_unknown_metric_names_close_ones(run: Run, belarus: None) -> None:
    result = run("timeline", "politcal-prisoners")
    assert result.exit_code == 1
    assert "unknown metric 'politcal-prisoners'" in result.stderr and PP in result.stderr
    assert result.stderr.count("\n") == 1 and result.stdout == ""


def test_unknown_source_is_not_found(run: Run, belarus: None) -> None:
    result = run("timeline", PP, "--source", "Nobody")
    assert result.exit_code == 1 and "unknown source 'Nobody'" in result.stderr


def test_bad_date_is_bad_input(run: Run, belarus: None) -> None:
    result = run("timeline", PP, "--since", "soon")
    assert result.exit_code == 2 and "cannot read date 'soon'" in result.stderr and result.stdout == ""


def test_empty_result_says_so_and_json_is_an_empty_array(run: Run, belarus: None) -> None:
    result = run("timeline", PP, "--since", "2030")
    assert result.exit_code == 0 and result.stdout == "" and "no facts match" in result.stderr
    result = run("timeline", "--format", "json", "--since", "2030")
    assert result.exit_code == 0 and json.loads(result.stdout) == []


def test_no_database_yet_is_empty_and_creates_nothing(run: Run, db_path) -> None:
    result = run("timeline", "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout) == []
    assert not db_path.exists()


def test_user_text_is_shown_not_obeyed(run: Run) -> None:
    add(run, "m", "5", "2024", "[bold]Evil\x1b[2J")
    add(run, "m", "6", "2025", "[bold]Evil\x1b[2J")
    table = run("timeline", "m").stdout
    assert "[bold]Evil\\x1b[2J" in table and "\x1b" not in table
    chart = run("timeline", "m", "--chart").stdout
    assert "[bold]Evil\\x1b[2J" in chart and "\x1b" not in chart


def _chart(run: Run, monkeypatch: pytest.MonkeyPatch, columns: int, *args: str) -> list[str]:
    monkeypatch.setenv("COLUMNS", str(columns))
    result = run("timeline", PP, "--chart", *args)
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout  # piped: no colour codes
    return result.stdout.splitlines()


def test_chart_fits_80_columns_with_one_series_per_source(
    run: Run, belarus: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = _chart(run, monkeypatch, 80)
    assert len(lines) == 20
    assert max(len(line) for line in lines) <= 80
    text = "\n".join(lines)
    assert PP in lines[0]
    for source in ("human-rights organisations", "EU", "Viasna", "People In Need"):
        assert source in text  # the legend
    assert "2022" in lines[-1] and "2025" in lines[-1]  # a dated x axis
    assert "1,400" in text and "1,000" in text  # values written as people write them


def test_chart_uses_a_wide_terminal(run: Run, belarus: None, monkeypatch: pytest.MonkeyPatch) -> None:
    wide = _chart(run, monkeypatch, 160)
    assert 150 <= max(len(line) for line in wide) <= 160
    narrow = _chart(run, monkeypatch, 60)
    assert max(len(line) for line in narrow) <= 60


def test_chart_of_one_figure_stays_near_its_date(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    add(run, PP, "888", "2021-12", "A")
    lines = _chart(run, monkeypatch, 80)
    assert "2021-1" in lines[-1] and "2087" not in lines[-1]


def test_chart_one_per_metric(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    add(run, "a", "1", "2024", "X")
    add(run, "b", "2", "2025", "X")
    monkeypatch.setenv("COLUMNS", "80")
    result = run("timeline", "--chart")
    assert result.exit_code == 0
    assert len(result.stdout.split("\n\n")) == 2


def test_chart_of_many_sources_draws_those_with_most_figures(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(10):
        for year in range(2015, 2025 - i):
            add(run, "m", str(100 + i), str(year), f"S{i}")
    monkeypatch.setenv("COLUMNS", "100")
    result = run("timeline", "m", "--chart")
    assert result.exit_code == 0
    assert "S7" in result.stdout and "S8" not in result.stdout and "S9" not in result.stdout
    assert "m: not drawn, having fewer figures: S8, S9 (--source chooses)" in result.stderr


def test_chart_with_a_data_format_is_refused(run: Run, belarus: None) -> None:
    result = run("timeline", PP, "--chart", "--format", "json")
    assert result.exit_code == 2 and "--chart" in result.stderr and result.stdout == ""


def _rows(run_json) -> list:
    from pptrack.timeline import with_changes

    return with_changes([_fact(r) for r in run_json("timeline", PP)])


def _fact(record: dict):
    from pptrack.models import Fact

    fields = {k: v for k, v in record.items() if k not in ("change", "change_pct")}
    return Fact(**{**fields, "tags": tuple(fields["tags"])})


def test_on_a_terminal_bars_shrink_then_via_goes(run_json, belarus: None) -> None:
    from pptrack.commands.timeline import _timeline_table

    rows = _rows(run_json)
    columns, cells = _timeline_table(rows, terminal_width=None)  # a pipe: everything, bars of 20
    assert [c.header for c in columns][-2:] == ["via", "bar"] and len(cells[1][-1]) == 20
    columns, cells = _timeline_table(rows, terminal_width=140)  # room to spare: bars of 20
    assert [c.header for c in columns][-2:] == ["via", "bar"] and len(cells[1][-1]) == 20
    columns, cells = _timeline_table(rows, terminal_width=110)  # 99 columns of text, two spaces apart
    assert [c.header for c in columns][-2:] == ["via", "bar"] and len(cells[1][-1]) == 11
    columns, cells = _timeline_table(rows, terminal_width=80)
    assert "via" not in [c.header for c in columns] and len(cells[1]) == len(columns) == 7
    assert len(cells[1][-1]) == 5  # a quarter of the width: the shape still shows


def test_chart_legend_hides_no_point(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """The legend sits under the title: plotext's own, drawn over the plot's top left, hid
    the figures there, and with them a source whose figures were all there."""
    add(run, "m", "100", "2024-01", "Amnesty International")
    add(run, "m", "90", "2024-02", "Amnesty International")
    add(run, "m", "10", "2024-12", "Amnesty International")
    add(run, "m", "95", "2024-03", "Human Rights Watch")
    for columns in (80, 40):
        monkeypatch.setenv("COLUMNS", str(columns))
        lines = run("timeline", "m", "--chart").stdout.splitlines()
        assert len(lines) == 20 and max(len(line) for line in lines) <= columns
        legend = [line for line in lines[1:4] if "Amnesty" in line or "Human Rights Watch" in line]
        assert "• Amnesty International" in " ".join(legend) and "x Human Rights Watch" in " ".join(legend)
        plot = lines[1 + len(legend) :]
        assert not [line for line in plot if "Amnesty" in line or "Watch" in line]  # nothing drawn over it
        assert "x" in "".join(line.split("┤", 1)[-1] for line in plot[:4])  # 95, near the top
        assert "•" in plot[1]  # 100, the top row


def test_chart_lines_go_forward_in_time(run: Run, db_path: Path) -> None:
    """A year is drawn at its middle: a line through it and days of that year keeps to time's order."""
    from pptrack.chart import by_source
    from pptrack.service import ListQuery, fact_filter
    from pptrack.store import open_db

    for value, day in (("100", "2024"), ("50", "2024-01-05"), ("80", "2024-12-20")):
        add(run, "m", value, day, "A")
    store = open_db(db_path, write=False)
    try:
        facts = list(store.query_facts(fact_filter(store, ListQuery(metric="m"), newest_first=False)))
    finally:
        store.close()
    assert [f.date for f in facts] == ["2024", "2024-01-05", "2024-12-20"]  # the timeline's order
    [series] = by_source(facts)
    assert [f.date for f in series.facts] == ["2024-01-05", "2024", "2024-12-20"]  # the chart's


LONG_SLUG = "political-prisoners-held-in-pretrial-detention-centres-and-penal-colonies"


@pytest.mark.parametrize("columns", [30, 60, 80])
def test_a_chart_folds_a_long_title_and_its_legend_to_the_terminal(
    run: Run, monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    """A bug: plotext leaves out a title wider than the plot, so a long slug's chart had no
    name at 60 columns; and the legend folded to 38 cells on a terminal of 30."""
    add(run, LONG_SLUG, "888", "2021", "Viasna")
    add(run, LONG_SLUG, "900", "2022", "Viasna Human Rights Centre Minsk Office")
    monkeypatch.setenv("COLUMNS", str(columns))
    lines = run("timeline", "--chart").stdout.splitlines()
    legend_at = next(i for i, line in enumerate(lines) if line.startswith("•"))
    assert "".join(line.strip() for line in lines[:legend_at]) == LONG_SLUG
    assert max(len(line) for line in lines[: legend_at + 2]) <= max(columns, 40)
    assert all(len(line) <= columns for line in lines[legend_at : legend_at + 2])


@pytest.mark.parametrize(
    "dates",
    [["0001-01-01"], ["9999-12-31"], ["0001-01-01", "9999", "1000"], ["0001-01-01", "0001-01-02"], ["9998", "9999"]],
)
def test_chart_of_dates_at_the_calendars_ends(run: Run, dates: list[str]) -> None:
    """A month either side of 9999-12-31 is past the calendar: the chart failed."""
    for i, day in enumerate(dates):
        add(run, "m", str(5 + i), day, f"S{i}")
    result = run("timeline", "m", "--chart")
    assert result.exit_code == 0, result.stderr
    assert "S0" in result.stdout and "┤" in result.stdout


def test_a_tiny_change_is_written_out(run: Run) -> None:
    """The change of 0.0000003 to 0.0000001 showed as -2E-7."""
    add(run, "m", "0.0000003", "2024", "A")
    add(run, "m", "0.0000001", "2025", "A")
    table = run("timeline", "m").stdout
    assert "-0.0000002" in table and "E-7" not in table
