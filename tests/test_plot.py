"""`pptrack plot`: the timeline as a PNG or SVG image, read back; the message when matplotlib is missing."""

from __future__ import annotations

import struct
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import PP, Run, add

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_png(run: Run, belarus: None, tmp_path: Path) -> None:
    out = tmp_path / "chart.png"
    result = run("plot", PP, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert png_size(out) == (1000, 500)
    assert result.stdout == "" and "5 figure(s) from 4 source(s)" in result.stderr
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_svg(run: Run, belarus: None, tmp_path: Path) -> None:
    out = tmp_path / "chart.SVG"
    result = run("plot", PP, "--output", str(out), "--source", "Viasna", "--since", "2025")
    assert result.exit_code == 0, result.stderr
    root = ET.parse(out).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("width") == "720pt" and root.get("height") == "360pt"  # 10 × 5 inches
    assert "2 figure(s) from 1 source(s)" in result.stderr


def test_text_is_drawn_as_written(run: Run, tmp_path: Path) -> None:
    add(run, "costs", "5", "2024", "$x^2$ fund")  # not TeX math: as written
    add(run, "costs", "7", "2025", "$x^2$ fund")
    result = run("plot", "costs", "-o", str(tmp_path / "c.png"))
    assert result.exit_code == 0, result.stderr


def test_open_ended_and_single_figures_are_drawn(run: Run, tmp_path: Path) -> None:
    add(run, "m", "at least 8", "2024", "A")
    result = run("plot", "m", "-o", str(tmp_path / "c.png"))
    assert result.exit_code == 0, result.stderr
    assert png_size(tmp_path / "c.png") == (1000, 500)


def test_many_sources_draw_the_ten_with_most_figures(run: Run, tmp_path: Path) -> None:
    for i in range(12):
        for year in range(2010, 2025 - i):
            add(run, "m", str(100 + i), str(year), f"S{i:02d}")
    result = run("plot", "m", "-o", str(tmp_path / "c.svg"))
    assert result.exit_code == 0, result.stderr
    assert "from 10 source(s)" in result.stderr
    assert "m: not drawn, having fewer figures: S10, S11 (--source chooses)" in result.stderr
    ET.parse(tmp_path / "c.svg")


@pytest.mark.parametrize("name", ["chart.pdf", "chart", "chart.png.txt"])
def test_other_file_names_are_bad_input(run: Run, belarus: None, tmp_path: Path, name: str) -> None:
    result = run("plot", PP, "-o", str(tmp_path / name))
    assert result.exit_code == 2
    assert ".png or .svg" in result.stderr and result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == [tmp_path / "pptrack.db"]


def test_output_is_required(run: Run, belarus: None) -> None:
    result = run("plot", PP)
    assert result.exit_code == 2 and "--output" in result.stderr


def test_unknown_metric(run: Run, belarus: None, tmp_path: Path) -> None:
    result = run("plot", "political-prisonrs", "-o", str(tmp_path / "c.png"))
    assert result.exit_code == 1 and "did you mean" in result.stderr
    assert not (tmp_path / "c.png").exists()


def test_nothing_to_draw_writes_nothing(run: Run, belarus: None, tmp_path: Path) -> None:
    result = run("plot", PP, "-o", str(tmp_path / "c.png"), "--since", "2030")
    assert result.exit_code == 0 and "no facts match" in result.stderr
    assert not (tmp_path / "c.png").exists()


def test_a_folder_that_does_not_exist_fails_cleanly(run: Run, belarus: None, tmp_path: Path) -> None:
    result = run("plot", PP, "-o", str(tmp_path / "missing" / "c.png"))
    assert result.exit_code == 2 and "cannot write" in result.stderr and result.stderr.count("\n") == 1


def test_missing_matplotlib_names_the_extra(
    run: Run, belarus: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` raises ImportError
    result = run("plot", PP, "-o", str(tmp_path / "c.png"))
    assert result.exit_code == 1
    assert result.stderr == (
        "error: drawing an image needs matplotlib, the optional extra 'plot': pip install 'pptrack[plot]'\n"
    )
    assert not (tmp_path / "c.png").exists()


def test_help_names_the_extra_to_install(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """The help is rich markup: `[plot]` written plainly there was taken for a style and dropped."""
    monkeypatch.setenv("COLUMNS", "200")
    for args in (["plot", "--help"], ["--help"]):
        result = run(*args)
        assert result.exit_code == 0
        assert "pip install 'pptrack[plot]'" in " ".join(result.stdout.replace("│", " ").split())


@pytest.mark.parametrize("name", ["chart.svg/", "chart.png/"])
def test_a_name_ending_in_a_slash_is_a_folder_not_an_image(run: Run, belarus: None, tmp_path: Path, name: str) -> None:
    result = run("plot", PP, "-o", str(tmp_path / "x") + "/" + name)
    assert result.exit_code == 2 and "names a folder: give -o a file name ending .png or .svg" in result.stderr
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("name", ["", ".", "/"])
def test_no_file_name_is_refused(run: Run, belarus: None, name: str) -> None:
    result = run("plot", PP, "-o", name)
    assert result.exit_code == 2 and "give -o a file name ending .png or .svg" in result.stderr


def test_an_image_over_the_database_is_refused(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "facts.png"  # a database may have any name
    monkeypatch.setenv("PPTRACK_DB", str(db))
    add(run, PP, "888", "2021-12", "Viasna")
    before = db.read_bytes()
    result = run("plot", PP, "-o", str(db))
    assert result.exit_code == 2 and "is the database's own file" in result.stderr
    assert db.read_bytes() == before


@pytest.mark.parametrize("dates", [["0001-01-01"], ["9999-12-31"], ["0001", "0002"], ["0001-01-01", "9999"]])
def test_dates_at_the_calendars_ends_are_drawn(run: Run, tmp_path: Path, dates: list[str]) -> None:
    """Matplotlib's margins went past year 1 or 9999, where its dates end."""
    for i, day in enumerate(dates):
        add(run, "m", str(5 + i), day, f"S{i}")
    result = run("plot", "m", "-o", str(tmp_path / "c.png"))
    assert result.exit_code == 0, result.stderr
    assert png_size(tmp_path / "c.png") == (1000, 500)


def test_a_day_and_month_either_way_is_read_as_told(run: Run, belarus: None, tmp_path: Path) -> None:
    """plot said to give --dayfirst, and had no such option."""
    out = str(tmp_path / "c.png")
    assert "give --dayfirst or --monthfirst" in run("plot", PP, "-o", out, "--since", "03/04/2025").stderr
    result = run("plot", PP, "-o", out, "--since", "03/04/2025", "--dayfirst")
    assert result.exit_code == 0 and "3 figure(s) from 2 source(s)" in result.stderr
    assert "2 figure(s)" in run("plot", PP, "-o", out, "--since", "08/01/2025", "--monthfirst").stderr
