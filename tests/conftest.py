"""Shared fixtures: paths of the repository, the example workspace and the real corpus."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parent.parent
SPECS = REPO / "specs"
CORPUS = Path(os.environ.get("SPECLOOM_CORPUS") or REPO.parent / "shared" / "corpus")
"""The one setting for the Model Spec corpus: SPECLOOM_CORPUS, default ../shared/corpus."""
MODEL_SPEC = CORPUS / "model_spec"
REQUIRE_CORPUS = os.environ.get("SPECLOOM_REQUIRE_CORPUS", "") not in ("", "0")
"""Set by .ci/run: a missing corpus fails the corpus tests instead of skipping them."""
GOLDEN = REPO / "tests" / "golden"
TOOLS_BIN = REPO / ".venv" / "tools" / "node_modules" / ".bin"

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

# Hypothesis: random exploration on developer machines; in CI (CI=true) the same cases on
# every run, so a submission's result does not depend on the draw. Developers find new
# cases, and each one found becomes an explicit @example. No deadline: 2 loaded cores.
settings.register_profile("dev", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
if TOOLS_BIN.is_dir() and str(TOOLS_BIN) not in os.environ.get("PATH", ""):
    os.environ["PATH"] = f"{TOOLS_BIN}{os.pathsep}{os.environ.get('PATH', '')}"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite the golden files under tests/golden/ from the current output",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    """True when the run was asked to rewrite goldens (`pytest --update-goldens`)."""
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def specs_dir() -> Path:
    return SPECS


@pytest.fixture
def ws(tmp_path: Path, specs_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the example workspace at tmp_path/specs; tmp_path is the working folder."""
    shutil.copytree(specs_dir, tmp_path / "specs")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def corpus_missing() -> str | None:
    """Why the corpus tests cannot run (None when the corpus is there)."""
    if (MODEL_SPEC / "model_spec.md").is_file():
        return None
    return (
        f"the Model Spec corpus is not at {MODEL_SPEC} "
        "(set SPECLOOM_CORPUS to the folder holding model_spec/)"
    )


@pytest.fixture(scope="session")
def model_spec_dir() -> Path:
    """The Model Spec folder; the test is skipped without it, or fails when
    SPECLOOM_REQUIRE_CORPUS=1 (.ci/run sets it)."""
    why = corpus_missing()
    if why is not None:
        if REQUIRE_CORPUS:
            pytest.fail(f"{why}; SPECLOOM_REQUIRE_CORPUS is set, so this is a failure")
        pytest.skip(why)
    return MODEL_SPEC


@pytest.fixture(scope="session")
def optional_model_spec_dir() -> Path | None:
    """The Model Spec folder for tests that also run without it; required like
    `model_spec_dir` when SPECLOOM_REQUIRE_CORPUS is set."""
    why = corpus_missing()
    if why is not None and REQUIRE_CORPUS:
        pytest.fail(f"{why}; SPECLOOM_REQUIRE_CORPUS is set, so this is a failure")
    return None if why else MODEL_SPEC


@pytest.fixture
def fake_openai() -> Iterator[Any]:
    """A started tests/llm/fake_openai.FakeOpenAI server (real HTTP on 127.0.0.1).

    Point a client at `fake_openai.base_url`; script answers with
    `fake_openai.script(fake_openai.status(429), fake_openai.ok({...}))`.
    Skipped where the `llm` extra is not installed (the core-only lowest-versions run).
    """
    pytest.importorskip("openai", reason="the llm extra (openai) is not installed")
    spec = importlib.util.spec_from_file_location(
        "specloom_tests_fake_openai", REPO / "tests" / "llm" / "fake_openai.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    with module.FakeOpenAI() as server:
        yield server


class GoldenTree:
    """Compares generated files with a golden folder, whole and both ways (missing and extra
    files fail), printing a unified diff and the command that rewrites the goldens."""

    def __init__(self, update: bool, nodeid: str) -> None:
        self.update = update
        self.test_file = nodeid.split("::")[0]

    def check(self, got: dict[str, bytes], folder: Path) -> None:
        """`got` maps POSIX paths relative to `folder` to bytes; rewrite or compare."""
        import difflib
        import shutil

        if self.update:
            shutil.rmtree(folder, ignore_errors=True)
            for rel, data in got.items():
                (folder / rel).parent.mkdir(parents=True, exist_ok=True)
                (folder / rel).write_bytes(data)
            return
        have = {
            p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }
        problems: list[str] = []
        for rel in sorted(got.keys() | have.keys()):
            if rel not in have:
                problems.append(f"{rel}: generated, not in the goldens")
            elif rel not in got:
                problems.append(f"{rel}: in the goldens, no longer generated")
            elif got[rel] != have[rel]:
                diff = difflib.unified_diff(
                    have[rel].decode(errors="replace").splitlines(),
                    got[rel].decode(errors="replace").splitlines(),
                    f"golden/{rel}",
                    f"generated/{rel}",
                    lineterm="",
                )
                problems.append("\n".join(diff))
        if problems:
            pytest.fail(
                "\n".join(problems)
                + f"\n\nupdate with: .venv/bin/pytest {self.test_file} --update-goldens"
            )


@pytest.fixture
def golden_tree(request: pytest.FixtureRequest, update_goldens: bool) -> GoldenTree:
    """`golden_tree.check(files, folder)`: the golden comparison every target test uses."""
    return GoldenTree(update_goldens, request.node.nodeid)
