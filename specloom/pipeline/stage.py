"""Staging: write a target's generated files into `output/<spec>/.staging-<target>-<n>/`."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

from specloom.errors import BuildError
from specloom.pipeline import faults
from specloom.pipeline.paths import check_relpath
from specloom.target import GeneratedFile

STAGING_PREFIX = ".staging-"


def write_error(path: Path, exc: OSError) -> BuildError:
    """A clear error for a failed write: what, where, and what to do about it."""
    reason = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is exceeded",
        errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted",
        errno.EROFS: "the file system is read-only",
        errno.EFBIG: "the file is too large for this file system or process limit",
        errno.EEXIST: "a file is in the way (it is not a folder)",
        errno.ENOTDIR: "a file is in the way (it is not a folder)",
    }.get(exc.errno or 0, exc.strerror or type(exc).__name__)
    return BuildError(
        f"cannot write {path}: {reason}; the last published output is untouched",
        file=str(path),
        hint="free space or fix the permissions of the output folder, or choose another"
        " with --output, then build again",
    )


def new_staging_dir(spec_dir: Path, target: str) -> Path:
    """A fresh, empty staging folder next to the published target (same depth)."""
    n = 0
    while True:
        candidate = spec_dir / f"{STAGING_PREFIX}{target}-{n}"
        try:
            candidate.mkdir(parents=False)
        except FileExistsError:
            n += 1
            continue
        except OSError as exc:
            raise write_error(candidate, exc) from None
        return candidate


def write_files(staging: Path, files: list[GeneratedFile], target: str) -> None:
    """Write every file (paths validated, no duplicates, no file/folder clash)."""
    seen: set[str] = set()
    prefixes: set[str] = set()
    for f in sorted(files, key=lambda g: g.path):
        rel = check_relpath(f.path, target)
        key = rel.as_posix()
        parents = {p.as_posix() for p in rel.parents if p.as_posix() != "."}
        if key in seen or key in prefixes or parents & seen:
            raise BuildError(
                f"target {target!r} generated {key!r} twice or as both a file and a folder",
                hint="this is a bug in the target: each generated path must be unique",
            )
        seen.add(key)
        prefixes |= parents
    half = len(files) // 2
    for i, f in enumerate(sorted(files, key=lambda g: g.path)):
        if i == half:
            faults.hold("generate")
        dest = staging.joinpath(*f.path.split("/"))
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(f.data)
        except OSError as exc:
            raise write_error(dest, exc) from None


def create_new(path: Path) -> int:
    """A file descriptor of a new, empty `path` for writing: whatever was there (a stale temp
    file, a symlink planted to redirect the write) is removed first, and the open refuses to
    follow a symlink or reuse a file (O_EXCL | O_NOFOLLOW)."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    return os.open(path, flags, 0o644)


def no_symlink(path: Path) -> None:
    """Remove a symlink at a name specloom owns (a lock file): opening it would follow it."""
    if path.is_symlink():
        path.unlink()


def remove_tree(path: Path) -> None:
    """Delete a folder (or a symlink, or a file) if it exists; never follows symlinks."""
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.is_dir():
        shutil.rmtree(path, ignore_errors=True)


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (renames, new links) to disk; best effort."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
