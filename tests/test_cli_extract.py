"""`pptrack extract`: output shapes, stdin, bad input, --add and --review through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import Run
from pptrack.extract import CANDIDATE_FIELDS

SEEDS = Path(__file__).parent / "data" / "articles" / "seeds"
PIN = SEEDS / "002_191b3a307bdb738a.txt"
POZIRK = SEEDS / "000_972374a62f2da709.txt"
ARTICLE = (
    "MINSK, May 21 (Reuters) - As of August 2025, nearly 1,200 political prisoners remained in detention, "
    "Viasna said.\nOf them, eight are women.\n\nIn all, 3,940 political prisoners have been recognised since 2020.\n"
)


def write(tmp_path: Path, text: str | bytes, name: str = "a.txt") -> str:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return str(path)


def test_json_gives_the_candidate_shape(run_json, tmp_path: Path) -> None:
    found = run_json("extract", write(tmp_path, ARTICLE), "--date", "2025")
    assert found == [
        {
            "value": 1200,
            "low": 1100,
            "high": 1200,
            "qualifier": "nearly",
            "display": "nearly 1,200",
            "noun": "political prisoners",
            "sentence": "MINSK, May 21 (Reuters) - As of August 2025, nearly 1,200 political prisoners remained in "
            "detention, Viasna said.",
            "date": "2025-08",
            "date_precision": "month",
            "source": "Viasna",
            "metric": None,
        },
        {
            "value": 3940,
            "low": 3940,
            "high": 3940,
            "qualifier": "exact",
            "display": "3,940",
            "noun": "political prisoners",
            "sentence": "In all, 3,940 political prisoners have been recognised since 2020.",
            "date": "2025-05-21",
            "date_precision": "day",
            "source": None,
            "metric": None,
        },
    ]


def test_csv_jsonl_and_table(run: Run, tmp_path: Path) -> None:
    path = write(tmp_path, ARTICLE)
    csv = run("extract", path, "--format", "csv").stdout.splitlines()
    assert csv[0] == ",".join(CANDIDATE_FIELDS)
    assert csv[1].startswith('1200,1100,1200,nearly,"nearly 1,200",political prisoners,')
    lines = run("extract", path, "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line)["display"] for line in lines] == ["nearly 1,200", "3,940"]
    table = run("extract", path, "--source", "Pozirk").stdout
    assert table.splitlines()[0].split() == ["date", "value", "noun", "source", "metric", "sentence"]
    assert "nearly 1,200" in table and "2025-08" in table and "Pozirk" in table


def test_stdin(run: Run) -> None:
    result = run("extract", "-", "--format", "json", input=PIN.read_text(encoding="utf-8"))
    assert result.exit_code == 0, result.stderr
    assert [c["display"] for c in json.loads(result.stdout)][:3] == ["52", "14", "more than 1,000"]


def test_the_seed_figures_with_their_dates_and_sources(run_json) -> None:
    found = run_json("extract", str(PIN), "--source", "People In Need")
    assert [(c["display"], c["date"], c["source"]) for c in found] == [
        ("52", "2025-09-12", "People In Need"),
        ("14", "2025-09-12", "People In Need"),
        ("more than 1,000", "2025-09-12", "People In Need"),
        ("51", "2025-09-12", "People In Need"),
        ("over 7,400", "2025-09-12", "Viasna Human Rights Center"),
        ("nearly 1,200", "2025-08", "Viasna Human Rights Center"),
        ("almost 40", "2025-09-12", "People In Need"),
    ]


def test_a_dateline_without_a_year_is_undated_without_date(run_json) -> None:
    assert {c["date"] for c in run_json("extract", str(POZIRK))} == {None}
    assert {c["date"] for c in run_json("extract", str(POZIRK), "--date", "2025")} == {"2025-05-21"}


def test_text_without_figures_is_an_empty_list(run: Run, tmp_path: Path) -> None:
    path = write(tmp_path, "Nothing to count here.\n")
    result = run("extract", path, "--format", "json")
    assert (result.exit_code, json.loads(result.stdout)) == (0, [])
    result = run("extract", path)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "no figures found\n")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\x00\x01\x02binary\x00", "binary"),
        ("1,189 people in Minsk \u2013 caf\u00e9".encode("cp1252"), "not UTF-8"),
    ],
)
def test_bad_files_are_refused(run: Run, tmp_path: Path, db_path: Path, content: bytes, message: str) -> None:
    result = run("extract", write(tmp_path, content), "--add")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == "" and not db_path.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.txt"], "cannot read 'missing.txt'"),
        (["{article}", "--date", "someday"], "cannot read date 'someday'"),
        (["{article}", "--source", "  "], "source name"),
        (["-", "--review"], "--review reads your answers from stdin"),
        (["{article}", "--date", "03/04/2025"], "give --dayfirst or --monthfirst"),
        (["{article}", "--date", "03/04/2025", "--dayfirst", "--monthfirst"], "not both"),
    ],
)
def test_bad_arguments_are_refused(run: Run, tmp_path: Path, db_path: Path, args: list[str], message: str) -> None:
    article = write(tmp_path, ARTICLE)
    result = run("extract", *[a.replace("{article}", article) for a in args], input=ARTICLE)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert not db_path.exists()


@pytest.mark.parametrize(("order", "day"), [("--dayfirst", "2025-04-03"), ("--monthfirst", "2025-03-04")])
def test_an_ambiguous_fallback_date_is_read_as_told(run: Run, order: str, day: str) -> None:
    """A bug: the refusal of `--date 03/04/2025` said to give --dayfirst, which extract refused."""
    article = "Viasna said 1,200 people were held.\n"
    result = run("extract", "-", "--date", "03/04/2025", order, "--format", "json", input=article)
    assert result.exit_code == 0, result.stderr
    assert [(c["value"], c["date"]) for c in json.loads(result.stdout)] == [(1200, day)]


def test_article_text_is_printed_as_text(run: Run, tmp_path: Path) -> None:
    path = write(tmp_path, "The [bold]monitor[/bold] said 5 people :smile: were held \x1b[2J today.\n")
    table = run("extract", path).stdout
    assert "[bold]monitor[/bold]" in table and ":smile:" in table
    assert "\x1b" not in table and "\\x1b[2J" in table
    assert json.loads(run("extract", path, "--format", "json").stdout)[0]["sentence"].count("\x1b") == 1


def metrics(run: Run) -> None:
    assert run("metrics", "add", "political-prisoners", "--label", "Political prisoners").exit_code == 0
    assert run("metrics", "add", "recognised", "--kind", "cumulative", "--alias", "political prisoners recognised")


def test_add_stores_the_mapped_candidates_once(run: Run, run_json, tmp_path: Path) -> None:
    metrics(run)
    path = write(tmp_path, ARTICLE)
    first = run("extract", path, "--add", "--date", "2025")
    assert first.exit_code == 0, first.stderr
    assert "added 1 fact(s) (#1); 1 left" in first.stderr
    assert "left 3,940 political prisoners: the wording says cumulative, but political-prisoners is a stock metric" in (
        first.stderr
    )
    [fact] = run_json("list")
    assert (fact["metric"], fact["display"], fact["date"], fact["source"]) == (
        "political-prisoners",
        "nearly 1,200",
        "2025-08",
        "Viasna",
    )
    assert fact["quote"].endswith("nearly 1,200 political prisoners remained in detention, Viasna said.")
    again = run("extract", path, "--add", "--date", "2025")
    assert "added 0 fact(s); 1 stored already (#1)" in again.stderr
    assert len(run_json("list")) == 1


def test_add_leaves_candidates_without_date_or_source(run: Run, run_json, tmp_path: Path, db_path: Path) -> None:
    metrics(run)
    path = write(tmp_path, "1,189 political prisoners are still held.\n")
    result = run("extract", path, "--add")
    assert "left 1,189 political prisoners: no date (give --date)" in result.stderr
    result = run("extract", path, "--add", "--date", "2025-05")
    assert "left 1,189 political prisoners: no source (give --source)" in result.stderr
    assert run_json("list") == []
    result = run("extract", path, "--add", "--date", "2025-05", "--source", "Viasna")
    assert "added 1 fact(s)" in result.stderr
    assert [(f["date"], f["source"]) for f in run_json("list")] == [("2025-05", "Viasna")]


def test_add_with_nothing_to_add_creates_no_database(run: Run, tmp_path: Path, db_path: Path) -> None:
    result = run("extract", write(tmp_path, ARTICLE), "--add", "--date", "2025")
    assert result.exit_code == 0
    assert "added 0 fact(s); 2 left" in result.stderr
    assert not db_path.exists()


def test_review_accepts_skips_and_changes_metric(run: Run, run_json, tmp_path: Path) -> None:
    metrics(run)
    path = write(tmp_path, ARTICLE)
    result = run("extract", path, "--review", "--date", "2025", "--source", "Viasna", input="s\nm\nrecognised\n")
    assert result.exit_code == 0, result.stderr
    assert "accept, skip or change metric" in result.stderr
    assert "added 1 fact(s)" in result.stderr and "left nearly 1,200 political prisoners: skipped" in result.stderr
    assert [(f["metric"], f["display"]) for f in run_json("list")] == [("recognised", "3,940")]
    assert json.loads(run("extract", path, "--format", "json").stdout)[0]["display"] == "nearly 1,200"


def test_review_changes_only_to_a_known_metric(run: Run, run_json, tmp_path: Path) -> None:
    metrics(run)
    path = write(tmp_path, ARTICLE)
    answers = "m\nnope\nPolitical Prisoners\nm\n\n"
    result = run("extract", path, "--review", "--date", "2025", "--source", "V", input=answers)
    assert result.exit_code == 0, result.stderr
    assert "unknown metric 'nope'; known: political-prisoners, recognised" in result.stderr
    assert "left 3,940 political prisoners: skipped" in result.stderr
    assert [(f["metric"], f["display"]) for f in run_json("list")] == [("political-prisoners", "nearly 1,200")]
    assert run_json("metrics", "list")[0]["slug"] == "political-prisoners" and len(run_json("metrics", "list")) == 2


def test_review_stops_asking_when_answers_run_out(run: Run, run_json, tmp_path: Path) -> None:
    metrics(run)
    path = write(tmp_path, ARTICLE)
    result = run("extract", path, "--review", "--date", "2025", input="a\n")
    assert result.exit_code == 0, result.stderr
    assert "no more answers on stdin" in result.stderr
    assert "left 3,940 political prisoners: skipped" in result.stderr
    assert [f["display"] for f in run_json("list")] == ["nearly 1,200"]


def test_review_with_an_unknown_answer_asks_again(run: Run, run_json, tmp_path: Path) -> None:
    metrics(run)
    result = run("extract", write(tmp_path, ARTICLE), "--review", "--date", "2025", input="x\na\ns\n")
    assert result.exit_code == 0, result.stderr
    assert [f["display"] for f in run_json("list")] == ["nearly 1,200"]
