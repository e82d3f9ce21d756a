"""`specloom build --backend openai` end to end on the fake server: fallback, cache, secrets."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

FAKE_KEY = "sk-specloom-FAKE-KEY-build-7f7f7f7f7f7f7f"
SPECLOOM = [sys.executable, "-m", "specloom"]


def tree_hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def build(ws: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*SPECLOOM, "build", "--cache-dir", "cache", "--runner", "local", *args],
        cwd=ws,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_openai_build_falls_back_caches_and_never_leaks_the_key(
    specs_dir: Path, tmp_path: Path, fake_openai: Any
) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(specs_dir, ws / "specs")
    (ws / "specloom.toml").write_text(
        'specs = "specs"\noutput = "output"\n[llm]\nbackoff_base = 0.0\nmax_retries = 1\n'
        "gate_retries = 1\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "PREFECT_API"))}
    template = build(ws, env, "-t", "tutorial", "--output", "template-output")
    assert template.returncode == 0, template.stderr

    env |= {"OPENAI_API_KEY": FAKE_KEY, "OPENAI_BASE_URL": fake_openai.base_url}
    first = build(ws, env, "-t", "tutorial", "--backend", "openai")
    assert first.returncode == 0, first.stderr
    requests = len(fake_openai.chat_requests())
    assert requests > 0
    # every request carried the key; the fake server's schema samples fail the tutorial's
    # gates, so the build retried with the findings and then published the template output
    assert all(r.headers["authorization"] == f"Bearer {FAKE_KEY}" for r in fake_openai.requests)
    assert "LLM prose for tutorial not used" in first.stdout + first.stderr
    for spec in ("billing", "common"):
        assert tree_hashes(ws / "output" / spec / "tutorial") == tree_hashes(
            ws / "template-output" / spec / "tutorial"
        )
    report = json.loads((ws / "output" / "billing" / "report.json").read_text())
    text = json.dumps(report)
    assert '"LLM001"' in text and '"estimated_cost_usd"' in text

    # an unchanged forced rebuild asks the server nothing: every answer is cached
    again = build(ws, env, "-t", "tutorial", "--backend", "openai", "--force")
    assert again.returncode == 0, again.stderr
    assert len(fake_openai.chat_requests()) == requests

    # the key is nowhere: not in outputs, manifests, reports, cache entries or logs
    logs = first.stdout + first.stderr + again.stdout + again.stderr
    assert FAKE_KEY not in logs and FAKE_KEY[:16] not in logs
    files = [p for p in ws.rglob("*") if p.is_file()]
    assert any(p.name == "manifest.json" for p in files)
    assert any("cache" in p.relative_to(ws).parts for p in files)
    leaked = [p for p in files if FAKE_KEY[:16].encode() in p.read_bytes()]
    assert leaked == []

    # with on_failure = "fail", a server that times out fails the target and leaves the
    # last published output exactly as it was
    published = {s: tree_hashes(ws / "output" / s / "tutorial") for s in ("billing", "common")}
    (ws / "specloom.toml").write_text(
        'specs = "specs"\noutput = "output"\n[llm]\nbackoff_base = 0.0\nmax_retries = 0\n'
        'timeout = 0.3\non_failure = "fail"\n',
        encoding="utf-8",
    )
    shutil.rmtree(ws / "cache" / "llm")
    fake_openai.script(*[fake_openai.delay(1.0)] * 10)
    failed = build(ws, env, "-t", "tutorial", "--backend", "openai", "--force")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "timed out after 0.3s" in failed.stdout + failed.stderr
    assert published == {
        s: tree_hashes(ws / "output" / s / "tutorial") for s in ("billing", "common")
    }
    assert FAKE_KEY[:16] not in failed.stdout + failed.stderr
