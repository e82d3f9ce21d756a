"""Git hooks: `specloom hook install` writes a pre-commit or pre-push hook building changes."""

from __future__ import annotations

import shlex
import stat
import subprocess
import sys
from pathlib import Path

from specloom.errors import BuildError

MARKER = "# installed by `specloom hook install`"
KINDS = ("pre-commit", "pre-push")


def hooks_dir(repo: Path) -> Path:
    """The hooks folder git uses here (honours core.hooksPath and worktrees)."""
    try:
        proc = subprocess.run(
            ["git", "rev-parse", "--git-path", "hooks"],
            cwd=repo,
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        raise BuildError("git is not installed", hint="install git") from None
    if proc.returncode != 0:
        raise BuildError(
            f"{repo} is not inside a git repository",
            file=str(repo),
            hint="run `git init` first, or pass --repo",
        )
    path = Path(proc.stdout.strip())
    return path if path.is_absolute() else (repo / path)


UPSTREAM = "@{upstream}"


def hook_script(kind: str, since: str, args: list[str]) -> str:
    """The hook: build what changed since `since` (exit non-zero blocks the commit/push).

    With `@{upstream}` and no upstream yet (a branch's first push) it builds everything.
    """
    base = [sys.executable, "-m", "specloom", "build"]
    changed = shlex.join([*base, "--changed", "--since", since, *args])
    head = (
        "#!/bin/sh\n"
        f"{MARKER} ({kind}); remove this file to uninstall\n"
        f"# a failing gate or a lint error blocks the {kind.removeprefix('pre-')};"
        " bypass once with --no-verify\n"
    )
    if since != UPSTREAM:
        return head + f"exec {changed}\n"
    return head + (
        f"if git rev-parse --verify --quiet {shlex.quote(UPSTREAM)} >/dev/null; then\n"
        f"  exec {changed}\n"
        "fi\n"
        f"exec {shlex.join([*base, *args])}\n"
    )


def install_hook(
    repo: Path,
    kind: str = "pre-commit",
    since: str | None = None,
    args: list[str] | None = None,
    force: bool = False,
) -> Path:
    """Write the hook; refuse to overwrite a hook specloom did not write unless `force`."""
    if kind not in KINDS:
        raise BuildError(f"unknown hook kind {kind!r}", hint=f"use one of {', '.join(KINDS)}")
    since = since or ("HEAD" if kind == "pre-commit" else UPSTREAM)
    folder = hooks_dir(repo)
    path = folder / kind
    if path.exists() and not force:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            text = ""
        if MARKER not in text:
            raise BuildError(
                f"{path} exists and was not written by specloom",
                file=str(path),
                hint="merge it by hand, or pass --force to replace it",
            )
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(hook_script(kind, since, args or []), encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path
