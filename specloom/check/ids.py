"""SL006 duplicate ids, SL013 unknown authority levels, SL014 headings without an explicit id.

SL013 applies only to a spec that declares `authority:` in its front matter: without the
list there is nothing to check a level against (the Model Spec declares none).
"""

from __future__ import annotations

from collections.abc import Iterator

from specloom.check.context import LintContext
from specloom.check.rules import finding
from specloom.findings import Finding
from specloom.model import SourcePos, Spec


def check(spec: Spec, ctx: LintContext) -> Iterator[Finding]:
    """Anchors (explicit heading ids and statement clause ids) must be unique in a spec."""
    first: dict[str, SourcePos] = {}
    anchors: list[tuple[str, SourcePos, str | None]] = [
        (s.id, s.pos, s.id) for s in spec.sections if s.explicit_id
    ]
    section_clauses = {s.id for s in spec.sections if s.explicit_id}
    seen_section_clause: set[str] = set()
    for c in spec.clauses:
        if c.kind == "statement":
            anchors.append((c.id, c.pos, c.id))
        elif c.id not in section_clauses or c.id in seen_section_clause:
            anchors.append((c.id, c.pos, c.id))  # a section clause without its own section
        else:
            seen_section_clause.add(c.id)
    anchors.sort(key=lambda a: (a[1].file, a[1].line))
    for aid, pos, cid in anchors:
        if aid in first:
            other = first[aid]
            yield finding(
                "SL006",
                f"duplicate id {aid!r} (first used at {other.file}:{other.line}): "
                "rename one of them",
                pos,
                cid,
            )
        else:
            first[aid] = pos
    levels = set(spec.authority)
    for c in spec.clauses:
        if levels and c.kind == "section" and c.authority and c.authority not in levels:
            known = ", ".join(spec.authority) or "none declared"
            yield finding(
                "SL013",
                f"authority {c.authority!r} of {c.id} is not in the front-matter "
                f"`authority` list ({known}): add it there or fix the spelling",
                c.pos,
                c.id,
            )
    for s in spec.sections:
        if not s.explicit_id:
            yield finding(
                "SL014",
                f"heading {s.title!r} has no explicit id: add `{{#{s.id}}}` to keep its "
                "anchor stable",
                s.pos,
            )
