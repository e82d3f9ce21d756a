"""Hostile workspaces (tests/data/hostile/<case>/case.json): each runs the real CLI and
checks its exit code and message, and that nothing outside output/ and the cache changed
(a tree snapshot of the parent folder, walked through symlinks)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile"
CASES = sorted(p.name for p in HOSTILE.iterdir() if (p / "case.json").is_file())


def snapshot(top: Path, skip: list[Path]) -> dict[str, str]:
    """Every entry under `top`, following symlinks (each link also recorded as a link):
    path -> kind and content hash / link target / mode. Entries whose real path lies
    under a `skip` folder (the real output and cache folders) are left out."""
    skips = [s.resolve() for s in skip]
    out: dict[str, str] = {}

    def skipped(p: Path) -> bool:
        real = p.resolve()
        return any(real == s or s in real.parents for s in skips)

    for dirpath, dirnames, filenames in os.walk(top, followlinks=True):
        here = Path(dirpath)
        for name in sorted(dirnames + filenames):
            p = here / name
            rel = p.relative_to(top).as_posix()
            if p.is_symlink():
                out[rel + " (link)"] = os.readlink(p)
            if skipped(p):
                continue
            st = p.stat()
            if p.is_dir():
                out[rel] = f"dir {oct(st.st_mode & 0o7777)}"
            else:
                digest = hashlib.sha256(p.read_bytes()).hexdigest()
                out[rel] = f"file {oct(st.st_mode & 0o7777)} {digest}"
        dirnames[:] = [d for d in dirnames if not skipped(here / d)]
    return out


def unprivileged(command: list[str]) -> list[str]:
    """As root, drop the capabilities that bypass file permissions (util-linux setpriv)."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.fail("running as root needs util-linux `setpriv` to test permission denied")
    caps = "-dac_override,-dac_read_search,-fowner"
    return [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}", "--", *command]


def specloom(
    root: Path, args: list[str], *, drop: bool = False
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "specloom", *args]
    if args[0] == "build":
        command += ["--output", "output", "--cache-dir", "cache"]
    env = {**os.environ, "SPECLOOM_TARGETS": "ir-json"}
    env.pop("PREFECT_API_URL", None)
    return subprocess.run(
        unprivileged(command) if drop else command,
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def prepare(tmp_path: Path, name: str) -> tuple[Path, dict[str, Any]]:
    case: dict[str, Any] = json.loads((HOSTILE / name / "case.json").read_text())
    root = tmp_path / "project"
    shutil.copytree(HOSTILE / "_spec", root / case.get("spec_at", "specs"))
    (tmp_path / "neighbour").mkdir()
    (tmp_path / "neighbour" / "data.txt").write_text("a neighbour's file\n")
    for args in case.get("before", []):
        done = specloom(root, args)
        assert done.returncode == 0, done.stderr
    for rel, text in case.get("files", {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    for rel, target in case.get("links", {}).items():
        link = root / rel
        if link.is_dir() and not link.is_symlink():
            shutil.rmtree(link)
        link.unlink(missing_ok=True)
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(os.path.relpath(root / target, link.parent))
    for rel in case.get("remove", []):
        (root / rel).unlink()
    for rel, mode in case.get("chmod", {}).items():
        (root / rel).chmod(int(mode, 8))
    return root, case


@pytest.mark.parametrize("name", CASES)
def test_hostile_workspace(tmp_path: Path, name: str) -> None:
    root, case = prepare(tmp_path, name)
    # the output and the caches may change (verify keeps gate results in the default cache)
    skip = [root / "output", root / "cache", root / ".specloom-cache"]
    before = snapshot(tmp_path, skip)
    kept = {k: (root / k).read_bytes() for k in case.get("kept", [])}
    try:
        for args in [case["command"], *case.get("also", [])]:
            done = specloom(root, args, drop=case.get("unprivileged", False))
            shown = f"specloom {' '.join(args)}\n{done.stdout}\n{done.stderr}"
            assert done.returncode == case["exit"], shown
            assert "Traceback" not in done.stderr, shown
            for words in case["stderr"]:
                assert words in done.stderr, shown
            if "secret" in case:
                assert case["secret"] not in done.stdout + done.stderr
    finally:
        for rel in case.get("chmod", {}):
            (root / rel).chmod(0o755)
    assert snapshot(tmp_path, skip) == before
    for rel, data in kept.items():
        assert (root / rel).read_bytes() == data
    for rel in case.get("removed", []):
        assert not (root / rel).exists(), rel
    if "secret" in case and (root / "output").is_dir():
        for p in (root / "output").rglob("*"):
            if p.is_file():
                assert case["secret"].encode() not in p.read_bytes(), p


def test_the_snapshot_sees_a_change_through_a_symlink(tmp_path: Path) -> None:
    """The snapshot would catch a build writing through output/<spec> -> elsewhere."""
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / ".backup-20241201").mkdir()
    (tmp_path / "output").mkdir()
    (tmp_path / "output" / "common").symlink_to("../elsewhere")
    before = snapshot(tmp_path, [tmp_path / "output"])
    (tmp_path / "output" / "common" / ".backup-20241201").rmdir()
    assert snapshot(tmp_path, [tmp_path / "output"]) != before
