"""PY005's wheel build through the package's own PEP 517 backend (targets/python/pep517.py):
the same wheel as pip's, the declared backend and its backend-path honoured, and a tree
that does not build is a finding with the backend's words."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from specloom.targets.python import PythonConfig, PythonTarget, pep517
from specloom.targets.python import gates as py_gates

from specloom.model import Workspace
from specloom.parse import load_workspace
from specloom.target import BuildContext

needs_setuptools = pytest.mark.skipif(
    importlib.util.find_spec("setuptools") is None, reason="setuptools not installed"
)
pytestmark = needs_setuptools

TINY_SETUP = """[project]
name = "tiny"
version = "0.1"

[tool.setuptools]
packages = ["tiny"]
"""


@pytest.fixture(scope="module")
def workspace(specs_dir: Path) -> Workspace:
    return load_workspace(specs_dir)


@pytest.fixture(scope="module")
def published(workspace: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The billing package as the pipeline publishes it: out/billing/python."""
    tmp = tmp_path_factory.mktemp("pep517")
    ctx = BuildContext(workspace=workspace, output_dir=tmp / "out", cache_dir=tmp / "cache")
    root = tmp / "out" / "billing" / "python"
    for f in PythonTarget(ctx, PythonConfig()).generate(workspace.spec("billing")):
        (root / f.path).parent.mkdir(parents=True, exist_ok=True)
        (root / f.path).write_bytes(f.data)
    return tmp / "out"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONSAFEPATH"] = "1"
    return env


def _names(dist: Path) -> list[str]:
    (whl,) = sorted(dist.glob("*.whl"))
    with zipfile.ZipFile(whl) as zf:
        return sorted(n for n in zf.namelist() if not n.endswith("/RECORD"))


def _tiny(root: Path, build_system: str) -> Path:
    (root / "tiny").mkdir(parents=True)
    (root / "tiny" / "__init__.py").write_text("X = 1\n")
    (root / "pyproject.toml").write_text(build_system + TINY_SETUP)
    return root


@pytest.mark.skipif(importlib.util.find_spec("pip") is None, reason="pip not installed")
def test_the_wheel_holds_what_pip_wheel_builds(published: Path, tmp_path: Path) -> None:
    """The published billing package: the same files, with the same bytes, as `pip wheel
    --no-deps --no-build-isolation --no-index` puts in its wheel."""
    ours, theirs = tmp_path / "ours", tmp_path / "pip"
    shutil.copytree(published / "billing" / "python", ours / "src")
    shutil.copytree(published / "billing" / "python", theirs / "src")
    proc = pep517.build_wheel(ours / "src", ours / "dist", _env())
    assert proc.returncode == 0, proc.stderr
    pip = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    subprocess.run(
        [*pip, "--no-index", "-q", "-w", str(theirs / "dist"), str(theirs / "src")],
        check=True,
        capture_output=True,
        env={**_env(), "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    assert _names(ours / "dist") == _names(theirs / "dist")
    assert "billing/tests/conformance.py" in _names(ours / "dist")
    (a,), (b,) = sorted((ours / "dist").glob("*.whl")), sorted((theirs / "dist").glob("*.whl"))
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        for name in _names(ours / "dist"):
            assert za.read(name) == zb.read(name), name


def test_without_a_build_system_table_the_legacy_backend_builds(tmp_path: Path) -> None:
    src = _tiny(tmp_path / "src", "")
    proc = pep517.build_wheel(src, tmp_path / "dist", _env())
    assert proc.returncode == 0, proc.stderr
    assert "tiny/__init__.py" in _names(tmp_path / "dist")


def test_an_in_tree_backend_on_backend_path_is_the_one_called(tmp_path: Path) -> None:
    """`backend-path` puts the tree's own backend first: its build_wheel runs (it leaves a
    marker) and delegates to setuptools."""
    src = _tiny(
        tmp_path / "src",
        '[build-system]\nrequires = []\nbuild-backend = "house"\nbackend-path = ["_backend"]\n\n',
    )
    (src / "_backend").mkdir()
    (src / "_backend" / "house.py").write_text(
        "from pathlib import Path\n"
        "from setuptools import build_meta\n\n\n"
        "def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):\n"
        "    Path('house-was-here').write_text('yes')\n"
        "    return build_meta.build_wheel(wheel_directory, config_settings, metadata_directory)\n"
    )
    proc = pep517.build_wheel(src, tmp_path / "dist", _env())
    assert proc.returncode == 0, proc.stderr
    assert (src / "house-was-here").read_text() == "yes"
    assert "tiny/__init__.py" in _names(tmp_path / "dist")


def test_a_backend_not_loaded_from_backend_path_is_refused(tmp_path: Path) -> None:
    """PEP 517: with backend-path, the backend must come from there (pip refuses too)."""
    src = _tiny(
        tmp_path / "src",
        '[build-system]\nbuild-backend = "setuptools.build_meta"\nbackend-path = ["_b"]\n\n',
    )
    (src / "_b").mkdir()
    proc = pep517.build_wheel(src, tmp_path / "dist", _env())
    assert proc.returncode == pep517.BACKEND_MISSING
    assert "was not loaded from backend-path" in proc.stderr
    assert not list((tmp_path / "dist").glob("*.whl"))


def test_an_unknown_backend_is_a_finding_naming_it(
    workspace: Workspace, published: Path, tmp_path: Path
) -> None:
    """Nothing is installed or downloaded: a backend this environment lacks fails PY005."""
    root = tmp_path / "billing"
    shutil.copytree(published / "billing" / "python", root)
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text()
    pyproject.write_text(text.replace('"setuptools.build_meta"', '"no_such_backend.api"'))
    work = tmp_path / "work"
    work.mkdir()
    found = py_gates.wheel(workspace.spec("billing"), root, work)
    assert [f.rule for f in found] == ["PY005"]
    assert "'no_such_backend.api' is not importable here" in found[0].message
    assert found[0].file == "pyproject.toml"


def test_a_pyproject_that_is_not_toml_is_a_finding(
    workspace: Workspace, published: Path, tmp_path: Path
) -> None:
    root = tmp_path / "billing"
    shutil.copytree(published / "billing" / "python", root)
    (root / "pyproject.toml").write_text('[build-system\nrequires = ["setuptools"]\n')
    work = tmp_path / "work"
    work.mkdir()
    found = py_gates.wheel(workspace.spec("billing"), root, work)
    assert [f.rule for f in found] == ["PY005"]
    assert "does not build into a wheel" in found[0].message
    assert "pyproject.toml cannot be read as TOML: Expected ']'" in found[0].message


def test_a_build_that_hangs_is_a_finding_not_a_hang(
    workspace: Workspace, published: Path, tmp_path: Path
) -> None:
    """A backend that never returns is stopped at the gate's time limit: PY005 fails."""
    root = tmp_path / "billing"
    shutil.copytree(published / "billing" / "python", root)
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text().replace('"setuptools.build_meta"', '"slow"')
    pyproject.write_text(
        text.replace("[build-system]\n", '[build-system]\nbackend-path = ["_b"]\n')
    )
    (root / "_b").mkdir()
    (root / "_b" / "slow.py").write_text(
        "import time\n\n\ndef build_wheel(*args, **kwargs):\n    time.sleep(60)\n"
    )
    work = tmp_path / "work"
    work.mkdir()
    found = py_gates.wheel(workspace.spec("billing"), root, work, timeout=2)
    assert [(f.rule, f.message) for f in found] == [("PY005", "the wheel build timed out after 2s")]
