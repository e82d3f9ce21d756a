"""SL004 placeholders (TODO, TBD, FIXME, XXX, ???) and SL005 `[NEEDS CLARIFICATION: ...]`.

Scanned: every line of the spec file and its examples files outside fenced code blocks,
plus the `specloom` interface blocks (their docs are spec text). Transcripts and code
samples are quoted material and skipped, and so are inline code spans.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator

from specloom.check.context import LintContext
from specloom.check.rules import finding
from specloom.check.text import CLARIFICATION as CLARIFY
from specloom.check.text import prose_lines
from specloom.findings import Finding
from specloom.model import Spec

PLACEHOLDER = re.compile(r"(?<!\w)(TODO|TBD|FIXME|XXX)(?!\w)|\?{3,}")
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_KEEP = frozenset({"specloom"})
_MARKS = ("TODO", "TBD", "FIXME", "XXX", "???")
"""What PLACEHOLDER needs in a text to match at all."""


def _may_hold(text: str) -> bool:
    """Whether the text may hold a placeholder or an open question: substring tests first
    (most files hold neither), the patterns only when one of their words is there."""
    if any(m in text for m in _MARKS) and PLACEHOLDER.search(text):
        return True
    return "[" in text and CLARIFY.search(text) is not None


def check(spec: Spec, ctx: LintContext) -> Iterator[Finding]:
    """Findings for the spec file (with the enclosing section clause) and examples files."""
    clause_ids = {c.id for c in spec.clauses if c.kind == "section"}
    heads = sorted(
        (s.pos.line, s.id) for s in spec.sections if s.id in clause_ids and s.pos.file == spec.path
    )
    starts = [h[0] for h in heads]

    def clause_at(line: int) -> str | None:
        i = bisect.bisect_right(starts, line) - 1
        return heads[i][1] if i >= 0 else None

    yield from _scan(spec.path, ctx, clause_at)
    for ef in spec.example_files:
        yield from _scan(ef.path, ctx, lambda _line, cid=ef.id: cid)  # type: ignore[misc]


def _scan(path: str, ctx: LintContext, clause_at: Callable[[int], str | None]) -> Iterator[Finding]:
    text = ctx.sources.text(path)
    if not _may_hold(text):
        return  # the common case: nothing to place, no line-by-line scan
    for no, raw in prose_lines(ctx.sources.lines(path), keep_info=_KEEP):
        if "specloom-disable" in raw:
            continue
        line = _CODE_SPAN.sub(" ", raw)
        for m in CLARIFY.finditer(line):
            yield finding(
                "SL005",
                f"open question {m.group(0)[:80]!r}: answer it and replace the marker "
                "with the decided text",
                clause=clause_at(no),
                file=path,
                line=no,
            )
        for m in PLACEHOLDER.finditer(CLARIFY.sub(" ", line)):
            yield finding(
                "SL004",
                f"placeholder {m.group(0)!r}: write the missing text or track it outside the spec",
                clause=clause_at(no),
                file=path,
                line=no,
            )
