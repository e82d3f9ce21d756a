"""The constant-value gate of the stub targets (TS006/RS006): each constant's literal, read
back from the generated source and parsed, equals the value the spec gives it."""

from __future__ import annotations

import math
from collections.abc import Callable

from specloom.findings import Finding, Severity
from specloom.model import InterfaceItem, Spec

from .clausedocs import CarriedItem


class BadLiteral(ValueError):
    """A literal the reader cannot parse (the target never writes one)."""


def same_value(want: object, got: object) -> bool:
    """Equal as the spec means them: floats by value (NaN equals NaN), bools as bools."""
    if isinstance(want, bool) or isinstance(got, bool):
        return isinstance(want, bool) and isinstance(got, bool) and want == got
    if isinstance(want, int | float) and isinstance(got, int | float):
        if isinstance(want, float) and math.isnan(want):
            return isinstance(got, float) and math.isnan(got)
        return float(want) == float(got)
    return want == got


def constant_findings(
    spec: Spec,
    carried: list[CarriedItem],
    source_name: Callable[[str, InterfaceItem], str],
    parse: Callable[[str], object],
    rule: str,
) -> list[Finding]:
    """One error per constant whose published literal differs from the spec's value (a
    constant missing from the source is TS002/RS002's finding)."""
    found = {c.name: c for c in carried if c.kind == "constant" and c.value is not None}
    out: list[Finding] = []
    for const in spec.constants:
        item = found.get(source_name("constant", const))
        if item is None or item.value is None:
            continue
        try:
            got = parse(item.value)
        except (BadLiteral, ValueError) as exc:
            got, why = None, f"cannot be read ({exc})"
        else:
            why = ""
        if why or not same_value(const.value, got):
            out.append(
                Finding(
                    rule=rule,
                    severity=Severity.ERROR,
                    message=f"constant {const.name} ({const.pos.file}:{const.pos.line}) is "
                    f"`{item.value}` in the source"
                    + (f", which {why}" if why else f", the spec gives {const.value!r}"),
                    file=item.file,
                    line=item.line,
                    clause=const.clauses[0] if const.clauses else None,
                )
            )
    return out
