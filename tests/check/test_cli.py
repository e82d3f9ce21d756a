"""`specloom lint` and `specloom diff` as a user runs them: real subprocesses, real git."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("prefect", "openai", "jinja2", "mkdocs")


def specloom(
    *args: str, cwd: Path, extra: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    return subprocess.run(
        [sys.executable, *(extra or []), "-m", "specloom", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_lint_default_path_is_the_specs_folder_and_exits_0(repo_root: Path) -> None:
    r = specloom("lint", cwd=repo_root)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1] == "0 errors, 0 warnings, 1 info"
    assert "specs/common/spec.md:" in r.stdout


def test_lint_several_paths_reports_each_finding_once(repo_root: Path) -> None:
    r = specloom("lint", "specs/common", "specs/billing", cwd=repo_root)
    assert r.returncode == 0 and r.stdout.splitlines()[-1] == "0 errors, 0 warnings, 1 info"


def test_lint_json_and_sarif_exit_1_on_errors(repo_root: Path) -> None:
    r = specloom("lint", "tests/check/fixtures/bad", "--format", "json", cwd=repo_root)
    assert r.returncode == 1, r.stderr
    data = json.loads(r.stdout)
    assert data and all(
        list(d) == ["rule", "severity", "message", "file", "line", "clause"] for d in data
    )
    r = specloom("lint", "tests/check/fixtures/bad", "--format", "sarif", cwd=repo_root)
    assert r.returncode == 1
    log = json.loads(r.stdout)
    assert log["version"] == "2.1.0" and log["runs"][0]["results"]


def test_lint_reads_config_from_pyproject(tmp_path: Path, repo_root: Path) -> None:
    shutil.copytree(repo_root / "tests/check/fixtures/bad", tmp_path / "specs")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.specloom.lint]\ndisable = ["SL001"]\nseverity = { SL003 = "error" }\n',
        encoding="utf-8",
    )
    data = json.loads(specloom("lint", "--format", "json", cwd=tmp_path).stdout)
    rules = {(d["rule"], d["severity"]) for d in data}
    assert ("SL003", "error") in rules and not any(r == "SL001" for r, _ in rules)
    assert all(d["file"].startswith("specs/") for d in data)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.specloom.lint]\ndisable = ["SL0"]\n', encoding="utf-8"
    )
    r = specloom("lint", cwd=tmp_path)
    assert r.returncode == 2 and "unknown rule id(s) SL0" in r.stderr
    assert "Traceback" not in r.stderr


def test_lint_bad_input_is_a_clean_error(tmp_path: Path, repo_root: Path) -> None:
    (tmp_path / "spec.md").write_bytes(b"\xff\xfe not utf-8")
    r = specloom("lint", str(tmp_path / "spec.md"), cwd=repo_root)
    assert r.returncode == 2 and "not valid UTF-8" in r.stderr and "Traceback" not in r.stderr
    r = specloom("lint", str(tmp_path / "nope"), cwd=repo_root)
    assert r.returncode == 2 and "no such file" in r.stderr


def test_lint_does_not_import_heavy_packages(repo_root: Path) -> None:
    r = specloom("lint", "specs", cwd=repo_root, extra=["-X", "importtime"])
    assert r.returncode == 0
    imported = {
        line.split("|")[-1].strip().split(".")[0]
        for line in r.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "specloom" in imported
    assert imported.isdisjoint(HEAVY), sorted(imported & set(HEAVY))


def test_diff_two_paths(tmp_path: Path, repo_root: Path) -> None:
    old = tmp_path / "old"
    shutil.copytree(repo_root / "specs/billing", old)
    new = tmp_path / "new"
    shutil.copytree(old, new)
    spec = new / "spec.md"
    spec.write_text(
        spec.read_text(encoding="utf-8").replace("      labels: map<string,string>\n", ""),
        encoding="utf-8",
    )
    r = specloom("diff", str(old), str(new), cwd=tmp_path)
    assert r.returncode == 1
    assert "breaking  type Invoice.labels: type Invoice: field labels removed" in r.stdout
    assert (
        "FAIL: the changes need a major version bump, but 1.3.0 -> 1.3.0 is no bump: "
        "set the version to 2.0.0" in r.stdout
    )
    spec.write_text(
        spec.read_text(encoding="utf-8").replace("version: 1.3.0", "version: 2.0.0"),
        encoding="utf-8",
    )
    r = specloom("diff", str(old), str(new), "--format", "json", cwd=tmp_path)
    assert r.returncode == 0, r.stdout
    data = json.loads(r.stdout)
    assert data["ok"] and data["required"] == "major" and data["actual"] == "major"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_diff_against_a_git_revision(tmp_path: Path, repo_root: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(repo_root / "specs", repo / "specs")

    def git(*args: str) -> None:
        subprocess.run(
            ["git", *args],
            cwd=repo,
            check=True,
            capture_output=True,
            env={
                **os.environ,
                "GIT_AUTHOR_NAME": "t",
                "GIT_AUTHOR_EMAIL": "t@t",
                "GIT_COMMITTER_NAME": "t",
                "GIT_COMMITTER_EMAIL": "t@t",
            },
        )

    git("init", "-q")
    git("add", ".")
    git("commit", "-q", "-m", "v1")
    spec = repo / "specs/billing/spec.md"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(
        text.replace("version: 1.3.0", "version: 1.4.0").replace(
            "      labels: map<string,string>\n",
            "      labels: map<string,string>\n      note: string?\n",
        ),
        encoding="utf-8",
    )
    r = specloom("diff", "HEAD:specs/billing", "specs/billing", cwd=repo)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "minor     type Invoice.note: type Invoice: optional field note added" in r.stdout
    assert r.stdout.startswith("billing 1.3.0 -> 1.4.0: 0 breaking, 1 minor, 0 patch")
    # removed things point into the revision, not into a temporary folder
    spec.write_text(
        text.replace("version: 1.3.0", "version: 1.3.1").replace(
            "      labels: map<string,string>\n", ""
        ),
        encoding="utf-8",
    )
    r = specloom("diff", "HEAD:specs/billing", "specs/billing", cwd=repo / "specs")
    assert r.returncode == 2 and "cannot read" in r.stderr  # path is relative to the cwd
    r = specloom("diff", "HEAD:billing", "billing", cwd=repo / "specs")
    assert r.returncode == 1
    assert "(HEAD:specs/billing/spec.md:" in r.stdout
    r = specloom("diff", "nope-ref:billing", "billing", cwd=repo / "specs")
    assert r.returncode == 2 and "Traceback" not in r.stderr and "nope-ref" in r.stderr
