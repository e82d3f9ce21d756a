"""Path safety: spec ids, target names and generated file names can never leave `output/`."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from specloom.errors import BuildError

_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")


def check_name(value: str, what: str, *, file: str | None = None) -> str:
    """A spec id or target name usable as one folder name: a slug, never `.`/`..`/hidden."""
    if not _SLUG.match(value) or value in {".", ".."} or ".." in value:
        raise BuildError(
            f"{what} {value!r} cannot be used as a folder name under the output",
            file=file,
            hint="use letters, digits, '-', '_' and '.', starting with a letter or digit",
        )
    return value


def check_relpath(path: str, target: str) -> PurePosixPath:
    """A generated file's path: relative, POSIX, no `..`, no reserved top-level name."""
    p = PurePosixPath(path)
    if (
        not path
        or p.is_absolute()
        or "\\" in path
        or "\x00" in path
        or any(part in {"", ".", ".."} for part in path.split("/"))
    ):
        raise BuildError(
            f"target {target!r} generated an unsafe file path {path!r}",
            hint="generated paths must be relative POSIX paths without '..'",
        )
    return p


def inside(root: Path, candidate: Path) -> bool:
    """True when `candidate` (resolved) lies within `root` (resolved)."""
    try:
        candidate.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True
