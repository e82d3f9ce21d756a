"""`output/<spec>/manifest.json`: what is published, from which inputs, and how its gates went."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from specloom.findings import Finding
from specloom.pipeline.stage import create_new, no_symlink, write_error
from specloom.pipeline.treehash import hash_tree as hash_tree  # (re-exported)
from specloom.pipeline.treehash import sha256_file as sha256_file

MANIFEST = "manifest.json"
FORMAT = 1


class TargetRecord(BaseModel):
    """One published target: the inputs it was built from, its files and its gates."""

    model_config = ConfigDict(extra="forbid")

    target_version: str
    input_hash: str
    inputs: dict[str, str] = Field(default_factory=dict)
    """Labelled hashes `input_hash` is made of (`spec <file>`, `config <key>`, `code <file>`),
    so the next build can name the input that changed."""
    backend: str = "template"
    """The generation backend the output was made with; a different one rebuilds."""
    folder: str
    """The version folder the `<target>` symlink points at (`.<target>-<digest20>`)."""
    files: dict[str, str] = Field(default_factory=dict)
    """POSIX path relative to the target folder -> sha256 hex, sorted."""
    gates: list[Finding] = Field(default_factory=list)
    covered_clauses: list[str] = Field(default_factory=list)
    grades: list[dict[str, Any]] = Field(default_factory=list)
    """The grader's per-clause scores of the published artifact."""
    timings: dict[str, float] = Field(default_factory=dict)
    """Seconds spent in generate, verify and publish."""


class Manifest(BaseModel):
    """The whole manifest of one spec's output folder."""

    model_config = ConfigDict(extra="forbid")

    format: int = FORMAT
    spec: str
    spec_hash: str
    spec_version: str | None = None
    specloom_version: str
    targets: dict[str, TargetRecord] = Field(default_factory=dict)


def tree_digest(files: dict[str, str]) -> str:
    """One hash over a {path: sha256} map: names the version folder of a publish."""
    return hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()


def read_manifest(spec_dir: Path) -> Manifest | None:
    """The manifest of `output/<spec>/`, or None when absent or unreadable (rebuild then)."""
    path = spec_dir / MANIFEST
    if path.is_symlink():
        return None  # never ours: read nothing through it (the next write replaces it)
    try:
        return Manifest.model_validate_json(path.read_bytes())
    except (OSError, ValidationError, ValueError):
        return None


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temp file next to `path`, fsync, then os.replace: readers see old or new.
    The same bytes already there are not written again (a no-op build fsyncs nothing)."""
    try:
        if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
            return
    except OSError:
        pass  # unreadable: write it as usual, which reports the problem
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with os.fdopen(create_new(tmp), "wb") as fh:  # never through a planted symlink
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)  # (replaces a symlink at `path` itself, never its target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise write_error(path, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_manifest(spec_dir: Path, manifest: Manifest) -> None:
    """Write the manifest atomically, with sorted keys (stable diffs)."""
    data = json.loads(manifest.model_dump_json())
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    write_atomic(spec_dir / MANIFEST, text.encode("utf-8"))


MANIFEST_LOCK = ".manifest.lock"
"""Serialises read-modify-write of manifest.json between jobs (threads, processes, Dask
workers): the build's own `.lock` is held by the build process for the whole build."""


@contextmanager
def manifest_locked(spec_dir: Path) -> Iterator[None]:
    """Hold the manifest's file lock (a clear error when the folder is not writable)."""
    lock = FileLock(str(spec_dir / MANIFEST_LOCK))
    try:
        no_symlink(spec_dir / MANIFEST_LOCK)
        lock.acquire()
    except OSError as exc:
        raise write_error(spec_dir / MANIFEST_LOCK, exc) from None
    try:
        yield
    finally:
        lock.release()


def update_manifest(
    spec_dir: Path, fresh: Callable[[], Manifest], change: Callable[[Manifest], None]
) -> Manifest:
    """Read the manifest (or start `fresh()`), apply `change`, write it back atomically, all
    under the manifest lock, so concurrent jobs never lose each other's records."""
    with manifest_locked(spec_dir):
        m = read_manifest(spec_dir) or fresh()
        before = m.model_dump_json()
        change(m)
        if m.model_dump_json() != before or not (spec_dir / MANIFEST).is_file():
            write_manifest(spec_dir, m)
        return m


def recorded_folders(m: Manifest) -> dict[str, tuple[str, dict[str, str]]]:
    """target -> (version folder, file hashes) as the manifest records them."""
    return {t: (r.folder, r.files) for t, r in m.targets.items()}
