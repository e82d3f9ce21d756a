"""Build what git holds, not the working tree: the index (pre-commit) or HEAD (post-commit).

`build --staged` checks out the index into `<cache>/staged/`, lints and builds the specs the
commit changes (plus the specs importing them) into a temporary output under the cache, and
deletes both: nothing is published, and an unstaged edit cannot decide whether a commit
passes. `build --committed` checks out HEAD into `<cache>/committed/` and builds it into the
real output: what is published on commit is what was committed. `build --rev REV` (the
pre-push hook) checks out the commit being pushed and builds it like `--staged`: the specs
changed since `--since` (every spec without it) into a temporary output, nothing published.

Both run the build from inside the checked-out tree with the paths relative to it, so the
IR's source paths (and so the incremental-build hashes) are the same as for a `specloom
build` run at the repository's top.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from specloom.errors import BuildError
from specloom.model import Workspace
from specloom.pipeline.build import BuildRequest, BuildResult
from specloom.pipeline.changed import spec_files
from specloom.pipeline.stage import remove_tree

STAGED, COMMITTED, PUSHED = "staged", "committed", "pushed"
"""What is built: the index, HEAD's tree (published), or a pushed commit's tree (checked only)."""


def git(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run git; a clear BuildError when it is missing or fails."""
    try:
        proc = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, env=env
        )
    except FileNotFoundError:
        raise BuildError("git is not installed", hint="install git") from None
    if proc.returncode != 0:
        raise BuildError(
            f"git {' '.join(args)} failed: {proc.stderr.strip() or proc.returncode}",
            file=str(cwd),
            hint="run inside a git repository (with at least one commit for --committed)",
        )
    return proc.stdout


def repo_top(cwd: Path) -> Path:
    """The top folder of the git repository holding `cwd`."""
    return Path(git(["rev-parse", "--show-toplevel"], cwd).strip())


def export_tree(top: Path, what: str, dest: Path, scratch: Path, rev: str = "HEAD") -> None:
    """Write the index (`staged`) or the tree of `rev` (`committed`: HEAD; `pushed`: the
    commit being pushed) into a fresh `dest`, through a private index file so the user's
    index is never touched."""
    remove_tree(dest)
    dest.mkdir(parents=True)
    prefix = f"{dest.resolve().as_posix()}/"
    if what == STAGED:
        git(["checkout-index", "--all", "--force", f"--prefix={prefix}"], top)
        return
    index = scratch / "committed.index"
    env = {**os.environ, "GIT_INDEX_FILE": str(index.resolve())}
    try:
        git(["read-tree", f"{rev}^{{tree}}"], top, env)
        git(["checkout-index", "--all", "--force", f"--prefix={prefix}"], top, env)
    finally:
        index.unlink(missing_ok=True)


def _is_commit(top: Path, ref: str) -> bool:
    found = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
        cwd=top,
        capture_output=True,
        check=False,
    )
    return found.returncode == 0


def pushed_files(top: Path, rev: str, since: str | None) -> set[str] | None:
    """Repository paths `rev` changes since `since` (None: no base, build every spec)."""
    if since is None:
        return None
    names = git(["diff", "--name-only", "--no-renames", since, rev, "--"], top)
    return {n for n in names.splitlines() if n}


def staged_files(top: Path) -> set[str]:
    """Repository-relative paths the commit would change (everything on a first commit)."""
    has_head = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", "HEAD^{commit}"],
        cwd=top,
        capture_output=True,
        check=False,
    )
    if has_head.returncode != 0:
        return set(git(["ls-files"], top).splitlines())
    names = git(["diff", "--cached", "--name-only", "--no-renames", "HEAD", "--"], top)
    return {n for n in names.splitlines() if n}


@contextmanager
def working_in(folder: Path) -> Iterator[None]:
    """Run with `folder` as the current folder (the build reads paths relative to it)."""
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def changed_spec_ids(files: set[str], ws: Workspace) -> set[str]:
    """Specs with a changed file (paths relative to the current folder, the checked-out
    tree's top), plus every spec importing them."""
    changed = {Path(f).resolve() for f in files}
    direct = {
        sid
        for sid in ws.specs
        if any(f == r or r in f.parents for f in changed for r in spec_files(ws, sid))
    }
    out = set(direct)
    for sid in direct:
        out |= ws.dependents(sid)
    return out


def git_build(
    req: BuildRequest,
    what: str,
    build: Callable[[BuildRequest], BuildResult],
    rev: str = "HEAD",
    since: str | None = None,
) -> BuildResult:
    """Run `build(req)` on the index (`staged`: into a temporary output, nothing published,
    only the specs the commit changes plus their dependents), on HEAD (`committed`: into
    the configured output) or on the commit `rev` being pushed (`pushed`: into a temporary
    output, the specs changed since `since` plus their dependents, every spec without it).
    `req.paths` and `req.output` are relative to the current folder."""
    from specloom.config import load_config
    from specloom.pipeline.build import load_workspaces  # (parse: lazily)

    here = Path.cwd()
    top = repo_top(here)
    for name, ref in (("--rev", rev), ("--since", since)):
        if what == PUSHED and ref is not None and not _is_commit(top, ref):
            raise BuildError(
                f"{name} {ref}: no such commit in {top}",
                hint="name a commit: a sha, a branch or a tag (`git log` lists them)",
            )
    config = load_config(top)
    paths = [(here / p).resolve() for p in req.paths] or [Path(config.root) / config.specs]
    rel = [Path(os.path.relpath(p, top)) for p in paths]
    for r in rel:
        if r.parts and r.parts[0] == "..":
            raise BuildError(
                f"{r} is outside the git repository {top}",
                hint="name spec folders inside the repository with --staged/--committed",
            )
    output = (here / req.output) if req.output else Path(config.root) / config.output

    def run(tree: Path, cache: Path, files: set[str] | None) -> BuildResult:
        sub = dataclasses.replace(req, paths=rel, cache_dir=cache, changed_since=None)
        if what == COMMITTED:
            return build(dataclasses.replace(sub, output=output.resolve()))
        scratch = cache / f"{what}-output"
        remove_tree(scratch)
        try:
            wanted = req.only_specs
            if files is not None:
                wanted = changed_spec_ids(files, load_workspaces(rel))
                if req.only_specs is not None:
                    wanted &= req.only_specs
            return build(dataclasses.replace(sub, output=scratch, only_specs=wanted))
        finally:
            remove_tree(scratch)

    return in_tree(what, top, req.cache_dir and (here / req.cache_dir), run, rev, since)


def in_tree(
    what: str,
    cwd: Path,
    cache: Path | None,
    run: Callable[[Path, Path, set[str] | None], BuildResult],
    rev: str = "HEAD",
    since: str | None = None,
) -> BuildResult:
    """Export `what` (staged/committed/pushed) under the cache and call `run(tree, cache,
    changed)` from inside it; `changed` is the set of repository paths a commit changes
    (staged; pushed with a base `since`), None for all. The exported tree (and the caller's
    temporary output) is deleted after."""
    top = repo_top(cwd)
    cache = (cache or top / ".specloom-cache").resolve()
    cache.mkdir(parents=True, exist_ok=True)
    tree = cache / what
    try:
        export_tree(top, what, tree, cache, rev)
        files = (
            staged_files(top)
            if what == STAGED
            else pushed_files(top, rev, since)
            if what == PUSHED
            else None
        )
        with working_in(tree):
            return run(tree, cache, files)
    finally:
        remove_tree(tree)
