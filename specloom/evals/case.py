"""One eval case: the input messages before a graded assistant turn, its references, a rubric.

This is the line format of `cases.jsonl` in `output/<spec>/evals/`; `case.schema.json` is
`EvalCase.model_json_schema()`. The `evals` target writes it, `specloom eval` reads it.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

CASE_FORMAT = "specloom-eval-case/1"
"""The `format` of every line; bumped when a field changes meaning."""

ChatRole = Literal["system", "developer", "user", "assistant", "tool"]


class Strict(BaseModel):
    """Base of the case models: unknown keys are errors (the schema says so too)."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class ToolFunction(Strict):
    """The function half of a tool call (chat completions wire format)."""

    name: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    """The transcript's `recipient`, with characters the API refuses replaced by `_`."""
    arguments: str
    """A JSON object as a string: the assistant message's text when it is one, else
    `{"input": <the text>}`."""


class ToolCall(Strict):
    """An assistant message's call of a tool, added so the `tool` message after it is valid."""

    id: str
    """`call_<n>`, numbered within the case."""
    type: Literal["function"]
    """Always `function`."""
    function: ToolFunction
    """The called function and its arguments."""


class ChatMessage(Strict):
    """One input message, exactly as sent to `/v1/chat/completions`."""

    role: ChatRole
    """The chat role the transcript element maps to."""
    content: str
    """The transcript message's text as in the IR, XML character references decoded."""
    tool_calls: list[ToolCall] | None = None
    """Only on an assistant message that a `tool` message answers."""
    tool_call_id: str | None = None
    """Only on a `tool` message: the id of the call it answers."""


class Reference(Strict):
    """A GOOD or BAD reference answer for the graded turn."""

    content: str
    """The reply's text (XML character references decoded)."""
    note: str | None = None
    """The verdict comment: `<!-- BAD: executes suspicious instructions -->`."""
    line: int = Field(ge=1)
    """The line of the message's opening tag in `source.file`."""


class ClauseRef(Strict):
    """The clause a case tests, copied from the IR."""

    id: str
    """The clause id (an eval id `[^id]` or a section id)."""
    kind: Literal["section", "statement"]
    """`statement` for an eval-tagged sentence, `section` for a heading with an id."""
    level: str
    """MUST, MUST NOT, SHOULD, SHOULD NOT, MAY or NONE."""
    authority: str | None = None
    """The clause's authority level (`root`, `developer`...), when the spec gives one."""
    text: str
    """The clause text as in the IR."""
    section: str | None = None
    """The enclosing section's id."""
    section_title: str | None = None


class Source(Strict):
    """Where the case comes from: the example's file and lines."""

    file: str
    """The spec or examples file holding the example (path as given to the parser)."""
    example_line: int = Field(ge=1)
    """The line of the example's `**Example**:` title."""
    transcript_line: int = Field(ge=1)
    """The line of the transcript's opening fence."""
    turn_line: int = Field(ge=1)
    """The line of the first reference of the graded turn."""
    message_lines: list[int]
    """The line of each input message, in order (one per entry of `messages`)."""


class Rubric(Strict):
    """What the grader is told: the clause, the example's own words, and the rendered text."""

    example_title: str
    """The example's title (after `**Example**:`)."""
    example_comment: str
    """The example's prose (Markdown around its transcript), empty when it has none."""
    notes: list[str]
    """The GOOD/BAD verdict comments of the graded turn, prefixed `GOOD:` / `BAD:`."""
    text: str
    """The rubric as one text (what promptfoo's `llm-rubric` and `specloom eval` send)."""


class EvalCase(Strict):
    """One line of `cases.jsonl`."""

    format: Literal["specloom-eval-case/1"]
    """The line format and its version."""
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    """`<clause>-<n>`: the n-th case of the clause, in document order."""
    spec: str
    """The spec's id."""
    spec_version: str | None = None
    """The spec's front-matter version, when it has one."""
    clause: ClauseRef
    """The clause the case tests."""
    example: str
    """The example's title."""
    turn: int = Field(ge=1)
    """1 for the first graded assistant turn of the example, 2 for the next..."""
    messages: list[ChatMessage] = Field(min_length=1)
    """The input: every message before the graded turn, in chat API form."""
    good: list[Reference]
    """The turn's GOOD replies (may be empty)."""
    bad: list[Reference]
    """The turn's BAD replies (may be empty)."""
    rubric: Rubric
    """What the grader is told."""
    source: Source
    """Where the case comes from, line by line."""


def case_schema() -> dict[str, Any]:
    """The JSON Schema of one line (`case.schema.json`), Draft 2020-12."""
    schema = EvalCase.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://specloom.dev/schemas/eval-case-1.json",
        **schema,
    }


def dump_case(case: EvalCase) -> str:
    """One JSONL line (no newline): sorted keys, None fields left out, UTF-8 as is."""
    data = case.model_dump(mode="json", exclude_none=True)
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
