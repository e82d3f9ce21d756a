"""A structured example as a short numbered sequence of calls, for docs and the tutorial."""

from __future__ import annotations

import json
from typing import Any

from specloom.model import Step, StructuredExample
from specloom.references import parse_reference


def value_text(value: Any) -> str:
    """A compact, JSON-like rendering; `$name.field` references stay as written."""
    ref = parse_reference(value) if isinstance(value, str) else None
    if ref is not None and not isinstance(ref, str):
        return value  # type: ignore[no-any-return]
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {value_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(value_text(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def call_text(call: str, args: dict[str, Any]) -> str:
    """`create_invoice(customer: "c_1", lines: [...])`."""
    return f"{call}(" + ", ".join(f"{k}: {value_text(v)}" for k, v in args.items()) + ")"


def _code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def outcome_text(expect: Any, error: str | None, checks: bool) -> str:
    """What a call must give: an error, a (partial) value, or nothing checked."""
    if error is not None:
        return f"fails with `{error}`"
    if not checks:
        return ""
    return f"gives {_code(value_text(expect))}"


def step_item(n: int, step: Step) -> str:
    """One numbered line of the sequence."""
    line = f"{n}. {_code(call_text(step.call, step.with_))}"
    out = outcome_text(step.expect, step.expect_error, step.checks)
    if out:
        line += f" {out}"
    if step.as_:
        line += f", kept as `${step.as_}`"
    return line


def sequence(st: StructuredExample) -> str:
    """The `given` steps and the call, numbered, in the order they run on one service."""
    lines = [step_item(n, s) for n, s in enumerate(st.given, 1)]
    last = f"{len(st.given) + 1}. then {_code(call_text(st.call, st.with_))}"
    lines.append(last + " " + outcome_text(st.expect, st.expect_error, True))
    return "On one fresh service:\n\n" + "\n".join(lines)
