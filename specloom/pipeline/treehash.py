"""Hashes of published trees, read with the standard library only (the no-op fast path
imports this without pydantic or any target)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def hash_tree(root: Path) -> dict[str, str]:
    """Every regular file under `root` (symlinks not followed) -> sha256, sorted by path."""
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            p = Path(dirpath) / name
            if p.is_symlink() or not p.is_file():
                continue
            out[p.relative_to(root).as_posix()] = sha256_file(p)
    return dict(sorted(out.items()))


def current_folder(spec_dir: Path, target: str) -> str | None:
    """The version folder `<target>` points at, or None when not published as a symlink."""
    link = spec_dir / target
    if not link.is_symlink():
        return None
    dest = os.readlink(link)
    if "/" in dest or not dest.startswith(f".{target}-") or (spec_dir / dest).is_symlink():
        return None  # not a version folder of ours (a link to a link may lead anywhere)
    return dest
