"""Every LLM failure through the real pipeline: the published output is never corrupted.

A small probe target (registered in process) asks the model for a summary through the
prose hook, with a gate, and falls back to its template text. Each failure the fake
server can produce is run through `run_build` with `on_failure = "fallback"` (the template
text is published, with an LLM001 warning) and `"fail"` (the target fails and the last
published output stays byte for byte).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from specloom.config import Config
from specloom.findings import Finding, Severity
from specloom.llm.prose import generate_structured
from specloom.model import Level, Spec, Workspace
from specloom.parse import load_workspace
from specloom.pipeline import registry
from specloom.pipeline.build import BuildRequest, BuildResult, run_build
from specloom.pipeline.runner_local import make_local_executor
from specloom.target import GeneratedFile, Target

FAKE_KEY = "sk-specloom-FAKE-KEY-pipeline-31415926"
MUST = {Level.MUST, Level.MUST_NOT}


class Summary(BaseModel):
    text: str
    clauses: list[str]


def must_ids(spec: Spec) -> list[str]:
    return [c.id for c in spec.clauses if c.level in MUST]


def summary_gate(spec: Spec) -> Callable[[Summary], list[Finding]]:
    def gate(s: Summary) -> list[Finding]:
        missing = [c for c in must_ids(spec) if c not in s.clauses]
        return [
            Finding(rule="PRB001", severity=Severity.ERROR, message=f"MUST clause {c} missing")
            for c in missing
        ]

    return gate


class ProseProbe(Target):
    """Writes summary.md: the model's summary, or the template one."""

    name = "llm-probe"

    def generate(self, spec: Spec) -> list[GeneratedFile]:
        messages = [
            {"role": "system", "content": "Summarise the spec; list the MUST clause ids."},
            {"role": "user", "content": "\n".join(f"{c.id}: {c.text}" for c in spec.clauses)},
        ]
        answer = generate_structured(
            self.ctx, Summary, messages, target=self.name, gate=summary_gate(spec)
        )
        if answer is None:
            text = f"Template summary of {spec.id}: " + ", ".join(must_ids(spec))
        else:
            text = f"{answer.text} ({', '.join(answer.clauses)})"
        return [GeneratedFile("summary.md", text.encode())]

    def verify(self, spec: Spec, root: Path) -> list[Finding]:
        text = (root / "summary.md").read_text(encoding="utf-8")
        return [
            Finding(rule="PRB002", severity=Severity.ERROR, message=f"{c} not in summary")
            for c in must_ids(spec)
            if c not in text
        ]


@pytest.fixture
def probe() -> Iterator[None]:
    registry.register_target(ProseProbe)
    yield
    registry.unregister_target(ProseProbe.name)


@pytest.fixture
def workspace(specs_dir: Path) -> Workspace:
    return load_workspace(specs_dir)


def good_answer(ws: Workspace) -> dict[str, Any]:
    return {"text": "Invoices, lines, totals.", "clauses": must_ids(ws.spec("billing"))}


def build(
    ws: Workspace, tmp_path: Path, backend: str = "openai", **llm: Any
) -> tuple[BuildResult, str]:
    req = BuildRequest(
        output=tmp_path / "output",
        cache_dir=tmp_path / "cache",
        targets=["llm-probe"],
        force=True,
        backend=backend,
        only_specs={"billing"},
    )
    table = {"backoff_base": 0.0, "max_retries": 1, "timeout": 0.3, "gate_retries": 1, **llm}
    config = Config(root=tmp_path, llm=table)
    result = run_build(req, make_local_executor(1), workspace=ws, config=config)
    published = tmp_path / "output" / "billing" / "llm-probe" / "summary.md"
    return result, published.read_text(encoding="utf-8")


FAILURES: dict[str, Callable[[Any], list[Any]]] = {
    "malformed JSON": lambda f: [f.malformed()] * 4,
    "refusal": lambda f: [f.refusal()],
    "timeout": lambda f: [f.delay(1.0)] * 4,
    "429 and 500": lambda f: [f.status(429), f.status(500)] * 2,
    "fails the gate": lambda f: [f.ok({"text": "Nothing.", "clauses": []})] * 4,
    "not a completion": lambda f: [f.raw("<html>login</html>")],
}


@pytest.mark.parametrize("kind", list(FAILURES))
def test_failures_never_corrupt_the_published_output(
    kind: str,
    probe: None,
    workspace: Workspace,
    tmp_path: Path,
    fake_openai: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    first, template_text = build(workspace, tmp_path, backend="template")
    assert first.exit_code == 0 and template_text.startswith("Template summary of billing")
    assert fake_openai.requests == []

    # fallback: the template output is published, with a warning naming the cause
    fake_openai.script(*FAILURES[kind](fake_openai))
    result, text = build(workspace, tmp_path)
    assert result.exit_code == 0, [r.as_dict() for r in result.rows]
    assert text == template_text
    [row] = result.rows
    assert row.llm is not None and row.llm["findings"][0]["rule"] == "LLM001"

    # a good answer is published
    fake_openai.queue.clear()
    fake_openai.script(fake_openai.ok(good_answer(workspace)))
    result, llm_text = build(workspace, tmp_path, cache=False)
    assert result.exit_code == 0 and llm_text.startswith("Invoices, lines, totals.")

    # fail: the target fails and the last published output stays as it was
    fake_openai.queue.clear()
    fake_openai.script(*FAILURES[kind](fake_openai))
    result, text = build(workspace, tmp_path, on_failure="fail", cache=False)
    assert result.exit_code == 1
    [row] = result.rows
    assert row.status == "failed" and any(g.rule == "BUILD" for g in row.gates)
    assert text == llm_text
    assert FAKE_KEY not in str(result.as_dict())


def test_an_unchanged_rebuild_asks_nothing(
    probe: None,
    workspace: Workspace,
    tmp_path: Path,
    fake_openai: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    fake_openai.script(
        fake_openai.ok({"text": "Half.", "clauses": []}), fake_openai.ok(good_answer(workspace))
    )
    _, text = build(workspace, tmp_path)
    assert text.startswith("Invoices, lines, totals.")
    assert len(fake_openai.chat_requests()) == 2  # the gate failure was fed back once
    again, text_again = build(workspace, tmp_path)
    assert text_again == text and len(fake_openai.chat_requests()) == 2
    [row] = again.rows
    assert row.llm is not None and (row.llm["requests"], row.llm["cache_hits"]) == (0, 2)
