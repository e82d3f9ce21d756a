"""Integrity: a version folder's name is the digest of its files (INT001, checked by verify
before the gates), and DRIFT004 for a target whose published folder is gone or elsewhere."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

from specloom.config import Config
from specloom.pipeline.manifest import hash_tree, read_manifest, tree_digest, write_manifest
from specloom.pipeline.publish import DIGEST_HEX, folder_digest
from specloom.pipeline.verify import run_verify


def verify(ws: Any, tmp_path: Path) -> list[tuple[str, str]]:
    rows = run_verify([], tmp_path / "output", None, workspace=ws, config=Config(root=tmp_path))
    return [(f.rule, f.message) for r in rows for f in r.findings if f.rule != "GRD001"]


def rename_folder(spec_dir: Path, target: str, new: str) -> None:
    """Rename the published version folder and point the symlink and manifest at it."""
    old = os.readlink(spec_dir / target)
    os.rename(spec_dir / old, spec_dir / new)
    (spec_dir / target).unlink()
    (spec_dir / target).symlink_to(new)
    m = read_manifest(spec_dir)
    assert m is not None
    m.targets[target].folder = new
    write_manifest(spec_dir, m)


def test_the_version_folder_is_named_by_a_long_digest(
    build_ir: Any, ir: Any, tmp_path: Path
) -> None:
    ws = ir.workspace(ir.spec("common", {"cmn1": "x MUST y."}))
    assert build_ir(ws).exit_code == 0
    folder = os.readlink(tmp_path / "output" / "common" / "ir-json")
    assert re.fullmatch(rf"\.ir-json-[0-9a-f]{{{DIGEST_HEX}}}", folder) and DIGEST_HEX > 8
    files = hash_tree(tmp_path / "output" / "common" / folder)
    assert folder_digest("ir-json", folder) == tree_digest(files)[:DIGEST_HEX]
    assert verify(ws, tmp_path) == []


def test_a_folder_whose_name_lies_about_its_files_fails_int001_first(
    build_ir: Any, ir: Any, tmp_path: Path
) -> None:
    ws = ir.workspace(ir.spec("common", {"cmn1": "x MUST y."}))
    assert build_ir(ws).exit_code == 0
    spec_dir = tmp_path / "output" / "common"
    # same bytes, wrong name (hashes in the manifest still match the files)
    rename_folder(spec_dir, "ir-json", ".ir-json-" + "0" * DIGEST_HEX)
    found = verify(ws, tmp_path)
    assert [r for r, _ in found] == ["INT001"]
    assert "says 00000000" in found[0][1] and "digest to" in found[0][1]
    # an 8-hex name from an older release is not a digest name any more
    rename_folder(spec_dir, "ir-json", ".ir-json-1234abcd")
    assert [r for r, m in verify(ws, tmp_path) if "is not `.ir-json-<20 hex" in m] == ["INT001"]


def test_edited_files_with_a_rewritten_manifest_still_fail_integrity(
    build_ir: Any, ir: Any, tmp_path: Path
) -> None:
    ws = ir.workspace(ir.spec("common", {"cmn1": "x MUST y."}))
    assert build_ir(ws).exit_code == 0
    spec_dir = tmp_path / "output" / "common"
    folder = spec_dir / os.readlink(spec_dir / "ir-json")
    data = json.loads((folder / "ir.json").read_text())
    data["title"] = "Edited"
    (folder / "ir.json").write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    m = read_manifest(spec_dir)
    assert m is not None
    m.targets["ir-json"].files = hash_tree(folder)  # drift cannot see it any more
    write_manifest(spec_dir, m)
    rules = [r for r, _ in verify(ws, tmp_path)]
    assert (
        rules[0] == "INT001" and "IR003" in rules and not any(r.startswith("DRIFT") for r in rules)
    )


def test_drift004_for_a_missing_or_moved_published_folder(
    build_ir: Any, ir: Any, tmp_path: Path
) -> None:
    ws = ir.workspace(ir.spec("common", {"cmn1": "x MUST y."}))
    assert build_ir(ws).exit_code == 0
    spec_dir = tmp_path / "output" / "common"
    m = read_manifest(spec_dir)
    assert m is not None
    real = m.targets["ir-json"].folder
    m.targets["ir-json"].folder = ".ir-json-" + "f" * DIGEST_HEX
    write_manifest(spec_dir, m)
    assert "DRIFT004" in [r for r, _ in verify(ws, tmp_path)]
    m.targets["ir-json"].folder = real
    write_manifest(spec_dir, m)
    assert verify(ws, tmp_path) == []
    # a missing symlink to an intact recorded folder is an interrupted swap: verify completes
    # it (VER003, main's crash recovery); with the folder gone too, nothing is published
    (spec_dir / "ir-json").unlink()
    shutil.rmtree(spec_dir / real)  # gone for good: verify cannot complete a swap (VER003)
    assert verify(ws, tmp_path) == [("DRIFT004", "the published folder is missing")]
    del m.targets["ir-json"]
    write_manifest(spec_dir, m)
    assert verify(ws, tmp_path) == []  # verify checks what the manifest lists
    rows = run_verify(
        [], tmp_path / "output", ["ir-json"], workspace=ws, config=Config(root=tmp_path)
    )
    assert [(f.rule, r.status) for r in rows for f in r.findings] == [("DRIFT004", "failed")]
