"""The Done-when flow of a new user: the core wheel alone in a fresh venv, in an empty git
repository: init, lint, build, a consumer importing the TypeScript, doctor, --strict."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from filelock import FileLock

REPO = Path(__file__).resolve().parent.parent
TOOLS = REPO / ".venv" / "tools" / "node_modules"
CORE_LIMIT = 35
HEAVY = ("mkdocs", "material", "prefect", "openai", "pydub", "mutagen", "watchfiles")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (TOOLS / ".bin" / "tsc").is_file() or shutil.which("npm") is None,
        reason="tsc (scripts/setup.sh) and npm are needed for the consumer step",
    ),
]


def sh(
    cmd: list[str], cwd: Path, env: dict[str, str], timeout: int = 900
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the core wheel only (its dependencies from the package index)."""
    base = tmp_path_factory.mktemp("fresh")
    dist = base / "dist"
    with FileLock(str(Path(tempfile.gettempdir()) / "specloom-wheel-build.lock")):
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
             "-w", str(dist), str(REPO)],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
    (wheel,) = dist.glob("specloom-*.whl")
    subprocess.run([sys.executable, "-m", "venv", str(base / "venv")], check=True, timeout=120)
    started = time.perf_counter()
    pip = subprocess.run(
        [str(base / "venv" / "bin" / "pip"), "install", "-q", str(wheel)],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert pip.returncode == 0, pip.stderr
    print(f"core install: {time.perf_counter() - started:.1f} s")
    return base / "venv"


def user_env(venv: Path, extra_path: str = "") -> dict[str, str]:
    """A user's shell: the venv's bin and the system, no repository tools, no PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "SPECLOOM_"))}
    env["PATH"] = os.pathsep.join(p for p in (str(venv / "bin"), extra_path, "/usr/bin:/bin") if p)
    env.pop("VIRTUAL_ENV", None)
    return env


def test_core_install_is_small_and_light(venv: Path) -> None:
    out = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "list", "--format", "json"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    names = sorted(d["name"].lower() for d in json.loads(out))
    installed = [n for n in names if n not in ("pip", "setuptools", "wheel")]
    print(f"core distributions: {len(installed)}: {installed}")
    assert len(installed) <= CORE_LIMIT, installed
    probe = f"import importlib.util as u; print([m for m in {HEAVY!r} if u.find_spec(m)])"
    found = subprocess.run(
        [str(venv / "bin" / "python"), "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert found == "[]"
    files = "import importlib.metadata as m; print([str(f) for f in m.files('specloom')])"
    lic = subprocess.run(
        [str(venv / "bin" / "python"), "-c", files], capture_output=True, text=True, check=True
    ).stdout
    assert "LICENSE" in lic


def test_init_lint_build_consume_doctor_strict(venv: Path, tmp_path: Path) -> None:
    proj = tmp_path / "proj"
    proj.mkdir()
    env = user_env(venv)
    assert sh(["git", "init", "-q"], proj, env).returncode == 0
    specloom = str(venv / "bin" / "specloom")

    init = sh([specloom, "init"], proj, env)
    assert init.returncode == 0, init.stderr
    lint = sh([specloom, "lint"], proj, env)
    assert lint.returncode == 0, lint.stdout + lint.stderr

    targets = sh([specloom, "targets", "--format", "json"], proj, env)
    rows = {r["name"]: r for r in json.loads(targets.stdout)}
    assert rows["docs"]["install"] == "pip install 'specloom[docs]'"
    assert rows["podcast"]["install"] == "pip install 'specloom[podcast]'"
    assert rows["python"]["install"] == "pip install 'specloom[python]'"
    assert rows["typescript"]["available"] and rows["rust"]["available"]
    named = sh([specloom, "build", "-t", "docs"], proj, env)
    assert named.returncode == 2 and "pip install 'specloom[docs]'" in named.stderr

    # TypeScript as a project would install it: its node_modules/.bin (tools.py, place 2)
    (proj / "node_modules").symlink_to(TOOLS, target_is_directory=True)
    build = sh([specloom, "build"], proj, env)
    assert build.returncode == 0, build.stdout + build.stderr
    assert "left out: target 'docs'" in build.stdout
    assert "left out: target 'podcast'" in build.stdout
    assert "left out: target 'python'" in build.stdout
    report = json.loads((proj / "output" / "todo" / "report.json").read_text())
    built = {t["target"] for t in report["targets"] if t["status"] == "built"}
    assert {"ir-json", "typescript", "rust", "tutorial"} <= built
    assert report["ok"] is True

    consumer = tmp_path / "consumer"
    consumer.mkdir()
    (consumer / "package.json").write_text('{"name": "c", "type": "module", "private": true}\n')
    npm = sh(
        ["npm", "install", "--offline", "--no-audit", "--no-fund", "--install-links",
         str(proj / "output" / "todo" / "typescript")],
        consumer, {**env, "PATH": os.environ["PATH"]},
    )  # fmt: skip
    assert npm.returncode == 0, npm.stderr
    (consumer / "main.mjs").write_text(
        'import { EmptyTitle, CLAUSES } from "@specloom/todo";\n'
        "console.log(new EmptyTitle('x').kind, Object.keys(CLAUSES).length > 0);\n"
    )
    node = sh(["node", "main.mjs"], consumer, {**env, "PATH": os.environ["PATH"]})
    assert node.returncode == 0, node.stderr
    assert node.stdout.split() == ["EmptyTitle", "true"]

    doctor = sh([specloom, "doctor", "--format", "json"], proj, env)
    checks = {c["name"]: c for c in json.loads(doctor.stdout)["checks"]}
    assert checks["tsc"]["found"] and checks["tsc"]["where"].endswith("(node_modules/.bin)")
    assert not checks["mkdocs"]["found"] and not checks["mypy, pytest"]["found"]
    tutorial = (proj / "output" / "todo" / "tutorial" / "tutorial.md").read_text()
    assert "{#sl-setup-python}" not in tutorial  # no code here that no gate could check
    assert doctor.returncode == 1  # docs and podcast would be left out

    (proj / "node_modules").unlink()  # tsc hidden
    strict = sh([specloom, "build", "--strict", "--force", "-t", "typescript"], proj, env)
    assert strict.returncode == 1, strict.stdout + strict.stderr
    assert "TS001" in strict.stdout
