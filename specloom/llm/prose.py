"""The hook targets call for LLM prose: ask, gate, feed findings back, fall back or fail."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TypeVar

from pydantic import BaseModel

from specloom.errors import BuildError
from specloom.findings import Finding, Severity
from specloom.llm.cache import Message
from specloom.llm.client import LlmAuthError, LlmError
from specloom.llm.session import llm_enabled, session_for
from specloom.target import BuildContext

log = logging.getLogger("specloom.llm")

M = TypeVar("M", bound=BaseModel)

Gate = Callable[[M], list[Finding]]
"""Checks a candidate answer the way the target's gates would; error findings reject it."""

FALLBACK_RULE = "LLM001"
"""Finding id of a fallback to the template output (a warning in the build report)."""

MAX_FEEDBACK = 20
"""At most this many findings are quoted back to the model per retry."""


def feedback_message(findings: Sequence[Finding]) -> Message:
    """The user message that sends a gate's error findings back to the model."""
    lines = [
        "Your previous answer failed these checks. Fix every one of them and answer again",
        "with the complete JSON object (same schema), changing nothing else:",
    ]
    for f in list(findings)[:MAX_FEEDBACK]:
        clause = f" (clause {f.clause})" if f.clause else ""
        lines.append(f"- {f.rule}{clause}: {f.message}")
    if len(findings) > MAX_FEEDBACK:
        lines.append(f"- ... and {len(findings) - MAX_FEEDBACK} more")
    return {"role": "user", "content": "\n".join(lines)}


def generate_structured(
    ctx: BuildContext,
    schema: type[M],
    messages: Sequence[Message],
    *,
    target: str,
    gate: Gate[M] | None = None,
) -> M | None:
    """An LLM answer parsed into `schema` that passes `gate`, or None: use the template output.

    Returns None at once with the template backend. With `--backend openai` it asks the
    model (through the cache), runs `gate` on the answer, and on error findings asks again
    with those findings quoted, up to `gate_retries` more times. When no answer passes (or
    the service fails: timeouts, refusals, malformed JSON after the client's retries) it
    records an LLM001 warning for `target` and returns None, or raises BuildError when
    `[tool.specloom.llm] on_failure = "fail"`. Missing or rejected credentials always raise.
    """
    if not llm_enabled(ctx):
        return None
    session = session_for(ctx)
    cfg = session.config
    convo: list[Message] = list(messages)
    problem = ""
    for attempt in range(cfg.gate_retries + 1):
        try:
            answer = session.client.structured(convo, schema, target=target)
        except LlmAuthError:
            raise
        except LlmError as exc:
            problem = exc.message
            break
        errors = [f for f in (gate(answer) if gate else []) if f.severity is Severity.ERROR]
        if not errors:
            return answer
        problem = f"the answer failed its gates {attempt + 1} time(s); last: " + "; ".join(
            f"{f.rule}: {f.message}" for f in errors[:3]
        )
        log.info("LLM answer for %s failed %d gate(s); asking again", target, len(errors))
        convo = [
            *convo,
            {"role": "assistant", "content": answer.model_dump_json()},
            feedback_message(errors),
        ]
    _give_up(ctx, target, problem)
    return None


def _give_up(ctx: BuildContext, target: str, problem: str) -> None:
    session = session_for(ctx)
    if session.config.on_failure == "fail":
        raise BuildError(
            f"LLM prose for {target}: {problem}",
            hint='set [tool.specloom.llm] on_failure = "fallback" to use the template output, '
            "or build with --backend template",
        )
    finding = Finding(
        rule=FALLBACK_RULE,
        severity=Severity.WARNING,
        message=f"LLM prose for {target} not used ({problem}); the template output was used",
    )
    session.ledger.record_finding(target, finding)
    log.warning("%s", finding.message)


def prose_findings(ctx: BuildContext, target: str) -> list[Finding]:
    """The LLM layer's warnings for `target` in this build (fallbacks), for its report."""
    if ctx.llm is None:
        return []
    return session_for(ctx).ledger.for_target(target).findings
