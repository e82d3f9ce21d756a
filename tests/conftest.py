"""Shared fixtures: paths of the repository, the example workspace and the real corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SPECS = REPO / "specs"
CORPUS = REPO.parent / "shared" / "corpus"
MODEL_SPEC = CORPUS / "model_spec"
GOLDEN = REPO / "tests" / "golden"
TOOLS_BIN = REPO / ".venv" / "tools" / "node_modules" / ".bin"

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
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


@pytest.fixture(scope="session")
def model_spec_dir() -> Path:
    if not (MODEL_SPEC / "model_spec.md").is_file():
        pytest.fail(f"the Model Spec corpus is missing at {MODEL_SPEC}")
    return MODEL_SPEC
