"""The CI examples users copy: `.pre-commit-hooks.yaml` and the workflow in docs/ci.md."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from specloom.cli.main import main


def yaml_blocks(markdown: str) -> list[Any]:
    return [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", markdown, re.S)]


def specloom_args(command: str) -> list[str]:
    """The arguments of a `specloom ...` command line (shell redirection dropped)."""
    words = shlex.split(command.replace("${{ github.base_ref }}", "main"))
    words = words[: words.index(">")] if ">" in words else words
    assert Path(words[0]).name == "specloom", command
    return words[1:]


def parses(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """The CLI knows these options: with `--help` appended, click still rejects an unknown
    option (exit 2) before printing the help (values are not checked)."""
    with pytest.raises(SystemExit) as exc:
        main([*args, "--help"])
    out = capsys.readouterr()
    assert exc.value.code == 0, f"specloom {' '.join(args)}: {out.out}{out.err}"


def test_pre_commit_hooks_run_real_commands(
    repo_root: Path, specs_dir: Path, tmp_path: Path
) -> None:
    hooks = yaml.safe_load((repo_root / ".pre-commit-hooks.yaml").read_text())
    assert {h["id"] for h in hooks} == {"specloom-lint", "specloom-build"}
    shutil.copytree(specs_dir, tmp_path / "specs")
    env = {**os.environ, "SPECLOOM_TARGETS": "ir-json", "GIT_AUTHOR_NAME": "t"}
    env |= {"GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "specs"]):
        subprocess.run(["git", *args], cwd=tmp_path, env=env, check=True, capture_output=True)
    billing = tmp_path / "specs" / "billing" / "spec.md"
    billing.write_text(billing.read_text().replace("Billing service", "Billing"))
    subprocess.run(["git", "add", "."], cwd=tmp_path, env=env, check=True)
    for hook in hooks:
        assert {"id", "name", "entry", "language"} <= set(hook), hook
        assert hook["language"] == "python" and hook["pass_filenames"] is False
        proc = subprocess.run(
            [sys.executable, "-m", "specloom", *specloom_args(hook["entry"])],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, f"{hook['id']}: {proc.stdout}{proc.stderr}"
    # the build hook checked the staged edit and published nothing
    assert not (tmp_path / "output").exists()
    build = next(h for h in hooks if h["id"] == "specloom-build")
    billing.write_text(billing.read_text() + "\n## Again {#billing}\n\nTwice MUST fail.\n")
    subprocess.run(["git", "add", "."], cwd=tmp_path, env=env, check=True)
    proc = subprocess.run(
        [sys.executable, "-m", "specloom", *specloom_args(build["entry"])],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "billing blocked (ir-json)" in proc.stdout
    assert "common" not in proc.stdout  # only the staged change (and its dependents)


def test_docs_ci_workflow_commands_are_valid(
    repo_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workflow, pre_commit_config = yaml_blocks((repo_root / "docs" / "ci.md").read_text())
    steps = workflow["jobs"]["specs"]["steps"]
    commands = [s["run"] for s in steps if s.get("run", "").startswith("specloom ")]
    assert len(commands) == 5
    runs = " ".join(s.get("run", "") for s in steps)
    # a user's CI installs the wheel, not this repository's set-up
    assert 'pip install "specloom[' in runs
    assert "setup.sh" not in runs and ".venv" not in runs
    for command in commands:
        parses(specloom_args(command), capsys)
    ids = {h["id"] for h in pre_commit_config["repos"][0]["hooks"]}
    hooks = yaml.safe_load((repo_root / ".pre-commit-hooks.yaml").read_text())
    assert ids == {h["id"] for h in hooks}


def test_readme_hook_and_schedule_synopses_parse(capsys: pytest.CaptureFixture[str]) -> None:
    parses(["hook", "install", "--pre-push", "--since", "HEAD", "-t", "ir-json"], capsys)
    parses(["schedule", "specs", "--cron", "0 3 * * *", "--register-only"], capsys)
