"""Typed fixtures (targets/fixtures.py): a value of every type, cycles ended, examples kept."""

from __future__ import annotations

from specloom.targets.fixtures import FixtureBuilder
from specloom.targets.values import ListValue, Null, RecordValue

from specloom.model import FieldDef, SourcePos, Spec, TypeDef, TypeRef

POS = SourcePos(file="s.md", line=1)


def named(name: str, optional: bool = False) -> TypeRef:
    return TypeRef(kind="named", name=name, optional=optional, text=name)


def test_records_get_full_and_minimal_values_and_cycles_end() -> None:
    node = TypeDef(
        name="Node",
        kind="record",
        pos=POS,
        fields=[
            FieldDef(name="next", type=named("Node", True), pos=POS),
            FieldDef(name="leaf", type=named("Leaf", True), pos=POS),
            FieldDef(
                name="kids",
                type=TypeRef(kind="list", name="list", args=[named("Node")], text="list<Node>"),
                pos=POS,
            ),
            FieldDef(
                name="label", type=TypeRef(kind="primitive", name="string", text="string"), pos=POS
            ),
        ],
    )
    loop = TypeDef(
        name="Loop",
        kind="record",
        pos=POS,
        fields=[FieldDef(name="me", type=named("Loop"), pos=POS)],
    )
    leaf = TypeDef(
        name="Leaf",
        kind="record",
        pos=POS,
        fields=[
            FieldDef(name="tag", type=named("Leaf", True), pos=POS),
            FieldDef(name="n", type=TypeRef(kind="primitive", name="int64", text="int64"), pos=POS),
        ],
    )
    spec = Spec(id="s", title="S", path="s.md", hash="h", types=[node, loop, leaf])
    fixtures = {f.name: f for f in FixtureBuilder(spec, None).fixtures()}
    # Loop has no finite value; Leaf's only optional field closes a cycle: one value
    assert set(fixtures) == {"node_full", "node_minimal", "leaf_full"}
    full = fixtures["node_full"].value
    assert isinstance(full, RecordValue)
    values = dict(full.fields)
    assert isinstance(values["next"], Null)  # a reference back into the cycle is absent
    assert values["kids"] == ListValue(named("Node"), [])  # a list back into it is empty
    assert isinstance(values["leaf"], RecordValue)  # other optional fields are given...
    assert isinstance(dict(values["leaf"].fields)["tag"], Null)  # ...with minimal values
    minimal = dict(fixtures["node_minimal"].value.fields)  # type: ignore[union-attr]
    assert isinstance(minimal["leaf"], Null)
