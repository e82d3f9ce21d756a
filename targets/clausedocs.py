"""What the stub targets say about clauses: doc-comment text and the clause-coverage gate."""

from __future__ import annotations

from specloom.findings import Finding, Severity
from specloom.model import InterfaceItem, Level, Spec


def item_doc_text(spec: Spec, item: InterfaceItem, id_format: str = "{cid}") -> str:
    """An item's doc, then `<id> (LEVEL): <clause text>` for each clause it names."""
    parts: list[str] = []
    if item.doc:
        parts.append(item.doc)
    for cid in item.clauses:
        clause = spec.clause(cid)
        if clause is not None:
            level = "" if clause.level is Level.NONE else f" ({clause.level.value})"
            parts.append(f"{id_format.format(cid=cid)}{level}: {clause.text}")
    return "\n\n".join(parts)


def missing_clauses(spec: Spec, seen: set[str], rule: str, missing: str) -> list[Finding]:
    """One error per clause an interface item names that the output does not trace.

    `missing` completes "clause <id> (named by <item>) ..." and may use `{cid}`.
    """
    out: list[Finding] = []
    for item in spec.interface_items():
        for cid in item.clauses:
            if cid not in seen:
                out.append(
                    Finding(
                        rule=rule,
                        severity=Severity.ERROR,
                        message=f"clause {cid} (named by {item.name}) " + missing.format(cid=cid),
                        file=item.pos.file,
                        line=item.pos.line,
                        clause=cid,
                    )
                )
    return out
