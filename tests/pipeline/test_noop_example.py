"""A no-op build of the example workspace, every built-in target: nothing generated, no
process started (no compiler, no mkdocs, no ffmpeg or espeak), no network (no LLM)."""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest

from specloom.config import Config
from specloom.pipeline import registry
from specloom.pipeline.build import BuildRequest, BuildResult, run_build
from specloom.pipeline.runner_local import make_local_executor

BUILT_INS = ["docs", "ir-json", "podcast", "python", "rust", "tutorial", "typescript"]


def build(tmp_path: Path) -> BuildResult:
    req = BuildRequest(
        paths=[tmp_path / "specs"],
        output=tmp_path / "output",
        cache_dir=tmp_path / "cache",
        targets=BUILT_INS,
    )
    return run_build(req, make_local_executor(2), config=Config(root=tmp_path))


@pytest.mark.slow
def test_noop_build_of_the_example_workspace_does_nothing(
    specs_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(specs_dir, tmp_path / "specs")
    cold = build(tmp_path)
    assert cold.exit_code == 0, [(r.spec, r.target, r.status, r.reason) for r in cold.rows]
    assert {r.status for r in cold.rows} == {"built"} and len(cold.rows) == 21

    def refuse(what: str) -> Any:
        def trap(*args: Any, **kwargs: Any) -> Any:
            raise AssertionError(f"a no-op build {what}: {args[:2]}")

        return trap

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse("started a process"))
    monkeypatch.setattr(socket.socket, "connect", refuse("opened a connection"))
    for name in BUILT_INS:
        monkeypatch.setattr(registry.load_target(name), "generate", refuse("generated"))
    again = build(tmp_path)
    assert again.exit_code == 0
    assert [(r.spec, r.target, r.status) for r in again.rows] == [
        (r.spec, r.target, "skipped") for r in cold.rows
    ]
