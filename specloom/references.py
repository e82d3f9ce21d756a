"""`$name.field[0]` references in structured examples: their syntax and the types they reach."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from specloom.model import TypeDef, TypeRef

_REF = re.compile(
    r"^\$(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<path>(?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*)$"
)
_SEGMENT = re.compile(r"\.(?P<field>[A-Za-z_][A-Za-z0-9_]*)|\[(?P<index>\d+)\]")

Segment = str | int
"""A field name, or a list index."""


@dataclass(frozen=True)
class Reference:
    """`$name` followed by field names and list indexes."""

    name: str
    path: tuple[Segment, ...]
    text: str


class BadReference(ValueError):
    """A string starting with `$` that is not a well-formed reference."""


def parse_reference(value: object) -> Reference | str | None:
    """A Reference for `$name...`, the literal text for `$$...` (one `$` dropped), else None.

    None means `value` is no reference at all (not a string, or not starting with `$`).
    """
    if not isinstance(value, str) or not value.startswith("$"):
        return None
    if value.startswith("$$"):
        return value[1:]
    m = _REF.match(value)
    if m is None:
        raise BadReference(
            f"`{value}` is not a reference: write `$name` or `$name.field.sub` (with `[N]` for "
            "a list item), or `$$` for a literal `$`"
        )
    path: list[Segment] = []
    for seg in _SEGMENT.finditer(m.group("path")):
        path.append(int(seg.group("index")) if seg.group("index") else seg.group("field"))
    return Reference(m.group("name"), tuple(path), value)


Lookup = Callable[[TypeRef, str], tuple[str, TypeDef]]
"""(type reference, owning spec id) -> (defining spec id, definition); KeyError if unknown."""


def follow(ref: Reference, root: TypeRef, owner: str, lookup: Lookup) -> tuple[TypeRef, str]:
    """The type (and the spec defining the names in it) that `ref` reaches from `root`.

    Aliases are looked through; a field or index can only be taken on a record or a list
    that is not optional. Raises BadReference naming the segment that fails.
    """
    current, spec_id = root, owner
    where = f"${ref.name}"
    for seg in ref.path:
        current, spec_id = unalias(current, spec_id, lookup)
        if current.optional:
            raise BadReference(
                f"`{where}` is optional ({current.text}), so `{ref.text}` cannot go past it"
            )
        if isinstance(seg, int):
            if current.kind != "list":
                raise BadReference(f"`{where}` is a {current.text}, not a list: drop `[{seg}]`")
            current = current.args[0]
            where += f"[{seg}]"
            continue
        if current.kind != "named":
            raise BadReference(f"`{where}` is a {current.text}, which has no field `{seg}`")
        spec_id, td = lookup(current, spec_id)
        fields = {f.name: f for f in td.fields}
        if td.kind != "record" or seg not in fields:
            known = ", ".join(fields) or "none"
            raise BadReference(f"`{td.name}` has no field `{seg}` (fields: {known})")
        current = fields[seg].type
        where += f".{seg}"
    return current, spec_id


def unalias(ref: TypeRef, spec_id: str, lookup: Lookup) -> tuple[TypeRef, str]:
    """`ref` with named aliases replaced by what they stand for (optional is kept)."""
    seen = 0
    while ref.kind == "named" and seen < 64:
        try:
            owner, td = lookup(ref, spec_id)
        except KeyError:
            return ref, spec_id
        if td.kind != "alias" or td.alias is None:
            return ref, spec_id
        optional = ref.optional or td.alias.optional
        ref = td.alias.model_copy(update={"optional": optional})
        spec_id = owner
        seen += 1
    return ref, spec_id


def shape(ref: TypeRef, spec_id: str, lookup: Lookup) -> str:
    """A comparable text for a type: aliases resolved, names qualified, optional dropped."""
    ref, spec_id = unalias(ref, spec_id, lookup)
    if ref.kind == "primitive":
        return ref.name
    if ref.kind in ("list", "map"):
        inner = ",".join(shape(a, spec_id, lookup) + ("?" if a.optional else "") for a in ref.args)
        return f"{ref.kind}<{inner}>"
    try:
        owner, td = lookup(ref, spec_id)
    except KeyError:
        return ref.text
    return f"{owner}.{td.name}"
