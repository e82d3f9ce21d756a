"""The LLM overview of the docs home page (`--backend openai`), gated like the site's text."""

from __future__ import annotations

import json
import re

from pydantic import BaseModel, Field

from specloom.findings import Finding, Severity
from specloom.model import Spec
from specloom.target import BuildContext

RULE = "DOC007"
MAX_WORDS = 160
_MARKUP = re.compile(r"[<>`]|\]\(|^#|^\s*[-*] |!!!", re.MULTILINE)

SYSTEM = """You write the overview at the top of a specification's documentation site.
Readers are engineers who will implement the spec. You receive the spec's title, its
sections and its clauses (id, level, text). Answer with a JSON object:
- "paragraphs": one to three paragraphs of plain English prose, at most 160 words each,
  saying what the spec is for, how it is organised and which rules matter most;
- "clauses": the ids of the clauses the overview talks about (ids from the input only).
No Markdown, no HTML, no code, no links, no headings, no lists; never invent rules the
clauses do not state."""


class Overview(BaseModel):
    """An LLM-written overview: plain paragraphs and the clause ids they discuss."""

    paragraphs: list[str] = Field(default_factory=list)
    clauses: list[str] = Field(default_factory=list)


def overview_findings(candidate: Overview, spec: Spec) -> list[Finding]:
    """Why an overview must not be used: empty, too long, markup, or unknown clause ids."""
    out: list[str] = []
    if not 1 <= len(candidate.paragraphs) <= 3:
        out.append(f"give one to three paragraphs, not {len(candidate.paragraphs)}")
    for n, text in enumerate(candidate.paragraphs, start=1):
        words = len(text.split())
        if words == 0:
            out.append(f"paragraph {n} is empty")
        elif words > MAX_WORDS:
            out.append(f"paragraph {n} has {words} words (at most {MAX_WORDS})")
        if _MARKUP.search(text):
            out.append(f"paragraph {n} contains Markdown or HTML: write plain prose")
    known = {c.id for c in spec.clauses}
    unknown = [c for c in candidate.clauses if c not in known]
    if unknown:
        out.append(f"unknown clause ids (use only ids from the input): {unknown}")
    return [Finding(rule=RULE, severity=Severity.ERROR, message=m) for m in out]


def llm_overview(ctx: BuildContext, spec: Spec) -> Overview | None:
    """An overview that passes its gate, or None (template backend, or the model failed)."""
    if ctx.backend != "openai":
        return None
    from specloom.llm.prose import generate_structured  # only with --backend openai

    payload = {
        "title": spec.title,
        "sections": [{"id": s.id, "title": s.title, "depth": s.depth} for s in spec.sections],
        "clauses": [
            {"id": c.id, "level": c.level.value, "text": c.text[:400]} for c in spec.clauses
        ],
    }
    return generate_structured(
        ctx,
        Overview,
        [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": json.dumps(payload, ensure_ascii=False)},
        ],
        target="docs",
        gate=lambda o: overview_findings(o, spec),
    )
