"""`specloom doctor`: real tools found or missing, which place answered, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def doctor(cwd: Path, path: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": path}
    env.pop("PREFECT_API_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "specloom", "doctor", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_doctor_reports_versions_and_the_place_that_answered(tmp_path: Path) -> None:
    tools_bin = REPO / ".venv" / "tools" / "node_modules" / ".bin"
    if not (tools_bin / "tsc").is_file():
        pytest.skip("tsc is not installed in .venv/tools (scripts/setup.sh)")
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.specloom.tools]\ntsc = "{tools_bin / "tsc"}"\n', encoding="utf-8"
    )
    res = doctor(tmp_path, "/usr/bin:/bin", "--format", "json")
    doc = json.loads(res.stdout)
    checks = {c["name"]: c for c in doc["checks"]}
    tsc = checks["tsc"]
    assert tsc["found"] and tsc["version"].startswith("7.")
    assert tsc["where"].endswith("([tool.specloom.tools])")
    assert "typescript (TS001, TS003)" in tsc["needed_by"]
    assert checks["node"]["where"].endswith("(PATH)")
    assert res.returncode == (0 if doc["ok"] else 1)


def test_missing_tsc_is_reported_with_install_lines_and_exit_1(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.specloom]\n", encoding="utf-8")
    res = doctor(tmp_path, "/nonexistent")
    assert res.returncode == 1, res.stdout + res.stderr
    out = res.stdout
    assert "MISSING tsc" in out
    assert "Debian: sudo apt-get install nodejs npm" in out
    assert "npm install --save-dev typescript@7 @types/node" in out
    assert "typescript: tsc not found" in out


def test_no_message_points_at_setup_sh() -> None:
    """A pip user has no scripts/setup.sh: messages point at `specloom doctor`."""
    offenders = [
        str(p.relative_to(REPO))
        for root in ("specloom", "targets", "flows")
        for p in (REPO / root).rglob("*")
        if p.suffix in {".py", ".jinja"} and "setup.sh" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_python_gates_check_names_its_packages(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.specloom]\n", encoding="utf-8")
    res = doctor(tmp_path, "/usr/bin:/bin", "--format", "json")
    checks = {c["name"]: c for c in json.loads(res.stdout)["checks"]}
    py = checks["mypy, pytest"]
    assert py["found"], py  # this checkout installs the python extra
    assert py["version"].startswith("mypy ") and "pytest " in py["version"]
    assert py["needed_by"][0] == "python (PY001, PY003, PY005)"
    assert py["install"]["other"] == "pip install 'specloom[python]'"
