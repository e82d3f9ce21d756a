"""The corpus tests: skipped with the reason when the corpus is absent, required in CI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS_TESTS = ["tests/parse/test_model_spec.py", "tests/check/test_robustness.py"]


def run_pytest(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("SPECLOOM_")}
    full.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            *CORPUS_TESTS,
            "-q",
            "-rs",
            "-n",
            "0",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
        ],
        cwd=REPO,
        env=full,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_absent_corpus_skips_with_the_reason(tmp_path: Path) -> None:
    res = run_pytest(tmp_path, SPECLOOM_CORPUS=str(tmp_path / "nothing"))
    assert res.returncode == 0, res.stdout
    assert "the Model Spec corpus is not at" in res.stdout
    assert " skipped" in res.stdout.splitlines()[-1] and "failed" not in res.stdout.splitlines()[-1]


def test_absent_corpus_fails_when_required(tmp_path: Path) -> None:
    res = run_pytest(
        tmp_path, SPECLOOM_CORPUS=str(tmp_path / "nothing"), SPECLOOM_REQUIRE_CORPUS="1"
    )
    assert res.returncode == 1
    assert "SPECLOOM_REQUIRE_CORPUS is set, so this is a failure" in res.stdout
    assert "skipped" not in res.stdout.splitlines()[-1]


def test_ci_requires_the_corpus() -> None:
    assert "export SPECLOOM_REQUIRE_CORPUS=1" in (REPO / ".ci" / "run").read_text()
