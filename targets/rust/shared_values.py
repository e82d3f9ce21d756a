"""Rust literals for tests/fixtures.rs in which each shared minimal value is one function.

The fixtures nest minimal values of other types (a record's required list of another
record...). Written inline, a value of a type n levels deep repeats n levels of literals,
and a file of 1,000 such types held 3.9 MB that rustc checked at up to 6 GB. Written once
each, as `fn minimal_<spec>__<type>() -> Type`, and called where nested, every field is
still checked against its declared type (the call's return type, and the function's body
against it), so the proof is the same at a fraction of the size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from specloom.model import Spec, TypeDef, TypeRef

from ..values import RecordValue, UnionValue, Value
from .conformance import RustLiterals


@dataclass(frozen=True)
class SharedValue:
    """One function of the fixtures: `fn {name}() -> {type} { {value} }`."""

    name: str
    type: str
    value: str


def _ident(text: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "_", text.lower()).strip("_") or "x"


class SharedLiterals(RustLiterals):
    """`RustLiterals` that write a shared minimal value as a call of its own function."""

    def __init__(
        self, spec: Spec, specs: dict[str, Spec], canonical: dict[int, tuple[str, TypeDef, Value]]
    ) -> None:
        super().__init__(spec, specs)
        self.canonical = canonical
        self._root: Value | None = None
        self._named: dict[int, str] = {}
        self._used: set[str] = set()
        self._todo: list[tuple[str, str, TypeDef, Value]] = []

    def top(
        self,
        v: Value,
        *,
        optional: bool = False,
        boxed: bool = False,
        nullable: bool = False,
        ref: TypeRef | None = None,
    ) -> str:
        """The expression of `v` itself (spelled out even when shared); values nested in
        it that are shared become calls. `ref` as in `RustLiterals.lit`."""
        self._root = v
        try:
            return self.lit(v, optional=optional, boxed=boxed, nullable=nullable, ref=ref)
        finally:
            self._root = None

    def _bare(self, v: Value) -> str:
        if v is not self._root and isinstance(v, RecordValue | UnionValue):
            entry = self.canonical.get(id(v))
            if entry is not None and entry[2] is v:
                return f"{self._function(entry[0], entry[1], v)}()"
        return super()._bare(v)

    def _function(self, spec_id: str, td: TypeDef, v: Value) -> str:
        name = self._named.get(id(v))
        if name is None:
            base = name = f"minimal_{_ident(spec_id)}__{_ident(td.name)}"
            n = 1
            while name in self._used:  # (`a-b` and `a_b`: one identifier)
                n += 1
                name = f"{base}_{n}"
            self._used.add(name)
            self._named[id(v)] = name
            self._todo.append((name, spec_id, td, v))
        return name

    def shared(self) -> list[SharedValue]:
        """The functions of every shared value called so far (and of those they call),
        sorted by name."""
        out: list[SharedValue] = []
        while self._todo:
            name, spec_id, td, v = self._todo.pop()
            out.append(SharedValue(name, self.path(spec_id, td.name), self.top(v)))
        return sorted(out, key=lambda s: s.name)
