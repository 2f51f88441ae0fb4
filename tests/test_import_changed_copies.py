"""An export changed after it was made (by hand in a spreadsheet, by another program), or a
copy older than the fact it holds, imported: the change is recorded in the fact's history as
made at the import, never stored as if it had always been so (which `check` reports) nor
dropped as "already present"; an older copy is named, and the stored fact kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import PP, Run, add

FORMATS = ("csv", "jsonl", "json")


def export(run: Run, path: Path, *db: str) -> str:
    result = run("export", "-o", str(path), *db)
    assert result.exit_code == 0, result.stderr
    return path.read_text(encoding="utf-8")


def history(run: Run, fact_id: int, *db: str) -> list[dict]:
    result = run("history", str(fact_id), "--format", "json", *db)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def sound(run: Run, *db: str) -> None:
    result = run("check", *db)
    assert result.exit_code == 0, result.stdout + result.stderr


def kept_as_stored(run: Run, path: Path, why: str) -> None:
    """The import of `path` (one row, matched by uid) names why the stored fact is kept."""
    result = run("import", str(path))
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"line 2: {why}; the stored fact is kept",
        "imported 0 fact(s); 1 already present; 0 updated",
    ]


@pytest.fixture
def edited_once(run: Run) -> None:
    add(run, PP, "1,189", "2025-05-21", "Viasna")
    assert run("edit", "1", "--note", "still serving").exit_code == 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_copy_edited_by_hand_is_an_edit_made_at_the_import(
    fmt: str, run: Run, edited_once: None, tmp_path: Path
) -> None:
    path = tmp_path / f"a.{fmt}"
    # The note cell, not the history's (which comes after it): as a spreadsheet user would.
    path.write_text(export(run, path).replace("still serving", "still serving (checked)", 1), encoding="utf-8")
    other = ["--db", str(tmp_path / "other.db")]
    for db in (other, []):  # into an empty database, and back into the one it came from
        result = run("import", str(path), *db)
        assert result.exit_code == 0, result.stderr
        assert result.stderr.endswith("0 updated\n" if db else "1 updated\n")
        sound(run, *db)
        versions = history(run, 1, *db)
        assert [v["change"] for v in versions] == ["added", "edited", "edited"]
        assert [v["note"] for v in versions[1:]] == ["still serving", "still serving (checked)"]
        assert versions[2]["changed_at"] > versions[1]["changed_at"]
        (fact,) = json.loads(run("list", "--format", "json", *db).stdout)
        assert fact["note"] == "still serving (checked)" and fact["updated_at"] == versions[2]["changed_at"]
    # Imported again, the copy is that fact as it is now: nothing changes.
    result = run("import", str(path))
    assert result.exit_code == 0 and result.stderr.endswith("1 already present; 0 updated\n")
    assert len(history(run, 1)) == 3


def test_a_removal_undone_by_hand_is_a_restore(run: Run, edited_once: None, tmp_path: Path) -> None:
    assert run("rm", "1").exit_code == 0
    path = tmp_path / "a.jsonl"
    (line,) = export(run, path).splitlines()
    fact = json.loads(line)
    assert fact["removed_at"] is not None
    path.write_text(json.dumps({**fact, "removed_at": None}) + "\n", encoding="utf-8")
    other = ["--db", str(tmp_path / "other.db")]
    assert run("import", str(path), *other).exit_code == 0
    sound(run, *other)
    assert [v["change"] for v in history(run, 1, *other)] == ["added", "edited", "removed", "restored"]
    assert len(json.loads(run("list", "--format", "json", *other).stdout)) == 1


def test_an_older_copy_is_named_and_the_fact_kept(run: Run, edited_once: None, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    export(run, path)
    assert run("edit", "1", "--quote", "a later quote").exit_code == 0
    uid = json.loads(run("show", "1", "--format", "json").stdout)["uid"]
    kept_as_stored(run, path, f"fact 1 (uid {uid}) has changed since this copy of it was made")
    versions = history(run, 1)
    assert len(versions) == 3 and versions[-1]["quote"] == "a later quote"


def test_an_unchanged_export_imported_again_changes_nothing(run: Run, belarus: None, tmp_path: Path) -> None:
    """Facts of every kind (odd text, tags, edits, removals): their export, imported into the
    database it came from, is the facts as they are, not a change of them."""
    add(run, PP, "over 1,000", "2025", 'q"uote, =x', "--tag", "a b", "--tag", "Вясна", "--note", "line\nbreak")
    assert run("edit", "2", "--value", "1,190", "--url", "https://example.org/?a=1&b=2").exit_code == 0
    assert run("rm", "3").exit_code == 0
    for fmt in FORMATS:
        path = tmp_path / f"all.{fmt}"
        before = export(run, path)
        result = run("import", str(path))
        assert result.exit_code == 0 and result.stderr.endswith("6 already present; 0 updated\n"), result.stderr
        assert export(run, tmp_path / f"again.{fmt}") == before


def test_a_row_with_a_uid_and_no_time_is_not_taken_for_newer(run: Run, tmp_path: Path) -> None:
    fact = add(run, PP, "1,189", "2025-05-21", "Viasna")
    path = tmp_path / "h.csv"
    path.write_text(f"uid,metric,value,date,source,note\n{fact['uid']},{PP},1189,2025-05-21,Viasna,hello\n")
    kept_as_stored(
        run, path, f"fact 1 (uid {fact['uid']}) differs, and the row has no updated_at to tell which is newer"
    )
    assert json.loads(run("show", "1", "--format", "json").stdout)["note"] is None
