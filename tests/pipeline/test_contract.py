"""The contract every registered target keeps: it loads, and `generate` is pure and
deterministic (byte-identical output for the same IR parsed under two different roots)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from specloom.model import Workspace
from specloom.parse import load_workspace
from specloom.pipeline.paths import check_relpath
from specloom.pipeline.plan import make_target
from specloom.pipeline.registry import available_targets, load_target
from specloom.target import GeneratedFile


def parse_under(root: Path, specs_dir: Path) -> Workspace:
    """Copy specs/ under `root` and parse it as `specs` from there (paths as a user gives)."""
    shutil.copytree(specs_dir, root / "specs")
    cwd = os.getcwd()
    os.chdir(root)
    try:
        return load_workspace(Path("specs"))
    finally:
        os.chdir(cwd)


def generate_all(ws: Workspace, name: str, root: Path) -> dict[str, list[GeneratedFile]]:
    cls = load_target(name)
    target = make_target(cls, ws, root / "out", root / "cache", "template", {}, {})
    return {sid: target.generate(ws.specs[sid]) for sid in ws.order}


@pytest.mark.slow
@pytest.mark.parametrize("name", available_targets())
def test_generate_is_pure_and_deterministic(name: str, tmp_path: Path, specs_dir: Path) -> None:
    a, b = tmp_path / "machine-a", tmp_path / "machine-b"
    ws_a, ws_b = parse_under(a, specs_dir), parse_under(b, specs_dir)
    first = generate_all(ws_a, name, a)
    again = generate_all(ws_a, name, a)
    other = generate_all(ws_b, name, b)
    assert first == again, f"{name}: two runs differ"
    assert first == other, f"{name}: output depends on where the workspace lives"
    for files in first.values():
        assert files, f"{name} generated nothing"
        paths = [f.path for f in files]
        assert len(paths) == len(set(paths)), f"{name} generated a path twice"
        for f in files:
            check_relpath(f.path, name)
            assert str(a).encode() not in f.data, f"{name}: {f.path} holds an absolute path"
    # pure: nothing was written anywhere while generating
    assert not (a / "out").exists() and not (b / "out").exists()
