"""The wire form of structured examples' argument values, and a probe module that reads each
into the published package's models (PY003): pydantic must parse the JSON an HTTP client
would send into the very value the suite builds with the constructors, and write it back.

The JSON is derived from the IR's typed values (records by their spec field names, a
tagged union's record plus its tag, enums by their text, bytes as base64), never from the
generated code, so a model whose wire names, tag values or variant models drifted from the
spec fails here even where the constructors and mypy are content.
"""

from __future__ import annotations

import base64
import json
import math
from typing import Any

from specloom.model import Spec, TypeRef

from ..values import (
    Case,
    EnumValue,
    ListValue,
    MapValue,
    Null,
    RecordValue,
    Scalar,
    UnionValue,
    Value,
    has_reference,
)
from .conformance import literal, qualified_type
from .naming import py_module_name, py_string
from .signatures import module_alias

INEXACT = frozenset({"datetime", "uuid", "float64"})
"""Primitives whose text pydantic may write back in another spelling (`Z` for `+00:00`,
lower-case hex, `1e-05`): values holding one are compared as values, not as JSON text."""


class NoWire(Exception):
    """A value with no JSON form (NaN, infinity)."""


def wire(v: Value) -> tuple[Any, bool]:
    """(the JSON value of `v`, whether its text round-trips exactly)."""
    if isinstance(v, Null):
        return None, True
    if isinstance(v, Scalar):
        if v.prim == "bytes":
            return base64.b64encode(bytes(v.value)).decode("ascii"), True
        if v.prim == "float64" and not math.isfinite(float(v.value)):
            raise NoWire(v.prim)
        return v.value, v.prim not in INEXACT
    if isinstance(v, EnumValue):
        return v.variant, True
    if isinstance(v, ListValue):
        done = [wire(x) for x in v.items]
        return [x for x, _ in done], all(e for _, e in done)
    if isinstance(v, MapValue):
        pairs = [(k, wire(x)) for k, x in v.items]
        return {k: x for k, (x, _) in pairs}, all(e for _, (_, e) in pairs)
    if isinstance(v, UnionValue):
        inner, exact = wire(v.value)
        if v.typedef.tag is not None and isinstance(inner, dict):
            inner = {v.typedef.tag: v.typedef.variants[v.index].tag, **inner}
        return inner, exact
    assert isinstance(v, RecordValue)
    fields: dict[str, Any] = {}
    exact = True
    for name, x in v.fields:
        if isinstance(x, Null) and not x.explicit:
            continue  # absent: the key is left out
        fields[name], ok = wire(x)
        exact = exact and ok
    return fields, exact


def checks(spec: Spec, cases: list[Case], names: list[str]) -> list[tuple[str, str, str]]:
    """(case function name, label, the check's code) for every argument of every call of
    every case, and every whole expected result, that refers to no earlier result."""
    out: list[tuple[str, str, str]] = []
    for case, name in zip(cases, names, strict=True):
        for step_no, step in enumerate([*case.given, case.main], 1):
            for (param, v), p in zip(step.args, step.op.params, strict=True):
                if has_reference(v) or (isinstance(v, Null) and not v.explicit):
                    continue
                try:
                    data, exact = wire(v)
                except NoWire:
                    continue
                label = f"{step.op.name}({param}) of call {step_no}"
                out.append((name, label, _check(p.type, spec.id, v, data, exact)))
            want = step.expect
            ret = step.op.returns
            if want is None or ret is None or has_reference(want) or _partial(want):
                continue  # a subset expectation is no whole value: the suite checks it
            if isinstance(want, Null) and not want.explicit:
                continue
            try:
                data, exact = wire(want)
            except NoWire:
                continue
            label = f"{step.op.name}() result of call {step_no}"
            out.append((name, label, _check(ret, spec.id, want, data, exact)))
    return out


def _partial(v: Value) -> bool:
    """Whether `v` holds a record that leaves out a required field (an expectation may name
    only the fields it checks): no whole value to read from JSON."""
    if isinstance(v, RecordValue):
        given = {n for n, _ in v.fields}
        required = {f.name for f in v.typedef.fields if not f.type.optional}
        return bool(required - given) or any(_partial(x) for _, x in v.fields)
    if isinstance(v, UnionValue):
        return _partial(v.value)
    if isinstance(v, ListValue):
        return any(_partial(x) for x in v.items)
    if isinstance(v, MapValue):
        return any(_partial(x) for _, x in v.items)
    return False


def _check(ref: TypeRef, owner: str, v: Value, data: Any, exact: bool) -> str:
    text = json.dumps(data, ensure_ascii=True, sort_keys=True)
    ann = qualified_type(ref, owner)
    return "\n".join(
        [
            f"    adapter = _TypeAdapter({ann})",
            f"    text = {py_string(text)}",
            "    got = adapter.validate_json(text)",
            f"    want = {literal(v)}",
            "    assert got == want, f'read {got!r}, the constructors build {want!r}'",
            "    back = _json.loads(adapter.dump_json(got, exclude_unset=True))",
            "    assert adapter.validate_json(adapter.dump_json(got)) == got, 'no round trip'",
            (
                "    assert back == _json.loads(text), f'written back as {back!r}'"
                if exact
                else "    pass"
            ),
        ]
    )


def probe_module(owners: list[str], found: list[tuple[str, str, str]]) -> str:
    """`wire_probe.py`: one function per check, and `CHECKS` naming each (case, label)."""
    lines = [
        "import datetime as _dt",
        "import json as _json",
        "import uuid as _uuid",
        "",
        "from pydantic import TypeAdapter as _TypeAdapter",
        "",
        *(f"import {py_module_name(o)} as {module_alias(o)}" for o in owners),
        "",
        "CHECKS = []",
    ]
    for i, (case, label, code) in enumerate(found):
        lines += [
            "",
            "",
            f"def check_{i}():",
            code,
            f"CHECKS.append(({case!r}, {label!r}, check_{i}))",
        ]
    return "\n".join(lines) + "\n"
