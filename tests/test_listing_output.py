"""How a listing SQLite made whole reaches stdout: its UTF-8 bytes written straight to the file
descriptor (render.write_utf8), the same bytes the text path writes, whatever text the facts
hold; the checks that send a listing line by line (render.plain_block), case by case."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Run
from conftest import through_facts as listed_through_facts
from pptrack import render, service
from pptrack.store import open_db

FORMATS = ("tsv", "json", "jsonl", "csv")
# Text that is written as it is in one format and quoted, escaped or left to Python in another.
ODD_TEXT = [
    "plain",
    "tab\there",
    "line\nbreak",
    "carriage\rreturn",
    'a "quote"',
    "back\\slash",
    "=1+1",
    "+1",
    "-x",
    "@home",
    "'quoted",
    "bell\x07",
    "delete\x7f",
    "c1\x85",
    "bidi\u202eevil",
    "Вясна, 囚犯 🙂",
    "nul\x00inside",
]


def through_facts(db: Path, fmt: str) -> bytes:
    return listed_through_facts(db, fmt).encode()


def on_a_file(db: Path, *args: str, env: dict[str, str] | None = None) -> bytes:
    """`pptrack ARGS` in a fresh process whose stdout is a file: the writev path."""
    result = subprocess.run(
        [sys.executable, "-c", "from pptrack import main; main()", *args, "--db", str(db)],
        capture_output=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def plain(run: Run, db_path: Path) -> Path:
    """Facts SQLite writes whole in tsv and json: numbers it prints as Python does, NULL via
    and url, a tag, non-ASCII names."""
    for value, date, source, extra in [
        ("888", "2021-12", "human-rights organisations", []),
        ("nearly 1,400", "2024-05-21", "EU", ["--via", "EU Neighbours East", "--url", "https://x.eu/a?b=1"]),
        ("~1,189", "2025-05", "Вясна", ["--tag", "Беларусь", "--tag", "b"]),
        ("2.5", "2025", "People In Need", ["--quote", "about 2.5 (thousand)", "--note", "囚犯 🙂"]),
    ]:
        assert run("add", "pp", value, "--date", date, "--source", source, *extra).exit_code == 0
    return db_path


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_listing_written_to_a_file_is_the_text_path_byte_for_byte(fmt: str, plain: Path, run: Run) -> None:
    if fmt != "csv":
        assert service.list_fact_block(open_db(plain, write=False), service.ListQuery(), fmt) is not None
    expected = through_facts(plain, fmt)
    assert on_a_file(plain, "list", "--format", fmt) == expected
    assert run("list", "--format", fmt).stdout_bytes == expected


@pytest.mark.parametrize("text", ODD_TEXT)
def test_odd_text_lists_the_same_on_a_file_and_through_facts(text: str, plain: Path) -> None:
    with sqlite3.connect(plain) as conn:  # as any writer may have stored it: a NUL too
        conn.execute("UPDATE facts SET note = ?, display = ? || display WHERE id = 2", (text, text[:3]))
        conn.execute("UPDATE sources SET name = ? || name WHERE name = 'EU'", (text,))
    for fmt in FORMATS:
        assert on_a_file(plain, "list", "--format", fmt) == through_facts(plain, fmt), fmt


@pytest.mark.parametrize("number", [1e21, 0.1, -0.0, 2.5, -3.25, 1e16, 999_999_999.9375, 2.0**70, 10**18])
def test_numbers_list_the_same_on_a_file_and_through_facts(number: float, plain: Path) -> None:
    with sqlite3.connect(plain) as conn:
        conn.execute("UPDATE facts SET value = ?, low = NULL, high = ? WHERE id = 3", (number, number))
    for fmt in FORMATS:
        assert on_a_file(plain, "list", "--format", fmt) == through_facts(plain, fmt), fmt


@pytest.mark.parametrize("value", ["abc", "=1", "7 apples", "Вясна"])
def test_text_where_a_number_belongs_lists_as_through_facts(value: str, plain: Path, run: Run) -> None:
    """A NUMERIC column keeps text that reads as no number (a file another program wrote):
    the integers beside it add up to one, and SQLite writes it as Python does."""
    with sqlite3.connect(plain) as conn:
        conn.execute("UPDATE facts SET value = ?, low = 5, high = 6 WHERE id = 1", (value,))
        assert conn.execute("SELECT typeof(value), typeof(value + low + high) FROM facts WHERE id = 1").fetchone() == (
            "text",
            "integer",
        )
    for fmt in FORMATS:
        assert on_a_file(plain, "list", "--format", fmt) == through_facts(plain, fmt), fmt
        assert run("list", "--format", fmt).stdout_bytes == through_facts(plain, fmt), fmt


def test_an_ascii_listing_goes_to_a_stdout_of_another_encoding(plain: Path, run: Run) -> None:
    """Bytes go straight out only where the stream would encode them so: ASCII to an ASCII
    stdout; non-ASCII to it fails as a text write does, with its one line."""
    run("sources", "merge", "EU", "Вясна")
    with sqlite3.connect(plain) as conn:
        conn.execute("DELETE FROM facts WHERE tags <> '[]' OR note IS NOT NULL")
    ascii_only = through_facts(plain, "tsv")
    assert ascii_only.isascii()
    assert on_a_file(plain, "list", "--format", "tsv", env={"PYTHONIOENCODING": "ascii"}) == ascii_only
    assert run("add", "pp", "5", "--date", "2024", "--source", "Пазірк").exit_code == 0
    result = subprocess.run(
        [sys.executable, "-c", "from pptrack import main; main()", "list", "--format", "tsv", "--db", str(plain)],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "ascii"},
        timeout=60,
    )
    assert result.returncode == 1 and result.stdout == b""
    assert result.stderr.decode().startswith("error: the output encoding ascii cannot show")


def test_short_writes_are_followed_by_the_rest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """os.writev may write less than asked (a signal came): what is left is written next."""
    real_writev = os.writev
    calls: list[int] = []

    def short_writev(fd: int, buffers: list[memoryview]) -> int:
        calls.append(len(buffers))
        return real_writev(fd, [bytes(b"".join(buffers))[:7]])

    monkeypatch.setattr(os, "writev", short_writev)
    pieces = [b"id\tuid\n", "Вясна\t".encode() * 5, b"", b"\n"]
    with open(tmp_path / "out", "w", encoding="utf-8") as out:
        out.write("before ")
        render.write_utf8(pieces, out)
    assert (tmp_path / "out").read_bytes() == b"before " + b"".join(pieces)
    assert len(calls) == -(-len(b"".join(pieces)) // 7)


def test_a_stream_without_a_file_gets_text() -> None:
    out = io.StringIO()
    render.write_utf8(["a\tВ\n".encode(), b"b\n"], out)
    assert out.getvalue() == "a\tВ\nb\n"


@pytest.mark.parametrize(
    ("cells", "plain_in_tsv"),
    [
        (["1", "a", "b"], True),
        (["1", "a\tb", "c"], False),  # one tab too many
        (["1", "a\nb", "c"], False),  # one line too many
        (["1", "a\rb", "c"], False),  # csv quotes a lone CR
        (["1", 'a"b', "c"], False),  # a quote is quoted
        (["1", "=a", "c"], False),  # formula signs and a quote first are escaped
        (["1", "+a", "c"], False),
        (["1", "@a", "c"], False),
        (["1", "'a", "c"], False),
        (["1", "-a", "c"], False),
        (["1", "a-b", "c=d"], True),  # inside a cell they are text
        (["1", "back\\slash", "Вясна"], True),
        (["1", "", ""], True),
    ],
)
def test_plain_block_sends_a_cell_to_quote_or_escape_line_by_line(cells: list[str], plain_in_tsv: bool) -> None:
    line = "\t".join(cells)
    data = "\n".join([line, "2\tx\ty"]).encode()
    assert render.plain_block(data, 2, "tsv", 3) is plain_in_tsv
    assert render.plain_block(data, 2, "json", 3)
    assert render.plain_block(b"", 0, "tsv", 3)


@pytest.mark.parametrize("fmt", ["tsv", "json", "jsonl"])
def test_a_listing_sqlite_writes_imports_no_json_csv_nor_fact(fmt: str, plain: Path) -> None:
    """What a listing made whole by SQLite never needs stays unloaded (6 ms of imports)."""
    from test_startup import loaded_modules

    watched = ("json", "csv", "dataclasses", "pptrack.fact", "pptrack.commands.facts")
    assert loaded_modules(watched, "list", "--format", fmt, "--db", str(plain)) == set()
