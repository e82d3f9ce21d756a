"""Mutants of the pipeline's own checks: integrity (INT001) and drift (DRIFT001-DRIFT004).

These edit the output tree or the manifest themselves (`reseal=False`): they stand for
hand edits, a tool that rewrote the manifest, or a symlink swapped to another version."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from harness import Mutant, MutationContext

from specloom.pipeline.manifest import hash_tree, read_manifest, write_manifest
from specloom.pipeline.publish import DIGEST_HEX, version_folder_name

TARGET = "ir-json"


def _spec_dir(ctx: MutationContext) -> Path:
    return ctx.root.parent


def _reformat(ctx: MutationContext) -> None:
    """Same JSON, other bytes: no content gate can tell, the hashes can."""
    f = ctx.root / "ir.json"
    f.write_text(json.dumps(json.loads(f.read_text(encoding="utf-8")), indent=4) + "\n")


def _add_file(ctx: MutationContext) -> None:
    (ctx.root / "NOTES.txt").write_text("added by hand\n", encoding="utf-8")


def _delete_file(ctx: MutationContext) -> None:
    (ctx.root / "ir.json").unlink()


def _retitle(folder: Path) -> None:
    f = folder / "ir.json"
    data = json.loads(f.read_text(encoding="utf-8"))
    data["title"] = "An older title"
    f.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _symlink_to_another_version(ctx: MutationContext) -> None:
    """The symlink swapped to another complete, self-consistent version folder."""
    spec_dir = _spec_dir(ctx)
    other = spec_dir / ".other"
    shutil.copytree(ctx.root, other)
    _retitle(other)
    name = version_folder_name(TARGET, hash_tree(other))
    os.rename(other, spec_dir / name)
    tmp = spec_dir / ".tmp-mutant-link"
    os.symlink(name, tmp)
    os.replace(tmp, spec_dir / TARGET)


def _rehash_without_rename(ctx: MutationContext) -> None:
    """Files edited and the manifest's hashes rewritten, the folder left as it was."""
    _retitle(ctx.root)
    spec_dir = _spec_dir(ctx)
    m = read_manifest(spec_dir)
    assert m is not None
    m.targets[TARGET].files = hash_tree(ctx.root)
    write_manifest(spec_dir, m)


def _rename_to_wrong_digest(ctx: MutationContext) -> None:
    """Unchanged files in a folder named after other content (symlink and manifest agree)."""
    spec_dir = _spec_dir(ctx)
    name = f".{TARGET}-" + "0" * DIGEST_HEX
    os.rename(ctx.root, spec_dir / name)
    tmp = spec_dir / ".tmp-mutant-link"
    os.symlink(name, tmp)
    os.replace(tmp, spec_dir / TARGET)
    m = read_manifest(spec_dir)
    assert m is not None
    m.targets[TARGET].folder = name
    write_manifest(spec_dir, m)


def _mutant(id: str, gate: str, mutate: object, why: str) -> Mutant:
    return Mutant(
        id=id,
        target=TARGET,
        gate=gate,
        kind="published",
        mutate=mutate,  # type: ignore[arg-type]
        why=why,
        reseal=False,
    )


MUTANTS: list[Mutant] = [
    _mutant(
        "pipeline-published-file-reformatted",
        "DRIFT001",
        _reformat,
        "a published file edited without a content change any gate can see",
    ),
    _mutant("pipeline-published-file-added", "DRIFT002", _add_file, "a file added by hand"),
    _mutant("pipeline-published-file-deleted", "DRIFT003", _delete_file, "a file deleted"),
    _mutant(
        "pipeline-published-symlink-to-another-version",
        "DRIFT004",
        _symlink_to_another_version,
        "the published symlink swapped to a version the manifest does not record",
    ),
    _mutant(
        "pipeline-published-manifest-rehashed-folder-kept",
        "INT001",
        _rehash_without_rename,
        "files edited and the manifest rewritten to match them",
    ),
    _mutant(
        "pipeline-published-folder-named-after-other-content",
        "INT001",
        _rename_to_wrong_digest,
        "a version folder whose name is not the digest of its files",
    ),
]
