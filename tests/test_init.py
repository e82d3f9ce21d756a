"""`specloom init`: the scaffold lints and builds as it is; init never overwrites."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def specloom(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "specloom", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "SPECLOOM_TARGETS": ""},
    )


def test_init_writes_a_workspace_that_lints_clean(tmp_path: Path) -> None:
    res = specloom(tmp_path, "init", "proj")
    assert res.returncode == 0, res.stderr
    proj = tmp_path / "proj"
    assert (proj / "specs" / "todo" / "spec.md").is_file()
    # the README's tsc/promptfoo install (node_modules) and `specloom eval`'s runs stay untracked
    assert (proj / ".gitignore").read_text().splitlines()[1:] == [
        "output/",
        ".specloom-cache/",
        "evals-runs/",
        "node_modules/",
    ]
    assert "[tool.specloom]" in (proj / "pyproject.toml").read_text()
    lines = res.stdout.splitlines()
    nxt = lines[lines.index("next:") + 1 :]
    assert [ln.split("#")[0].strip() for ln in nxt] == [
        "cd proj",
        "specloom lint",
        "specloom build",
        "specloom doctor",
    ]
    lint = specloom(proj, "lint")
    assert (lint.returncode, lint.stdout.strip().lower()) == (0, "no findings")


@pytest.mark.slow
def test_init_workspace_builds_the_core_targets(tmp_path: Path) -> None:
    specloom(tmp_path, "init")
    res = specloom(tmp_path, "build", "-t", "ir-json", "-t", "typescript", "-t", "tutorial")
    assert res.returncode == 0, res.stdout + res.stderr
    assert (tmp_path / "output" / "todo" / "typescript" / "src" / "api.ts").is_file()
    report = json.loads((tmp_path / "output" / "todo" / "report.json").read_text())
    assert report["ok"] is True, report  # no gate left unrun (tsc found)


def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path: Path) -> None:
    spec = tmp_path / "specs" / "todo" / "spec.md"
    spec.parent.mkdir(parents=True)
    spec.write_text("mine\n")
    res = specloom(tmp_path, "init")
    assert res.returncode == 2
    assert "init never overwrites" in res.stderr and "Traceback" not in res.stderr
    assert spec.read_text() == "mine\n"
    assert not (tmp_path / "pyproject.toml").exists()
    assert not (tmp_path / "specs" / "todo" / "examples").exists()


def test_init_extends_a_pyproject_and_gitignore(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (tmp_path / ".gitignore").write_text("*.pyc\noutput/")
    assert specloom(tmp_path, "init").returncode == 0
    assert (tmp_path / "pyproject.toml").read_text().startswith('[project]\nname = "x"\n\n')
    assert (tmp_path / ".gitignore").read_text() == (
        "*.pyc\noutput/\n.specloom-cache/\nevals-runs/\nnode_modules/\n"
    )
    again = specloom(tmp_path, "init")
    assert again.returncode == 2 and "pyproject.toml ([tool.specloom])" in again.stderr
