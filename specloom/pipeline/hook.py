"""Git hooks: `specloom hook install` writes a pre-commit, post-commit or pre-push hook.

pre-commit lints and gates what is being committed (`build --staged`: the index, built into
a temporary output, nothing published); post-commit publishes what was committed (`build
--committed`); pre-push checks each pushed commit's tree (`build --rev`), nothing published.
"""

from __future__ import annotations

import shlex
import stat
import subprocess
import sys
from pathlib import Path

from specloom.errors import BuildError

MARKER = "# installed by `specloom hook install`"
KINDS = ("pre-commit", "post-commit", "pre-push")


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
    """The hook. pre-commit: `build --staged` (exit non-zero blocks the commit); post-commit:
    `build --committed` (publishes; it cannot block anything); pre-push: `build --rev` on
    each pushed commit (its tree, not the working tree; nothing published), the specs it
    changes since the remote's commit, or since `since` / everything on a new branch.
    """
    base = [sys.executable, "-m", "specloom", "build"]
    head = f"#!/bin/sh\n{MARKER} ({kind}); remove this file to uninstall\n"
    if kind == "pre-commit":
        return (
            head + "# lints and gates the index (what is being committed) in a temporary"
            " folder; nothing is published. A failure blocks the commit (bypass once with"
            " --no-verify)\n" + f"exec {shlex.join([*base, '--staged', *args])}\n"
        )
    if kind == "post-commit":
        return (
            head
            + "# publishes what was just committed (HEAD's tree, not the working tree)\n"
            + f"exec {shlex.join([*base, '--committed', *args])}\n"
        )
    # pre-push: git writes "<local ref> <local sha> <remote ref> <remote sha>" per pushed ref
    # on stdin; each pushed commit's own tree is built (never the working tree), into a
    # temporary output: a push is checked, nothing is published
    rev = shlex.join([*base, *args, "--rev"])
    new_branch = (
        f'base="--changed --since {shlex.quote(since)}"' if since != UPSTREAM else 'base=""'
    )
    return head + (
        "# a failing gate or a lint error in a pushed commit blocks the push; bypass once with"
        " --no-verify\n"
        "status=0\n"
        "while read -r local_ref local_sha remote_ref remote_sha; do\n"
        '  case "$local_sha" in *[!0]*) ;; *) continue ;; esac  # a deleted ref\n'
        '  if [ -n "$remote_sha" ] && case "$remote_sha" in *[!0]*) true ;; *) false ;; esac'
        ' && git cat-file -e "$remote_sha^{commit}" 2>/dev/null; then\n'
        '    base="--changed --since $remote_sha"  # what this push adds to the remote branch\n'
        "  else\n"
        f"    {new_branch}  # a new branch\n"
        "  fi\n"
        f'  {rev} "$local_sha" $base </dev/null || status=1\n'
        "done\n"
        'exit "$status"\n'
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
