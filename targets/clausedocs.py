"""What the stub targets say about clauses: doc-comment text, the items read back from the
generated source, and the per-item clause gate (TS002/RS002) that compares them with the IR."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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
            parts.append(f"{id_format.format(cid=cid)}{level_label(spec, cid)}: {clause.text}")
    return "\n\n".join(parts)


def level_label(spec: Spec, cid: str) -> str:
    """` (MUST)` for a clause with a level, '' otherwise."""
    clause = spec.clause(cid)
    if clause is None or clause.level is Level.NONE:
        return ""
    return f" ({clause.level.value})"


@dataclass(frozen=True)
class CarriedItem:
    """One interface item as read back from the generated source: its kind, its name as the
    source spells it, the clause ids its doc comment carries and the doc comment's text."""

    kind: str
    """type, operation, error or constant."""
    name: str
    clauses: tuple[str, ...]
    doc: str
    file: str
    line: int


ITEM_KINDS = ("type", "operation", "error", "constant")


def spec_items(spec: Spec) -> list[tuple[str, InterfaceItem]]:
    """(kind, item) for every interface item of the spec, in spec order."""
    out: list[tuple[str, InterfaceItem]] = [("type", t) for t in spec.types]
    out += [("operation", o) for o in spec.operations]
    out += [("error", e) for e in spec.errors]
    out += [("constant", c) for c in spec.constants]
    return out


def item_clause_findings(
    spec: Spec,
    carried: list[CarriedItem],
    source_name: Callable[[str, InterfaceItem], str],
    rule: str,
    id_format: str = "{cid}",
) -> list[Finding]:
    """The per-item clause gate: each item of the spec, found in the generated source by its
    generated name, carries exactly the clause ids the spec gives it, each with its clause's
    level in the doc text; no other declaration carries clause ids.

    `source_name(kind, item)` is the name the target generates for an item."""
    found: dict[tuple[str, str], CarriedItem] = {}
    for c in carried:
        found.setdefault((c.kind, c.name), c)
    out: list[Finding] = []

    def err(msg: str, where: CarriedItem | None, item: InterfaceItem, cid: str | None) -> None:
        out.append(
            Finding(
                rule=rule,
                severity=Severity.ERROR,
                message=msg,
                file=where.file if where else item.pos.file,
                line=where.line if where else item.pos.line,
                clause=cid,
            )
        )

    expected_keys: set[tuple[str, str]] = set()
    for kind, item in spec_items(spec):
        name = source_name(kind, item)
        expected_keys.add((kind, name))
        at = f"{kind} {item.name} ({item.pos.file}:{item.pos.line})"
        got = found.get((kind, name))
        want = list(dict.fromkeys(item.clauses))
        if got is None:
            err(
                f"{at} is missing from the generated source (looked for `{name}`)",
                None,
                item,
                want[0] if want else None,
            )
            continue
        for cid in want:
            if cid not in got.clauses:
                err(f"{at} does not carry clause {cid}, which the spec gives it", got, item, cid)
            elif level_label(spec, cid) and (
                f"{id_format.format(cid=cid)}{level_label(spec, cid)}:" not in got.doc
            ):
                err(
                    f"{at}: the doc comment does not state clause {cid} at its level "
                    f"({level_label(spec, cid).strip(' ()')})",
                    got,
                    item,
                    cid,
                )
        for cid in got.clauses:
            if cid not in want:
                err(f"{at} carries clause {cid}, which the spec does not give it", got, item, cid)
    for c in carried:
        if c.clauses and (c.kind, c.name) not in expected_keys:
            out.append(
                Finding(
                    rule=rule,
                    severity=Severity.ERROR,
                    message=f"{c.kind} `{c.name}` carries clauses {', '.join(c.clauses)} but is "
                    "no interface item of the spec",
                    file=c.file,
                    line=c.line,
                    clause=c.clauses[0],
                )
            )
    return out


def carried_clauses(spec: Spec, carried: list[CarriedItem]) -> set[str]:
    """Clause ids of the spec that some generated item carries: the artifact's coverage."""
    ids = {c.id for c in spec.clauses}
    return {cid for item in carried for cid in item.clauses if cid in ids}
