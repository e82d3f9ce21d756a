"""TypeScript literals for fixtures/fixtures.ts in which each shared minimal value is one
function (`function minimal_<spec>__<type>(): Type`), called where it is nested.

As in the Rust fixtures (`rust/shared_values.py`): written inline, a value of a type n
levels deep repeats n levels of literals (the fixtures of 10,000 synthetic types made tsc
take 2 GB); written once and called, every field is still checked against its declared
type (the call's return type, and the function's own object literal against it, excess
properties included), at a fraction of the size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from specloom.model import Spec, TypeDef, TypeRef

from ..values import RecordValue, UnionValue, Value
from . import signatures as sig
from .conformance import literal


@dataclass(frozen=True)
class SharedValue:
    """One function of the fixtures: `function {name}(): {type} { return {value}; }`."""

    name: str
    type: str
    value: str


def _ident(text: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "_", text.lower()).strip("_") or "x"


class SharedLiterals:
    """Literals of one spec's fixtures with shared minimal values written once."""

    def __init__(
        self, spec: Spec, int64: str, canonical: dict[int, tuple[str, TypeDef, Value]]
    ) -> None:
        self.spec = spec
        self.int64 = int64
        self.canonical = canonical
        self._named: dict[int, str] = {}
        self._used: set[str] = set()
        self._todo: list[tuple[str, str, TypeDef, Value]] = []

    def top(self, v: Value) -> str:
        """The expression of `v` itself (spelled out even when shared); values nested in
        it that are shared become calls."""
        return literal(v, self.int64, lambda x: None if x is v else self._call(x))

    def _call(self, v: Value) -> str | None:
        if not isinstance(v, RecordValue | UnionValue):
            return None
        entry = self.canonical.get(id(v))
        if entry is None or entry[2] is not v:
            return None
        spec_id, td = entry[0], entry[1]
        if spec_id != self.spec.id and spec_id not in self.spec.imports:
            return None  # (no namespace import names a type of a transitive import)
        name = self._named.get(id(v))
        if name is None:
            base = name = f"minimal_{_ident(spec_id)}__{_ident(td.name)}"
            n = 1
            while name in self._used:
                n += 1
                name = f"{base}_{n}"
            self._used.add(name)
            self._named[id(v)] = name
            self._todo.append((name, spec_id, td, v))
        return f"{name}()"

    def shared(self) -> list[SharedValue]:
        """The functions of every shared value called so far (and of those they call),
        sorted by name."""
        out: list[SharedValue] = []
        while self._todo:
            name, spec_id, td, v = self._todo.pop()
            ref = TypeRef(
                kind="named",
                name=td.name,
                spec=None if spec_id == self.spec.id else spec_id,
                text=td.name,
            )
            out.append(SharedValue(name, sig.ts_type(ref, self.int64), self.top(v)))
        return sorted(out, key=lambda s: s.name)
