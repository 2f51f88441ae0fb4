"""A JSON array is imported a piece at a time (io._json_rows): the records, their numbers and
the errors are those of the file read whole, wherever the pieces are cut."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Run
from pptrack import io as pio
from pptrack.errors import BadInput

texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.floats(allow_nan=False), texts)
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3), max_leaves=8
)
records = st.dictionaries(texts, values, max_size=5)


def rows(text: str, piece: int, monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, dict[str, Any]]]:
    monkeypatch.setattr(pio, "_JSON_PIECE", piece)
    monkeypatch.setattr(pio, "_check_fields", lambda item, where: None)  # any keys: the reader is tested
    return list(pio._json_rows(io.StringIO(text)))


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(records, max_size=6),
    st.sampled_from([None, 0, 2]),
    st.sampled_from([", ", ",", ",\n"]),
    st.integers(1, 40),
)
def test_records_are_those_of_the_file_read_whole(
    monkeypatch: pytest.MonkeyPatch, items: list[dict[str, Any]], indent: int | None, comma: str, piece: int
) -> None:
    text = json.dumps(items, indent=indent, separators=(comma, ": "), ensure_ascii=False)
    with monkeypatch.context() as m:
        assert rows(text, piece, m) == list(enumerate(items, start=1))


@pytest.mark.parametrize("piece", [1, 2, 3, 5, 1 << 20])
@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "the file is empty"),
        ("  \n ", "the file is empty"),
        ('{"metric": "pp"}', "a JSON import must be a list of fact objects"),
        ("12", "a JSON import must be a list of fact objects"),
        ("[", "line 1, column 2: not valid JSON (Expecting value)"),
        ('[{"a": 1}', "line 1, column 10: not valid JSON (Expecting ']')"),
        ('[{"a": 1} {"b": 2}]', "line 1, column 11: not valid JSON (Expecting ',' delimiter)"),
        ('[{"a": 1},\n {"b": 2]', "line 2, column 9: not valid JSON (Expecting ',' delimiter)"),
        ('[{"a": 1}]\n]', "line 2, column 1: not valid JSON (Extra data)"),
        ('[{"a": 1},]', "line 1, column 11: not valid JSON (Expecting value)"),
        ('[\n\n  {"a": "x\n"}]', "line 3, column 11: not valid JSON (Invalid control character at)"),
        ('{"a": ', "line 1, column 7: not valid JSON (Expecting value)"),
        ('\n\n  {"a" 1}', "line 3, column 8: not valid JSON (Expecting ':' delimiter)"),
        ('[{"a": 1, "a": 2}]', "record 1: key 'a' is given twice"),
        ("[5]", "record 1: expected an object"),
    ],
)
def test_errors_name_the_place_in_the_file(monkeypatch: pytest.MonkeyPatch, piece: int, text: str, says: str) -> None:
    with pytest.raises(BadInput) as e:
        rows(text, piece, monkeypatch)
    assert says in e.value.message


@pytest.mark.parametrize("piece", [1, 4, 1 << 20])
def test_an_empty_array_has_no_records(monkeypatch: pytest.MonkeyPatch, piece: int) -> None:
    assert rows(" [ \n ] \n", piece, monkeypatch) == []


def test_a_json_import_whose_records_span_pieces(run: Run, run_json, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pio, "_JSON_PIECE", 7)
    facts = [
        {"metric": "pp", "value": f"nearly {n},000", "date": f"20{n:02d}", "source": "Viasna"} for n in range(1, 30)
    ]
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(facts, indent=2), encoding="utf-8")
    result = run("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert [f["display"] for f in run_json("list")] == [f["value"] for f in reversed(facts)]
