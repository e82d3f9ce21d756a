"""SL002 lowercase normative keywords (strict specs only) and SL003 clauses with no keyword."""

from __future__ import annotations

import re
from collections.abc import Iterator

from specloom.check.context import LintContext
from specloom.check.rules import finding
from specloom.check.text import locate
from specloom.findings import Finding
from specloom.model import Level, Spec

LOWER_KEYWORD = re.compile(
    r"(?=[ms])\b(must not|must|shall not|shall|should not|should|may)\b", re.IGNORECASE
)
"""RFC 2119 keywords that read as ordinary English in lowercase (REQUIRED, OPTIONAL and
RECOMMENDED are left out: in lowercase they are nearly always plain adjectives)."""
_CODE_SPAN = re.compile(r"`[^`]*`")


def check(spec: Spec, ctx: LintContext) -> Iterator[Finding]:
    """SL002 in strict specs, SL003 everywhere."""
    lines = ctx.sources.lines(spec.path)
    own = ctx.own_texts(spec)
    if spec.strict:
        for clause, text in own:
            for m in LOWER_KEYWORD.finditer(_CODE_SPAN.sub(" ", text)):
                word = m.group(0)
                if word.isupper():
                    continue
                word_re = re.compile(rf"\b{re.escape(word)}\b")
                yield finding(
                    "SL002",
                    f"lowercase {word!r} in clause {clause.id} of a strict spec: write "
                    f"{word.upper()!r} if it is normative, otherwise rephrase",
                    clause=clause.id,
                    file=clause.pos.file,
                    line=locate(lines, clause.pos.line, word_re),
                )
    has_children = {c.section for c in spec.clauses}
    for clause, text in own:
        if clause.level is not Level.NONE:
            continue
        if clause.kind == "section" and (clause.id in has_children or not text.strip()):
            continue  # a heading that only groups other clauses states nothing itself
        yield finding(
            "SL003",
            f"clause {clause.id} has no normative keyword: add MUST, SHOULD or MAY "
            "(or MUST NOT / SHOULD NOT) to say how binding it is",
            clause.pos,
            clause.id,
        )
