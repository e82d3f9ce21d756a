"""Examples: `**Example**:` items with their transcripts and `specloom-example` blocks."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import yaml
from markdown_it.token import Token

from specloom.errors import SpecError
from specloom.model import Example, SourcePos, Step, StructuredExample
from specloom.parse.blocks import fence_lang
from specloom.parse.transcript import parse_transcript
from specloom.parse.yamlnodes import YamlDoc, is_null

EXAMPLE_TITLE = re.compile(r"^\*\*Example(?:\*\*[ \t]*:|:\*\*)[ \t]*")
"""The start of an example: a paragraph beginning `**Example**:` (or `**Example:**`)."""
STRUCTURED_KEYS = ("given", "call", "with", "expect")
STEP_KEYS = ("call", "with", "as", "expect")
_BIND_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
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
    """A `specloom-example` block (`given`, `call`, `with`, `expect`) opening at `fence_line`."""
    doc = YamlDoc(text, file, fence_line + 1, "`specloom-example` block")
    if doc.root is None:
        raise SpecError(
            "the `specloom-example` block is empty",
            file=file,
            line=fence_line,
            hint="write call: <operation>, with: {...}, expect: <value or {error: Name}>",
        )
    nodes = _keyed(doc, doc.root, "a `specloom-example` block", STRUCTURED_KEYS)
    if "call" not in nodes:
        raise SpecError(
            "the `specloom-example` block has no `call`",
            file=file,
            line=fence_line,
            hint="name the operation it calls: call: <operation>",
        )
    given: list[Step] = []
    if "given" in nodes and not is_null(nodes["given"]):
        seq = nodes["given"]
        if not isinstance(seq, yaml.SequenceNode):
            raise doc.error(
                seq,
                "`given` must be a list of steps",
                "write given: followed by `- call: <operation>` items",
            )
        given = [_step(doc, item) for item in seq.value]
    call = doc.scalar(nodes["call"], "`call`")
    expect, expect_error = _expect(doc, nodes.get("expect"))
    return StructuredExample(
        given=given,
        call=call,
        with_=_with(doc, nodes.get("with")),
        expect=expect,
        expect_error=expect_error,
        pos=SourcePos(file=file, line=fence_line),
    )


def _keyed(
    doc: YamlDoc, node: yaml.Node, what: str, allowed: tuple[str, ...]
) -> dict[str, yaml.Node]:
    nodes: dict[str, yaml.Node] = {}
    for key_node, value_node in doc.mapping(node, what):
        key = doc.scalar(key_node, f"a key of {what}")
        if key not in allowed:
            raise doc.error(
                key_node,
                f"unknown key {key!r} in {what}",
                f"use only the keys {', '.join(allowed)}",
            )
        nodes[key] = value_node
    return nodes


def _with(doc: YamlDoc, node: yaml.Node | None) -> dict[str, object]:
    if node is None or is_null(node):
        return {}
    value = doc.value(node)
    if not isinstance(value, dict):
        raise doc.error(node, "`with` must be a mapping", "write with: {name: value}")
    return value


def _expect(doc: YamlDoc, node: yaml.Node | None) -> tuple[object, str | None]:
    """(expected value, expected error): a mapping whose only key is `error` names an error."""
    if node is None:
        return None, None
    value = doc.value(node)
    if isinstance(value, dict) and list(value) == ["error"]:
        return None, str(value["error"])
    return value, None


def _step(doc: YamlDoc, node: yaml.Node) -> Step:
    """One item of `given`: call, with, as, expect."""
    nodes = _keyed(doc, node, "a `given` step", STEP_KEYS)
    if "call" not in nodes:
        raise doc.error(node, "a `given` step has no `call`", "write - call: <operation>")
    bind: str | None = None
    if "as" in nodes:
        bind = doc.scalar(nodes["as"], "`as`")
        if not _BIND_NAME.match(bind):
            raise doc.error(
                nodes["as"],
                f"`as: {bind}` is not a plain name",
                "use letters, digits and `_`, starting with a letter: as: invoice",
            )
    expect, expect_error = _expect(doc, nodes.get("expect"))
    if expect_error is not None and bind is not None:
        raise doc.error(
            nodes["as"],
            f"the step expects the error {expect_error} and cannot bind `as: {bind}`",
            "remove `as:` (a failed call has no result to refer to)",
        )
    return Step(
        call=doc.scalar(nodes["call"], "`call`"),
        with_=_with(doc, nodes.get("with")),
        as_=bind,
        checks="expect" in nodes,
        expect=expect,
        expect_error=expect_error,
        pos=SourcePos(file=doc.file, line=doc.line(node)),
    )
