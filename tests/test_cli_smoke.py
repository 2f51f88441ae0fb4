from conftest import Run, add


def test_version(run: Run) -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("pptrack ")


def test_add_then_list(run: Run, run_json) -> None:
    fact = add(run, "political-prisoners", "nearly 1,400", "May 21, 2024", "EU")
    assert (fact["value"], fact["low"], fact["high"], fact["qualifier"]) == (1400, 1300, 1400, "nearly")
    assert [f["id"] for f in run_json("list")] == [fact["id"]]
