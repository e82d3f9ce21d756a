"""Fixtures of the mutation suite: the example workspace built once per session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # mutants_*.py import `harness` by name
    sys.path.insert(0, str(HERE))

from harness import Baseline  # noqa: E402


@pytest.fixture(scope="session")
def gate_baseline(tmp_path_factory: pytest.TempPathFactory, specs_dir: Path) -> Baseline:
    """The example workspace and its output, built lazily per target (strict gates)."""
    return Baseline(tmp_path_factory.mktemp("gate-baseline"), specs_dir)
