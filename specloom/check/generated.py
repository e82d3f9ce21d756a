"""SL112: a spec item whose generated name collides with a name a target generates itself.

The per-target lint hooks (`targets/<name>/lint.py`) list every name their generated code
declares at the top level, through the same `specloom.naming` functions the generators
call; this module finds the names that land twice in one namespace.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from specloom.check.rules import finding
from specloom.findings import Finding
from specloom.model import SourcePos, Spec

TYPE, VALUE = "type", "value"


@dataclass(frozen=True)
class Declared:
    """One top-level declaration of a target's generated code."""

    ident: str
    namespaces: frozenset[str]
    """`type`, `value` or both (a TypeScript class is both)."""
    what: str
    """What declares it: `type SvcService`, or `the service interface` for a generated name."""
    pos: SourcePos | None = None
    """Where the spec defines it; None for a name the target generates on its own."""
    clause: str | None = None


def _family(d: Declared) -> str:
    """Items of one family are SL102/SL105's business (types and errors share theirs)."""
    kind = d.what.split()[0]
    return "type" if kind in {"type", "error"} else kind


def collisions(spec: Spec, names: Iterable[Declared], lang: str) -> Iterator[Finding]:
    """SL112 for each spec item sharing a name and a namespace with a generated name (or,
    across kinds, with another item: SL105 covers items of one kind)."""
    by_ident: dict[str, list[Declared]] = {}
    for d in names:
        by_ident.setdefault(d.ident, []).append(d)
    for ident in sorted(by_ident):
        group = by_ident[ident]
        for i, d in enumerate(group):
            if d.pos is None:
                continue
            others = [
                o
                for j, o in enumerate(group)
                if j != i
                and o.namespaces & d.namespaces
                and (o.pos is None or (j < i and _family(o) != _family(d)))
            ]
            if others:
                clash = ", ".join(o.what for o in others)
                yield finding(
                    "SL112",
                    f"{d.what} becomes {lang} `{ident}`, which the {lang} code of spec "
                    f"{spec.id} already declares ({clash}): rename it",
                    d.pos,
                    d.clause,
                )
