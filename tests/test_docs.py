"""The README keeps up with the code: every command is documented, and CI runs the README's test command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pptrack.cli import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)\n```", section, flags=re.S)


def test_quick_start_is_two_commands() -> None:
    commands = quick_start()
    assert len(commands) == 2
    assert all("\n" not in c for c in commands)


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    assert quick_start()[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_is_in_the_readme(name: str) -> None:
    assert re.search(rf"pptrack {re.escape(name)}\b", README), f"README does not show `pptrack {name}`"


def test_the_first_quick_start_command_runs_on_the_shipped_examples(run, tmp_path: Path, monkeypatch) -> None:
    """Each `pptrack ...` step of the first quick-start command, as a user runs it from the checkout."""
    import shlex

    monkeypatch.chdir(ROOT)
    steps = [shlex.split(part.strip()) for part in quick_start()[0].split("&&") if part.strip().startswith("pptrack ")]
    assert [s[1] for s in steps] == ["import", "timeline", "diff-sources"]
    outputs = []
    for argv in steps:
        argv = [str(tmp_path / "example.db") if a == "example.db" else a for a in argv[1:]]
        result = run(*argv)
        assert result.exit_code == 0, (argv, result.stderr)
        outputs.append(result.stdout)
    assert "nearly 1,400" in outputs[1] and "1,189" in outputs[1]
    assert "CONFLICT" in outputs[2] and "consistent" in outputs[2]
