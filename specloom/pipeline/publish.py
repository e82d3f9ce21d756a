"""Atomic publish: `output/<spec>/<target>` is a symlink swapped to a new version folder.

A kill at any moment leaves the symlink pointing at the old or the new complete version;
`clean_leftovers` removes staging and unreferenced version folders on the next build.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from specloom.errors import BuildError
from specloom.pipeline import faults
from specloom.pipeline.manifest import hash_tree, tree_digest
from specloom.pipeline.stage import STAGING_PREFIX, fsync_dir, remove_tree, write_error
from specloom.pipeline.treehash import current_folder as current_folder  # (re-exported)

LINK_TMP_PREFIX = ".tmp-link-"
_VERSION_SUFFIX = re.compile(r"[0-9a-f]{8,64}(-[0-9]+)?|legacy")
"""A version folder's suffix: its digest (20 hex now, 8 in outputs of older builds), a copy
number, or `legacy`."""
VERIFY_PREFIX = ".verify-"
DIGEST_HEX = 20
"""Hex characters of the tree digest in a version folder's name (80 bits)."""
TEMP_OF = ("manifest.json", "report.md", "report.json", ".specloom-output")
"""Files the build writes atomically in a spec's output folder (temp file, then rename)."""


def version_folder_name(target: str, files: dict[str, str]) -> str:
    """`.<target>-<digest20>`: named after the content, so republishing the same bytes is a
    no-op, and `verify` can check that a folder still holds what its name says."""
    return f".{target}-{tree_digest(files)[:DIGEST_HEX]}"


def folder_digest(target: str, folder: str) -> str | None:
    """The digest part of a version folder's name (`-<n>` copy suffix dropped), or None when
    the name is not a version folder name of `target`."""
    prefix = f".{target}-"
    if not folder.startswith(prefix):
        return None
    digest = folder[len(prefix) :].split("-", 1)[0]
    if len(digest) != DIGEST_HEX or not all(c in "0123456789abcdef" for c in digest):
        return None
    return digest


Recorder = Callable[[str, dict[str, str]], None]
"""record(version folder, file hashes): writes the target's manifest record."""


def publish(
    spec_dir: Path, target: str, staging: Path, record: Recorder | None = None
) -> tuple[str, dict[str, str]]:
    """Move the verified staging folder into place; returns (version folder, file hashes).

    Order: rename staging to its version folder, `record` it in the manifest, swap the
    symlink, delete the old folder. A kill between the record and the swap leaves a manifest
    naming a complete, verified folder the symlink does not point at yet:
    `complete_interrupted` finishes that swap under the next build's or verify's lock.
    """
    files = hash_tree(staging)
    folder = version_folder_name(target, files)
    link = spec_dir / target
    old = current_folder(spec_dir, target)
    if old == folder:
        if hash_tree(spec_dir / folder) == files:
            remove_tree(staging)  # identical bytes are already published
            if record is not None:
                record(folder, files)
            return folder, files
        n = 1  # the published copy was edited by hand: publish beside it, then swap
        while (spec_dir / f"{folder}-{n}").exists():
            n += 1
        folder = f"{folder}-{n}"
    try:
        remove_tree(spec_dir / folder)  # an unreferenced leftover with the same name
        os.rename(staging, spec_dir / folder)
        fsync_dir(spec_dir)
        faults.hold("publish")
        if record is not None:
            record(folder, files)
            faults.hold("recorded")
        if link.exists() and not link.is_symlink():
            # an output from before symlinked publishing: move it aside, swap, delete
            aside = spec_dir / f".{target}-legacy"
            remove_tree(aside)
            os.rename(link, aside)
            old_path: Path | None = aside
        else:
            old_path = spec_dir / old if old else None
        tmp = spec_dir / f"{LINK_TMP_PREFIX}{target}-{os.getpid()}"
        remove_tree(tmp)
        os.symlink(folder, tmp)
        os.replace(tmp, link)
        fsync_dir(spec_dir)
    except OSError as exc:
        raise write_error(spec_dir / target, exc) from None
    faults.hold("swapped")
    if old_path is not None and old_path.name != folder:
        remove_tree(old_path)
    return folder, files


def complete_interrupted(
    spec_dir: Path, records: dict[str, tuple[str, dict[str, str]]]
) -> list[str]:
    """Finish publishes a kill cut between the manifest record and the symlink swap: for each
    `target -> (folder, files)` the manifest records, when `<target>` points elsewhere and the
    recorded folder is there with exactly the recorded files, point `<target>` at it. Returns
    the targets completed. A folder that differs from its record is never published."""
    done: list[str] = []
    for target, (folder, files) in sorted(records.items()):
        link = spec_dir / target
        if current_folder(spec_dir, target) == folder or (link.exists() and not link.is_symlink()):
            continue
        where = spec_dir / folder
        if where.is_symlink() or not where.is_dir() or hash_tree(where) != files:
            continue
        tmp = spec_dir / f"{LINK_TMP_PREFIX}{target}-{os.getpid()}"
        try:
            remove_tree(tmp)
            os.symlink(folder, tmp)
            os.replace(tmp, link)
            fsync_dir(spec_dir)
        except OSError as exc:
            raise write_error(link, exc) from None
        done.append(target)
    return done


def clean_leftovers(spec_dir: Path, targets: Iterable[str]) -> list[str]:
    """Remove what killed builds of `targets` left in a folder specloom owns (staging,
    temp-link, verify and unreferenced version folders, each named after one of those
    targets); returns their names. Anything else, and any folder not ours, is left alone."""
    if not spec_dir.is_dir() or spec_dir.is_symlink():
        return []
    names = sorted(set(targets), key=len, reverse=True)
    live: set[str] = set()
    for entry in spec_dir.iterdir():
        if entry.is_symlink() and not entry.name.startswith("."):
            live.add(os.readlink(entry))
    removed: list[str] = []
    for entry in sorted(spec_dir.iterdir()):
        name = entry.name
        if name in live or not any(_leftover_of(name, t) for t in names):
            continue
        if entry.is_symlink() and not name.startswith(LINK_TMP_PREFIX):
            continue
        remove_tree(entry)
        removed.append(name)
    return removed + _temp_files(spec_dir)


def _temp_files(spec_dir: Path) -> list[str]:
    """`write_atomic`'s temp files (`.manifest.json.tmp-<pid>`) a kill left behind."""
    out: list[str] = []
    for name in TEMP_OF:
        for entry in sorted(spec_dir.glob(f".{name}.tmp-*")):
            if entry.name.rpartition("-")[2].isdigit():  # (unlink: a symlink itself)
                entry.unlink(missing_ok=True)
                out.append(entry.name)
    return out


def _leftover_of(name: str, target: str) -> bool:
    """`name` is a folder a build of `target` creates and may leave behind when killed."""
    for prefix in (STAGING_PREFIX, LINK_TMP_PREFIX, VERIFY_PREFIX):
        rest = name.removeprefix(f"{prefix}{target}-")
        if rest != name and rest.isdigit():
            return True
    rest = name.removeprefix(f".{target}-")
    return rest != name and _VERSION_SUFFIX.fullmatch(rest) is not None


def ensure_dir(path: Path) -> None:
    """mkdir -p with a clear error on a full disk or a permission problem."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(path, exc) from None
    if not path.is_dir():
        raise BuildError(
            f"{path} exists and is not a folder",
            file=str(path),
            hint="remove it or choose another --output",
        )
