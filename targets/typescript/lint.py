"""The TypeScript target's lint hook: names its package would declare twice (SL112), and the
int64 values of structured examples a `number` cannot hold exactly.

Cheap on purpose (lint imports it): only `specloom.naming`, the same functions the
generator calls, never the generator, Jinja2 or tsc.
"""

from __future__ import annotations

from collections.abc import Iterator

from specloom import naming
from specloom.check.context import LintContext
from specloom.check.generated import TYPE, VALUE, Declared, collisions
from specloom.findings import Finding
from specloom.model import Spec

BOTH = frozenset({TYPE, VALUE})


def declared(spec: Spec) -> list[Declared]:
    """Every top-level name of the generated package (index.ts re-exports types.ts, api.ts
    and clauses.ts; the import namespaces share their module scope)."""
    out = [Declared(n, BOTH, f"the package's own `{n}`") for n in naming.TS_PACKAGE_NAMES]
    if spec.operations:
        service = naming.ts_service_name(spec.id)
        out.append(Declared(service, frozenset({TYPE}), "the service interface"))
    out.append(Declared(naming.ts_error_union_name(spec.id), frozenset({TYPE}), "the error union"))
    for imp in spec.imports:
        out.append(Declared(naming.ts_namespace_name(imp), BOTH, f"the import of spec {imp}"))
    for t in spec.types:
        first = t.clauses[0] if t.clauses else None
        out.append(
            Declared(naming.ts_type_name(t.name), frozenset({TYPE}), f"type {t.name}", t.pos, first)
        )
        if t.kind == "enum":
            out.append(
                Declared(
                    naming.ts_enum_values_name(t.name),
                    frozenset({VALUE}),
                    f"values of enum {t.name}",
                    t.pos,
                    first,
                )
            )
    for e in spec.errors:
        first = e.clauses[0] if e.clauses else None
        out.append(Declared(naming.ts_type_name(e.name), BOTH, f"error {e.name}", e.pos, first))
    for c in spec.constants:
        first = c.clauses[0] if c.clauses else None
        out.append(
            Declared(
                naming.ts_const_name(c.name), frozenset({VALUE}), f"constant {c.name}", c.pos, first
            )
        )
    return out


def check(spec: Spec, ctx: LintContext) -> Iterator[Finding]:
    """The TypeScript target's spec rules."""
    yield from collisions(spec, declared(spec), "TypeScript")
