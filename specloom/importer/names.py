"""Names for imported items: valid spec identifiers, unique after the targets' conversions."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from specloom import naming
from specloom.model import PRIMITIVES

RESERVED_TYPE_NAMES = frozenset({*PRIMITIVES, "list", "map", "nullable"})
"""Words the type grammar reads as something else than a type name."""


def ident(text: str, fallback: str = "item") -> str:
    """`pet-tag.v2` -> `pet_tag_v2`: letters, digits and `_`, not starting with a digit."""
    out = re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_")
    if not out:
        out = fallback
    if out[0].isdigit():
        out = f"{fallback}_{out}"
    return out


def pascal(text: str) -> str:
    """`create pet request` -> `CreatePetRequest` (the inline-schema names)."""
    return "".join(w[:1].upper() + w[1:] for w in re.split(r"[^A-Za-z0-9]+", text) if w) or "T"


class Namespace:
    """Hands out names that stay distinct as written and as TypeScript and Rust identifiers
    (the SL102/SL105 rules), recording every rename."""

    def __init__(
        self, convert: tuple[Callable[[str], str], ...], taken: Iterable[str] = ()
    ) -> None:
        self.convert = convert
        self.used: set[str] = set()
        self.idents: set[str] = set()
        for t in taken:
            self._add(t)

    def _keys(self, name: str) -> set[str]:
        return {f"{i}:{c(name)}" for i, c in enumerate(self.convert)}

    def _add(self, name: str) -> None:
        self.used.add(name)
        self.idents |= self._keys(name)

    def free(self, name: str) -> bool:
        return name not in self.used and not (self._keys(name) & self.idents)

    def take(self, wanted: str) -> str:
        """`wanted` if free, else `wanted_2`, `wanted_3`..."""
        name, n = wanted, 1
        while not self.free(name):
            n += 1
            name = f"{wanted}_{n}"
        self._add(name)
        return name


def type_namespace(spec_id: str) -> Namespace:
    """Types and errors: one namespace; the names the targets declare themselves are taken."""
    taken = {
        naming.ts_service_name(spec_id),
        naming.ts_error_union_name(spec_id),
        naming.rust_service_name(spec_id),
        "Error",
        *RESERVED_TYPE_NAMES,
    }
    return Namespace((naming.ts_type_name, naming.rust_type_name), taken)


def member_namespace() -> Namespace:
    """Fields of one record or parameters of one operation."""
    return Namespace((naming.ts_member_name, naming.ts_param_name, naming.rust_field_name))
