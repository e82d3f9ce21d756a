"""Specs in styles unlike the example workspace build with every target under --strict:
a prose-only handbook nested five deep with no interface, a warehouse of forty small operations
over deeply nested types, and a CRLF/BOM/tab file in Arabic, Hebrew and CJK with very long
lines (tests/data/unseen, written by its make_specs.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
UNSEEN = REPO / "tests" / "data" / "unseen"
BIN = REPO / ".venv" / "tools" / "node_modules" / ".bin"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (BIN / "tsc").exists() or not (BIN / "promptfoo").exists(),
        reason="tsc and promptfoo (scripts/setup.sh) are needed for a --strict build",
    ),
]


def _workspace(name: str, tmp_path: Path) -> Path:
    ws = tmp_path / name
    shutil.copytree(UNSEEN / name, ws)
    (ws / "pyproject.toml").write_text(
        '[tool.specloom]\nspecs = "specs"\noutput = "output"\n\n[tool.specloom.tools]\n'
        f'tsc = "{BIN / "tsc"}"\npromptfoo = "{BIN / "promptfoo"}"\n',
        encoding="utf-8",
    )
    return ws


@pytest.mark.parametrize("name", ["handbook", "warehouse", "lugha"])
def test_unseen_spec_builds_every_target_strict(name: str, tmp_path: Path) -> None:
    ws = _workspace(name, tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPECLOOM_")}
    lint = subprocess.run(
        [sys.executable, "-m", "specloom", "lint"], cwd=ws, env=env, capture_output=True, text=True
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    build = subprocess.run(
        [sys.executable, "-m", "specloom", "build", "--strict", "--format", "json"],
        cwd=ws, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    report = json.loads((ws / "output" / name / "report.json").read_text(encoding="utf-8"))
    built = {t["target"]: t["status"] for t in report["targets"]}
    assert set(built) >= {"docs", "evals", "podcast", "rust", "tutorial", "typescript", "openapi"}
    assert set(built.values()) == {"built"}, built
    assert report["ok"] is True


def test_the_bytes_of_the_unusual_file_survive(tmp_path: Path) -> None:
    """The lugha spec keeps its BOM, CRLF, tabs and scripts (the test data is what it claims),
    and its Arabic, Hebrew and CJK text reaches the docs site and the IR unchanged."""
    raw = (UNSEEN / "lugha" / "specs" / "lugha" / "spec.md").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and b"\t" in raw
    assert max(len(line) for line in raw.split(b"\r\n")) > 2000
    ir = subprocess.run(
        [sys.executable, "-m", "specloom", "ir", str(UNSEEN / "lugha" / "specs" / "lugha")],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    spec = json.loads(ir)
    assert spec["title"] == "Lugha: رسائل متعددة اللغات"
    assert [s["title"] for s in spec["sections"]][1:] == ["الرسائل والنص", "日本語の節"]
    assert any("שלום עולם" in c["text"] for c in spec["clauses"])
