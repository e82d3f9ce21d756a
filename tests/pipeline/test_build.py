"""The pipeline end to end on IR made in Python: build, skip, rebuild, manifest, reports."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from specloom.model import Workspace
from specloom.pipeline.manifest import hash_tree, read_manifest


def statuses(result: object) -> dict[tuple[str, str], str]:
    return {(r.spec, r.target): r.status for r in result.rows}  # type: ignore[attr-defined]


def test_cold_build_publishes_through_a_symlink(
    small_ws: Workspace, build_ir: Callable[..., Any], tmp_path: Path
) -> None:
    result = build_ir(small_ws)
    assert result.exit_code == 0
    assert statuses(result) == {("common", "ir-json"): "built", ("billing", "ir-json"): "built"}
    link = tmp_path / "output" / "billing" / "ir-json"
    assert link.is_symlink()
    target = os.readlink(link)
    assert target.startswith(".ir-json-") and "/" not in target
    data = json.loads((link / "ir.json").read_text())
    assert data["id"] == "billing"
    m = read_manifest(tmp_path / "output" / "billing")
    assert m is not None
    rec = m.targets["ir-json"]
    assert rec.folder == target
    assert rec.files == hash_tree(link.resolve())
    assert rec.covered_clauses == ["bil1"]
    report = json.loads((tmp_path / "output" / "billing" / "report.json").read_text())
    assert report["ok"] is True
    assert report["targets"][0]["status"] == "built"
    assert "| ir-json | built |" in (tmp_path / "output" / "billing" / "report.md").read_text()


def test_noop_rebuild_skips_and_keeps_the_manifest(
    small_ws: Workspace, build_ir: Callable[..., Any], tmp_path: Path
) -> None:
    build_ir(small_ws)
    manifest = tmp_path / "output" / "common" / "manifest.json"
    before = manifest.read_bytes()
    result = build_ir(small_ws)
    assert set(statuses(result).values()) == {"skipped"}
    assert manifest.read_bytes() == before


def test_one_spec_edit_rebuilds_only_that_spec(build_ir: Callable[..., Any], ir: Any) -> None:
    make_spec, make_workspace = ir.spec, ir.workspace
    common = make_spec("common", {"cmn1": "Money MUST be minor units."})
    billing = make_spec("billing", {"bil1": "An invoice MUST have a line."}, imports=["common"])
    build_ir(make_workspace(common, billing))
    edited = make_spec("billing", {"bil1": "An invoice MUST have one line."}, imports=["common"])
    result = build_ir(make_workspace(common, edited))
    assert statuses(result) == {("common", "ir-json"): "skipped", ("billing", "ir-json"): "built"}


def test_force_rebuilds_and_identical_bytes_keep_the_folder(
    small_ws: Workspace, build_ir: Callable[..., Any], tmp_path: Path
) -> None:
    build_ir(small_ws)
    link = tmp_path / "output" / "common" / "ir-json"
    before = os.readlink(link)
    result = build_ir(small_ws, force=True)
    assert set(statuses(result).values()) == {"built"}
    assert os.readlink(link) == before
    assert sorted(p.name for p in link.parent.iterdir()) == sorted(
        [
            ".lock",
            ".manifest.lock",
            ".specloom-output",
            before,
            "ir-json",
            "manifest.json",
            "report.json",
            "report.md",
        ]
    )


def test_hand_edit_of_published_file_triggers_a_rebuild(
    small_ws: Workspace, build_ir: Callable[..., Any], tmp_path: Path
) -> None:
    build_ir(small_ws)
    f = tmp_path / "output" / "common" / "ir-json" / "ir.json"
    good = f.read_bytes()
    f.write_text("{}")
    result = build_ir(small_ws)
    assert statuses(result)[("common", "ir-json")] == "built"
    assert f.read_bytes() == good


def test_leftover_staging_and_version_folders_are_cleaned(
    small_ws: Workspace, build_ir: Callable[..., Any], tmp_path: Path
) -> None:
    build_ir(small_ws)
    spec_dir = tmp_path / "output" / "common"
    (spec_dir / ".staging-ir-json-0").mkdir()
    (spec_dir / ".staging-ir-json-0" / "half.json").write_text("{")
    (spec_dir / ".ir-json-deadbeef").mkdir()
    (spec_dir / ".tmp-link-ir-json-99").symlink_to(".ir-json-deadbeef")
    build_ir(small_ws)
    names = {p.name for p in spec_dir.iterdir()}
    assert not {".staging-ir-json-0", ".ir-json-deadbeef", ".tmp-link-ir-json-99"} & names


def test_jobs_start_longest_first_and_reports_keep_the_plan_order(
    build_ir: Callable[..., Any], ir: Any, tmp_path: Path
) -> None:
    """A pool of two workers should not start the slowest target last: jobs are ordered by
    their last recorded duration (never built: first), the rows stay in plan order."""
    from specloom.pipeline.build import longest_first
    from specloom.pipeline.manifest import Manifest, TargetRecord
    from specloom.pipeline.plan import Job

    def job(spec: str, target: str) -> Job:
        ws = Workspace(root=".")
        return Job(spec, target, "", ws, Path("out"), Path("cache"))

    def rec(seconds: float) -> TargetRecord:
        return TargetRecord(
            target_version="1", input_hash="h", folder="f", timings={"verify": seconds}
        )

    m = Manifest(spec="a", spec_hash="h", specloom_version="0")
    m.targets = {"docs": rec(2.0), "rust": rec(0.5), "podcast": rec(3.0)}
    jobs = [job("a", "rust"), job("a", "docs"), job("a", "new"), job("a", "podcast")]
    order = [(j.spec_id, j.target) for j in longest_first(jobs, {"a": m})]
    assert order == [("a", "new"), ("a", "podcast"), ("a", "docs"), ("a", "rust")]

    make_spec, make_workspace = ir.spec, ir.workspace
    ws = make_workspace(make_spec("c1", {"c1a": "A MUST be."}), make_spec("c2", {"c2a": "B MUST."}))
    build_ir(ws)
    result = build_ir(ws, force=True)
    assert [r.spec for r in result.rows] == ["c1", "c2"]
