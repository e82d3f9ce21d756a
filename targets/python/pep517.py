"""Build a wheel through a source tree's own PEP 517 backend, in one child interpreter.

What `pip wheel --no-deps --no-build-isolation --no-index` does with a local folder, less
pip itself: pip starts (about 0.3 s of CPU), then calls two hooks in two more interpreters
(`prepare_metadata_for_build_wheel`, then `build_wheel`), each importing the backend again.
Here one interpreter reads `[build-system]` (PEP 518), puts `backend-path` first on
`sys.path` as PEP 517 says, imports the declared backend (the PEP's default
`setuptools.build_meta:__legacy__` when none is declared) and calls `build_wheel` with the
tree as its working folder, as `pyproject_hooks` (pip's hook caller) does. Nothing is
installed and nothing downloaded: the backend comes from this environment or not at all.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BACKEND_MISSING = 3
"""The runner's exit status when the declared backend cannot be imported."""

RUNNER = """
import importlib, os, sys, tomllib
dist = sys.argv[1]
try:
    with open("pyproject.toml", "rb") as f:
        table = tomllib.load(f).get("build-system", {})
except (OSError, tomllib.TOMLDecodeError) as e:
    print(f"pyproject.toml cannot be read as TOML: {e}", file=sys.stderr)
    sys.exit(1)
name = table.get("build-backend", "setuptools.build_meta:__legacy__")
paths = [os.path.abspath(p) for p in table.get("backend-path", [])]
sys.path[:0] = paths
module, _, attr = name.partition(":")
try:
    backend = importlib.import_module(module)
except ImportError as e:
    print(f"the build backend {name!r} is not importable here: {e}", file=sys.stderr)
    sys.exit(3)  # BACKEND_MISSING
if paths and not any(
    os.path.abspath(getattr(backend, "__file__", "") or "").startswith(p + os.sep) for p in paths
):
    print(f"the build backend {name!r} was not loaded from backend-path", file=sys.stderr)
    sys.exit(3)  # BACKEND_MISSING
for part in filter(None, attr.split(".")):
    backend = getattr(backend, part)
backend.build_wheel(os.path.abspath(dist))
"""
"""Run with the source tree as the working folder and the wheel folder as argument."""


def build_wheel(
    src: Path, dist: Path, env: dict[str, str], timeout: float = 600.0
) -> subprocess.CompletedProcess[str]:
    """Build `src` (a folder with a pyproject.toml) into a wheel in `dist`; `src` gets the
    backend's scratch files (build/, *.egg-info), so pass a copy."""
    dist.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [sys.executable, "-c", RUNNER, str(dist)],
        capture_output=True,
        text=True,
        cwd=src,
        env=env,
        timeout=timeout,
    )
