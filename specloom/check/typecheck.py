"""The type check (SL1xx): names, references, imports, target naming, recursion, int64."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any

from specloom import naming
from specloom.check import http, unions
from specloom.check.context import LintContext
from specloom.check.rules import finding
from specloom.findings import Finding
from specloom.model import (
    FieldDef,
    InterfaceItem,
    SourcePos,
    Spec,
    TypeDef,
    TypeRef,
    Workspace,
)

MAX_SAFE_INTEGER = 2**53 - 1
"""The largest integer a JavaScript `number` holds exactly."""
_INT_RANGE = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def _walk(ref: TypeRef) -> Iterator[TypeRef]:
    yield ref
    for a in ref.args:
        yield from _walk(a)


def type_refs(spec: Spec) -> Iterator[tuple[InterfaceItem, str, TypeRef, SourcePos]]:
    """Every type expression of the spec: (item, where it is, type, position), `where`
    reading like `type Invoice field due` or `operation pay return type`."""
    for item, where, ref, pos in _type_refs(spec):
        yield item, str(where), ref, pos


class _Label:
    """A `where` label, formatted only when a finding prints it (most type expressions
    have none: building every label cost more than the checks that read them)."""

    __slots__ = ("args", "form")

    def __init__(self, form: str, *args: str) -> None:
        self.form = form
        self.args = args

    def __str__(self) -> str:
        return self.form.format(*self.args)


def _type_refs(spec: Spec) -> Iterator[tuple[InterfaceItem, _Label, TypeRef, SourcePos]]:
    """`type_refs` with the labels made only when a finding needs one."""
    for t in spec.types:
        for f in t.fields:
            yield t, _Label("type {} field {}", t.name, f.name), f.type, f.pos
        if t.alias is not None:
            yield t, _Label("type {} alias", t.name), t.alias, t.pos
        for v in t.variants:
            label = v.tag if v.tag is not None else v.type.text
            yield t, _Label("type {} variant {}", t.name, label), v.type, v.pos
    for o in spec.operations:
        for p in o.params:
            yield o, _Label("operation {} parameter {}", o.name, p.name), p.type, p.pos
        if o.returns is not None:
            yield o, _Label("operation {} return type", o.name), o.returns, o.pos
    for e in spec.errors:
        for f in e.fields:
            yield e, _Label("error {} field {}", e.name, f.name), f.type, f.pos
    for c in spec.constants:
        yield c, _Label("constant {}", c.name), c.type, c.pos


def check(spec: Spec, ctx: LintContext) -> Iterator[Finding]:
    """All per-spec type checks."""
    yield from _unknown_types(spec, ctx.workspace)
    yield from _duplicates(spec)
    yield from _unknown_errors(spec, ctx.workspace)
    yield from _collisions(spec)
    yield from _reserved(spec)
    yield from _recursion(spec)
    yield from _int64(spec, ctx.ts_int64)
    yield from _constants(spec)
    yield from unions.check(spec, ctx.workspace)
    yield from http.check(spec, ctx.workspace)


def check_workspace(ws: Workspace, ctx: LintContext) -> Iterator[Finding]:
    """Imports: every import exists (SL104) and the import graph has no cycle (SL103).

    The loader already refuses cycles with a SpecError; this rule covers workspaces
    built any other way (the API, tests) so the IR contract is checked in one place.
    """
    for sid in sorted(ws.specs):
        spec = ws.specs[sid]
        for imp in spec.imports:
            if imp not in ws.specs:
                yield finding(
                    "SL104",
                    f"spec {sid} imports {imp!r}, which is not in the workspace: add it to "
                    "the workspace folder or remove it from `imports`",
                    file=spec.path,
                    line=_imports_line(ctx.sources.lines(spec.path)),
                )
    for cycle in _import_cycles(ws):
        first = ws.specs[cycle[0]]
        yield finding(
            "SL103",
            "import cycle " + " -> ".join([*cycle, cycle[0]]) + ": move the shared "
            "definitions into a spec both import",
            file=first.path,
            line=1,
        )


def _imports_line(lines: list[str]) -> int:
    """The line of `imports:` in the front matter (1 when not found)."""
    if not lines or lines[0].strip() != "---":
        return 1
    for i, text in enumerate(lines[1:], start=2):
        if text.strip() == "---":
            break
        if text.startswith("imports:"):
            return i
    return 1


def _import_cycles(ws: Workspace) -> list[list[str]]:
    graph = {sid: [i for i in s.imports if i in ws.specs] for sid, s in ws.specs.items()}
    return _cycles(graph)


def _cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Strongly connected components that contain a cycle (Tarjan, iterative), each sorted
    to start at its smallest name; self-loops count."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            succ = graph.get(node, [])
            if i < len(succ):
                work.append((node, i + 1))
                nxt = succ[i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                comp: list[str] = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1 or node in graph.get(node, []):
                    out.append(sorted(comp))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return sorted(out)


def _unknown_types(spec: Spec, ws: Workspace) -> Iterator[Finding]:
    local = {t.name for t in spec.types}
    names: dict[str, set[str]] = {}
    errors: dict[int, list[str]] = {}  # per TypeRef object (one per type expression)
    for item, where, ref, pos in _type_refs(spec):
        msgs = errors.get(id(ref))
        if msgs is None:
            msgs = errors[id(ref)] = [
                msg
                for r in _walk(ref)
                if r.kind == "named" and (msg := _resolve_error(spec, ws, r, local, names))
            ]
        for msg in msgs:
            yield finding("SL101", f"{where}: {msg}", pos, _first(item))


def _resolve_error(
    spec: Spec, ws: Workspace, r: TypeRef, local: set[str], names: dict[str, set[str]]
) -> str | None:
    """Why a named type does not resolve (None: it does); `names` keeps each imported
    spec's type names (the spec's `types` were scanned once per reference)."""
    if r.spec is None or r.spec == spec.id:
        if r.name in local:
            return None
        return (
            f"unknown type {r.name!r}: define it in a `specloom` block, fix the name, "
            "or qualify it with the spec that defines it (`<spec>.<Type>`)"
        )
    if r.spec not in spec.imports:
        return (
            f"type {r.text!r} names spec {r.spec!r}, which spec {spec.id} does not import:"
            f" add {r.spec} to `imports` in the front matter"
        )
    other = ws.specs.get(r.spec)
    if other is None:
        return f"type {r.text!r}: spec {r.spec!r} is not in the workspace"
    if r.spec not in names:
        names[r.spec] = {t.name for t in other.types}
    if r.name not in names[r.spec]:
        return f"unknown type {r.text!r}: spec {r.spec} defines no type {r.name!r}"
    return None


def _first(item: InterfaceItem) -> str | None:
    return item.clauses[0] if item.clauses else None


def _dup(
    items: Iterable[tuple[str, SourcePos]], what: str, clause: str | None = None
) -> Iterator[Finding]:
    seen: dict[str, SourcePos] = {}
    for name, pos in items:
        if name in seen:
            o = seen[name]
            yield finding(
                "SL102",
                f"duplicate {what} {name!r} (first defined at "
                f"{o.file}:{o.line}): rename one of them",
                pos,
                clause,
            )
        else:
            seen[name] = pos


def _duplicates(spec: Spec) -> Iterator[Finding]:
    # types and errors share one namespace: both become TypeScript types and Rust types
    yield from _dup(((i.name, i.pos) for i in [*spec.types, *spec.errors]), "type or error name")
    yield from _dup(((o.name, o.pos) for o in spec.operations), "operation")
    yield from _dup(((c.name, c.pos) for c in spec.constants), "constant")
    for item, fields, what in _field_lists(spec):
        yield from _dup(((f.name, f.pos) for f in fields), f"{what} of {item.name}", _first(item))
    for t in spec.types:
        yield from _dup(((v.name, t.pos) for v in t.values), f"value of enum {t.name}", _first(t))


def _field_lists(spec: Spec) -> Iterator[tuple[InterfaceItem, list[FieldDef], str]]:
    for t in spec.types:
        yield t, t.fields, "field"
    for e in spec.errors:
        yield e, e.fields, "field"
    for o in spec.operations:
        yield o, o.params, "parameter"


def _unknown_errors(spec: Spec, ws: Workspace) -> Iterator[Finding]:
    known = {e.name for e in spec.errors}
    for imp in spec.imports:
        if imp in ws.specs:
            known |= {f"{imp}.{e.name}" for e in ws.specs[imp].errors}
    for o in spec.operations:
        for err in o.errors:
            if err not in known:
                yield finding(
                    "SL110",
                    f"operation {o.name} raises {err!r}, which is not "
                    "defined: add it under `errors:` or fix the name",
                    o.pos,
                    _first(o),
                )


Converter = Callable[[str], str]
_cached = lru_cache(maxsize=65536)
"""Name conversions are regex work repeated for every field name: memoise them."""
TS_TYPE, TS_MEMBER, TS_PARAM, TS_CONST = (
    _cached(naming.ts_type_name),
    _cached(naming.ts_member_name),
    _cached(naming.ts_param_name),
    _cached(naming.ts_const_name),
)
RS_TYPE, RS_FIELD, RS_VARIANT, RS_CONST = (
    _cached(naming.rust_type_name),
    _cached(naming.rust_field_name),
    _cached(naming.rust_variant_name),
    _cached(naming.rust_const_name),
)
TS_RESERVED = lru_cache(maxsize=65536)(naming.ts_reserved)
RS_RESERVED = lru_cache(maxsize=65536)(naming.rust_reserved)


def _collide(
    names: list[tuple[str, SourcePos]], conv: Converter, lang: str, what: str, clause: str | None
) -> Iterator[Finding]:
    pos = dict(names)
    seen: dict[str, set[str]] = {}
    for n in pos:
        seen.setdefault(conv(n), set()).add(n)
    # same result as naming.collisions, but only the (rare) hits are sorted
    hits = {k: sorted(v) for k, v in seen.items() if len(v) > 1}
    for ident in sorted(hits):
        group = hits[ident]
        where = ", ".join(f"{n!r} ({pos[n].file}:{pos[n].line})" for n in group)
        yield finding(
            "SL105",
            f"{what} {where} all become {lang} `{ident}`: rename one of them",
            pos[group[-1]],
            clause,
        )


def _collisions(spec: Spec) -> Iterator[Finding]:
    types = [(i.name, i.pos) for i in [*spec.types, *spec.errors]]
    ops = [(o.name, o.pos) for o in spec.operations]
    consts = [(c.name, c.pos) for c in spec.constants]
    for lang, conv_t, conv_o, conv_c in (
        ("TypeScript", TS_TYPE, TS_MEMBER, TS_CONST),
        ("Rust", RS_TYPE, RS_FIELD, RS_CONST),
    ):
        yield from _collide(types, conv_t, lang, "type names", None)
        yield from _collide(ops, conv_o, lang, "operation names", None)
        yield from _collide(consts, conv_c, lang, "constant names", None)
    for item, fields, what in _field_lists(spec):
        names = [(f.name, f.pos) for f in fields]
        ts_conv = TS_PARAM if what == "parameter" else TS_MEMBER
        label = f"{what}s of {item.name}"
        yield from _collide(names, ts_conv, "TypeScript", label, _first(item))
        yield from _collide(names, RS_FIELD, "Rust", label, _first(item))


def _reserved(spec: Spec) -> Iterator[Finding]:
    def hit(
        name: str, pos: SourcePos, what: str, ts_kind: str, rs_kind: str, clause: str | None
    ) -> Iterator[Finding]:
        langs = [
            lang
            for lang, bad in (
                ("TypeScript", TS_RESERVED(name, ts_kind)),
                ("Rust", RS_RESERVED(name, rs_kind)),
            )
            if bad
        ]
        if langs:
            yield finding(
                "SL106",
                f"{what} {name!r} is reserved in {' and '.join(langs)}: "
                "the targets escape it; rename it for cleaner code",
                pos,
                clause,
            )

    for i in [*spec.types, *spec.errors]:
        yield from hit(i.name, i.pos, "type name", "type", "type", _first(i))
    for o in spec.operations:
        yield from hit(o.name, o.pos, "operation name", "member", "field", _first(o))
    for c in spec.constants:
        yield from hit(c.name, c.pos, "constant name", "const", "const", _first(c))
    for item, fields, what in _field_lists(spec):
        ts_kind = "param" if what == "parameter" else "member"
        for f in fields:
            if not (TS_RESERVED(f.name, ts_kind) or RS_RESERVED(f.name, "field")):
                continue  # (most fields: no label to make, no finding)
            yield from hit(f.name, f.pos, f"{what} of {item.name}", ts_kind, "field", _first(item))
    for t in spec.types:
        for v in t.values:
            yield from hit(v.name, t.pos, f"value of enum {t.name}", "member", "variant", _first(t))


def _recursion(spec: Spec) -> Iterator[Finding]:
    """A cycle of required, direct references between local records/aliases has no finite
    value: every edge must be non-optional and not inside a list or map."""
    by_name = {t.name: t for t in spec.types}

    def direct(ref: TypeRef) -> str | None:
        if (
            ref.kind == "named"
            and not (ref.optional or ref.nullable)
            and ref.spec in (None, spec.id)
        ):
            return ref.name if ref.name in by_name else None
        return None

    graph: dict[str, list[str]] = {}
    for t in spec.types:
        refs = (
            [f.type for f in t.fields]
            if t.kind == "record"
            else ([t.alias] if t.kind == "alias" and t.alias else [])
        )
        if t.kind == "union":
            # a union is finite when one variant is: only an all-recursive union loops
            refs = [v.type for v in t.variants] if all(direct(v.type) for v in t.variants) else []
        graph[t.name] = sorted({n for n in (direct(r) for r in refs) if n})
    for cycle in _cycles(graph):
        t = by_name[cycle[0]]
        path = " -> ".join([*cycle, cycle[0]]) if len(cycle) > 1 else f"{t.name} -> {t.name}"
        yield finding(
            "SL107",
            f"type {t.name} contains itself through required fields "
            f"({path}): make one field on the cycle optional (`T?`) or a list",
            t.pos,
            _first(t),
        )


def _has_int64(ref: TypeRef) -> bool:
    return any(r.kind == "primitive" and r.name == "int64" for r in _walk(ref))


def _int64(spec: Spec, policy: str) -> Iterator[Finding]:
    if policy == "bigint":
        return
    wide: dict[int, bool] = {}  # per TypeRef object
    for item, where, ref, pos in _type_refs(spec):
        has = wide.get(id(ref))
        if has is None:
            has = wide[id(ref)] = _has_int64(ref)
        if has:
            yield finding(
                "SL108",
                f"{where} is int64: TypeScript maps it to `number`, exact only up "
                "to 2^53 - 1 (9007199254740991); keep values below that or set "
                '`[tool.specloom.targets.typescript] int64 = "bigint"`',
                pos,
                _first(item),
            )
    for c in spec.constants:
        if (
            c.type.kind == "primitive"
            and c.type.name == "int64"
            and isinstance(c.value, int)
            and abs(c.value) > MAX_SAFE_INTEGER
        ):
            yield finding(
                "SL109",
                f"constant {c.name} = {c.value} exceeds 2^53 - 1 and cannot be a TypeScript "
                'number: set `[tool.specloom.targets.typescript] int64 = "bigint"` or use a '
                "smaller value",
                c.pos,
                _first(c),
            )


def _value_ok(ref: TypeRef, value: Any, aliases: dict[str, TypeDef]) -> bool:
    if value is None:
        return ref.optional or ref.nullable
    if ref.kind == "named":
        t = aliases.get(ref.name) if ref.spec is None else None
        return _value_ok(t.alias, value, aliases) if t and t.alias else True
    if ref.kind == "list":
        return isinstance(value, list) and all(_value_ok(ref.args[0], v, aliases) for v in value)
    if ref.kind == "map":
        return isinstance(value, dict) and all(
            _value_ok(ref.args[1], v, aliases) for v in value.values()
        )
    if ref.name in _INT_RANGE:
        lo, hi = _INT_RANGE[ref.name]
        return isinstance(value, int) and not isinstance(value, bool) and lo <= value <= hi
    if ref.name == "float64":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if ref.name == "bool":
        return isinstance(value, bool)
    return isinstance(value, str)  # string, bytes (base64), date, datetime, uuid as text


def _constants(spec: Spec) -> Iterator[Finding]:
    aliases = {t.name: t for t in spec.types if t.kind == "alias"}
    for c in spec.constants:
        if not _value_ok(c.type, c.value, aliases):
            yield finding(
                "SL111",
                f"constant {c.name} = {c.value!r} is not a valid "
                f"{c.type.text}: change the value or the type",
                c.pos,
                _first(c),
            )
