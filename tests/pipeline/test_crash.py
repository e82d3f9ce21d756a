"""kill -9 during generate and during publish: every target is wholly old or wholly new."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

import pytest

from specloom.pipeline.manifest import hash_tree, read_manifest


def published_title(spec_dir: Path) -> str:
    """The title inside the published ir.json (v1 or v2), after checking it is complete."""
    link = spec_dir / "ir-json"
    assert link.is_symlink()
    folder = spec_dir / os.readlink(link)
    assert sorted(p.name for p in folder.iterdir()) == ["ir.json"]
    return str(json.loads((folder / "ir.json").read_text())["title"])


def versions(ir: Any) -> tuple[Any, Any]:
    v1 = ir.workspace(ir.spec("common", {"cmn1": "Money MUST be minor units."}))
    v2 = v1.model_copy(deep=True)
    v2.specs["common"].title = "Common v2"
    return v1, v2


@pytest.mark.slow
@pytest.mark.parametrize("point", ["generate", "publish"])
def test_kill_leaves_the_old_version_and_the_next_build_recovers(
    point: str, subbuild: Any, ir: Any
) -> None:
    v1, v2 = versions(ir)
    assert subbuild.run(v1).returncode == 0
    spec_dir = subbuild.output / "common"
    old_manifest = (spec_dir / "manifest.json").read_bytes()

    proc = subbuild.start_held(v2, point)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert published_title(spec_dir) == "Common"
    assert (spec_dir / "manifest.json").read_bytes() == old_manifest
    leftovers = {p.name for p in spec_dir.iterdir() if p.name.startswith(".")} - {
        ".lock",
        ".specloom-output",
        ".manifest.lock",
    }
    assert len(leftovers) == 2  # the live version folder plus the killed build's folder

    done = subbuild.run(v2)
    assert done.returncode == 0, done.stderr
    assert published_title(spec_dir) == "Common v2"
    names = {p.name for p in spec_dir.iterdir()}
    assert names == {
        ".lock",
        ".manifest.lock",
        ".specloom-output",
        os.readlink(spec_dir / "ir-json"),
        "ir-json",
        "manifest.json",
        "report.json",
        "report.md",
    }


@pytest.mark.slow
def test_kill_after_the_swap_leaves_the_new_version_recorded(subbuild: Any, ir: Any) -> None:
    v1, v2 = versions(ir)
    assert subbuild.run(v1).returncode == 0
    spec_dir = subbuild.output / "common"
    proc = subbuild.start_held(v2, "swapped")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert published_title(spec_dir) == "Common v2"
    # the target was recorded before its swap: the manifest already describes v2
    m = read_manifest(spec_dir)
    assert m is not None
    rec = m.targets["ir-json"]
    assert rec.folder == os.readlink(spec_dir / "ir-json")
    assert rec.files == hash_tree(spec_dir / rec.folder)
    done = subbuild.run(v2)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["targets"]
    assert [r["status"] for r in rows] == ["skipped"]
    again = json.loads(subbuild.run(v2).stdout)["targets"]
    assert [r["status"] for r in again] == ["skipped"]  # (reports also list skipped gates)


@pytest.mark.slow
def test_kill_with_half_the_files_staged(subbuild: Any, ir: Any) -> None:
    v1, v2 = versions(ir)
    assert subbuild.run(v1, targets=["many"]).returncode == 0
    spec_dir = subbuild.output / "common"
    proc = subbuild.start_held(v2, "generate", targets=["many"])
    staged = [p for p in spec_dir.iterdir() if p.name.startswith(".staging-many-")]
    assert len(staged) == 1 and len(list(staged[0].iterdir())) == 5
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    published = sorted((spec_dir / "many").iterdir())
    assert len(published) == 10
    assert {p.read_text() for p in published} == {f"Common {i}\n" for i in range(10)}
    done = subbuild.run(v2, targets=["many"])
    assert done.returncode == 0, done.stderr
    assert {p.read_text() for p in (spec_dir / "many").iterdir()} == {
        f"Common v2 {i}\n" for i in range(10)
    }
    assert not [p for p in spec_dir.iterdir() if p.name.startswith(".staging-")]
