"""SL205: a clause id or a type defined both in a spec and in a spec it imports.

An importing spec that redefines a clause id makes every reference to that id ambiguous
(the docs anchor, the `@see` in the code, the eval tag), and a redefined type hides the
imported one behind an unqualified name. Imports count transitively: a spec sees every
spec below it.
"""

from __future__ import annotations

from collections.abc import Iterator

from specloom.check.context import LintContext
from specloom.check.rules import finding
from specloom.findings import Finding
from specloom.model import Workspace


def imported(ws: Workspace, sid: str) -> list[str]:
    """Every spec `sid` imports, directly or not (missing ones skipped), nearest first."""
    out: list[str] = []
    todo = list(ws.specs[sid].imports)
    while todo:
        dep = todo.pop(0)
        if dep in out or dep == sid or dep not in ws.specs:
            continue
        out.append(dep)
        todo.extend(ws.specs[dep].imports)
    return out


def check_workspace(ws: Workspace, ctx: LintContext) -> Iterator[Finding]:
    """SL205 at each definition in the importing spec."""
    for sid in ws.order or sorted(ws.specs):
        spec = ws.specs[sid]
        deps = imported(ws, sid)
        if not deps:
            continue
        clause_home: dict[str, str] = {}
        type_home: dict[str, str] = {}
        for dep in reversed(deps):  # nearest import wins the message
            d = ws.specs[dep]
            clause_home |= {c.id: dep for c in d.clauses}
            type_home |= {t.name: dep for t in [*d.types, *d.errors]}
        for c in spec.clauses:
            if c.id in clause_home:
                yield finding(
                    "SL205",
                    f"clause id {c.id!r} is also defined in spec {clause_home[c.id]}, which "
                    f"spec {sid} imports: give this clause its own id",
                    c.pos,
                    c.id,
                )
        for t in [*spec.types, *spec.errors]:
            if t.name in type_home:
                dep = type_home[t.name]
                yield finding(
                    "SL205",
                    f"{t.name!r} is also defined in spec {dep}, which spec {sid} imports: "
                    f"use `{dep}.{t.name}` and delete this definition, or rename it",
                    t.pos,
                    t.clauses[0] if t.clauses else None,
                )
