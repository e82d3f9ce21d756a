"""Run `mkdocs build --strict` on a generated project, in a subprocess with a timeout."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

SOURCE_DATE_EPOCH = "315532800"
"""1980-01-01: MkDocs stamps the sitemap with this instead of today (byte-identical builds)."""


@dataclass
class MkDocsResult:
    """The outcome of one build: success, seconds taken and the tail of its log."""

    ok: bool
    seconds: float
    log: str
    available: bool = True


def mkdocs_available() -> bool:
    """True when mkdocs and the Material theme can be imported by this interpreter."""
    return all(importlib.util.find_spec(m) is not None for m in ("mkdocs", "material"))


RUNNER = Path(__file__).with_name("mkdocs_run.py")
"""Runs MkDocs' command line with a Jinja bytecode cache (see mkdocs_run.py)."""


def command(project: Path, jinja_cache: Path | None) -> list[str]:
    """`mkdocs build --strict --clean -f project/mkdocs.yml`, through the runner when a
    cache folder for the theme's compiled templates is given."""
    args = ["build", "--strict", "--clean", "-f", str(project / "mkdocs.yml")]
    if jinja_cache is None:
        return [sys.executable, "-m", "mkdocs", *args]
    # -P: the runner's folder (this package's modules) must not shadow what MkDocs imports
    return [sys.executable, "-P", str(RUNNER), str(jinja_cache.absolute()), "--", *args]


def build_site(
    project: Path, timeout: float = 600.0, jinja_cache: Path | None = None
) -> MkDocsResult:
    """Build `project/mkdocs.yml` into `project/site` with `--strict` (the theme's compiled
    templates kept in `jinja_cache`, when given)."""
    project = project.absolute()  # mkdocs runs in `project`: a relative -f would not resolve
    if not mkdocs_available():
        return MkDocsResult(
            ok=False, seconds=0.0, log="mkdocs or mkdocs-material is not installed", available=False
        )
    env = dict(os.environ)
    env["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    env["NO_MKDOCS_2_WARNING"] = "1"
    env.setdefault("PYTHONHASHSEED", "0")
    start = time.perf_counter()
    # No `-q`: it hides warnings from the counter that makes `--strict` fail.
    try:
        proc = subprocess.run(
            command(project, jinja_cache),
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return MkDocsResult(
            ok=False,
            seconds=time.perf_counter() - start,
            log=f"mkdocs build timed out after {timeout:.0f} s",
        )
    lines = (proc.stdout + proc.stderr).strip().splitlines()
    # The warnings say what failed; the tail says how the build ended.
    problems = [ln for ln in lines if ln.startswith(("WARNING", "ERROR"))][:15]
    tail = [ln for ln in lines[-5:] if ln not in problems]
    log = "\n".join(problems + tail)
    return MkDocsResult(
        ok=proc.returncode == 0,
        seconds=time.perf_counter() - start,
        log=log,
    )
