"""`build --changed` in a real git repository, and `hook install` (refuses foreign hooks)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from specloom.errors import BuildError
from specloom.pipeline.hook import MARKER, install_hook


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    return subprocess.run(
        ["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def repo(tmp_path: Path, specs_dir: Path) -> Path:
    """A git repository holding a copy of the example workspace plus a third spec."""
    shutil.copytree(specs_dir, tmp_path / "specs")
    (tmp_path / "specs" / "other").mkdir()
    (tmp_path / "specs" / "other" / "spec.md").write_text(
        "---\nspec: other\ntitle: Other\nversion: 1.0.0\n---\n\n# Other {#other}\n\n"
        "Other things MUST work[^oth1].\n"
    )
    (tmp_path / ".gitignore").write_text("out/\n")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "specs")
    return tmp_path


def changed_build(repo: Path, *extra: str) -> dict[str, str]:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "specloom",
            "build",
            "specs",
            "--changed",
            "-t",
            "ir-json",
            "-o",
            "out",
            "--runner",
            "local",
            "--format",
            "json",
            *extra,
        ],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return {t["spec"]: t["status"] for t in json.loads(proc.stdout)["targets"]}


@pytest.mark.slow
def test_changed_builds_changed_specs_and_their_dependents(repo: Path) -> None:
    assert changed_build(repo) == {}
    common = repo / "specs" / "common" / "examples"
    first = sorted(common.iterdir())[0]
    first.write_text(first.read_text() + "\nMore prose.\n")
    assert changed_build(repo) == {"common": "built", "billing": "built"}
    git(repo, "commit", "-qam", "edit common")
    assert changed_build(repo) == {}
    assert changed_build(repo, "--since", "HEAD~1") == {"common": "skipped", "billing": "skipped"}
    (repo / "specs" / "other" / "spec.md").write_text(
        (repo / "specs" / "other" / "spec.md").read_text() + "\nMore.\n"
    )
    assert changed_build(repo) == {"other": "built"}


def test_changed_outside_git_is_a_clear_error(tmp_path: Path, specs_dir: Path) -> None:
    shutil.copytree(specs_dir, tmp_path / "specs")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "specloom",
            "build",
            "specs",
            "--changed",
            "-t",
            "ir-json",
            "--runner",
            "local",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "GIT_CEILING_DIRECTORIES": str(tmp_path)},
    )
    assert proc.returncode == 2
    assert "git" in proc.stderr and "Traceback" not in proc.stderr


def test_hook_install_writes_and_refuses_foreign_hooks(repo: Path) -> None:
    path = install_hook(repo)
    assert path == repo / ".git" / "hooks" / "pre-commit"
    text = path.read_text()
    assert MARKER in text and "build --staged" in text
    assert os.access(path, os.X_OK)
    install_hook(repo)  # our own hook: replaced silently
    push = install_hook(repo, "pre-push", args=["--target", "ir-json"])
    assert 'build --target ir-json --rev "$local_sha" $base' in push.read_text()
    path.write_text("#!/bin/sh\necho mine\n")
    with pytest.raises(BuildError, match="not written by specloom"):
        install_hook(repo)
    assert path.read_text() == "#!/bin/sh\necho mine\n"
    install_hook(repo, force=True)
    assert MARKER in path.read_text()


@pytest.mark.slow
def test_installed_hook_blocks_a_commit_with_a_failing_build(repo: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "specloom", "hook", "install", "-t", "ir-json"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    spec = repo / "specs" / "other" / "spec.md"
    spec.write_text(spec.read_text() + "\n## Again {#other}\n\nDuplicate MUST fail.\n")
    git(repo, "add", ".")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    bad = subprocess.run(
        ["git", "commit", "-qm", "dup"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode != 0
    assert "blocked" in bad.stdout + bad.stderr


@pytest.mark.slow
def test_pre_push_hook_builds_everything_first_then_what_changed(
    repo: Path, tmp_path: Path
) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(repo, "remote", "add", "origin", str(remote))
    install_hook(repo, "pre-push", args=["--target", "ir-json"])
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    first = subprocess.run(
        ["git", "push", "-q", "-u", "origin", "main"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert first.returncode == 0, first.stderr
    # every spec of the new branch was built (from the pushed commit) into a temporary output
    for sid in ("billing", "common", "counters", "other"):
        assert f"{sid}/ir-json built" in first.stdout + first.stderr, first.stdout
    assert not (repo / "output").exists()  # a push is checked; nothing is published
    spec = repo / "specs" / "other" / "spec.md"
    spec.write_text(spec.read_text() + "\n## Again {#other}\n\nDuplicate MUST fail.\n")
    git(repo, "commit", "-qam", "dup")
    second = subprocess.run(
        ["git", "push", "-q"], cwd=repo, env=env, capture_output=True, text=True, check=False
    )
    assert second.returncode != 0
    out = second.stdout + second.stderr
    assert "other blocked (ir-json)" in out
    assert "common" not in out  # only what changed since the upstream was built


@pytest.mark.slow
def test_pre_push_checks_the_pushed_commit_not_the_working_tree(repo: Path, tmp_path: Path) -> None:
    """A commit with a lint error is blocked although the working tree is fixed; a good
    commit passes although the working tree holds an uncommitted error."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(repo, "remote", "add", "origin", str(remote))
    git(repo, "push", "-q", "-u", "origin", "main")  # no hook yet
    install_hook(repo, "pre-push", args=["--target", "ir-json"])
    env = {**os.environ, **GIT_ENV}
    spec = repo / "specs" / "other" / "spec.md"
    good = spec.read_text()

    spec.write_text(good + DUPLICATE)
    git(repo, "commit", "-qam", "dup")
    spec.write_text(good)  # fixed in the working tree only
    bad = subprocess.run(["git", "push", "-q"], cwd=repo, env=env, capture_output=True, text=True)
    assert bad.returncode != 0, bad.stdout + bad.stderr
    assert "other blocked (ir-json)" in bad.stdout + bad.stderr

    spec.write_text(good + "\nOther things SHOULD be quick.\n")
    git(repo, "commit", "-qam", "fix")
    spec.write_text(good + DUPLICATE)  # broken in the working tree only
    ok = subprocess.run(["git", "push", "-q"], cwd=repo, env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "other/ir-json built" in ok.stdout + ok.stderr
    assert "common" not in ok.stdout + ok.stderr  # only what the push changes


GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
}


def commit(repo: Path, message: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "commit", "-qm", message],
        cwd=repo,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        check=False,
    )


DUPLICATE = "\n## Again {#other}\n\nDuplicate MUST fail.\n"


@pytest.mark.slow
def test_pre_commit_checks_the_index_not_the_working_tree(repo: Path) -> None:
    install_hook(repo, args=["--target", "ir-json"])
    spec = repo / "specs" / "other" / "spec.md"
    good = spec.read_text()
    # staged: a fine edit; unstaged on top: a broken one. The commit passes.
    spec.write_text(good + "\nMore things MUST work[^oth2].\n")
    git(repo, "add", ".")
    spec.write_text(spec.read_text() + DUPLICATE)
    ok = commit(repo, "fine")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert not (repo / "output").exists()  # nothing published by the pre-commit check
    assert not (repo / ".specloom-cache" / "staged").exists()
    # staged: the broken edit; unstaged on top: the fix. The commit is blocked.
    git(repo, "add", ".")
    spec.write_text(good)
    bad = commit(repo, "broken")
    assert bad.returncode != 0
    assert "other blocked (ir-json)" in bad.stdout + bad.stderr
    assert not (repo / "output").exists()


@pytest.mark.slow
def test_post_commit_publishes_the_committed_tree(repo: Path) -> None:
    install_hook(repo, "post-commit", args=["--target", "ir-json"])
    spec = repo / "specs" / "other" / "spec.md"
    spec.write_text(spec.read_text().replace("title: Other", "title: Committed"))
    git(repo, "add", ".")
    spec.write_text(spec.read_text().replace("title: Committed", "title: Not committed"))
    done = commit(repo, "title")
    assert done.returncode == 0, done.stderr
    ir = json.loads((repo / "output" / "other" / "ir-json" / "ir.json").read_text())
    assert ir["title"] == "Committed"
    assert ir["path"] == "specs/other/spec.md"  # the same paths as a build at the top
    # so a build of the (committed) working tree afterwards has nothing to do
    spec.write_text(spec.read_text().replace("title: Not committed", "title: Committed"))
    again = subprocess.run(
        [sys.executable, "-m", "specloom", "build", "-t", "ir-json", "--format", "json"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert {t["status"] for t in json.loads(again.stdout)["targets"]} == {"skipped"}


def test_rev_that_is_no_commit_is_exit_2(repo: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "specloom", "build", "--rev", "no-such-ref", "-t", "ir-json"],
        cwd=repo, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 2 and "--rev no-such-ref: no such commit" in proc.stderr
    assert "Traceback" not in proc.stderr and not (repo / "output").exists()
