"""`--changed`: the specs whose files changed since a git ref, plus every spec importing them."""

from __future__ import annotations

import subprocess
from pathlib import Path

from specloom.errors import BuildError
from specloom.model import Workspace


def _git(args: list[str], cwd: Path) -> str:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BuildError(
            "--changed needs git, which is not installed",
            hint="install git, or build without --changed",
        ) from None
    if proc.returncode != 0:
        raise BuildError(
            f"git {' '.join(args)} failed: {proc.stderr.strip() or proc.returncode}",
            file=str(cwd),
            hint="run inside a git repository and pass an existing ref to --since",
        )
    return proc.stdout


def changed_files(cwd: Path, since: str) -> set[Path]:
    """Absolute paths changed between `since` and the working tree (staged, unstaged and
    untracked files included)."""
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    _git(["rev-parse", "--verify", "--quiet", f"{since}^{{commit}}"], cwd)
    names = _git(["diff", "--name-only", "--no-renames", since, "--"], cwd).splitlines()
    names += _git(["ls-files", "--others", "--exclude-standard"], top).splitlines()
    return {(top / n).resolve() for n in names if n}


def spec_files(ws: Workspace, sid: str) -> list[Path]:
    """The spec file and, for a spec folder, the folder (examples and assets live there)."""
    spec = ws.specs[sid]
    p = Path(spec.path).resolve()
    roots = [p.parent if p.name == "spec.md" else p]
    if spec.examples_dir:
        roots.append(Path(spec.examples_dir).resolve())
    return roots


def changed_specs(ws: Workspace, cwd: Path, since: str) -> set[str]:
    """Ids of specs with a changed file since `since`, plus their dependents."""
    files = changed_files(cwd, since)
    direct: set[str] = set()
    for sid in ws.specs:
        roots = spec_files(ws, sid)
        if any(f == r or r in f.parents for f in files for r in roots):
            direct.add(sid)
    out = set(direct)
    for sid in direct:
        out |= ws.dependents(sid)
    return out
