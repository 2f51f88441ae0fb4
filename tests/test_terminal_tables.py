"""Tables on a terminal: laid out by render.py and written as rich would print them, fitted to
the width, styled in the codes rich chooses for the console, on a real pseudo-terminal too."""

from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from conftest import PP, Run, add
from pptrack import render
from test_installed import PPTRACK, on_a_terminal

SGR = re.compile(r"\x1b\[[0-9;]*m")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def rich_console(out: Any, width: int, color_system: str | None, no_color: bool) -> Console:
    return Console(
        file=out, force_terminal=True, color_system=color_system, no_color=no_color, width=width,  # type: ignore[arg-type]
        markup=False, emoji=False, highlight=False,
    )  # fmt: skip


@contextmanager
def terminal(width: int, color_system: str | None = None, no_color: bool = False) -> Iterator[None]:
    """Tables take the terminal path, onto a rich console of this width and colour system."""

    def make(out: Any = None, stderr: bool = False) -> Console:
        return rich_console(out, width, color_system, no_color)

    with mock.patch.object(render, "_is_terminal", lambda out: True), mock.patch.object(render, "console", make):
        yield


def as_rich_prints(
    rows: Sequence[Sequence[object]], columns: Sequence[render.Column], title: str | None, con: Console
) -> None:
    """The same table as rich prints it: a rich Text for each line, printed by the console
    (how render.py wrote terminal tables before it wrote their lines itself)."""
    cells = [[render.safe_text(v) for v in row] for row in rows]
    styles = [[c.style(v) if c.style else None for v, c in zip(row, columns, strict=True)] for row in rows]
    headers = [render.safe_text(c.header) for c in columns]
    natural = [max([render.cell_width(h), *(render.cell_width(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    widths = render._fit(natural, headers, columns, con.width, [[row[i] for row in cells] for i in range(len(columns))])

    def line(parts: Sequence[str], line_styles: Sequence[str | None]) -> Text:
        text = Text()
        last = len(parts) - 1
        for i, (v, w, c, style) in enumerate(zip(parts, widths, columns, line_styles, strict=True)):
            pad = " " * (w - render.cell_width(v))
            if c.right:
                text.append(pad)
            text.append(v, style=style or "")
            if not c.right and i < last:
                text.append(pad)
            if i < last:
                text.append("  ")
        text.rstrip()
        return text

    lines = [Text(part, style="bold") for part in render.fold(render.safe_text(title), con.width)] if title else []
    if sum(widths) + 2 * (len(widths) - 1) > con.width:  # the headers do not fit: a row at a time
        # names at most a third of the width, folded, their values beside them
        key_width = max(min(max(render.cell_width(h) for h in headers), con.width // 3), 1)
        room = max(con.width - key_width - 2, 1)
        for r, (row, row_styles) in enumerate(zip(cells, styles, strict=True)):
            if r:
                lines.append(Text())
            for h, v, style in zip(headers, row, row_styles, strict=True):
                names = render.fold(h, key_width)
                parts = [part.rstrip() for part in render.fold(v, room)]
                for k in range(max(len(names), len(parts))):
                    name = names[k] if k < len(names) else ""
                    text = Text().append(name, style="bold")
                    if k < len(parts) and parts[k]:
                        text.append(" " * (key_width - render.cell_width(name) + 2))
                        text.append(parts[k], style=style or "")
                    lines.append(text)
        if lines:
            con.print(Text("\n").join(lines), no_wrap=True, overflow="ignore", crop=False, soft_wrap=True)
        return
    folded_headers = [render.fold(h, w) for h, w in zip(headers, widths, strict=True)]
    for k in range(max(len(f) for f in folded_headers)):
        lines.append(line([f[k] if k < len(f) else "" for f in folded_headers], ["bold"] * len(columns)))
    lines.append(Text("  ".join("─" * w for w in widths), style="dim"))
    for row, row_styles in zip(cells, styles, strict=True):
        folded = [render.fold(v, w) for v, w in zip(row, widths, strict=True)]  # what _fit narrowed folds
        for k in range(max(len(f) for f in folded)):
            lines.append(line([f[k] if k < len(f) else "" for f in folded], row_styles))
    con.print(Text("\n").join(lines), no_wrap=True, overflow="ignore", crop=False, soft_wrap=True)


# Text that tests the layout: spaces to fold at, wide and zero-width characters, text rich
# would take for markup or emoji codes, controls that safe_text shows escaped.
ALPHABET = st.sampled_from(
    list("ab xyz  1,-~") + ["中", "文", "😀", "é", "\u0301", "…", "[b]", "[/]", ":x:", "\x1b", "\n"]
)
CELL = st.one_of(st.none(), st.integers(-50_000, 50_000), st.lists(ALPHABET, max_size=30).map("".join))
STYLE = st.sampled_from([None, "", "bold", "bold red", "green on white", "dim italic", "#ff8800", "color(200)"])


@st.composite
def tables(draw: Any) -> tuple[list[render.Column], list[list[object]]]:
    columns = []
    for i in range(draw(st.integers(1, 5))):
        style, every_other = draw(STYLE), draw(st.booleans())
        columns.append(
            render.Column(
                draw(st.lists(ALPHABET, max_size=6).map("".join)),
                lambda r, i=i: r[i],
                right=draw(st.booleans()),
                wide=draw(st.booleans()),
                style=(lambda v, s=style, e=every_other: s if not e or len(str(v)) % 2 else None) if style else None,
            )
        )
    rows = draw(st.lists(st.lists(CELL, min_size=len(columns), max_size=len(columns)), max_size=6))
    return columns, rows


@settings(max_examples=300, deadline=None)
@given(
    table=tables(),
    title=st.one_of(st.none(), st.lists(ALPHABET, max_size=8).map("".join)),
    width=st.integers(1, 90),
    color_system=st.sampled_from([None, "standard", "256", "truecolor"]),
    no_color=st.booleans(),
)
def test_written_as_rich_prints_it(
    table: tuple[list[render.Column], list[list[object]]],
    title: str | None,
    width: int,
    color_system: str | None,
    no_color: bool,
) -> None:
    columns, rows = table
    expected = io.StringIO()
    as_rich_prints(rows, columns, title, rich_console(expected, width, color_system, no_color))
    out = Terminal()
    with terminal(width, color_system, no_color):
        render.write_table(rows, columns, out=out, title=title)
    assert out.getvalue() == expected.getvalue()


def test_a_style_is_written_in_the_codes_of_the_colour_system() -> None:
    column = render.Column("verdict", lambda r: r, style=lambda v: "bold red" if v == "CONFLICT" else None)
    printed = {}
    for color_system, no_color in (("truecolor", False), ("standard", False), (None, False), ("256", True)):
        out = Terminal()
        with terminal(80, color_system, no_color):
            render.write_table([["CONFLICT"], ["consistent"]], [column], out=out)
        printed[color_system, no_color] = out.getvalue()
    assert (
        "\x1b[1;31mCONFLICT\x1b[0m" in printed["truecolor", False]
        and "\x1b[1;31mCONFLICT" in printed["standard", False]
    )
    assert printed[None, False] == "verdict\n" + "─" * 10 + "\nCONFLICT\nconsistent\n"  # no colour system: no codes
    assert "\x1b[1mCONFLICT\x1b[0m" in printed["256", True]  # NO_COLOR: bold stays, red goes


@given(text=st.lists(ALPHABET, max_size=40).map("".join), width=st.integers(1, 12))
def test_folded_lines_fit_and_keep_every_character(text: str, width: int) -> None:
    text = render.safe_text(text)
    lines = render.fold(text, width)
    assert all(render.cell_width(line) <= width or len(line) == 1 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_a_long_word_folds_after_a_hyphen_or_slash_before_it_is_cut() -> None:
    """At 80 columns a tag like `political-prisoners-of-conscience` was cut mid-word
    (`political-prisone` / `rs-of-conscience`); a space still comes first, and a leading
    minus is never a place to fold."""
    assert render.fold("belarus, political-prisoners-of-conscience,", 17) == [
        "belarus,",
        "political-",
        "prisoners-of-",
        "conscience,",
    ]
    assert render.fold("https://example.org/a/long-path", 20) == ["https://example.org/", "a/long-path"]
    assert render.fold("-123456789", 4) == ["-123", "4567", "89"]
    assert render.fold("a-b cdefgh", 6) == ["a-b", "cdefgh"]


def test_a_wide_character_in_a_one_cell_column_is_folded_not_looped_on() -> None:
    """A bug: folding 中文 to one cell looked for the longest prefix that fits, found none and
    took nothing, forever. A character wider than its column is a line of its own."""
    assert render.fold("中文 x", 1) == ["中", "文", "x"]
    assert render.fold("中文", 3) == ["中", "文"]
    out = Terminal()
    columns = [render.col("n"), render.col("x", wide=True), render.col("m")]
    with terminal(7):  # no column is folded below its width or 8 cells: the row is shown alone
        render.write_table([["1", "中文", "2"]], columns, out=out)
    assert out.getvalue().splitlines() == ["n  1", "x  中文", "m  2"]


def test_a_folded_line_ending_in_a_combining_mark_still_fits() -> None:
    """A bug: the longest prefix that fits was found by cutting to one cell more and taking
    off the ellipsis, which took off the accent of `á` instead, leaving `aa` in one cell."""
    assert render.fold("aa\u0301", 1) == ["a", "a\u0301"]
    assert render.fold("ab\u0301 c", 2) == ["ab\u0301", "c"]


@pytest.mark.parametrize(
    ("first", "last"),
    [(0x4E00, 0x9FFF), (0x3041, 0x3096), (0x30A1, 0x30FA), (0xAC00, 0xD7A3), (0xFF01, 0xFF60), (0x1F300, 0x1F3FA),
     (0x1F400, 0x1F64F), (0x1F680, 0x1F6C5), (0x0410, 0x044F), (0x20, 0x7E)],
)  # fmt: skip
def test_cjk_and_emoji_take_the_cells_rich_gives_them(first: int, last: int) -> None:
    """CJK, kana, Hangul, full-width forms and emoji measured as rich measures them."""
    chars = [chr(c) for c in range(first, last + 1) if chr(c).isprintable()]
    assert [render.cell_width(c) for c in chars] == [cell_len(c) for c in chars]


# --- on a real pseudo-terminal (120 columns) ------------------------------------------


def piped(*args: str, db: Path) -> str:
    env = {"PPTRACK_DB": str(db), "PATH": "/usr/bin:/bin"}
    return subprocess.run([PPTRACK, *args], capture_output=True, text=True, env=env, check=True, timeout=60).stdout


@pytest.fixture
def wide_text(run: Run) -> None:
    """Facts whose names and tags hold CJK and emoji, and tags too long for 120 columns."""
    add(run, PP, "888", "2021-12", "人权组织 😀", "--tag", "中文")
    add(run, PP, "nearly 1,400", "May 21, 2024", "EU", "--via", "EU Neighbours East", "--tag", "[bold]x[/bold]")
    add(run, PP, "1,189", "2025-05-21", "Viasna", "--via", "Pozirk", "--tag", "folded " * 20)


@pytest.mark.slow
@pytest.mark.parametrize("args", [["list"], ["timeline", PP]])
def test_on_a_terminal_the_piped_table_styled_and_fitted(args: list[str], wide_text: None, db_path: Path) -> None:
    shown = on_a_terminal(*args, db=db_path, env={"TERM": "xterm-256color"}).replace("\r\n", "\n")
    lines = shown.splitlines()
    visible = [SGR.sub("", line) for line in lines]
    assert max(cell_len(line) for line in visible) <= 120
    header = next(i for i, line in enumerate(visible) if line.lstrip().startswith("id"))
    assert "\x1b[1mid\x1b[0m" in lines[header] and lines[header + 1].startswith("\x1b[2m─")
    plain = piped(*args, db=db_path).splitlines()
    words = [w for line in plain[header + 2 :] for w in line.split()]
    assert [w for line in visible[header + 2 :] for w in line.split()] == words  # the same cells, in order, folded
    if args == ["list"]:
        assert "人权组织 😀" in shown and "[bold]x[/bold]" in shown  # as written, never taken for markup
        # The tags line up in cells on every line, after a source name of CJK and emoji too.
        starts = {
            cell_len(line[: line.index(tag)]) for line in visible for tag in ("folded", "[bold]", "中文") if tag in line
        }
        assert len(starts) == 1


@pytest.mark.slow
def test_term_dumb_on_a_terminal_is_the_piped_table(wide_text: None, db_path: Path) -> None:
    shown = on_a_terminal("list", db=db_path, env={"TERM": "dumb"}).replace("\r\n", "\n")
    assert shown == piped("list", db=db_path)


@pytest.mark.slow
def test_no_color_on_a_terminal_leaves_bold_and_no_colour(wide_text: None, db_path: Path) -> None:
    coloured = on_a_terminal("list", db=db_path, env={"TERM": "xterm-256color"})
    plain = on_a_terminal("list", db=db_path, env={"TERM": "xterm-256color", "NO_COLOR": "1"})
    assert plain == coloured and "\x1b[1m" in plain  # a listing has no colour, only bold and dim
