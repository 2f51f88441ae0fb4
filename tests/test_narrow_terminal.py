"""On an 80-column terminal the tables of the quick start stay readable: a wide column
folds at spaces, down to its longest word before any word is broken; its header folds
too; a value is never cut."""

from __future__ import annotations

import io
import re

import pytest

from conftest import Run, add
from pptrack import render

PP = "political-prisoners"


@pytest.fixture
def terminal_80(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "_is_terminal", lambda out: True)
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture
def examples(run: Run, belarus: None) -> None:
    """The SPEC's first table, with its sources' long names, and a figure with tags."""
    add(run, PP, "over 1,400", "2024-07", "Viasna", "--via", "Sweden Herald", "--tag", "belarus", "--tag", "releases")


def lines_of(run: Run, *args: str) -> list[str]:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    lines = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout).splitlines()  # bold stays under NO_COLOR
    assert max(render.cell_width(line) for line in lines) <= 80
    return lines


def test_diff_sources_folds_values_at_their_spaces(run: Run, examples: None, terminal_80: None) -> None:
    lines = lines_of(run, "diff-sources", PP, "--period", "year")
    words = {w for line in lines for w in line.split()}
    # each value's words whole, on its lines; no piece of two like "ne", "ar", "ly"
    assert {"nearly", "1,400", "over", "more", "than", "1,000", "1,200"} <= words
    assert not {"ne", "ar", "ly", "40"} & words
    # the long source name is a header of two lines, not a column of 26 cells
    assert any("human-rights" in line and "organisations" not in line for line in lines[:3])
    assert any("organisations" in line for line in lines[:3])
    assert "consistent" in words and "CONFLICT" in words  # the verdicts whole


def test_list_keeps_every_value_whole_and_folds_names(run: Run, examples: None, terminal_80: None) -> None:
    text = "\n".join(lines_of(run, "list"))
    for value in ("more than 1,000", "nearly 1,200", "1,189", "over 1,400", "nearly 1,400", "888"):
        assert value in text, value
    assert "…" not in text  # nothing cut: the names fold instead
    words = set(text.split())
    assert {"People", "In", "Need", "Sweden", "Herald", "Pozirk"} <= words


def test_a_table_fitted_to_the_terminal_leaves_the_callers_cells_alone(terminal_80: None) -> None:
    cells: list[list[object]] = [["a" * 200, "b"], ["x", "y"]]
    out = io.StringIO()
    render.write_columns(cells, [render.col("name", wide=True), render.col("v")], out=out)
    assert cells == [["a" * 200, "b"], ["x", "y"]]  # folded on the screen, not in the caller's lists
    assert max(len(line) for line in out.getvalue().splitlines()) <= 80


def test_show_folds_a_long_field_beside_its_name(run: Run, terminal_80: None) -> None:
    """`show` gives every field in full, and on a terminal fits its width (SPEC)."""
    quote = "Human rights groups have documented 3,940 political prisoners since 2020, " * 3
    url = "https://example.org/" + "a" * 120
    add(
        run, PP, "3,940", "2025-05-21", "Viasna", "--quote", quote.strip(), "--url", url, "--note", "line one\nline two"
    )
    lines = lines_of(run, "show", "1")
    quote_at = next(i for i, line in enumerate(lines) if line.startswith("quote "))
    indent = lines[quote_at].index("Human")
    folded = [lines[quote_at][indent:]]
    folded += [line[indent:] for line in lines[quote_at + 1 :] if line[:indent].isspace()][:3]
    assert " ".join(folded).split() == quote.split()  # nothing cut, folded at spaces
    url_at = next(i for i, line in enumerate(lines) if line.startswith("url "))
    assert "".join(line[indent:] for line in lines[url_at : url_at + 3]) == url  # no space to fold at: broken
    note_at = next(i for i, line in enumerate(lines) if line.startswith("note "))
    assert [line[indent:] for line in lines[note_at : note_at + 2]] == ["line one", "line two"]


def test_show_sent_to_a_pipe_is_not_folded(run: Run) -> None:
    url = "https://example.org/" + "a" * 120
    add(run, PP, "5", "2025", "Viasna", "--url", url)
    assert any(line.endswith(url) for line in run("show", "1").stdout.splitlines())


@pytest.mark.parametrize("columns", [30, 40, 60])
@pytest.mark.parametrize(
    "args",
    [
        ("history", "6"),
        ("diff-sources", PP, "--period", "year"),
        ("list",),
        ("timeline", PP),
        ("latest",),
        ("metrics", "list"),
        ("sources", "list"),
    ],
)
def test_a_table_too_wide_for_its_headers_is_shown_a_row_at_a_time(
    run: Run, examples: None, monkeypatch: pytest.MonkeyPatch, columns: int, args: tuple[str, ...]
) -> None:
    """A bug: below 74 columns `history` (ten columns, each at least its header) overran the
    terminal, and diff-sources' title too. A table whose headers do not fit side by side is
    shown as records: a column's name, then its value folded to the width."""
    monkeypatch.setattr(render, "_is_terminal", lambda out: True)
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setenv("NO_COLOR", "1")
    result = run(*args)
    assert result.exit_code in (0, 1), result.stderr  # diff-sources: 1 where sources conflict
    lines = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout).splitlines()
    assert lines and max(render.cell_width(line) for line in lines) <= columns
    assert not any(line.endswith(" ") for line in lines)


def test_narrow_history_keeps_every_field(run: Run, examples: None, monkeypatch: pytest.MonkeyPatch) -> None:
    add(run, PP, "5", "2021", "X", "--quote", "A long quote that has to fold over several lines of forty cells")
    monkeypatch.setattr(render, "_is_terminal", lambda out: True)
    monkeypatch.setenv("COLUMNS", "40")
    lines = re.sub(r"\x1b\[[0-9;]*m", "", run("history", "7").stdout).splitlines()
    assert [line.split()[0] for line in lines if line[:1] != " "] == [
        *("version", "changed_at", "change", "date", "metric", "value", "source", "via", "quote", "note")
    ]
    assert lines[5] == "value       5" and lines[7] == "via"
    quote = " ".join(line[12:] for line in lines[8:] if line.startswith(("quote", " ")))
    assert quote == "A long quote that has to fold over several lines of forty cells"


@pytest.mark.parametrize("columns", [40, 50, 60, 72, 80, 100])
@pytest.mark.parametrize("args", [("list",), ("latest",), ("timeline", PP), ("history", "6")])
def test_no_value_is_ever_cut_on_a_terminal(
    run: Run, examples: None, monkeypatch: pytest.MonkeyPatch, columns: int, args: tuple[str, ...]
) -> None:
    """A bug: at 40 columns `latest` showed `more …` for `more than 1,000` and a date as
    `2025-…`; a table that cannot keep every value whole is shown a row at a time."""
    monkeypatch.setattr(render, "_is_terminal", lambda out: True)
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setenv("NO_COLOR", "1")
    text = "\n".join(lines_of_width(run, columns, *args))
    assert "…" not in text
    shown = {"list": _DISPLAYS, "latest": {"more than 1,000", "888"}, "timeline": _DISPLAYS}
    for value in shown.get(args[0], {"over 1,400"}):
        assert value in text, value


_DISPLAYS = {"more than 1,000", "nearly 1,200", "1,189", "over 1,400", "nearly 1,400", "888"}


def lines_of_width(run: Run, columns: int, *args: str) -> list[str]:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    lines = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout).splitlines()
    assert max(render.cell_width(line) for line in lines) <= columns
    return lines


def test_at_80_columns_list_stays_a_table_its_slugs_folded_after_hyphens(
    run: Run, examples: None, terminal_80: None
) -> None:
    """The slug folds last, after a hyphen, once names and tags are down to their longest
    word: the table stays a table at 80 columns, every word whole."""
    add(run, "political-prisoners-died-in-custody", "at least 8", "2025-05-21", "Viasna", "--tag", "deaths-in-custody")
    lines = lines_of(run, "list")
    assert lines[0].split() == ["id", "date", "metric", "value", "source", "via", "tags"]
    slug_cells = [line[16:28].strip() for line in lines[2:]]
    assert slug_cells[4:8] == ["political-", "prisoners-", "died-in-", "custody"]  # folded after hyphens
    words = {w for line in lines for w in line.split()}
    assert {"organisations", "Neighbours", "releases", "1,400"} <= words  # no word broken
    assert "…" not in "\n".join(lines)


LONG_SOURCE = "Viasna Human Rights Centre Documentation Department for Political Persecution Monitoring"


@pytest.mark.parametrize("columns", [20, 30, 40, 80])
def test_a_long_source_name_folds_beside_its_value_row_by_row(
    run: Run, monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    """A bug: shown a row at a time, diff-sources put its values beside source names as long
    as they are, and a value came out a character a line, 106 cells wide at 40 columns."""
    add(run, PP, "nearly 1,200", "2025-08", "Viasna")
    add(run, PP, "more than 10,000,000", "2025-09", LONG_SOURCE)
    monkeypatch.setattr(render, "_is_terminal", lambda out: True)
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setenv("NO_COLOR", "1")
    result = run("diff-sources", PP, "--period", "year")
    lines = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout).splitlines()
    assert max(render.cell_width(line) for line in lines) <= columns
    text = " ".join(" ".join(lines).split())
    if columns >= 40:  # a third of the width for the name leaves a value of 20 cells its line
        assert "more than 10,000,000" in text and "nearly 1,200" in text and "CONFLICT" in text


@pytest.mark.parametrize("columns", [20, 30, 40])
def test_show_fits_a_narrow_terminal(run: Run, monkeypatch: pytest.MonkeyPatch, columns: int) -> None:
    """A bug: show kept 20 cells for a value beside names of 14, 36 wide at 30 columns; a tab
    in a note counted one cell, where the terminal moves to its next tab stop."""
    add(run, PP, "1,189", "2025-05-21", LONG_SOURCE, "--note", "a\tb\tc\td\te\tf\tg\th\ti\tj\tk\tl")
    monkeypatch.setattr(render, "_is_terminal", lambda out: True)
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setenv("NO_COLOR", "1")
    lines = re.sub(r"\x1b\[[0-9;]*m", "", run("show", "1").stdout).splitlines()
    assert "\t" not in "\n".join(lines)
    assert max(render.cell_width(line) for line in lines) <= columns
    text = "".join("".join(lines).split())
    assert "".join(LONG_SOURCE.split()) in text and "abcdefghijkl" in text  # nothing of them lost


def test_latest_row_by_row_names_the_metric_in_every_block(
    run: Run, examples: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug: latest leaves the metric blank under its current figure ("as above"); shown a
    row at a time, the blocks of the other sources' figures named no metric."""
    monkeypatch.setattr(render, "_is_terminal", lambda out: True)
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setenv("NO_COLOR", "1")
    lines = re.sub(r"\x1b\[[0-9;]*m", "", run("latest").stdout).splitlines()
    metrics = [line.split()[1:] for line in lines if line.startswith("metric")]
    assert len(metrics) == 4 and all(m == [PP] for m in metrics)


def test_no_column_folds_below_eight_cells(run: Run, examples: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug: metrics list at 40 columns folded `political-prisoners` into `poli` / `tica` /
    `l-` / ..., the slug's column down to its header's four cells; such a table is now shown
    a row at a time, the slug whole."""
    monkeypatch.setattr(render, "_is_terminal", lambda out: True)
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setenv("NO_COLOR", "1")
    lines = re.sub(r"\x1b\[[0-9;]*m", "", run("metrics", "list").stdout).splitlines()
    assert max(render.cell_width(line) for line in lines) <= 40
    assert f"slug     {PP}" in lines
