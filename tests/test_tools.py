"""Tool discovery: PATH, then the project's node_modules/.bin, then [tool.specloom.tools]."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from specloom.tools import ToolLookup, find_tool


def _exe(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\necho fake\n")
    path.chmod(0o755)
    return path


def test_order_is_path_then_node_modules_then_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "proj"
    on_path = _exe(tmp_path / "bin" / "faketool")
    local = _exe(project / "node_modules" / ".bin" / "faketool")
    conf = _exe(project / "tools" / "faketool")
    settings = {"root": str(project), "tools": {"faketool": "tools/faketool"}}

    monkeypatch.setenv("PATH", f"{on_path.parent}{os.pathsep}{os.environ['PATH']}")
    found = find_tool("faketool", settings)
    assert found is not None and (found.path, found.source) == (on_path, "PATH")

    monkeypatch.setenv("PATH", "/nonexistent")
    found = find_tool("faketool", settings)
    assert found is not None and (found.path, found.source) == (local, "node_modules/.bin")

    local.unlink()
    found = find_tool("faketool", settings)
    assert found is not None
    assert (found.path, found.source) == (conf, "[tool.specloom.tools]")

    conf.chmod(0o644)  # not executable: not a tool
    assert find_tool("faketool", settings) is None
    assert ToolLookup.from_settings(settings).configured_but_missing("faketool") == str(conf)


def test_without_settings_only_path_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _exe(tmp_path / "node_modules" / ".bin" / "faketool")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", "/nonexistent")
    assert find_tool("faketool") is None


def test_a_build_finds_tsc_in_the_project_node_modules(
    ws: Path, monkeypatch: pytest.MonkeyPatch, repo_root: Path
) -> None:
    """The gate really runs the tsc it found there (not a pass for a missing tool)."""
    from specloom.pipeline.build import BuildRequest, run_build
    from specloom.pipeline.runner_local import make_local_executor

    real = repo_root / ".venv" / "tools" / "node_modules"
    if not (real / ".bin" / "tsc").is_file():
        pytest.skip("tsc is not installed in .venv/tools (scripts/setup.sh)")
    (ws / "node_modules").symlink_to(real, target_is_directory=True)
    (ws / "pyproject.toml").write_text('[tool.specloom]\nspecs = "specs"\n')
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    req = BuildRequest(paths=[ws / "specs"], targets=["typescript"], force=True)
    result = run_build(req, make_local_executor())
    assert result.exit_code == 0
    gates = [g for r in result.rows for g in r.gates]
    assert not [g for g in gates if "skipped" in g.message], gates
