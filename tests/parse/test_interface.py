"""`specloom` blocks: item kinds, positions (line of each name), flow forms, error lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from specloom.errors import SpecError
from specloom.parse import load_spec, load_spec_text

HEAD = "---\nspec: t\n---\n# T {#t}\n\n```specloom\n"  # YAML starts on line 7


def parse(yaml_text: str):  # type: ignore[no-untyped-def]
    return load_spec_text(HEAD + yaml_text + "```\n", "t/spec.md")


def test_positions_are_the_lines_of_the_names() -> None:
    spec = parse(
        "types:\n"  # 7
        "  A:\n"  # 8
        "    fields:\n"  # 9
        "      x: int32\n"  # 10
        "      y: {type: string?, doc: Why.}\n"  # 11
        "operations:\n"  # 12
        "  f: {params: {a: A, b: common.Money}, returns: A?}\n"  # 13
        "errors:\n"  # 14
        "  E: ~\n"  # 15
        "constants:\n"  # 16
        "  N: {type: int64, value: 9007199254740993}\n"  # 17
    )
    (a,) = spec.types
    assert (a.pos.line, [f.pos.line for f in a.fields]) == (8, [10, 11])
    assert a.fields[1].doc == "Why." and a.fields[1].type.optional
    (f,) = spec.operations
    assert f.pos.line == 13
    assert [(p.name, p.type.text, p.type.spec) for p in f.params] == [
        ("a", "A", None),
        ("b", "common.Money", "common"),
    ]
    assert f.returns is not None and f.returns.optional
    assert spec.errors[0].pos.line == 15 and spec.errors[0].fields == []
    assert spec.constants[0].value == 9007199254740993
    assert {i.section for i in spec.interface_items()} == {"t"}


def test_names_are_read_as_written() -> None:
    spec = parse("types:\n  Answer:\n    values: [yes, no, 'on', 1]\n    clauses: [0q9d, 1398]\n")
    (answer,) = spec.types
    assert [v.name for v in answer.values] == ["yes", "no", "on", "1"]
    assert answer.clauses == ["0q9d", "1398"]


def test_enum_values_carry_their_own_lines() -> None:
    spec = parse(
        "types:\n"  # 7
        "  A:\n"  # 8
        "    values:\n"  # 9
        "      - x\n"  # 10
        "      - y: Why.\n"  # 11
        "  B:\n"  # 12
        "    values:\n"  # 13
        "      p: ~\n"  # 14
        "      q: Doc.\n"  # 15
        "  C: {values: [m, n]}\n"  # 16
    )
    got = {t.name: [(v.name, v.pos.file, v.pos.line) for v in t.values] for t in spec.types}
    assert got == {
        "A": [("x", "t/spec.md", 10), ("y", "t/spec.md", 11)],
        "B": [("p", "t/spec.md", 14), ("q", "t/spec.md", 15)],
        "C": [("m", "t/spec.md", 16), ("n", "t/spec.md", 16)],
    }


def test_billing_invoice_status_values_point_at_their_line(specs_dir: Path) -> None:
    spec = load_spec(specs_dir / "billing")
    (status,) = [t for t in spec.types if t.name == "InvoiceStatus"]
    assert [(v.name, v.pos.line) for v in status.values] == [
        ("draft", 62),
        ("issued", 62),
        ("paid", 62),
        ("void", 62),
    ]
    assert {v.pos.file for v in status.values} == {status.pos.file}
    assert status.pos.file.endswith("billing/spec.md")


def test_duplicate_names_are_kept_for_lint() -> None:
    spec = parse("types:\n  A: string\n  A: int32\n")
    assert [(t.name, t.pos.line) for t in spec.types] == [("A", 8), ("A", 9)]


@pytest.mark.parametrize(
    ("yaml_text", "line", "words"),
    [
        ("types: [a]\n", 7, "`types` must be a mapping"),
        ("types:\n  A:\n    fields: {a: string}\n    bogus: 1\n", 10, "unknown key 'bogus'"),
        ("types:\n  A: {}\n", 8, "exactly one of"),
        ("operations:\n  f:\n    params: [a, b]\n", 9, "must be a mapping"),
        ("types:\n  A:\n    values: 3\n", 9, "must be a list"),
        ("types:\n  A:\n    alias: list<\n", 9, "bad type"),
        ("constants:\n  C:\n    type: int32\n    value: &a [*a]\n", 10, "recursive"),
        ("types:\n  A: [\n", 9, "invalid YAML"),
    ],
)
def test_errors_point_at_the_line(yaml_text: str, line: int, words: str) -> None:
    with pytest.raises(SpecError, match=words.replace("[", r"\[")) as exc:
        parse(yaml_text)
    assert exc.value.file == "t/spec.md"
    assert exc.value.line == line


def test_alias_bomb_is_refused() -> None:
    bomb = "a: &a [1,1,1,1,1,1,1,1,1,1]\n"
    for i in range(1, 7):
        bomb += f"{chr(97 + i)}: &{chr(97 + i)} [{', '.join(['*' + chr(96 + i)] * 10)}]\n"
    indented = "".join("      " + line + "\n" for line in bomb.splitlines())
    with pytest.raises(SpecError, match="expands to more than"):
        parse("constants:\n  C:\n    type: string\n    value:\n" + indented)
