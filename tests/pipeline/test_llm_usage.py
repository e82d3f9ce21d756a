"""LLM usage (requests, tokens, cost) of a target lands in report.json and report.md."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from pydantic import BaseModel

from specloom.findings import Finding
from specloom.llm.prose import generate_structured
from specloom.model import Spec
from specloom.pipeline import registry
from specloom.target import GeneratedFile, Target


class Blurb(BaseModel):
    text: str


class Prosy(Target):
    """Asks the LLM for one blurb (the template backend writes a fixed one)."""

    name: ClassVar[str] = "prosy"

    def generate(self, spec: Spec) -> list[GeneratedFile]:
        answer = generate_structured(
            self.ctx,
            Blurb,
            [{"role": "user", "content": f"Describe {spec.title}."}],
            target=self.name,
        )
        text = answer.text if answer else f"{spec.title}."
        return [GeneratedFile("blurb.txt", text.encode())]

    def verify(self, spec: Spec, root: Path) -> list[Finding]:
        return []


@pytest.fixture
def prosy() -> Iterator[None]:
    registry.register_target(Prosy)
    yield
    registry.unregister_target("prosy")


def test_llm_usage_is_reported(
    prosy: None,
    fake_openai: Any,
    build_ir: Any,
    small_ws: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-0000")
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    result = build_ir(small_ws, targets=["prosy"], backend="openai")
    assert {r.status for r in result.rows} == {"built"}
    report = json.loads((tmp_path / "output" / "common" / "report.json").read_text())
    usage = report["targets"][0]["llm"]
    assert usage["requests"] == 1 and usage["total_tokens"] > 0
    assert "| prosy | 1 |" in (tmp_path / "output" / "common" / "report.md").read_text()
    assert len(fake_openai.chat_requests()) == 2  # one per spec

    # switching the backend back rebuilds (the output depends on it), with no LLM call
    template = build_ir(small_ws, targets=["prosy"])
    assert [r.reason for r in template.rows] == ["backend openai -> template"] * 2
    assert {r.status for r in template.rows} == {"built"}
    assert all(r.llm is None for r in template.rows)
    assert len(fake_openai.chat_requests()) == 2
