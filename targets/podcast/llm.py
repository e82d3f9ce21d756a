"""The LLM script backend: the model rewrites the template script's dialogue, gated like it."""

from __future__ import annotations

import json

from specloom.findings import Finding, Severity
from specloom.model import Spec
from specloom.target import BuildContext

from .script import MUST_LEVELS, Episode, script_problems
from .script_gates import script_findings

SYSTEM = """You write the dialogue of a two-host podcast episode about a specification.
Host "a" explains; host "b" is a newcomer who asks short, natural questions.
You receive a draft episode as JSON and the spec's clauses. Answer with the same JSON
object (the Episode schema), rewriting the lines' text so it sounds like a real
conversation. Rules:
- keep every segment, in order, with the same id, title, kind and section;
- every line has speaker "a" or "b", non-empty text (at most 60 words, unless it says a
  long clause) and the ids of the clauses it talks about in "clauses"; use only the
  clause ids given;
- every MUST clause must be said by a line whose "clauses" has its id: the line says
  "must" (or "must not") and at least half of the clause's own words;
- keep each segment's clause ids exactly as in the draft (all of them, no others);
- plain spoken English: no Markdown, no code, no URLs, no regular expressions, no
  identifiers with underscores, no clause ids in the text;
- keep spec, title, show, number, date, version and hosts exactly as given."""


def episode_findings(candidate: Episode, template: Episode, spec: Spec) -> list[Finding]:
    """Why an LLM episode must not be used (POD001, POD002, POD013, POD014: as the gates say)."""
    found = [
        Finding(rule="POD001", severity=Severity.ERROR, message=f"malformed script: {p}")
        for p in script_problems(candidate, spec)
    ]
    meta = ("spec", "title", "show", "number", "date", "version", "hosts")
    changed = [k for k in meta if getattr(candidate, k) != getattr(template, k)]
    if changed:
        found.append(
            Finding(
                rule="POD001",
                severity=Severity.ERROR,
                message=f"metadata changed (keep it as given): {changed}",
            )
        )
    want = [(s.id, s.kind, s.section) for s in template.segments]
    got = [(s.id, s.kind, s.section) for s in candidate.segments]
    if got != want:
        found.append(
            Finding(
                rule="POD001",
                severity=Severity.ERROR,
                message=f"segments changed: expected {want}, got {got}",
            )
        )
    return found + script_findings(candidate, spec)


def llm_episode(ctx: BuildContext, spec: Spec, template: Episode) -> Episode | None:
    """An LLM-written episode that passes the script gates, or None (use the template)."""
    from specloom.llm.prose import generate_structured  # only with --backend openai

    clauses = [
        {"id": c.id, "level": c.level.value, "must": c.level in MUST_LEVELS, "text": c.text[:400]}
        for c in spec.clauses
    ]
    user = json.dumps(
        {"draft": template.model_dump(mode="json"), "clauses": clauses}, ensure_ascii=False
    )
    answer = generate_structured(
        ctx,
        Episode,
        [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}],
        target="podcast",
        gate=lambda ep: episode_findings(ep, template, spec),
    )
    return answer
