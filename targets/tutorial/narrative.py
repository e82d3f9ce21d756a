"""The LLM narrative of the tutorial (`--backend openai`): prose only, never code."""

from __future__ import annotations

import json
import re

from pydantic import BaseModel

from specloom.findings import Finding, Severity
from specloom.model import Spec
from specloom.target import BuildContext

RULE = "TUT005"
MAX_WORDS = 120
_MARKUP = re.compile(r"[<>`]|\]\(|^#|!!!|```", re.MULTILINE)

SYSTEM = """You write the narrative of a step-by-step tutorial that implements a
specification in TypeScript, Rust and Python. The code of each step is generated separately and
compiled; you write only prose. You receive the spec's title and, per operation, its
name, doc and the clauses it must satisfy. Answer with a JSON object:
- "intro": one paragraph (at most 120 words) on what the reader will build;
- "steps": one entry per operation, in the order given, each {"operation": name,
  "text": at most 120 words on how to approach it and what the clauses demand}.
Plain English: no Markdown, no HTML, no code, no links; never invent rules."""


class StepNote(BaseModel):
    """The prose of one step."""

    operation: str
    text: str


class Narrative(BaseModel):
    """The tutorial's LLM prose: an introduction and one note per operation step."""

    # No field defaults: strict json_schema servers reject a schema that has any.
    intro: str
    steps: list[StepNote]


def narrative_findings(candidate: Narrative, spec: Spec) -> list[Finding]:
    """Why a narrative must not be used: wrong steps, empty or long text, markup."""
    out: list[str] = []
    want = [op.name for op in spec.operations]
    got = [s.operation for s in candidate.steps]
    if got != want:
        out.append(f"steps must be exactly the operations in order: {want}, got {got}")
    texts = [("intro", candidate.intro)] + [
        (f"step {s.operation}", s.text) for s in candidate.steps
    ]
    for where, text in texts:
        words = len(text.split())
        if words == 0:
            out.append(f"{where} is empty")
        elif words > MAX_WORDS:
            out.append(f"{where} has {words} words (at most {MAX_WORDS})")
        if _MARKUP.search(text):
            out.append(f"{where} contains Markdown, HTML or code: write plain prose")
    return [Finding(rule=RULE, severity=Severity.ERROR, message=m) for m in out]


def llm_narrative(ctx: BuildContext | None, spec: Spec) -> Narrative | None:
    """A narrative that passes its gate, or None (template backend, or the model failed)."""
    if ctx is None or ctx.backend != "openai" or not spec.operations:
        return None
    from specloom.llm.prose import generate_structured  # only with --backend openai

    payload = {
        "title": spec.title,
        "operations": [
            {
                "name": op.name,
                "doc": op.doc or "",
                "clauses": [
                    {"id": c.id, "level": c.level.value, "text": c.text[:300]}
                    for c in spec.clauses
                    if c.id in op.clauses
                ],
            }
            for op in spec.operations
        ],
    }
    return generate_structured(
        ctx,
        Narrative,
        [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": json.dumps(payload, ensure_ascii=False)},
        ],
        target="tutorial",
        gate=lambda n: narrative_findings(n, spec),
    )
