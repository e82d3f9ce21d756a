"""Fixtures shared by the code-target tests: one spec with every type form and odd name."""

from __future__ import annotations

import pytest

from specloom.model import (
    Constant,
    EnumVariant,
    ErrorDef,
    Example,
    FieldDef,
    Operation,
    SourcePos,
    Spec,
    StructuredExample,
    TypeDef,
    TypeRef,
)

POS = SourcePos(file="specs/edge/spec.md", line=1)


@pytest.fixture
def edge_spec() -> Spec:
    """Every type form, reserved and built-in names, optional-then-required parameters."""
    return _edge_spec()


def _edge_spec() -> Spec:
    def ref(text: str) -> TypeRef:
        opt = text.endswith("?")
        t = text.removesuffix("?")
        if t.startswith("list<"):
            return TypeRef(kind="list", name="list", args=[ref(t[5:-1])], optional=opt, text=text)
        if t.startswith("map<string,"):
            return TypeRef(
                kind="map",
                name="map",
                args=[ref("string"), ref(t[11:-1])],
                optional=opt,
                text=text,
            )
        kind = (
            "primitive"
            if t
            in {"string", "int32", "int64", "float64", "bool", "bytes", "date", "datetime", "uuid"}
            else "named"
        )
        return TypeRef(kind=kind, name=t, optional=opt, text=text)  # type: ignore[arg-type]

    def fld(name: str, text: str) -> FieldDef:
        return FieldDef(name=name, type=ref(text), pos=POS)

    node = TypeDef(
        name="tree_node",
        kind="record",
        pos=POS,
        fields=[
            fld("class", "string"),
            fld("parent", "tree_node?"),
            fld("kids", "list<tree_node>"),
            fld("blob", "bytes"),
            fld("big", "int64"),
            fld("ratio", "float64?"),
            fld("on", "bool"),
            fld("index", "map<string,list<int32>>"),
            fld("when", "datetime?"),
            fld("id", "uuid"),
            fld("mood", "Mood"),
        ],
    )
    mood = TypeDef(
        name="Mood",
        kind="enum",
        pos=POS,
        values=[EnumVariant(name="self", pos=POS), EnumVariant(name="in-between", pos=POS)],
    )
    alias = TypeDef(name="Promise", kind="alias", alias=ref("list<tree_node>"), pos=POS)
    ops = [
        Operation(name="default", params=[fld("from", "string?"), fld("to", "int32")], pos=POS),
        Operation(
            name="grow",
            params=[fld("node", "tree_node"), fld("by", "int64?")],
            returns=ref("tree_node"),
            errors=["type"],
            pos=POS,
        ),
        Operation(name="count", params=[], returns=ref("map<string,float64>"), pos=POS),
    ]
    errs = [ErrorDef(name="type", pos=POS, fields=[fld("type", "string"), fld("at", "int32?")])]
    node_val = {
        "class": "a",
        "parent": None,
        "kids": [],
        "blob": "AAEC",
        "big": 9007199254740993,
        "on": True,
        "index": {"b": [1, 2], "a": []},
        "id": "00000000-0000-4000-8000-000000000001",
        "mood": "in-between",
    }
    examples = [
        Example(
            title="grow",
            clause=None,
            source="file",
            pos=POS,
            structured=StructuredExample(
                call="grow",
                with_={"node": node_val, "by": 2},
                expect={"class": "a", "ratio": None, "kids": [], "parent": None, "mood": "self"},
                pos=POS,
            ),
        ),
        Example(
            title="count",
            clause=None,
            source="file",
            pos=POS,
            structured=StructuredExample(
                call="count", expect={"x": 1.5, "y": float("-inf")}, pos=POS
            ),
        ),
        Example(
            title="default",
            clause=None,
            source="file",
            pos=POS,
            structured=StructuredExample(call="default", with_={"to": 3}, pos=POS),
        ),
        Example(
            title="err",
            clause=None,
            source="file",
            pos=POS,
            structured=StructuredExample(
                call="grow", with_={"node": node_val}, expect_error="type", pos=POS
            ),
        ),
    ]
    return Spec(
        id="edge_case",
        title="Edge",
        path="specs/edge/spec.md",
        hash="e",
        types=[node, mood, alias],
        operations=ops,
        errors=errs,
        examples=examples,
        constants=[
            Constant(name="max", type=ref("int64"), value=5, pos=POS),
            Constant(name="on", type=ref("bool"), value=True, pos=POS),
            Constant(name="limit", type=ref("float64"), value=float("inf"), pos=POS),
        ],
    )
