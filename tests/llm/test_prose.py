"""LLM prose through the hook targets call: gates, feedback, fallback, failure, cache."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from specloom.errors import BuildError
from specloom.findings import Finding, Severity
from specloom.llm.client import LlmAuthError
from specloom.llm.prose import generate_structured, prose_findings
from specloom.llm.session import usage_report
from specloom.model import Workspace
from specloom.target import BuildContext

FAKE_KEY = "sk-specloom-FAKE-KEY-prose-987654321"


class Line(BaseModel):
    speaker: str
    text: str
    clauses: list[str]


class Script(BaseModel):
    lines: list[Line]


MESSAGES = [
    {"role": "system", "content": "Write a two-voice podcast script."},
    {"role": "user", "content": "Clauses: bil1 An invoice MUST contain at least one line item."},
]


def must_cover_bil1(script: Script) -> list[Finding]:
    """The podcast-style gate: every MUST clause is covered by some line."""
    if any("bil1" in line.clauses for line in script.lines):
        return []
    return [
        Finding(
            rule="POD001",
            severity=Severity.ERROR,
            message="MUST clause bil1 is not covered by any line",
            clause="bil1",
        )
    ]


GOOD = {"lines": [{"speaker": "A", "text": "Invoices need a line.", "clauses": ["bil1"]}]}
BAD = {"lines": [{"speaker": "A", "text": "Hello.", "clauses": []}]}


@pytest.fixture
def make_ctx(fake_openai: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)

    def make(backend: str = "openai", **llm: Any) -> BuildContext:
        table = {"backoff_base": 0.0, "max_retries": 1, "timeout": 2.0, **llm}
        return BuildContext(
            workspace=Workspace(root="."),
            output_dir=tmp_path / "output",
            cache_dir=tmp_path / "cache",
            backend=backend,
            settings={"llm": table},
        )

    return make


def test_template_backend_makes_no_request(make_ctx: Any, fake_openai: Any) -> None:
    ctx = make_ctx(backend="template")
    assert generate_structured(ctx, Script, MESSAGES, target="podcast") is None
    assert fake_openai.requests == []
    assert usage_report(ctx) is None


def test_gate_failure_is_fed_back_and_retried(make_ctx: Any, fake_openai: Any) -> None:
    fake_openai.script(fake_openai.ok(BAD), fake_openai.ok(GOOD))
    ctx = make_ctx()
    got = generate_structured(ctx, Script, MESSAGES, target="podcast", gate=must_cover_bil1)
    assert got == Script.model_validate(GOOD)
    second = fake_openai.chat_requests()[1].body["messages"]
    assert second[:2] == MESSAGES
    assert second[2]["role"] == "assistant" and '"Hello."' in second[2]["content"]
    assert "POD001 (clause bil1): MUST clause bil1 is not covered" in second[3]["content"]
    assert prose_findings(ctx, "podcast") == []

    # an unchanged rebuild (new session, same cache): same answer, zero requests
    again = make_ctx()
    assert (
        generate_structured(again, Script, MESSAGES, target="podcast", gate=must_cover_bil1) == got
    )
    assert len(fake_openai.chat_requests()) == 2
    report = usage_report(again)
    assert report is not None
    assert report["targets"]["podcast"]["requests"] == 0
    assert report["targets"]["podcast"]["cache_hits"] == 2


def test_gate_never_passes_falls_back_with_warning(
    make_ctx: Any, fake_openai: Any, caplog: pytest.LogCaptureFixture
) -> None:
    fake_openai.script(*[fake_openai.ok(BAD)] * 3)
    ctx = make_ctx(gate_retries=2)
    with caplog.at_level(logging.WARNING):
        assert (
            generate_structured(ctx, Script, MESSAGES, target="podcast", gate=must_cover_bil1)
            is None
        )
    assert len(fake_openai.chat_requests()) == 3
    [finding] = prose_findings(ctx, "podcast")
    assert finding.rule == "LLM001" and finding.severity is Severity.WARNING
    assert "failed its gates 3 time(s)" in finding.message
    assert "template output was used" in caplog.text
    report = usage_report(ctx)
    assert report is not None
    assert report["targets"]["podcast"]["findings"][0]["rule"] == "LLM001"


def test_gate_never_passes_fails_when_configured(make_ctx: Any, fake_openai: Any) -> None:
    fake_openai.script(*[fake_openai.ok(BAD)] * 2)
    ctx = make_ctx(gate_retries=1, on_failure="fail")
    with pytest.raises(BuildError, match="LLM prose for podcast: the answer failed its gates"):
        generate_structured(ctx, Script, MESSAGES, target="podcast", gate=must_cover_bil1)


@pytest.mark.parametrize("kind", ["malformed", "refusal", "timeout", "server"])
def test_service_failures_fall_back(make_ctx: Any, fake_openai: Any, kind: str) -> None:
    behaviour = {
        "malformed": lambda: fake_openai.malformed(),
        "refusal": lambda: fake_openai.refusal(),
        "timeout": lambda: fake_openai.delay(1.0),
        "server": lambda: fake_openai.status(502),
    }[kind]
    fake_openai.script(behaviour(), behaviour())
    ctx = make_ctx(timeout=0.2)
    assert generate_structured(ctx, Script, MESSAGES, target="tutorial") is None
    [finding] = prose_findings(ctx, "tutorial")
    assert finding.rule == "LLM001"


def test_rejected_key_always_raises(make_ctx: Any, fake_openai: Any) -> None:
    fake_openai.script(fake_openai.status(401, message="Incorrect API key provided: {auth}"))
    ctx = make_ctx()
    with pytest.raises(LlmAuthError) as exc:
        generate_structured(ctx, Script, MESSAGES, target="docs")
    assert FAKE_KEY not in str(exc.value)
