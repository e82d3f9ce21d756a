"""`specloom doctor`: every external tool and optional module, found or missing, and the fix."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
import subprocess
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from specloom.tools import ToolLookup

DEBIAN_REGISTRY = Path("/usr/share/cargo/registry")
SERDE_CRATES = ("serde", "serde_derive", "serde_json", "syn", "quote", "proc-macro2")


@dataclass(frozen=True)
class Check:
    """One thing a target or gate needs: how to find it and how to install it."""

    name: str
    kind: str
    """`tool` (an executable), `module` (a Python distribution) or `service`."""
    needed_by: tuple[str, ...]
    """Targets or gates that use it, as shown (`typescript (TS001, TS003)`)."""
    debian: str = ""
    other: str = ""
    """The install line outside Debian (npm, pip, rustup)."""
    version_args: tuple[str, ...] = ("--version",)
    targets: tuple[str, ...] = ()
    """Target names that cannot run their gates without it (for the exit code)."""


@dataclass
class Status:
    """What doctor found for one check."""

    check: Check
    found: bool
    version: str = ""
    where: str = ""
    """The path and which lookup place gave it (`PATH`, `node_modules/.bin`, ...)."""
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        c = self.check
        return {
            "name": c.name,
            "kind": c.kind,
            "found": self.found,
            "version": self.version,
            "where": self.where,
            "note": self.note,
            "needed_by": list(c.needed_by),
            "install": {"debian": c.debian, "other": c.other},
        }


CHECKS: tuple[Check, ...] = (
    Check(
        "tsc",
        "tool",
        ("typescript (TS001, TS003)", "tutorial (TUT001)"),
        debian="sudo apt-get install nodejs npm",
        other="npm install --save-dev typescript@7 @types/node   # in the project folder",
        targets=("typescript", "tutorial"),
    ),
    Check(
        "node",
        "tool",
        ("tsc", "the generated conformance tests"),
        debian="sudo apt-get install nodejs",
        targets=("typescript", "tutorial"),
    ),
    Check(
        "cargo",
        "tool",
        ("rust (RS001, RS003, RS004)", "tutorial (TUT002)"),
        debian="sudo apt-get install cargo",
        other="rustup (https://rustup.rs)",
        targets=("rust", "tutorial"),
    ),
    Check(
        "rustc",
        "tool",
        ("cargo",),
        debian="sudo apt-get install rustc",
        targets=("rust", "tutorial"),
    ),
    Check(
        "serde crates",
        "crates",
        ("rust --features serde (RS004)",),
        debian="sudo apt-get install librust-serde-dev librust-serde-derive-dev "
        "librust-serde-json-dev",
    ),
    Check(
        "ffmpeg",
        "tool",
        ("podcast (MP3 encoding, POD003-POD007)",),
        debian="sudo apt-get install ffmpeg",
        version_args=("-version",),
        targets=("podcast",),
    ),
    Check(
        "espeak-ng",
        "tool",
        ("podcast (offline TTS)",),
        debian="sudo apt-get install espeak-ng",
        targets=("podcast",),
    ),
    Check(
        "promptfoo",
        "tool",
        ("evals (EVL007: promptfoo validate)",),
        debian="sudo apt-get install nodejs npm",
        other="npm install --save-dev --omit=optional promptfoo@0.121.20   # last release for "
        "Node 20; newer ones need Node 22.22",
        targets=("evals",),
    ),
    Check(
        "chromium",
        "tool",
        ("the docs site's browser test (tests/browser)",),
        debian="sudo apt-get install chromium chromium-driver",
    ),
    Check(
        "mkdocs",
        "module",
        ("docs (DOC001)",),
        other="pip install 'specloom[docs]'",
        targets=("docs",),
    ),
    Check(
        "mypy, pytest",
        "python",
        ("python (PY001, PY003, PY005)", "tutorial's Python walk-through (TUT009)"),
        other="pip install 'specloom[python]'",
        targets=("python",),
    ),
    Check(
        "prefect",
        "service",
        ("build --runner prefect", "schedule"),
        other="pip install 'specloom[prefect]'; prefect server start; "
        "export PREFECT_API_URL=http://127.0.0.1:4200/api",
    ),
)


def _version(exe: Path, args: tuple[str, ...]) -> str:
    try:
        proc = subprocess.run(
            [str(exe), *args], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"(does not run: {exc})"
    text = (proc.stdout or proc.stderr).strip().splitlines()
    first = text[0] if text else ""
    m = re.search(r"\d+\.\d+(\.\d+)?([-+.\w]*)?", first)
    return m.group(0) if m else first[:60]


def _tool(check: Check, lookup: ToolLookup) -> Status:
    found = lookup.find(check.name)
    if found is None:
        bad = lookup.configured_but_missing(check.name)
        note = f"[tool.specloom.tools] {check.name} = {bad} is not an executable" if bad else ""
        return Status(check, False, note=note)
    return Status(check, True, _version(found.path, check.version_args), _where(found))


def _where(found: Any) -> str:
    return f"{found.path} ({found.source})"


def _serde(check: Check, _lookup: ToolLookup) -> Status:
    if not DEBIAN_REGISTRY.is_dir():
        return Status(check, False, note=f"{DEBIAN_REGISTRY} does not exist")
    have = {p.name.rsplit("-", 1)[0]: p.name.rsplit("-", 1)[-1] for p in DEBIAN_REGISTRY.iterdir()}
    missing = [c for c in SERDE_CRATES if c not in have]
    if missing:
        return Status(
            check, False, where=str(DEBIAN_REGISTRY), note="missing: " + ", ".join(missing)
        )
    return Status(check, True, f"serde {have['serde']}", str(DEBIAN_REGISTRY))


def _module(check: Check, _lookup: ToolLookup) -> Status:
    if importlib.util.find_spec("mkdocs") is None:
        return Status(check, False)
    versions = []
    for dist in ("mkdocs", "mkdocs-material"):
        try:
            versions.append(f"{dist} {importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            return Status(check, False, note=f"{dist} is not installed")
    return Status(check, True, ", ".join(versions), "Python environment")


PYTHON_GATES = {"mypy": "mypy", "pytest": "pytest", "setuptools": "setuptools"}
"""What the python target's gates import (module -> distribution); its package needs
pydantic>=2.11 (PY003)."""


def _python(check: Check, _lookup: ToolLookup) -> Status:
    versions, missing = [], []
    for mod, dist in PYTHON_GATES.items():
        if importlib.util.find_spec(mod) is None:
            missing.append(dist)
            continue
        versions.append(f"{dist} {importlib.metadata.version(dist)}")
    pydantic = importlib.metadata.version("pydantic")
    if tuple(int(x) for x in pydantic.split(".")[:2] if x.isdigit()) < (2, 11):
        missing.append(f"pydantic>=2.11 (found {pydantic})")
    if missing:
        return Status(check, False, ", ".join(versions), note=", ".join(missing) + " missing")
    return Status(check, True, ", ".join(versions), "Python environment")


def _prefect(check: Check, _lookup: ToolLookup) -> Status:
    try:
        version = importlib.metadata.version("prefect")
    except importlib.metadata.PackageNotFoundError:
        return Status(check, False, note="prefect is not installed (the local runner is used)")
    url = os.environ.get("PREFECT_API_URL", "")
    if not url:
        return Status(check, True, version, note="PREFECT_API_URL is not set: local runner")
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/health", timeout=3) as resp:
            ok = resp.status == 200
    except OSError as exc:
        return Status(check, False, version, url, f"the API does not answer: {exc}")
    return Status(check, ok, version, url, "" if ok else "the API answered with an error")


PROBES: dict[str, Callable[[Check, ToolLookup], Status]] = {
    "tool": _tool,
    "crates": _serde,
    "module": _module,
    "python": _python,
    "service": _prefect,
}


@dataclass
class Report:
    """Every check's status, plus the default targets that would be skipped or left out."""

    statuses: list[Status]
    skipped: dict[str, list[str]] = field(default_factory=dict)
    """Default target -> why it would be left out or have gates not run."""

    @property
    def exit_code(self) -> int:
        return 1 if self.skipped else 0


def run_doctor(settings: Mapping[str, Any], default_targets: list[str]) -> Report:
    """Probe every check; a default target is `skipped` if its extra or a tool is missing."""
    from specloom.pipeline.registry import target_info

    lookup = ToolLookup.from_settings(settings)
    statuses = [PROBES[c.kind](c, lookup) for c in CHECKS]
    report = Report(statuses)
    for name in default_targets:
        info = target_info(name)
        why = [] if info.available else [info.reason()]
        why += [
            f"{s.check.name} not found"
            for s in statuses
            if not s.found and name in s.check.targets and s.check.kind in ("tool", "python")
        ]
        if why:
            report.skipped[name] = why
    return report
