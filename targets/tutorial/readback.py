"""Read the published tutorial back: its steps, their clause lists, cases and code blocks, the
set-up and implement-it sections per language and the MUST table. The gates judge this, never
the spec in its place."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .compile import Block, blocks

_H2 = re.compile(r"^## (?P<title>.*?)\s*(?:\{#(?P<anchor>[^}\s]+)\})?\s*$")
_H3 = re.compile(r"^### (?P<title>.*?)\s*(?:\{#(?P<anchor>[^}\s]+)\})?\s*$")
_STEP = re.compile(r"^Step \d+: `(?P<op>[^`]+)`$")
_CLAUSE = re.compile(
    r"^- (?:\[(?P<linked>[^\]]+)\]\([^)]*\)|`(?P<plain>[^`]+)`)"
    r"(?: \*\*(?P<level>MUST NOT|MUST|SHOULD NOT|SHOULD|MAY)\*\*)?: "
)
_CASES = re.compile(r"^Conformance cases: (?P<rest>.*)$")
_CODE = re.compile(r"`([^`]+)`")
_ROW = re.compile(
    r"^\| (?:\[(?P<linked>[^\]]+)\]\([^)]*\)|`(?P<plain>[^`]+)`) \| (?P<level>[A-Z ]+) \| "
    r"(?P<cases>[^|]*) \|"
)
DATA_TITLE = "The data types"
MUST_ANCHOR = "sl-must-cases"
SETUP_ANCHOR = "sl-setup-"
IMPLEMENT_ANCHOR = "sl-implement-"


@dataclass
class Section:
    """A `##` or `###` section: its heading, lines (1-based) and code blocks."""

    title: str
    anchor: str | None
    line: int
    end: int
    """The line after its last line."""
    blocks: list[Block] = field(default_factory=list)


@dataclass
class ReadStep:
    """A step as published: the operation (None for the data types) and what it lists."""

    op: str | None
    line: int
    clauses: list[tuple[str, str | None]]
    """(clause id, level as written or None) per item of "Clauses to satisfy"."""
    cases: list[str] | None
    """The "Conformance cases" line, or None when it is missing."""
    blocks: list[Block]


@dataclass
class ReadTutorial:
    """Everything the gates read from the tutorial."""

    steps: list[ReadStep]
    must: dict[str, tuple[str, list[str], int]]
    """MUST table: clause id -> (level, cases, line)."""
    setup: dict[str, Section]
    """Set-up sections by language name (`typescript`)."""
    implement: dict[str, tuple[Section, list[str]]]
    """Implement-it sections by language name, with the names of the operations listed."""
    blocks: list[Block]


def _sections(lines: list[str], heading: re.Pattern[str], found: list[Block]) -> list[Section]:
    out: list[Section] = []
    for n, text in enumerate(lines, 1):
        m = heading.match(text)
        if m is None:
            continue
        if out:
            out[-1].end = n
        out.append(Section(m["title"], m["anchor"], n, len(lines) + 1))
    for s in out:
        s.blocks = [b for b in found if s.line < b.line < s.end]
    return out


def _in_fence(found: list[Block], n: int) -> bool:
    return any(b.line <= n <= b.line + len(b.lines) + 1 for b in found)


def read_tutorial(markdown: str) -> ReadTutorial:
    """Parse the tutorial as published."""
    lines = markdown.split("\n")
    found = blocks(markdown)
    # Headings inside code blocks (a `## ` line of shell, say) are not sections.
    prose = [text if not _in_fence(found, n) else "" for n, text in enumerate(lines, 1)]
    h2 = _sections(prose, _H2, found)
    steps: list[ReadStep] = []
    must: dict[str, tuple[str, list[str], int]] = {}
    for sec in h2:
        body = list(enumerate(prose[sec.line : sec.end - 1], sec.line + 1))
        step = _STEP.match(sec.title)
        if step is not None or sec.title == DATA_TITLE:
            steps.append(_read_step(step["op"] if step else None, sec, body))
        elif sec.anchor == MUST_ANCHOR:
            for n, text in body:
                m = _ROW.match(text)
                if m is not None:
                    cases = _CODE.findall(m["cases"])
                    must[m["linked"] or m["plain"]] = (m["level"].strip(), cases, n)
    setup: dict[str, Section] = {}
    implement: dict[str, tuple[Section, list[str]]] = {}
    for sec in _sections(prose, _H3, found):
        if sec.anchor and sec.anchor.startswith(SETUP_ANCHOR):
            setup[sec.anchor.removeprefix(SETUP_ANCHOR)] = sec
        elif sec.anchor and sec.anchor.startswith(IMPLEMENT_ANCHOR):
            listed = [
                m.group(1)
                for text in prose[sec.line : sec.end - 1]
                if (m := re.match(r"^\d+\. `([^`]+)`", text))
            ]
            implement[sec.anchor.removeprefix(IMPLEMENT_ANCHOR)] = (sec, listed)
    return ReadTutorial(steps, must, setup, implement, found)


def _read_step(op: str | None, sec: Section, body: list[tuple[int, str]]) -> ReadStep:
    clauses: list[tuple[str, str | None]] = []
    cases: list[str] | None = None
    listing = False
    for _, text in body:
        if text.startswith("Clauses to satisfy:"):
            listing = True
            continue
        if listing:
            m = _CLAUSE.match(text)
            if m is not None:
                clauses.append((m["linked"] or m["plain"], m["level"]))
                continue
            if text.startswith("- ") or not text.strip():
                continue
            listing = False
        c = _CASES.match(text)
        if c is not None:
            cases = _CODE.findall(c["rest"])
    return ReadStep(op, sec.line, clauses, cases, sec.blocks)
