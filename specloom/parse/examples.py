"""Examples: `**Example**:` items with their transcripts and `specloom-example` blocks."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from markdown_it.token import Token

from specloom.errors import SpecError
from specloom.model import Example, SourcePos, StructuredExample
from specloom.parse.blocks import fence_lang
from specloom.parse.transcript import parse_transcript
from specloom.parse.yamlnodes import YamlDoc, is_null

EXAMPLE_TITLE = re.compile(r"^\*\*Example(?:\*\*[ \t]*:|:\*\*)[ \t]*")
"""The start of an example: a paragraph beginning `**Example**:` (or `**Example:**`)."""
STRUCTURED_KEYS = ("call", "with", "expect")
TRANSCRIPT_LANG = "xml"
STRUCTURED_LANG = "specloom-example"
INTERFACE_LANG = "specloom"
_BLANK_RUN = re.compile(r"\n{3,}")
_SPACE = re.compile(r"\s+")


@dataclass
class _Draft:
    title: str
    line: int
    """0-based body line of the title."""
    body_start: int
    transcript: Token | None = None
    structured: Token | None = None
    taken: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class ExampleScan:
    """The examples of one file and the body line ranges [start, end) they cover."""

    examples: list[Example] = field(default_factory=list)
    ranges: list[tuple[int, int]] = field(default_factory=list)


def extract_examples(
    tokens: list[Token],
    lines: list[str],
    file: str,
    offset: int,
    clause_at: Callable[[int], str | None],
    source: Literal["inline", "file"],
) -> ExampleScan:
    """Find the examples among top-level blocks; `lines` are the body lines, `offset` the
    number of file lines before them; `clause_at(file_line)` names each example's clause."""
    out = ExampleScan()
    draft: _Draft | None = None

    def close(end: int) -> None:
        nonlocal draft
        if draft is not None:
            out.examples.append(_finish(draft, end, lines, file, offset, clause_at, source))
            out.ranges.append((draft.line, end))
            draft = None

    for i, tok in enumerate(tokens):
        if tok.level != 0 or tok.map is None:
            continue
        if draft is not None and draft.taken and tok.type not in ("fence", "code_block"):
            # prose after an example's transcript or structured block is spec prose again
            close(tok.map[0])
        if tok.type == "heading_open":
            close(tok.map[0])
        elif tok.type == "paragraph_open" and i + 1 < len(tokens):
            m = EXAMPLE_TITLE.match(tokens[i + 1].content)
            if m is not None:
                close(tok.map[0])
                title = _SPACE.sub(" ", tokens[i + 1].content[m.end() :]).strip()
                draft = _Draft(title=title, line=tok.map[0], body_start=tok.map[1])
        elif tok.type == "fence":
            lang = fence_lang(tok)
            if lang == INTERFACE_LANG:
                close(tok.map[0])  # an interface block is not part of an example
                continue
            if lang == STRUCTURED_LANG and (draft is None or draft.structured is not None):
                # a `specloom-example` block outside an example, or a second one in the
                # same example, is an example of its own
                close(tok.map[0])
                draft = _Draft(title="", line=tok.map[0], body_start=tok.map[0])
            if draft is None:
                continue
            if lang == TRANSCRIPT_LANG and draft.transcript is None:
                draft.transcript = tok
                draft.taken.append((tok.map[0], tok.map[1]))
            elif lang == STRUCTURED_LANG and draft.structured is None:
                draft.structured = tok
                draft.taken.append((tok.map[0], tok.map[1]))
    close(len(lines))
    return out


def _finish(
    draft: _Draft,
    end: int,
    lines: list[str],
    file: str,
    offset: int,
    clause_at: Callable[[int], str | None],
    source: Literal["inline", "file"],
) -> Example:
    kept = []
    for n in range(draft.body_start, min(end, len(lines))):
        if not any(a <= n < b for a, b in draft.taken):
            kept.append(lines[n])
    body = _BLANK_RUN.sub("\n\n", "\n".join(kept)).strip("\n")
    transcript = None
    if draft.transcript is not None and draft.transcript.map is not None:
        fence_line = offset + draft.transcript.map[0] + 1
        transcript = parse_transcript(draft.transcript.content, file, fence_line)
    structured = None
    if draft.structured is not None and draft.structured.map is not None:
        structured = parse_structured(
            draft.structured.content, file, offset + draft.structured.map[0] + 1
        )
    title = draft.title or (f"call {structured.call}" if structured is not None else "")
    line = offset + draft.line + 1
    return Example(
        title=title,
        clause=clause_at(line),
        source=source,
        body=body,
        transcript=transcript,
        structured=structured,
        pos=SourcePos(file=file, line=line),
    )


def parse_structured(text: str, file: str, fence_line: int) -> StructuredExample:
    """A `specloom-example` block (`call`, `with`, `expect`) whose fence opens at `fence_line`."""
    doc = YamlDoc(text, file, fence_line + 1, "`specloom-example` block")
    if doc.root is None:
        raise SpecError(
            "the `specloom-example` block is empty",
            file=file,
            line=fence_line,
            hint="write call: <operation>, with: {...}, expect: <value or {error: Name}>",
        )
    nodes = {}
    for key_node, value_node in doc.mapping(doc.root, "a `specloom-example` block"):
        key = doc.scalar(key_node, "a `specloom-example` key")
        if key not in STRUCTURED_KEYS:
            raise doc.error(
                key_node,
                f"unknown key {key!r} in a `specloom-example` block",
                f"use only the keys {', '.join(STRUCTURED_KEYS)}",
            )
        nodes[key] = value_node
    if "call" not in nodes:
        raise SpecError(
            "the `specloom-example` block has no `call`",
            file=file,
            line=fence_line,
            hint="name the operation it calls: call: <operation>",
        )
    call = doc.scalar(nodes["call"], "`call`")
    args: dict[str, object] = {}
    if "with" in nodes and not is_null(nodes["with"]):
        value = doc.value(nodes["with"])
        if not isinstance(value, dict):
            raise doc.error(nodes["with"], "`with` must be a mapping", "write with: {name: value}")
        args = value
    expect: object = None
    expect_error = None
    if "expect" in nodes:
        value = doc.value(nodes["expect"])
        if isinstance(value, dict) and list(value) == ["error"]:
            expect_error = str(value["error"])
        else:
            expect = value
    return StructuredExample(
        call=call,
        with_=args,
        expect=expect,
        expect_error=expect_error,
        pos=SourcePos(file=file, line=fence_line),
    )
