"""specloom reads only inside the workspace it was given (symlinks resolved and checked).

`load_workspace` and `load_spec` set the allowed folders for the duration of a load: the
workspace folder of the path named (a folder of specs, or the folder holding a spec, where
its imports are looked up) plus the folders `[tool.specloom] read_outside` names. Every file
read goes through `read_source`, which refuses a file whose real path lies elsewhere (a
symlinked spec, examples folder or examples file pointing out of the workspace).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from specloom.errors import SpecError

_ROOTS: ContextVar[tuple[Path, ...] | None] = ContextVar("specloom_read_roots", default=None)
_DIRS: ContextVar[dict[Path, Path] | None] = ContextVar("specloom_real_dirs", default=None)
"""Real paths of the folders read from during one load (a folder's path is resolved once,
not once per examples file in it: that was thousands of `lstat`s per 1,000 clauses)."""
_INSIDE: ContextVar[set[Path] | None] = ContextVar("specloom_inside_dirs", default=None)
"""Folders (as given) whose real path was found inside the allowed folders during one load:
a file in one of them that is not a symlink is inside too, with no path comparison."""


def workspace_root(path: Path) -> Path:
    """The folder a load of `path` may read: a folder of specs itself; for a spec folder or
    a spec file, the folder holding the spec (its imports are looked up there)."""
    from specloom.parse.spec import SPEC_FILE

    if path.is_file():
        return path.parent.parent if path.name == SPEC_FILE else path.parent
    name = path.name or path.resolve().name
    if (path / SPEC_FILE).is_file() or (path / f"{name}.md").is_file():
        return path.parent if path.name else path.resolve().parent
    return path


def configured_outside(path: Path) -> list[Path]:
    """Folders `[tool.specloom] read_outside` allows, relative to the config file."""
    from specloom.config import load_config

    cfg = load_config(path)
    return [cfg.root / p for p in cfg.read_outside]


@contextmanager
def reading_within(roots: Iterable[Path]) -> Iterator[None]:
    """Allow reads under `roots` only (nested loads keep the outermost set)."""
    if _ROOTS.get() is not None:
        yield
        return
    token = _ROOTS.set(tuple(r.resolve() for r in roots))
    dirs = _DIRS.set({})
    inside = _INSIDE.set(set())
    try:
        yield
    finally:
        _INSIDE.reset(inside)
        _DIRS.reset(dirs)
        _ROOTS.reset(token)


def _real(path: Path) -> Path:
    """`path.resolve()`, with the real path of its folder remembered for this load."""
    dirs = _DIRS.get()
    if dirs is None or path.name in ("", ".", "..") or path.is_symlink():
        return path.resolve()
    parent = path.parent
    real = dirs.get(parent)
    if real is None:
        real = dirs[parent] = parent.resolve()
    return real / path.name


def check_readable(path: Path) -> None:
    """Refuse a file whose real path (symlinks resolved) is outside the allowed folders."""
    roots = _ROOTS.get()
    if roots is None:
        return
    inside = _INSIDE.get()
    plain = path.name not in ("", ".", "..")
    # (the common case, the next file of a folder already checked: one lstat, no resolve)
    if inside is not None and plain and path.parent in inside and not path.is_symlink():
        return
    real = _real(path)
    if any(real == r or r in real.parents for r in roots):
        if inside is not None and plain and not path.is_symlink():
            parent = real.parent
            if any(parent == r or r in parent.parents for r in roots):
                inside.add(path.parent)
        return
    shown = path.as_posix()
    raise SpecError(
        f"the file leads outside the workspace (to {real}); specloom reads only the "
        f"workspace folder{'s' if len(roots) > 1 else ''} "
        + ", ".join(r.as_posix() for r in roots),
        file=shown,
        hint="copy the file into the workspace instead of linking it, or allow its folder"
        ' with [tool.specloom] read_outside = ["<folder>"]',
    )
