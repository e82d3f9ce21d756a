"""The tutorial's set-up commands run as printed (offline), and its project files plug into
the generated suite: with nothing implemented every case fails; with the hand-written
correct implementation in the factory module every case passes."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from specloom.targets.rust import gates as rs_gates
from specloom.targets.tutorial import TutorialTarget
from specloom.targets.tutorial.compile import project_files
from specloom.targets.tutorial.readback import read_tutorial
from specloom.targets.typescript import gates as ts_gates

from specloom.parse import load_workspace
from specloom.target import BuildContext

IMPL = Path(__file__).parent / "impl"


def _env(tmp: Path) -> dict[str, str]:
    """PATH with this checkout's specloom and tools; npm offline, from its cache only."""
    venv = Path(sys.executable).parent
    tsc = ts_gates.find_tsc()
    extra = [str(venv)] + ([str(Path(tsc).parent)] if tsc else [])
    return dict(
        os.environ,
        PATH=os.pathsep.join([*extra, os.environ.get("PATH", "")]),
        npm_config_offline="true",
        npm_config_update_notifier="false",
        CARGO_TARGET_DIR=str(tmp / "cargo-target"),
        CARGO_TERM_COLOR="never",
    )


def _run(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-e", "-c", command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _setup(
    tmp: Path, specs_dir: Path, spec_id: str, lang: str, env: dict[str, str] | None = None
) -> tuple[Path, str, list[str]]:
    """A fresh workspace, the tutorial's set-up block for `lang` run in it; returns the
    project folder, the run command and the case names."""
    ws_root = tmp / "ws"
    shutil.copytree(specs_dir, ws_root / "specs")
    (ws_root / "pyproject.toml").write_text('[tool.specloom]\nspecs = "specs"\n')
    ws = load_workspace(ws_root / "specs")
    target = TutorialTarget(BuildContext(workspace=ws, output_dir=tmp / "o", cache_dir=tmp / "c"))
    (only,) = target.generate(ws.specs[spec_id])
    text = only.data.decode()
    read = read_tutorial(text)
    (setup,) = [b for b in read.setup[lang].blocks if b.lang == "sh"]
    env = env or _env(tmp)
    proc = _run("\n".join(setup.lines), ws_root, env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    project = ws_root / f"my-{spec_id}"
    fence = {"typescript": "ts", "rust": "rust", "python": "python"}[lang]
    for path, body in project_files(read.blocks, fence).items():
        dest = project / path
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text("\n".join(t for _, t in body) + "\n", encoding="utf-8")
    assert lang in read.implement
    run = re.search(
        r"then run `([^`]+)` after each operation", text[text.index("{#sl-implement-" + lang) :]
    )
    assert run is not None
    cases = [c.name for c in target_cases(ws, spec_id)]
    return project, run.group(1), cases


def target_cases(ws: object, spec_id: str) -> list[object]:
    from specloom.targets.values import ValueBuilder

    return ValueBuilder(ws.specs[spec_id], ws).cases()  # type: ignore[attr-defined]


def _ts_results(out: str) -> tuple[set[str], set[str]]:
    ok = set(re.findall(r"^ok \d+ - (\w+):", out, re.M))
    bad = set(re.findall(r"^not ok \d+ - (\w+):", out, re.M))
    return ok, bad


def _rs_results(out: str) -> tuple[set[str], set[str]]:
    ok = set(re.findall(r"^test (\w+) \.\.\. ok$", out, re.M))
    bad = set(re.findall(r"^test (\w+) \.\.\. FAILED$", out, re.M))
    return ok, bad


needs_tools = pytest.mark.skipif(
    ts_gates.find_tsc() is None or shutil.which("npm") is None or rs_gates.find_cargo() is None,
    reason="tsc, npm and cargo are needed",
)


@needs_tools
@pytest.mark.slow
@pytest.mark.parametrize("spec_id", ["counters", "billing"])
def test_typescript_set_up_runs_as_printed(tmp_path: Path, specs_dir: Path, spec_id: str) -> None:
    project, run, cases = _setup(tmp_path, specs_dir, spec_id, "typescript")
    env = _env(tmp_path)
    first = _run(run, project, env)
    ok, bad = _ts_results(first.stdout)
    assert first.returncode != 0 and ok == set() and bad == set(cases), first.stdout[-3000:]
    shutil.copy(IMPL / "typescript" / spec_id / "correct" / "service.ts", project / "src")
    done = _run(run, project, env)
    ok, bad = _ts_results(done.stdout)
    assert done.returncode == 0 and ok == set(cases) and bad == set(), done.stdout[-3000:]


@needs_tools
@pytest.mark.slow
@pytest.mark.parametrize("spec_id", ["counters", "billing"])
def test_rust_set_up_runs_as_printed(tmp_path: Path, specs_dir: Path, spec_id: str) -> None:
    project, run, cases = _setup(tmp_path, specs_dir, spec_id, "rust")
    env = _env(tmp_path)
    first = _run(run, project, env)
    ok, bad = _rs_results(first.stdout)
    assert first.returncode != 0 and ok == set() and bad == set(cases), first.stdout[-3000:]
    # The correct implementation becomes the factory module; the tutorial's example modules
    # stay, and the struct the test module names is the implementation.
    lib = project / "src" / "lib.rs"
    modules = lib.read_text().split("/// The calls of the tutorial's steps")[1]
    correct = (IMPL / "rust" / spec_id / "correct" / "src" / "lib.rs").read_text()
    struct = re.search(r"pub struct (\w+)", correct)
    assert struct is not None
    lib.write_text(
        correct
        + f"\npub type My{spec_id.capitalize()} = {struct.group(1)};\n"
        + "/// The calls of the tutorial's steps"
        + modules
    )
    done = _run(run, project, env)
    ok, bad = _rs_results(done.stdout)
    assert done.returncode == 0 and ok == set(cases) and bad == set(), (
        done.stdout[-3000:] + done.stderr[-3000:]
    )


def _py_env(tmp: Path) -> dict[str, str]:
    """A user's own virtual environment as the tutorial's `python -m pip install` line meets
    it: a fresh venv first on PATH that sees this checkout's packages (pydantic, pytest,
    mypy, setuptools) through a .pth file, pip offline and without build isolation, so the
    printed command installs the published packages into that venv and nowhere else."""
    venv = tmp / "user-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site, "specloom-env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = _env(tmp)
    env["PATH"] = os.pathsep.join([str(venv / "bin"), env["PATH"]])
    env.update(PIP_NO_INDEX="1", PIP_NO_BUILD_ISOLATION="0", PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("PYTHONPATH", None)
    return env


def _py_results(out: str) -> tuple[set[str], set[str]]:
    ok = set(re.findall(r"^tests/test_conformance\.py::test_(\w+) PASSED", out, re.M))
    bad = set(re.findall(r"^tests/test_conformance\.py::test_(\w+) FAILED", out, re.M))
    return ok, bad


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="mypy is needed")
@pytest.mark.parametrize("spec_id", ["counters", "billing"])
def test_python_set_up_runs_as_printed(tmp_path: Path, specs_dir: Path, spec_id: str) -> None:
    env = _py_env(tmp_path)
    project, run, cases = _setup(tmp_path, specs_dir, spec_id, "python", env)
    first = _run(run, project, env)
    ok, bad = _py_results(first.stdout)
    assert first.returncode != 0 and ok == set() and bad == set(cases), first.stdout[-3000:]
    # the correct implementation replaces the factory module (same package and factory name)
    package = f"my_{spec_id}"
    shutil.copy(IMPL / "python" / spec_id / "correct" / package / "service.py", project / package)
    done = _run(run, project, env)
    ok, bad = _py_results(done.stdout)
    assert done.returncode == 0 and ok == set(cases) and bad == set(), (
        done.stdout[-3000:] + done.stderr[-3000:]
    )
