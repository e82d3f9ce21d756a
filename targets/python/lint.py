"""The Python target's lint hook: names that collide or are escaped once made Python
identifiers (SL105, SL106), names its package would declare twice (SL112), and spec ids that
become one import name.

Cheap on purpose (lint imports it): only `naming`, the same functions the generator calls,
never the generator, Jinja2, pydantic's models or mypy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache

from specloom.check.context import LintContext
from specloom.check.generated import TYPE, VALUE, Declared, collisions
from specloom.check.rules import finding
from specloom.findings import Finding
from specloom.model import FieldDef, InterfaceItem, SourcePos, Spec, Workspace

from . import naming

LANG = "Python"
BOTH = frozenset({TYPE, VALUE})  # a Python module has one namespace
_cached = lru_cache(maxsize=65536)
"""Name conversions are regex work repeated for every field name (most specs reuse a few
field names thousands of times): memoised, as the core type check does."""
PY_TYPE, PY_FIELD, PY_ERROR_FIELD, PY_PARAM, PY_METHOD, PY_CONST = (
    _cached(naming.py_type_name),
    _cached(naming.py_field_name),
    _cached(naming.py_error_field_name),
    _cached(naming.py_param_name),
    _cached(naming.py_method_name),
    _cached(naming.py_const_name),
)
PY_RESERVED = _cached(naming.python_reserved)


def _first(item: InterfaceItem) -> str | None:
    return item.clauses[0] if item.clauses else None


def _collide(
    names: list[tuple[str, SourcePos]],
    conv: Callable[[str], str],
    what: str,
    clause: str | None,
) -> Iterator[Finding]:
    pos = dict(names)
    seen: dict[str, set[str]] = {}
    for n in pos:
        seen.setdefault(conv(n), set()).add(n)
    # the result of naming.collisions, but only the (rare) hits are sorted
    hits = {k: sorted(v) for k, v in seen.items() if len(v) > 1}
    for ident in sorted(hits):
        group = hits[ident]
        where = ", ".join(f"{n!r} ({pos[n].file}:{pos[n].line})" for n in group)
        yield finding(
            "SL105",
            f"{what} {where} all become {LANG} `{ident}`: rename one of them",
            pos[group[-1]],
            clause,
        )


def _field_lists(
    spec: Spec,
) -> Iterator[tuple[InterfaceItem, list[FieldDef], Callable[[str], str], str]]:
    for t in spec.types:
        yield t, t.fields, PY_FIELD, "field"
    for e in spec.errors:
        yield e, e.fields, PY_ERROR_FIELD, "field"
    for o in spec.operations:
        yield o, o.params, PY_PARAM, "parameter"


def name_collisions(spec: Spec) -> Iterator[Finding]:
    """SL105: two spec names of one kind that become one Python identifier."""
    types = [(i.name, i.pos) for i in [*spec.types, *spec.errors]]
    yield from _collide(types, PY_TYPE, "type names", None)
    ops = [(o.name, o.pos) for o in spec.operations]
    yield from _collide(ops, PY_METHOD, "operation names", None)
    consts = [(c.name, c.pos) for c in spec.constants]
    yield from _collide(consts, PY_CONST, "constant names", None)
    for item, fields, conv, what in _field_lists(spec):
        names = [(f.name, f.pos) for f in fields]
        yield from _collide(names, conv, f"{what}s of {item.name}", _first(item))
    # enum values are wire values, not names: `enum_members` numbers colliding members


def reserved(spec: Spec) -> Iterator[Finding]:
    """SL106: a name the Python target escapes (`class` -> `class_`, `json` -> `json_`)."""

    def hit(
        name: str, pos: SourcePos, what: str, kind: str, clause: str | None
    ) -> Iterator[Finding]:
        if PY_RESERVED(name, kind):
            yield finding(
                "SL106",
                f"{what} {name!r} is reserved in {LANG}: the target escapes it"
                f" (`{_escaped(name, kind)}`); rename it for cleaner code",
                pos,
                clause,
            )

    for i in [*spec.types, *spec.errors]:
        yield from hit(i.name, i.pos, "type name", "type", _first(i))
    for o in spec.operations:
        yield from hit(o.name, o.pos, "operation name", "method", _first(o))
    for c in spec.constants:
        yield from hit(c.name, c.pos, "constant name", "const", _first(c))
    for item, fields, _conv, what in _field_lists(spec):
        kind = "param" if what == "parameter" else "field"
        for f in fields:
            if PY_RESERVED(f.name, kind):  # (most fields: no label to make)
                yield from hit(f.name, f.pos, f"{what} of {item.name}", kind, _first(item))


def _escaped(name: str, kind: str) -> str:
    return {
        "type": naming.py_type_name,
        "field": naming.py_field_name,
        "param": naming.py_param_name,
        "method": naming.py_method_name,
        "const": naming.py_const_name,
    }[kind](name)


def declared(spec: Spec) -> list[Declared]:
    """Every name the package's `__init__.py` exports (models, api and clauses share it)."""
    out = [Declared(n, BOTH, f"the package's own `{n}`") for n in naming.PY_PACKAGE_NAMES]
    out.append(Declared(naming.py_error_base_name(spec.id), BOTH, "the error base class"))
    if spec.operations:
        out.append(Declared(naming.py_service_name(spec.id), BOTH, "the service protocol"))
    for t in spec.types:
        out.append(Declared(PY_TYPE(t.name), BOTH, f"type {t.name}", t.pos, _first(t)))
        for v in t.variants if t.tag is not None else []:  # a tagged union's variant models
            ident = naming.py_variant_class_name(t.name, v.tag or "")
            what = f"the model of variant {v.tag!r} of union {t.name}"
            out.append(Declared(ident, BOTH, what))
    for e in spec.errors:
        out.append(Declared(naming.py_type_name(e.name), BOTH, f"error {e.name}", e.pos, _first(e)))
    for c in spec.constants:
        out.append(
            Declared(naming.py_const_name(c.name), BOTH, f"constant {c.name}", c.pos, _first(c))
        )
    return out


def _modules(ws: Workspace) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for sid in sorted(ws.specs):
        out.setdefault(naming.py_module_name(sid), []).append(sid)
    return out


def module_collision(spec: Spec, ctx: LintContext) -> Iterator[Finding]:
    """SL105: spec ids that become the same import name (`billing-v2`, `billing_v2`)."""
    modules = ctx.memo("python.modules", lambda: _modules(ctx.workspace))
    module = naming.py_module_name(spec.id)
    ids = modules.get(module, [spec.id])
    if len(ids) > 1 and ids[-1] == spec.id:
        where = ", ".join(f"{i!r} ({ctx.workspace.specs[i].path}:1)" for i in ids)
        yield finding(
            "SL105",
            f"spec ids {where} all become the {LANG} package `{module}`: rename one of them",
            SourcePos(file=spec.path, line=1),
        )


def check(spec: Spec, ctx: LintContext) -> Iterator[Finding]:
    """The Python target's spec rules."""
    yield from name_collisions(spec)
    yield from reserved(spec)
    yield from collisions(spec, declared(spec), LANG)
    yield from module_collision(spec, ctx)
