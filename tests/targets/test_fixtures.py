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


def _lists_to_earlier_types(n: int) -> Spec:
    """n records; each has a required list of an earlier record (depth log2 n) and an
    optional reference to the next one: the shape that made sampling exponential."""
    types = []
    for i in range(n):
        fields = [
            FieldDef(name="id", type=TypeRef(kind="primitive", name="string", text="s"), pos=POS)
        ]
        if i + 1 < n:
            fields.append(FieldDef(name="next", type=named(f"T{i + 1}", True), pos=POS))
        kid = named(f"T{i // 2}")
        fields.append(
            FieldDef(
                name="kids", type=TypeRef(kind="list", name="list", args=[kid], text="l"), pos=POS
            )
        )
        types.append(TypeDef(name=f"T{i}", kind="record", pos=POS, fields=fields))
    return Spec(id="s", title="S", path="s.md", hash="h", types=types)


def test_sampling_is_linear_in_the_number_of_types() -> None:
    """Each minimal value is built once per (type, stacked types it can reach): counted in
    calls, not seconds (the cycle check used to build every nested value twice per level)."""
    calls = 0

    class Counting(FixtureBuilder):
        def _sample(self, *args: object, **kw: object) -> object:  # type: ignore[override]
            nonlocal calls
            calls += 1
            return super()._sample(*args, **kw)  # type: ignore[arg-type]

    n = 400
    builder = Counting(_lists_to_earlier_types(n), None)
    fixtures = builder.fixtures()
    assert len(fixtures) == 2 * n - 1  # full and minimal, but T{n-1} has no optional field
    assert calls <= 8 * n  # about 6 per type here; exponential in the depth before
    # the values are the ones a fresh build gives: a nested minimal value is the same
    # wherever it occurs, and shared
    t9 = {f.name: f.value for f in fixtures}["t9_minimal"]
    assert isinstance(t9, RecordValue)
    kids = dict(t9.fields)["kids"]
    assert isinstance(kids, ListValue) and isinstance(kids.items[0], RecordValue)
    assert kids.items[0] == {f.name: f.value for f in fixtures}["t4_minimal"]
    assert id(kids.items[0]) in builder.canonical
