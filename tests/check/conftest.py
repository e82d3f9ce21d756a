"""Builders for small IR specs written in Python (rules tested without the parser)."""

from __future__ import annotations

from typing import Any

import pytest

from specloom.model import (
    Clause,
    Constant,
    ErrorDef,
    FieldDef,
    Level,
    Operation,
    SourcePos,
    Spec,
    TypeDef,
    TypeRef,
    Workspace,
)


def pos(line: int = 1, file: str = "x/spec.md") -> SourcePos:
    return SourcePos(file=file, line=line)


def tref(text: str) -> TypeRef:
    """A tiny type-expression parser for tests: `T?`, `list<T>`, `map<string,T>`, `a.B`."""
    optional = text.endswith("?")
    body = text[:-1] if optional else text
    if body.startswith("list<"):
        return TypeRef(
            kind="list", name="list", args=[tref(body[5:-1])], optional=optional, text=text
        )
    if body.startswith("map<"):
        k, v = body[4:-1].split(",", 1)
        return TypeRef(
            kind="map", name="map", args=[tref(k), tref(v)], optional=optional, text=text
        )
    from specloom.model import PRIMITIVES

    if body in PRIMITIVES:
        return TypeRef(kind="primitive", name=body, optional=optional, text=text)
    spec, _, name = body.rpartition(".")
    return TypeRef(kind="named", name=name, spec=spec or None, optional=optional, text=text)


def record(
    name: str, fields: dict[str, str], line: int = 10, file: str = "x/spec.md", **kw: Any
) -> TypeDef:
    return TypeDef(
        name=name,
        kind="record",
        pos=pos(line, file),
        fields=[FieldDef(name=k, type=tref(v), pos=pos(line + 1, file)) for k, v in fields.items()],
        **kw,
    )


def alias(name: str, target: str, line: int = 10, **kw: Any) -> TypeDef:
    return TypeDef(name=name, kind="alias", alias=tref(target), pos=pos(line), **kw)


def op(
    name: str,
    params: dict[str, str] | None = None,
    returns: str | None = None,
    line: int = 20,
    **kw: Any,
) -> Operation:
    return Operation(
        name=name,
        pos=pos(line),
        params=[
            FieldDef(name=k, type=tref(v), pos=pos(line + 1)) for k, v in (params or {}).items()
        ],
        returns=tref(returns) if returns else None,
        **kw,
    )


def err(name: str, line: int = 30, **kw: Any) -> ErrorDef:
    return ErrorDef(name=name, pos=pos(line), **kw)


def const(name: str, type_: str, value: Any, line: int = 40, **kw: Any) -> Constant:
    return Constant(name=name, type=tref(type_), value=value, pos=pos(line), **kw)


def stmt(
    cid: str,
    text: str,
    level: Level = Level.MUST,
    line: int = 5,
    file: str = "x/spec.md",
    **kw: Any,
) -> Clause:
    return Clause(
        id=cid, kind="statement", title=text[:20], text=text, level=level, pos=pos(line, file), **kw
    )


def make_spec(sid: str = "x", **kw: Any) -> Spec:
    kw.setdefault("path", f"{sid}/spec.md")
    return Spec(id=sid, title=sid, hash="0" * 64, **kw)


def workspace(*specs: Spec) -> Workspace:
    return Workspace(root=".", specs={s.id: s for s in specs}, order=[s.id for s in specs])


class IR:
    """The builders above, handed to tests through the `ir` fixture (importlib mode has no
    importable conftest)."""

    pos = staticmethod(pos)
    tref = staticmethod(tref)
    record = staticmethod(record)
    alias = staticmethod(alias)
    op = staticmethod(op)
    err = staticmethod(err)
    const = staticmethod(const)
    stmt = staticmethod(stmt)
    spec = staticmethod(make_spec)
    workspace = staticmethod(workspace)


@pytest.fixture
def ir() -> type[IR]:
    return IR


@pytest.fixture
def chdir_tmp(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.chdir(tmp_path)
    return tmp_path
