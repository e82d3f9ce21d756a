"""The thought clarifier: questions from lint findings, optional LLM rewrites, spec markers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field

from specloom.findings import Finding
from specloom.model import Spec
from specloom.userfile import write_user_text

CLARIFY_RULES: dict[str, str] = {
    "SL001": "vague-word",
    "SL002": "lowercase-keyword",
    "SL003": "no-keyword",
    "SL004": "placeholder",
}
"""Lint rules whose findings mean "ambiguous or underspecified" (ids from check.rules)."""

MARKER = "[NEEDS CLARIFICATION: {}]"
MARKER_RE = re.compile(r"\[NEEDS CLARIFICATION: [^\]\n]*\]")
_QUOTED = re.compile(r"'([^']+)'|\"([^\"]+)\"")
_HEADING = re.compile(r"^ {0,3}#{1,6}(\s|$)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


@dataclass
class Question:
    """One open point at one place of a spec file."""

    file: str
    line: int
    rule: str
    question: str
    clause: str | None = None
    suggestion: str | None = None
    """An LLM-suggested rewrite of the clause, when a model is configured."""

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "clause": self.clause,
            "rule": self.rule,
            "question": self.question,
            "suggestion": self.suggestion,
        }


class Rewrite(BaseModel):
    """The model's suggestion for one clause."""

    rewrite: str = Field(description="The clause rewritten to be precise and testable")
    rationale: str = Field(description="One sentence: what was ambiguous and how it is resolved")


def _quoted(message: str) -> str | None:
    m = _QUOTED.search(message)
    return (m.group(1) or m.group(2)) if m else None


def question_for(f: Finding) -> str:
    """A question a spec author can answer, for one clarify-rule finding."""
    word = _quoted(f.message)
    where = f"clause {f.clause}" if f.clause else "this passage"
    if f.rule == "SL001" and word:
        return f"What exactly does '{word}' mean in {where}? Give a number, a limit or a list."
    # Questions never contain RFC 2119 keywords: a marker sits inside the clause's text,
    # and a keyword there would change the clause's level when the spec is parsed again.
    if f.rule == "SL002":
        return (
            f"Is the lowercase keyword in {where} meant as a requirement? "
            "If so, write it in capitals; if not, rephrase it."
        )
    if f.rule == "SL003":
        return f"How binding is {where}? State it with a normative keyword."
    if f.rule == "SL004" and word:
        return f"What should replace the placeholder '{word}' in {where}?"
    return f"{where}: {f.message}"


def questions_from_findings(findings: Iterable[Finding]) -> list[Question]:
    """Questions for the ambiguity findings, in file and line order.

    Lint reads clause text without `[NEEDS CLARIFICATION: ...]` markers (check.text), so
    the word a marker quotes is not reported again and a second `--write` adds nothing.
    """
    out = [
        Question(f.file, f.line, f.rule, question_for(f), f.clause)
        for f in findings
        if f.rule in CLARIFY_RULES and f.file and f.line
    ]
    return sorted(out, key=lambda q: (q.file, q.line, q.rule, q.question))


def rewrite_messages(spec: Spec, clause_id: str, questions: list[str]) -> list[dict[str, str]]:
    """The chat messages asking for a precise rewrite of one clause."""
    clause = spec.clause(clause_id)
    text = clause.text if clause else ""
    return [
        {
            "role": "system",
            "content": "You help specification authors write precise, testable requirements "
            "with RFC 2119 keywords (MUST, SHOULD, MAY). Keep the author's intent; do not add "
            "requirements. Where a number is needed and unknown, write a bracketed choice.",
        },
        {
            "role": "user",
            "content": f"Spec {spec.id}, clause {clause_id}:\n{text}\n\nOpen questions:\n"
            + "\n".join(f"- {q}" for q in questions),
        },
    ]


# -- writing markers ----------------------------------------------------------------------
_ENDS_SENTENCE = re.compile(r"[.!?][\"'”’)\]*_]*$")
_STOP = re.compile(r"[.!?]+(?=[\"'”’)]*(?:\s|$))")


def _sanitise(text: str) -> str:
    """Marker text: one line, no brackets, no sentence ends.

    A sentence end inside the marker would cut the clause's sentence in two when the spec
    is parsed again (the clause would lose its keyword), so `?` and `.` become `;`.
    """
    text = " ".join(text.replace("[", "(").replace("]", ")").split())
    parts = [p.strip() for p in _STOP.split(text) if p.strip()]
    return "; ".join(p[:1].lower() + p[1:] if i else p for i, p in enumerate(parts))


def _protected_lines(lines: list[str]) -> set[int]:
    """0-based indexes of front matter, fenced code and table rows: never written into."""
    out: set[int] = set()
    i = 0
    if lines and lines[0].rstrip("\r\n") == "---":
        out.add(0)
        i = 1
        while i < len(lines):
            out.add(i)
            if lines[i].rstrip("\r\n") in ("---", "..."):
                i += 1
                break
            i += 1
    fence: str | None = None
    for j in range(i, len(lines)):
        m = _FENCE.match(lines[j])
        if fence is None and m:
            fence = m.group(1)
            out.add(j)
        elif fence is not None:
            out.add(j)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
        elif lines[j].lstrip().startswith("|"):
            out.add(j)
    return out


@dataclass
class WriteResult:
    """What `insert_markers` did."""

    text: str
    written: list[Question] = field(default_factory=list)
    skipped: list[Question] = field(default_factory=list)
    """Questions placed in code, tables or front matter, or already marked."""


def insert_markers(text: str, questions: list[Question]) -> WriteResult:
    """`text` with one `[NEEDS CLARIFICATION: ...]` marker per line and clause with questions.

    A heading gets the marker on a new line right after it; a statement clause gets it
    just before its `[^id]` reference; any other line at its end (before trailing spaces).
    Nothing else changes. A line that already holds a marker (or a heading followed by
    one) is left alone: its open questions come first, and a second run adds nothing.
    """
    lines = text.splitlines(keepends=True)
    protected = _protected_lines(lines)
    result = WriteResult(text)
    groups: dict[tuple[int, str], list[Question]] = {}
    for q in questions:
        groups.setdefault((q.line, q.clause or ""), []).append(q)
    edits: list[tuple[int, int, str]] = []  # (line index, column, inserted text)
    for line_no, _clause in sorted(groups):
        qs = groups[(line_no, _clause)]
        idx = line_no - 1
        body = " / ".join(dict.fromkeys(_sanitise(q.question) for q in qs))
        marker = MARKER.format(body)
        if idx < 0 or idx >= len(lines) or idx in protected or marker in text:
            result.skipped.extend(qs)
            continue
        line = lines[idx]
        content = line.rstrip("\r\n")
        eol = line[len(content) :]
        if _HEADING.match(line):
            after = lines[idx + 1] if idx + 1 < len(lines) else ""
            at = (idx, len(line), ("" if eol else "\n") + marker + (eol or "\n"))
            already = after.startswith("[NEEDS CLARIFICATION:")
        else:
            ref = _ref_column(lines, idx, qs)
            row, col = ref if ref else (idx, len(content.rstrip()))
            # no space after sentence-final punctuation: it would end the sentence there
            space = "" if _ENDS_SENTENCE.search(lines[row][:col]) else " "
            at = (row, col, space + marker)
            already = bool(MARKER_RE.search(lines[row]))
        if already:  # open questions already sit there: answer them first
            result.skipped.extend(qs)
            continue
        edits.append(at)
        result.written.extend(qs)
    for idx, col, ins in sorted(edits, reverse=True):
        lines[idx] = lines[idx][:col] + ins + lines[idx][col:]
    result.text = "".join(lines)
    return result


def _ref_column(lines: list[str], idx: int, qs: list[Question]) -> tuple[int, int] | None:
    """(line, column) of the clause's `[^id]` on this line or the next few prose lines."""
    clause = next((q.clause for q in qs if q.clause), None)
    if clause is None:
        return None
    ref = f"[^{clause}]"
    for j in range(idx, min(len(lines), idx + 8)):
        col = lines[j].find(ref)
        if col >= 0:
            return j, col
        if not lines[j].strip():
            break  # the paragraph ended
    return None


def write_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text` atomically (keeps its mode; line endings as given)."""
    write_user_text(path, text, newline="")
