"""SL010 interface items naming unknown clauses, SL011 MUST clauses that nothing covers.

A clause is *covered* when an interface item of any spec in the workspace names it in
`clauses:`, or when it has at least one example (inline under its section, or in its
examples file). A section clause is also covered when a clause inside it is covered: its
MUST comes from the statements it holds. Only MUST and MUST NOT clauses are reported.
"""

from __future__ import annotations

from collections.abc import Iterator

from specloom.check.context import LintContext
from specloom.check.rules import finding
from specloom.findings import Finding
from specloom.model import Level, Spec, Workspace


def qualified_refs(ws: Workspace) -> dict[str, set[str]]:
    """{spec id: clause ids that interface items of other specs name as `spec.id`}."""
    out: dict[str, set[str]] = {}
    for other in ws.specs.values():
        for item in other.interface_items():
            for c in item.clauses:
                if "." in c:
                    sid, local = c.split(".", 1)
                    if sid != other.id:
                        out.setdefault(sid, set()).add(local)
    return out


def covered_clauses(
    spec: Spec, ws: Workspace | None = None, external: dict[str, set[str]] | None = None
) -> set[str]:
    """Ids of the clauses of `spec` that an interface item names or an example illustrates
    (`external`: `qualified_refs(ws)`, computed once per workspace by the caller)."""
    out: set[str] = set()
    for item in spec.interface_items():
        out.update(c for c in item.clauses if "." not in c)
    if external is None and ws is not None:
        external = qualified_refs(ws)
    out.update((external or {}).get(spec.id, set()))
    out.update(ex.clause for ex in spec.examples if ex.clause)
    out.update(ef.id for ef in spec.example_files if ef.examples)
    parent = {c.id: c.section for c in spec.clauses}
    for cid in list(out):
        up = parent.get(cid)
        while up is not None and up not in out:
            out.add(up)
            up = parent.get(up)
    return out


def check(spec: Spec, ctx: LintContext) -> Iterator[Finding]:
    """Unknown clause names in `clauses:` lists, then uncovered MUST clauses."""
    ids = {c.id for c in spec.clauses}
    ws = ctx.workspace
    for item in spec.interface_items():
        for cid in item.clauses:
            if "." in cid:
                other_id, local = cid.split(".", 1)
                other = ws.specs.get(other_id)
                if other is not None and other.clause(local) is not None:
                    continue
                why = (
                    f"spec {other_id!r} is not in the workspace"
                    if other is None
                    else f"spec {other_id} has no clause {local!r}"
                )
            elif cid in ids:
                continue
            else:
                why = f"spec {spec.id} has no clause {cid!r}"
            yield finding(
                "SL010",
                f"{item.name} names clause {cid!r}, but {why}: fix the id in `clauses:` "
                "or add the clause",
                item.pos,
                cid,
            )
    covered = covered_clauses(spec, ws, ctx.memo("qualified_refs", lambda: qualified_refs(ws)))
    for c in spec.clauses:
        if c.level in (Level.MUST, Level.MUST_NOT) and c.id not in covered:
            yield finding(
                "SL011",
                f"{c.level.value} clause {c.id} is covered by nothing: name it in an "
                "interface item's `clauses:` or give it an example",
                c.pos,
                c.id,
            )
