"""Reuse of gate results in `specloom verify`, keyed on what the gates actually read.

The key is never the manifest: it is the sha256 of the published bytes the gates check
(hashed again by `verify` itself), the target's labelled inputs computed from the current
spec (its IR slice, imports, config, code and templates, version), the build settings the
grader reads, the specloom version, and a fingerprint of the tools the gates run (tsc,
cargo, rustc, node, ffmpeg, espeak-ng, mkdocs... and the installed Python distributions).
Any change to any of them is a miss, so a gate whose input changed always runs again.
Only results without an error are kept: a failure is recomputed, never replayed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import sysconfig
from functools import cache
from pathlib import Path
from typing import Any

from specloom.findings import Finding

TOOLS = (
    "tsc",
    "node",
    "cargo",
    "rustc",
    "mkdocs",
    "ffmpeg",
    "ffprobe",
    "espeak-ng",
    "mypy",
    "java",
)
"""Programs whose version a gate's verdict may depend on (looked up like the gates do)."""
EXTRA_DIRS = (Path("/usr/share/cargo/registry"),)
"""Folders whose listing is part of a gate's environment (Debian's crates for RS004)."""


def _search_path() -> str:
    here = Path(__file__).resolve().parents[2]
    local = [here / ".venv" / "tools" / "node_modules" / ".bin", Path(sys.prefix) / "bin"]
    return os.pathsep.join([*(str(p) for p in local), os.environ.get("PATH", "")])


@cache
def tool_fingerprint() -> str:
    """sha256 over each tool's resolved path, size and mtime (an upgrade changes them),
    the listing of `EXTRA_DIRS`, and the names of the installed Python distributions
    (`*.dist-info` folder names carry their versions)."""
    parts: list[Any] = []
    path = _search_path()
    for name in TOOLS:
        found = shutil.which(name, path=path)
        if found is None:
            parts.append([name, None])
            continue
        real = Path(found).resolve()
        st = real.stat()
        parts.append([name, str(real), st.st_size, st.st_mtime_ns])
    for d in EXTRA_DIRS:
        parts.append([str(d), sorted(os.listdir(d)) if d.is_dir() else None])
    purelib = Path(sysconfig.get_paths()["purelib"])
    dists = sorted(p.name for p in purelib.glob("*.dist-info")) if purelib.is_dir() else []
    parts.append(["python", sys.version, dists])
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def gate_key(
    target: str, files: dict[str, str], inputs: dict[str, str], settings: dict[str, Any]
) -> str:
    """The reuse key of one target's gates (see the module docstring)."""
    from specloom import __version__

    payload = {
        "target": target,
        "files": files,
        "inputs": inputs,
        "settings": settings,
        "specloom": __version__,
        "tools": tool_fingerprint(),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _path(cache_dir: Path, spec_id: str, target: str, key: str) -> Path:
    return cache_dir / "gate-results" / spec_id / target / f"{key}.json"


def load(cache_dir: Path, spec_id: str, target: str, key: str) -> list[Finding] | None:
    """The findings stored under `key`, or None (a miss, or an unreadable entry)."""
    try:
        data = json.loads(_path(cache_dir, spec_id, target, key).read_text(encoding="utf-8"))
        return [Finding.model_validate(f) for f in data["findings"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store(cache_dir: Path, spec_id: str, target: str, key: str, findings: list[Finding]) -> None:
    """Keep `findings` under `key` (older entries of this target are dropped); a cache that
    cannot be written is not an error, the next verify just runs the gates again."""
    path = _path(cache_dir, spec_id, target, key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob("*.json"):
            if old.name != path.name:
                old.unlink(missing_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        data = {"findings": [f.model_dump(mode="json") for f in findings]}
        tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        return
