"""`diff_specs(old, new)`: clause and interface changes, each classed, and the version bump check.

Classes (see docs/diff.md for the full table):
- breaking: something a conforming implementation or a client relied on is gone or
  different: a clause removed or made stronger, a type/field/operation/param/error/constant
  removed, a type changed, a required field or parameter added, an enum value removed;
- minor: something new that existing users can ignore: a clause or item added, an optional
  field or parameter added, an enum value added, a clause weakened;
- patch: wording only: clause text at the same level, docs, clause lists, section prose,
  examples.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from enum import StrEnum
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from specloom.check.conflicts import type_signature
from specloom.check.text import normalise
from specloom.model import (
    Clause,
    Constant,
    ErrorDef,
    FieldDef,
    InterfaceItem,
    Level,
    Operation,
    SourcePos,
    Spec,
    TypeDef,
    TypeRef,
    UnionVariant,
)
from specloom.semver import SemVer, parse_semver


class Bump(StrEnum):
    """A semantic-version bump, ordered none < patch < minor < major."""

    NONE = "none"
    PATCH = "patch"
    MINOR = "minor"
    MAJOR = "major"

    @property
    def order(self) -> int:
        return ["none", "patch", "minor", "major"].index(self.value)


Impact = Literal["breaking", "minor", "patch"]
_IMPACT_ORDER = {"patch": 1, "minor": 2, "breaking": 3}


class Change(BaseModel):
    """One difference between the two versions of a spec."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["clause", "section", "type", "operation", "error", "constant", "example"]
    action: Literal["added", "removed", "changed"]
    subject: str
    """Clause id or item name, with a member where it applies (`Invoice.due`)."""
    detail: str
    impact: Impact
    pos: SourcePos | None = None
    side: Literal["old", "new"] = "new"
    """Which version `pos` points into (removed things only exist in the old one)."""


def _change(
    kind: Any,
    action: Literal["added", "removed", "changed"],
    subject: str,
    impact: Impact,
    detail: str,
    pos: SourcePos | None,
    side: Literal["old", "new"] = "new",
) -> Change:
    """One `Change` (positional: the blocks that yield them read as a table)."""
    return Change(
        kind=kind, action=action, subject=subject, impact=impact, detail=detail, pos=pos, side=side
    )


class SpecDiff(BaseModel):
    """The changes between two versions of one spec and whether the version bump covers them."""

    model_config = ConfigDict(extra="forbid")

    spec: str
    old_version: str | None
    new_version: str | None
    changes: list[Change] = Field(default_factory=list)
    required: Bump
    actual: Bump | None
    """The bump between the two front-matter versions; None when one is missing or invalid."""
    ok: bool
    problem: str | None = None
    """Why the bump is insufficient (None when ok)."""

    def counts(self) -> dict[str, int]:
        """Number of changes per impact class."""
        return {k: sum(c.impact == k for c in self.changes) for k in ("breaking", "minor", "patch")}


def parse_version(text: str | None) -> SemVer | None:
    """The front-matter version (`1.2.3`, `v`-prefix, pre-release, build metadata)."""
    return parse_semver(text)


def version_bump(old: SemVer, new: SemVer) -> Bump:
    """The bump from `old` to `new` in semver precedence (NONE when `new` is not higher).

    A release of a pre-release's own version (`2.0.0-rc.1` -> `2.0.0`), or a later
    pre-release of it, is the bump that version stands for: X.0.0 major, X.Y.0 minor, else
    patch (as npm's semver.diff); the pre-release tag is never dropped.
    """
    if new.precedence() <= old.precedence():
        return Bump.NONE
    if new.core == old.core:
        if new.minor == 0 and new.patch == 0:
            return Bump.MAJOR
        return Bump.MINOR if new.patch == 0 else Bump.PATCH
    if new.major > old.major:
        return Bump.MAJOR
    if new.minor > old.minor:
        return Bump.MINOR
    return Bump.PATCH


def required_bump(changes: Sequence[Change], old: SemVer | None) -> Bump:
    """The smallest bump the changes need; a breaking change in 0.y.z needs a minor bump
    (semver: anything may change before 1.0.0, by convention the minor part signals it)."""
    worst = max((_IMPACT_ORDER[c.impact] for c in changes), default=0)
    if worst == 3:
        return Bump.MINOR if old is not None and old[0] == 0 else Bump.MAJOR
    return [Bump.NONE, Bump.PATCH, Bump.MINOR][worst]


def diff_specs(old: Spec, new: Spec) -> SpecDiff:
    """Compare two versions of a spec: every change classed, and the version bump checked."""
    changes = [
        *_clauses(old, new),
        *_sections(old, new),
        *_interface(old, new),
        *_examples(old, new),
    ]
    ov, nv = parse_version(old.version), parse_version(new.version)
    required = required_bump(changes, ov)
    actual = version_bump(ov, nv) if ov and nv else None
    problem: str | None = None
    if required is not Bump.NONE:
        if ov is None or nv is None:
            problem = (
                f"the changes need a {required.value} version bump, but the front-matter"
                f" version is missing or not semver (old {old.version!r}, new "
                f"{new.version!r}): set `version: X.Y.Z` in both"
            )
        elif actual is None or actual.order < required.order:
            got = "no bump" if actual is None or actual is Bump.NONE else f"a {actual.value} bump"
            problem = (
                f"the changes need a {required.value} version bump, but {old.version} ->"
                f" {new.version} is {got}: set the version to {_suggest(ov, required)}"
            )
    return SpecDiff(
        spec=new.id,
        old_version=old.version,
        new_version=new.version,
        changes=changes,
        required=required,
        actual=actual,
        ok=problem is None,
        problem=problem,
    )


def _suggest(v: SemVer, bump: Bump) -> str:
    if bump is Bump.MAJOR:
        return f"{v[0] + 1}.0.0"
    if bump is Bump.MINOR:
        return f"{v[0]}.{v[1] + 1}.0"
    return f"{v[0]}.{v[1]}.{v[2] + 1}"


# -- clauses and prose ----------------------------------------------------------------------


def _strength(level: Level) -> tuple[int, bool]:
    return level.rank, level in (Level.MUST_NOT, Level.SHOULD_NOT)


def _clauses(old: Spec, new: Spec) -> Iterator[Change]:
    a = {c.id: c for c in old.clauses}
    b = {c.id: c for c in new.clauses}
    for cid in [c.id for c in old.clauses if c.id not in b]:
        c = a[cid]
        yield _change(
            "clause",
            "removed",
            cid,
            "breaking",
            f"{_lv(c)}clause removed: {_short(c)}",
            c.pos,
            "old",
        )
    for c in new.clauses:
        if c.id not in a:
            yield _change(
                "clause", "added", c.id, "minor", f"{_lv(c)}clause added: {_short(c)}", c.pos
            )
            continue
        o = a[c.id]
        if o.level is not c.level:
            (ro, no), (rn, nn) = _strength(o.level), _strength(c.level)
            # Stronger breaks implementers; a flipped polarity breaks everyone; a MUST (NOT)
            # made weaker withdraws a guarantee clients rely on. SHOULD -> MAY is minor.
            stronger, flipped = rn > ro, no != nn and rn > 0 and ro > 0
            withdrawn = ro == Level.MUST.rank and rn < ro
            impact: Impact = "breaking" if stronger or flipped or withdrawn else "minor"
            yield _change(
                "clause",
                "changed",
                c.id,
                impact,
                f"level {o.level.value} -> {c.level.value}",
                c.pos,
            )
        elif normalise(o.text) != normalise(c.text) or o.title != c.title:
            yield _change(
                "clause",
                "changed",
                c.id,
                "patch",
                f"wording changed at the same level ({c.level.value})",
                c.pos,
            )


def _lv(c: Clause) -> str:
    return "" if c.level is Level.NONE else f"{c.level.value} "


def _short(c: Clause, n: int = 70) -> str:
    text = normalise(c.text) or c.title
    return text if len(text) <= n else text[: n - 1] + "…"


def _sections(old: Spec, new: Spec) -> Iterator[Change]:
    clause_ids = {c.id for c in new.clauses} | {c.id for c in old.clauses}
    a = {s.id: s for s in old.sections}
    for s in new.sections:
        o = a.get(s.id)
        if o is None or s.id in clause_ids:
            continue  # new sections show up through their clauses or not at all
        if normalise(o.body) != normalise(s.body) or o.title != s.title:
            yield _change("section", "changed", s.id, "patch", "section prose changed", s.pos)


def _examples(old: Spec, new: Spec) -> Iterator[Change]:
    a = {e.id: e for e in old.example_files}
    b = {e.id: e for e in new.example_files}
    for eid in sorted(a.keys() | b.keys()):
        if eid not in b:
            yield _change(
                "example",
                "removed",
                eid,
                "patch",
                f"examples file {eid}.md removed",
                a[eid].pos,
                "old",
            )
        elif eid not in a:
            yield _change(
                "example", "added", eid, "patch", f"examples file {eid}.md added", b[eid].pos
            )
        elif _content(a[eid].model_dump(mode="json")) != _content(b[eid].model_dump(mode="json")):
            yield _change(
                "example", "changed", eid, "patch", f"examples in {eid}.md changed", b[eid].pos
            )


def _content(data: Any) -> Any:
    """A dumped IR node without its source positions and paths (they differ per checkout)."""
    if isinstance(data, dict):
        return {k: _content(v) for k, v in data.items() if k not in ("pos", "path")}
    if isinstance(data, list):
        return [_content(v) for v in data]
    return data


# -- interface ------------------------------------------------------------------------------

Item = TypeVar("Item", bound=InterfaceItem)
Kind = Literal["type", "operation", "error", "constant"]


def _sig(ref: TypeRef | None, spec_id: str) -> str:
    if ref is None:
        return "nothing"
    if ref.nullable:
        bare = ref.model_copy(update={"nullable": False, "optional": False})
        return f"nullable<{_sig(bare, spec_id)}>{'?' if ref.optional else ''}"
    if ref.kind == "named":
        return f"{ref.spec or spec_id}.{ref.name}{'?' if ref.optional else ''}"
    if ref.kind == "primitive":
        return ref.name + ("?" if ref.optional else "")
    inner = ",".join(_sig(a, spec_id) for a in ref.args)
    return f"{ref.kind}<{inner}>{'?' if ref.optional else ''}"


def _interface(old: Spec, new: Spec) -> Iterator[Change]:
    yield from _items("type", old.types, new.types, lambda o, n: _type_changes(o, n, old, new))
    yield from _items(
        "operation", old.operations, new.operations, lambda o, n: _op_changes(o, n, old, new)
    )
    yield from _items(
        "error",
        old.errors,
        new.errors,
        lambda o, n: _error_changes(o, n, old, new),
    )
    yield from _items(
        "constant", old.constants, new.constants, lambda o, n: _const_changes(o, n, old, new)
    )


def _error_changes(o: ErrorDef, n: ErrorDef, old: Spec, new: Spec) -> Iterator[Change]:
    """Payload fields, and the HTTP status a client matches on (given or from the name)."""
    yield from _fields(f"error {n.name}", n.name, o.fields, n.fields, old, new, n.pos)
    if o.http_status() != n.http_status():
        yield _change(
            "error",
            "changed",
            n.name,
            "breaking",
            f"error {n.name}: HTTP status {o.http_status()} -> {n.http_status()}",
            n.pos,
        )


def _items(
    kind: Kind, old: list[Item], new: list[Item], compare: Callable[[Any, Any], Iterable[Change]]
) -> Iterator[Change]:
    a = {i.name: i for i in old}
    b = {i.name: i for i in new}
    for i in old:
        if i.name not in b:
            yield _change(
                kind, "removed", i.name, "breaking", f"{kind} {i.name} removed", i.pos, "old"
            )
    for i in new:
        if i.name not in a:
            yield _change(kind, "added", i.name, "minor", f"{kind} {i.name} added", i.pos)
            continue
        o = a[i.name]
        found = list(compare(o, i))
        for ch in found:
            ch.kind = kind
        yield from found
        if not found and (o.doc != i.doc or o.clauses != i.clauses):
            what = "doc" if o.doc != i.doc else "clause list"
            yield _change(
                kind, "changed", i.name, "patch", f"{kind} {i.name}: {what} changed", i.pos
            )


def _fields(
    label: str,
    owner: str,
    old: list[FieldDef],
    new: list[FieldDef],
    os_: Spec,
    ns: Spec,
    pos: SourcePos,
    what: str = "field",
) -> Iterator[Change]:
    a = {f.name: f for f in old}
    b = {f.name: f for f in new}
    for f in old:
        if f.name not in b:
            yield _change(
                "type",
                "removed",
                f"{owner}.{f.name}",
                "breaking",
                f"{label}: {what} {f.name} removed",
                f.pos,
                "old",
            )
    for f in new:
        o = a.get(f.name)
        if o is None:
            impact: Impact = "minor" if f.type.optional else "breaking"
            req = "optional" if f.type.optional else "required"
            yield _change(
                "type",
                "added",
                f"{owner}.{f.name}",
                impact,
                f"{label}: {req} {what} {f.name} added",
                f.pos,
            )
        elif _sig(o.type, os_.id) != _sig(f.type, ns.id):
            yield _change(
                "type",
                "changed",
                f"{owner}.{f.name}",
                "breaking",
                f"{label}: {what} {f.name} type {o.type.text} -> {f.type.text}",
                f.pos,
            )


def _type_changes(o: TypeDef, n: TypeDef, os_: Spec, ns: Spec) -> Iterator[Change]:
    label = f"type {n.name}"
    if o.kind != n.kind:
        yield _change(
            "type", "changed", n.name, "breaking", f"{label}: {o.kind} -> {n.kind}", n.pos
        )
        return
    if n.kind == "record":
        yield from _fields(label, n.name, o.fields, n.fields, os_, ns, n.pos)
    elif n.kind == "enum":
        ov, nv = [v.name for v in o.values], [v.name for v in n.values]
        for v in ov:
            if v not in nv:
                yield _change(
                    "type",
                    "removed",
                    f"{n.name}.{v}",
                    "breaking",
                    f"{label}: value {v} removed",
                    n.pos,
                )
        for v in nv:
            if v not in ov:
                yield _change(
                    "type", "added", f"{n.name}.{v}", "minor", f"{label}: value {v} added", n.pos
                )
    elif n.kind == "union":
        yield from _union_changes(o, n, os_, ns)
    elif type_signature(o, os_.id) != type_signature(n, ns.id):
        yield _change(
            "type",
            "changed",
            n.name,
            "breaking",
            f"{label}: alias of {_text(o.alias)} -> {_text(n.alias)}",
            n.pos,
        )


def _union_changes(o: TypeDef, n: TypeDef, os_: Spec, ns: Spec) -> Iterator[Change]:
    """A new variant is minor (like a new enum value); a removed or retyped one, or another
    tag field, breaks readers."""
    label = f"type {n.name}"
    if o.tag != n.tag:
        yield _change(
            "type",
            "changed",
            n.name,
            "breaking",
            f"{label}: union tag {o.tag or 'none'} -> {n.tag or 'none'}",
            n.pos,
        )
        return

    def key(v: UnionVariant, sid: str) -> str:
        return v.tag if v.tag is not None else _sig(v.type, sid)

    ov = {key(v, os_.id): v for v in o.variants}
    nv = {key(v, ns.id): v for v in n.variants}
    for k, v in ov.items():
        if k not in nv:
            yield _change(
                "type",
                "removed",
                f"{n.name}.{k}",
                "breaking",
                f"{label}: variant {k} removed",
                n.pos,
            )
        elif _sig(v.type, os_.id) != _sig(nv[k].type, ns.id):
            yield _change(
                "type",
                "changed",
                f"{n.name}.{k}",
                "breaking",
                f"{label}: variant {k} type {v.type.text} -> {nv[k].type.text}",
                nv[k].pos,
            )
    for k, v in nv.items():
        if k not in ov:
            yield _change(
                "type", "added", f"{n.name}.{k}", "minor", f"{label}: variant {k} added", v.pos
            )


def _text(ref: TypeRef | None) -> str:
    return ref.text if ref else "nothing"


def _op_changes(o: Operation, n: Operation, os_: Spec, ns: Spec) -> Iterator[Change]:
    label = f"operation {n.name}"
    yield from _fields(label, n.name, o.params, n.params, os_, ns, n.pos, what="parameter")
    if _sig(o.returns, os_.id) != _sig(n.returns, ns.id):
        yield _change(
            "operation",
            "changed",
            n.name,
            "breaking",
            f"{label}: returns {_text(o.returns)} -> {_text(n.returns)}",
            n.pos,
        )
    if o.binding() != n.binding():
        yield _change(
            "operation",
            "changed",
            n.name,
            "breaking",
            f"{label}: HTTP binding {' '.join(o.binding())} -> {' '.join(n.binding())}",
            n.pos,
        )
    elif [o.placement(p.name) for p in o.params] != [n.placement(p.name) for p in o.params] or (
        o.whole_body() != n.whole_body()
    ):
        yield _change(
            "operation",
            "changed",
            n.name,
            "breaking",
            f"{label}: parameter placement changed",
            n.pos,
        )
    raises = [f"may now raise {e}" for e in n.errors if e not in o.errors]
    raises += [f"no longer raises {e}" for e in o.errors if e not in n.errors]
    for what in raises:
        yield _change("operation", "changed", n.name, "minor", f"{label}: {what}", n.pos)


def _const_changes(o: Constant, n: Constant, os_: Spec, ns: Spec) -> Iterator[Change]:
    if _sig(o.type, os_.id) != _sig(n.type, ns.id) or o.value != n.value:
        yield _change(
            "constant",
            "changed",
            n.name,
            "breaking",
            f"constant {n.name}: {o.type.text} = {o.value!r} -> {n.type.text} = {n.value!r}",
            n.pos,
        )
