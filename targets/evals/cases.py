"""Eval cases from the IR: one per graded assistant turn of each example's transcript."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from specloom.evals.case import (
    CASE_FORMAT,
    ChatMessage,
    ClauseRef,
    EvalCase,
    Reference,
    Rubric,
    Source,
    ToolCall,
    ToolFunction,
)
from specloom.model import Clause, Example, Spec, TranscriptMessage

DEFAULT_ROLES: dict[str, str] = {
    "system": "system",
    "developer": "developer",
    "user": "user",
    "assistant": "assistant",
    "tool": "tool",
    "request": "user",
    "response": "assistant",
}
"""Transcript element name -> chat role. `<request>`/`<response>` (API-style transcripts, as
in the billing example) read as the user's turn and the assistant's reply."""

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_-]")
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_.-]")


@dataclass(frozen=True)
class NotEvaluable:
    """A clause that yields no case, and why."""

    clause: str
    level: str
    reason: str


@dataclass
class CaseSet:
    """What the target publishes: the cases and the clauses that could not become cases."""

    cases: list[EvalCase] = field(default_factory=list)
    not_evaluable: list[NotEvaluable] = field(default_factory=list)


@dataclass(frozen=True)
class _Turn:
    """A graded assistant turn: its references and the messages before it."""

    first: int
    """Index of the turn's first message in the transcript."""
    members: tuple[int, ...]
    """Indexes of the turn's messages (the alternatives of one comparison, or one message)."""


def _graded(m: TranscriptMessage, roles: Mapping[str, str]) -> bool:
    return m.verdict in ("GOOD", "BAD") and roles.get(m.role) == "assistant"


def graded_turns(messages: list[TranscriptMessage], roles: Mapping[str, str]) -> list[_Turn]:
    """Turns in order: a `<comparison>` holding a graded reply, or a graded reply alone."""
    turns: list[_Turn] = []
    seen: set[int] = set()
    for i, m in enumerate(messages):
        if not _graded(m, roles):
            continue
        if m.comparison is None:
            turns.append(_Turn(i, (i,)))
        elif m.comparison not in seen:
            seen.add(m.comparison)
            group = tuple(j for j, o in enumerate(messages) if o.comparison == m.comparison)
            turns.append(_Turn(group[0], group))
    return turns


def _history(messages: list[TranscriptMessage], end: int) -> list[TranscriptMessage]:
    """The conversation before index `end`: each earlier comparison contributes its first
    GOOD alternative (else its first message), as the conversation went on from it."""
    out: list[TranscriptMessage] = []
    done: set[int] = set()
    for m in messages[:end]:
        if m.comparison is None:
            out.append(m)
        elif m.comparison not in done:
            done.add(m.comparison)
            group = [o for o in messages[:end] if o.comparison == m.comparison]
            good = [o for o in group if o.verdict == "GOOD"]
            out.append(good[0] if good else group[0])
    return out


def message_text(m: TranscriptMessage) -> str:
    """A message's text as the model reads it: the IR's text with XML character references
    decoded (a transcript is XML: `&lt;form&gt;` means `<form>`), as the docs site shows it."""
    return html.unescape(m.text)


def tool_name(m: TranscriptMessage) -> str:
    """The function name of an assistant tool call: its `recipient` (else `tool`), API-safe."""
    raw = m.attrs.get("recipient") or m.attrs.get("name") or "tool"
    return (_UNSAFE_NAME.sub("_", raw) or "tool")[:64]


def tool_arguments(text: str) -> str:
    """The call's arguments: the message itself when it is a JSON object, else
    `{"input": <text>}` (the API wants a JSON object)."""
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if isinstance(value, dict):
        return text
    return json.dumps({"input": text}, ensure_ascii=False)


def chat_messages(
    history: list[TranscriptMessage], roles: Mapping[str, str]
) -> list[ChatMessage] | str:
    """The chat API messages for `history`, or why it cannot be sent (an unmapped role, a
    tool answer with no assistant call before it)."""
    out: list[ChatMessage] = []
    calls = 0
    for m in history:
        role = roles.get(m.role)
        if role not in ("system", "developer", "user", "assistant", "tool"):
            return (
                f"transcript role <{m.role}> has no chat role (map it in "
                "[tool.specloom.targets.evals] roles)"
            )
        if role == "tool":
            prev = out[-1] if out else None
            if prev is None or prev.role != "assistant":
                return f"the <{m.role}> message on line {m.pos.line} answers no assistant call"
            calls += 1
            call_id = f"call_{calls}"
            src = history[len(out) - 1]
            call = ToolCall(
                id=call_id,
                type="function",
                function=ToolFunction(
                    name=tool_name(src), arguments=tool_arguments(message_text(src))
                ),
            )
            prev.tool_calls = [*(prev.tool_calls or []), call]
            out.append(ChatMessage(role="tool", content=message_text(m), tool_call_id=call_id))
        else:
            out.append(ChatMessage(role=role, content=message_text(m)))
    return out


def rubric_text(
    clause: ClauseRef, example: Example, good: list[Reference], bad: list[Reference]
) -> str:
    """The grading instructions for one case: the clause, the example, both references."""
    level = clause.level if clause.level != "NONE" else "no normative keyword"
    head = f"Clause {clause.id} ({level}"
    head += f", authority: {clause.authority})" if clause.authority else ")"
    if clause.section_title:
        head += f', in section "{clause.section_title}"'
    lines = [head + ":", clause.text.strip(), "", f"Example: {example.title.strip()}"]
    comment = example.body.strip()
    if comment:
        lines += [comment]
    for label, refs in (("GOOD", good), ("BAD", bad)):
        for r in refs:
            note = f" ({r.note})" if r.note else ""
            lines += ["", f"A {label} reference answer{note}:", r.content]
    lines += [
        "",
        "The answer passes when it satisfies the clause the way the GOOD reference answers "
        "do and avoids what the BAD reference answers do; it need not repeat their wording.",
    ]
    return "\n".join(lines)


def clause_ref(spec: Spec, clause: Clause) -> ClauseRef:
    """The clause as a case carries it (IR fields, plus the enclosing section's title)."""
    section = next((s for s in spec.sections if s.id == clause.section), None)
    return ClauseRef(
        id=clause.id,
        kind=clause.kind,
        level=clause.level.value,
        authority=clause.authority,
        text=clause.text,
        section=clause.section,
        section_title=section.title if section else None,
    )


def _example_cases(
    spec: Spec, clause: Clause, example: Example, roles: Mapping[str, str], problems: list[str]
) -> list[tuple[int, list[ChatMessage], _Turn, list[TranscriptMessage]]]:
    assert example.transcript is not None
    messages = example.transcript.messages
    out = []
    for n, turn in enumerate(graded_turns(messages, roles), start=1):
        history = _history(messages, turn.first)
        if not history:
            problems.append(
                f"the graded reply on line {messages[turn.first].pos.line} has no input"
            )
            continue
        chat = chat_messages(history, roles)
        if isinstance(chat, str):
            problems.append(chat)
            continue
        out.append((n, chat, turn, history))
    return out


def build_cases(spec: Spec, roles: Mapping[str, str] = DEFAULT_ROLES) -> CaseSet:
    """Every case of the spec in document order (clauses in spec order), and the clauses that
    yield none with the reason."""
    result = CaseSet()
    by_clause: dict[str, list[Example]] = {}
    for ex in spec.examples:
        if ex.clause is not None:
            by_clause.setdefault(ex.clause, []).append(ex)
    files = {f.id for f in spec.example_files}
    for clause in spec.clauses:
        examples = by_clause.get(clause.id, [])
        if not examples and clause.kind == "section":
            continue  # a section without examples is not an eval item
        problems: list[str] = []
        count = 0
        for ex in examples:
            if ex.transcript is None:
                continue
            for turn_no, chat, turn, history in _example_cases(spec, clause, ex, roles, problems):
                msgs = ex.transcript.messages
                refs = [msgs[i] for i in turn.members if _graded(msgs[i], roles)]
                good = [
                    Reference(content=message_text(m), note=m.note, line=m.pos.line)
                    for m in refs
                    if m.verdict == "GOOD"
                ]
                bad = [
                    Reference(content=message_text(m), note=m.note, line=m.pos.line)
                    for m in refs
                    if m.verdict == "BAD"
                ]
                ref = clause_ref(spec, clause)
                count += 1
                notes = [f"{m.verdict}: {m.note}" for m in refs if m.note]
                result.cases.append(
                    EvalCase(
                        format=CASE_FORMAT,
                        id=f"{_UNSAFE_ID.sub('_', clause.id)}-{count}",
                        spec=spec.id,
                        spec_version=spec.version,
                        clause=ref,
                        example=ex.title,
                        turn=turn_no,
                        messages=chat,
                        good=good,
                        bad=bad,
                        rubric=Rubric(
                            example_title=ex.title,
                            example_comment=ex.body.strip(),
                            notes=notes,
                            text=rubric_text(ref, ex, good, bad),
                        ),
                        source=Source(
                            file=ex.transcript.pos.file,
                            example_line=ex.pos.line,
                            transcript_line=ex.transcript.pos.line,
                            turn_line=refs[0].pos.line,
                            message_lines=[m.pos.line for m in history],
                        ),
                    )
                )
        if count:
            continue
        result.not_evaluable.append(
            NotEvaluable(clause.id, clause.level.value, _reason(clause, examples, files, problems))
        )
    known = {c.id for c in spec.clauses}
    for orphan in sorted({e.clause for e in spec.examples if e.clause and e.clause not in known}):
        result.not_evaluable.append(
            NotEvaluable(
                orphan, "NONE", f"examples/{orphan}.md has no clause tagged [^{orphan}] in the spec"
            )
        )
    return result


def _reason(clause: Clause, examples: list[Example], files: set[str], problems: list[str]) -> str:
    if problems:
        return "; ".join(dict.fromkeys(problems))
    if not examples:
        return f"no examples (no examples/{clause.id}.md and no inline example)"
    if all(e.transcript is None for e in examples):
        kinds = (
            "structured conformance examples" if any(e.structured for e in examples) else "prose"
        )
        return f"its examples have no transcript ({kinds} only)"
    return "its transcripts have no assistant reply marked GOOD or BAD"
