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
