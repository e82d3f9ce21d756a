"""The entry point: version, usage errors and input errors exit cleanly, never with a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from specloom import __version__


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "specloom", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def test_version() -> None:
    res = run("--version")
    assert res.returncode == 0
    assert res.stdout.strip() == __version__ != "0.0.0"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("bogus",), "No such command 'bogus'"),
        (("lint", "--format", "xml"), "'xml' is not one of"),
        (("build", "--runner", "nope"), "nope"),
    ],
)
def test_usage_errors_exit_2_without_traceback(args: tuple[str, ...], needle: str) -> None:
    res = run(*args)
    assert res.returncode == 2, res.stderr
    assert needle in res.stderr
    assert "Traceback" not in res.stdout + res.stderr


def test_input_error_names_the_file_and_the_fix(tmp_path: Path) -> None:
    bad = tmp_path / "broken.md"
    bad.write_text("---\nspec: [unclosed\n---\n# Title\n", encoding="utf-8")
    res = run("lint", str(bad))
    assert res.returncode == 2
    assert str(bad) in res.stderr
    assert "fix:" in res.stderr
    assert "Traceback" not in res.stdout + res.stderr


def test_shell_completion_completes_commands() -> None:
    import os

    res = subprocess.run(
        [sys.executable, "-m", "specloom"],
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **os.environ,
            "_SPECLOOM_COMPLETE": "complete_bash",
            "COMP_WORDS": "specloom doct",
            "COMP_CWORD": "1",
        },
    )
    assert res.returncode == 0
    assert res.stdout.split() == ["doctor"]


def test_targets_lists_extras_and_availability() -> None:
    import json

    res = run("targets", "--format", "json")
    assert res.returncode == 0, res.stderr
    rows = {r["name"]: r for r in json.loads(res.stdout)}
    assert rows["typescript"]["extra"] is None and rows["typescript"]["available"]
    assert rows["docs"]["extra"] == "docs"
    assert rows["podcast"]["extra"] == "podcast"
    assert rows["python"]["extra"] == "python" and rows["python"]["available"]
    text = run("targets").stdout
    assert "typescript" in text and "(core)" in text
