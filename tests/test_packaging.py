"""The distribution: flows/ and targets/ ship as specloom.flows / specloom.targets in a wheel."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path

import pytest
from filelock import FileLock

REPO = Path(__file__).resolve().parent.parent

SOURCE_ROOTS = {
    "specloom": REPO / "specloom",
    "specloom.flows": REPO / "flows",
    "specloom.targets": REPO / "targets",
}


def _declared_packages() -> list[str]:
    data = tomllib.loads((REPO / "pyproject.toml").read_text())
    return list(data["tool"]["setuptools"]["packages"])


def _package_dirs() -> dict[str, Path]:
    """Every folder with an __init__.py under the three source roots, by dotted name."""
    found: dict[str, Path] = {}
    for base_name, base in SOURCE_ROOTS.items():
        for init in base.rglob("__init__.py"):
            rel = init.parent.relative_to(base)
            name = ".".join([base_name, *rel.parts]) if rel.parts else base_name
            found[name] = init.parent
    return found


def test_every_package_is_declared() -> None:
    declared = set(_declared_packages())
    missing = sorted(set(_package_dirs()) - declared)
    assert not missing, f"add these to [tool.setuptools] packages in pyproject.toml: {missing}"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # setuptools builds in the checkout's build/ folder: two builds at once (xdist workers,
    # two test runs) corrupt each other, so they take turns.
    lock = FileLock(str(Path(tempfile.gettempdir()) / "specloom-wheel-build.lock"))
    with lock:
        _build_wheel(out)
    (whl,) = out.glob("specloom-*.whl")
    return whl


@pytest.fixture(scope="module")
def site(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel installed (without dependencies) into a folder put first on PYTHONPATH."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return target


_BUILD_LOG: list[str] = []
"""stderr of the wheel build (setuptools' warnings), for test_wheel_build_has_no_warnings."""


def _build_wheel(out: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    _BUILD_LOG.append(proc.stderr)


@pytest.mark.slow
def test_wheel_build_has_no_warnings_and_ships_the_license(wheel: Path) -> None:
    assert _BUILD_LOG, "the wheel fixture did not build"
    log = _BUILD_LOG[-1]
    assert not [
        w
        for w in (
            "would be ignored",
            "BuildBackendWarning",
            "SetuptoolsWarning",
            "SetuptoolsDeprecationWarning",
        )
        if w in log
    ], log
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "specloom/scaffold/specs/todo/spec.md" in names
    meta = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert "Project-URL: Changelog," in meta and "Classifier: Typing :: Typed" in meta
    assert "Provides-Extra: docs" in meta and "Provides-Extra: all" in meta


@pytest.mark.slow
def test_wheel_layout(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "specloom/flows/__init__.py" in names
    assert "specloom/targets/__init__.py" in names
    assert not any(n.startswith(("flows/", "targets/")) for n in names), (
        "flows/targets must not be top-level packages"
    )
    for pkg, folder in _package_dirs().items():
        rel = pkg.replace(".", "/")
        for tpl in folder.glob("templates/**/*"):
            if tpl.is_file():
                arc = f"{rel}/{tpl.relative_to(folder).as_posix()}"
                assert arc in names, f"template missing from the wheel: {arc}"
    meta = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    entry_points = zipfile.ZipFile(wheel).read(meta).decode()
    assert "[specloom.targets]" in entry_points
    assert "ir-json = specloom.targets.irjson:IrJsonTarget" in entry_points


@pytest.mark.slow
def test_wheel_install_imports(site: Path, tmp_path: Path) -> None:
    code = (
        "import sys, importlib.util, specloom, specloom.flows, specloom.targets;"
        f"assert specloom.targets.__file__.startswith({str(site)!r}), specloom.targets.__file__;"
        "assert importlib.util.find_spec('flows') is None;"
        "assert importlib.util.find_spec('targets') is None;"
        "from importlib.metadata import entry_points;"
        "eps = entry_points(group='specloom.targets');"
        "assert len(eps) >= 6, eps;"
        "mods = [__import__(e.value.split(':')[0], fromlist=['x']) for e in eps];"
        "import specloom.pipeline.build, specloom.cli.main;"
        f"bad = [m.__name__ for m in mods if not m.__file__.startswith({str(site)!r})];"
        "print('ok' if not bad else bad)"
    )
    res = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(site)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "ok"


@pytest.mark.slow
def test_wheel_install_builds(site: Path, tmp_path: Path) -> None:
    """Templates and entry points work from an installed wheel, not only from the checkout."""
    import os
    import shutil

    work = tmp_path / "work"
    shutil.copytree(REPO / "specs", work / "specs")
    env = {**os.environ, "PYTHONPATH": str(site)}
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "specloom",
            "build",
            "specs",
            "--target",
            "typescript",
            "--target",
            "ir-json",
            "--output",
            "out",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode == 0, res.stdout + res.stderr
    assert (work / "out" / "billing" / "typescript" / "src" / "types.ts").is_file()
    assert (work / "out" / "billing" / "ir-json" / "ir.json").is_file()
