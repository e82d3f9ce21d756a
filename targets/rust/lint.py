"""The Rust target's lint hook: names its crate would declare twice (SL112), and a spec named
after a standard crate (SL106: the crate is renamed like a reserved word).

Cheap on purpose (lint imports it): only `specloom.naming`, the same functions the
generator calls, never the generator, Jinja2 or cargo.
"""

from __future__ import annotations

from collections.abc import Iterator

from specloom import naming
from specloom.check.context import LintContext
from specloom.check.generated import TYPE, VALUE, Declared, collisions
from specloom.check.rules import finding
from specloom.findings import Finding
from specloom.model import SourcePos, Spec


def declared(spec: Spec) -> list[Declared]:
    """Every name the generated crate declares at its root (lib.rs re-exports api, clauses
    and types); types and values are separate namespaces in Rust."""
    out = [
        Declared(n, frozenset({TYPE, VALUE}), f"the crate's own `{n}`")
        for n in naming.RUST_CRATE_NAMES
    ]
    if spec.operations:
        out.append(
            Declared(naming.rust_service_name(spec.id), frozenset({TYPE}), "the service trait")
        )
    for t in [*spec.types]:
        first = t.clauses[0] if t.clauses else None
        out.append(
            Declared(
                naming.rust_type_name(t.name), frozenset({TYPE}), f"type {t.name}", t.pos, first
            )
        )
    for c in spec.constants:
        first = c.clauses[0] if c.clauses else None
        out.append(
            Declared(
                naming.rust_const_name(c.name),
                frozenset({VALUE}),
                f"constant {c.name}",
                c.pos,
                first,
            )
        )
    return out


def check(spec: Spec, ctx: LintContext) -> Iterator[Finding]:
    """The Rust target's spec rules."""
    yield from collisions(spec, declared(spec), "Rust")
    crate = naming.rust_module_name(spec.id)
    if crate in naming.RUST_STD_CRATES:
        yield finding(
            "SL106",
            f"spec id {spec.id!r} is the name of Rust's standard crate `{crate}`: the Rust"
            f" target names the crate `{naming.rust_crate_name(spec.id)}`; rename the spec"
            " for cleaner code",
            SourcePos(file=spec.path, line=1),
        )
