"""Mutants of the typescript target (gates TS001-TS006)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness import Mutant, MutationContext


def _no_see_tags(ctx: MutationContext) -> None:
    from specloom.targets.typescript import signatures

    real = signatures.doc_comment

    def doc_comment(text: str | None, clauses: list[str], indent: str = "") -> str:
        return real(text, [], indent)

    ctx.monkeypatch.setattr(signatures, "doc_comment", doc_comment)


def _operation_loses_a_clause(ctx: MutationContext) -> None:
    """create_invoice drops bil1, which Invoice and EmptyInvoice still carry: a per-package
    check would pass."""
    from specloom.targets.typescript.target import TypeScriptTarget

    from specloom.model import Operation

    real = TypeScriptTarget.item_doc

    def item_doc(self: TypeScriptTarget, spec: Any, item: Any, indent: str = "") -> str:
        if isinstance(item, Operation) and "bil1" in item.clauses:
            item = item.model_copy(update={"clauses": [c for c in item.clauses if c != "bil1"]})
        return real(self, spec, item, indent)

    ctx.monkeypatch.setattr(TypeScriptTarget, "item_doc", item_doc)


def _int64_as_string(ctx: MutationContext) -> None:
    from specloom.targets.typescript import signatures

    ctx.monkeypatch.setitem(signatures.PRIMITIVES, "int64", "string")


def _optional_marker_dropped(ctx: MutationContext) -> None:
    from specloom.targets.typescript import signatures

    from specloom.model import FieldDef

    real = signatures._field

    def field(f: FieldDef, int64: str, docs: bool, indent: str = "  ") -> str:
        return real(
            f.model_copy(update={"type": f.type.model_copy(update={"optional": False})}),
            int64,
            docs,
            indent,
        )

    ctx.monkeypatch.setattr(signatures, "_field", field)


def _enum_values_upper_case(ctx: MutationContext) -> None:
    from specloom.targets.typescript import signatures

    real = signatures.type_signature

    def type_signature(spec: Any, typedef: Any, **kw: Any) -> str:
        out = real(spec, typedef, **kw)
        if typedef.kind == "enum":
            for v in typedef.values:
                out = out.replace(f'"{v.name}"', f'"{v.name.upper()}"')
        return out

    ctx.monkeypatch.setattr(signatures, "type_signature", type_signature)


def _constant_value_changed(ctx: MutationContext) -> None:
    from specloom.targets.typescript import signatures

    real = signatures.constant_value

    def constant_value(const: Any, int64: str = "number") -> str:
        if isinstance(const.value, str):
            const = const.model_copy(update={"value": const.value.upper()})
        return real(const, int64)

    ctx.monkeypatch.setattr(signatures, "constant_value", constant_value)


def _enum_widened_to_string(ctx: MutationContext) -> None:
    from specloom.targets.typescript import signatures

    real = signatures.type_signature

    def type_signature(spec: Any, typedef: Any, **kw: Any) -> str:
        if typedef.kind == "enum":
            return f"export type {signatures.ts_type_name(typedef.name)} = string;"
        return real(spec, typedef, **kw)

    ctx.monkeypatch.setattr(signatures, "type_signature", type_signature)


def _edit(path: str, old: str, new: str, count: int = 1) -> Callable[[MutationContext], None]:
    def mutate(ctx: MutationContext) -> None:
        f = ctx.root / path
        text = f.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        f.write_text(text.replace(old, new, count), encoding="utf-8")

    return mutate


def _error_loses_its_see(ctx: MutationContext) -> None:
    f = ctx.root / "src" / "api.ts"
    head, tail = f.read_text(encoding="utf-8").split("export class EmptyInvoice", 1)
    assert " * @see bil1\n" in head
    f.write_text(head.replace(" * @see bil1\n", "", 1) + "export class EmptyInvoice" + tail)


MUTANTS: list[Mutant] = [
    Mutant(
        id="ts-published-conformance-given-step-dropped",
        target="typescript",
        gate="TS003",
        kind="published",
        spec="counters",
        mutate=_edit("test/conformance.ts", "    await svc.increment($c.id, 4);\n", ""),
        why="a stateful case that skips one of its given steps (it then checks another state)",
    ),
    Mutant(
        id="ts-generator-drops-every-see-tag",
        target="typescript",
        gate="TS002",
        kind="generator",
        mutate=_no_see_tags,
        why="doc comments that lose their clause ids",
    ),
    Mutant(
        id="ts-generator-operation-loses-a-clause-other-items-keep",
        target="typescript",
        gate="TS002",
        kind="generator",
        mutate=_operation_loses_a_clause,
        why="one item loses a clause that other items still name (per-package check passes)",
    ),
    Mutant(
        id="ts-generator-int64-typed-as-string",
        target="typescript",
        gate="TS004",
        kind="generator",
        mutate=_int64_as_string,
        spec="common",
        why="a field typed wrongly in a spec with no operations",
    ),
    Mutant(
        id="ts-generator-optional-field-made-required",
        target="typescript",
        gate="TS004",
        kind="generator",
        mutate=_optional_marker_dropped,
        why="an optional field emitted as required",
    ),
    Mutant(
        id="ts-template-enum-values-renamed",
        target="typescript",
        gate="TS001",
        kind="generator",
        mutate=_enum_values_upper_case,
        why="enum wire values that differ from the spec",
    ),
    Mutant(
        id="ts-generator-constant-value-changed",
        target="typescript",
        gate="TS006",
        kind="generator",
        mutate=_constant_value_changed,
        why="a constant whose value differs from the spec",
    ),
    Mutant(
        id="ts-published-misspelt-type",
        target="typescript",
        gate="TS001",
        kind="published",
        mutate=_edit("src/types.ts", ": string", ": strnig"),
        why="a published source that no longer compiles",
    ),
    Mutant(
        id="ts-published-error-loses-its-see",
        target="typescript",
        gate="TS002",
        kind="published",
        mutate=_error_loses_its_see,
        why="one item's @see removed while other items still name the clause",
    ),
    Mutant(
        id="ts-published-clause-level-weakened",
        target="typescript",
        gate="TS002",
        kind="published",
        mutate=_edit("src/api.ts", "bil11 (MUST NOT):", "bil11 (SHOULD NOT):"),
        why="a doc comment that states a clause weaker than the spec",
    ),
    Mutant(
        id="ts-published-conformance-value-mistyped",
        target="typescript",
        gate="TS003",
        kind="published",
        mutate=_edit("test/conformance.ts", '"c_1"', "12"),
        why="a conformance suite that no longer matches the stubs",
    ),
    Mutant(
        id="ts-published-field-type-changed",
        target="typescript",
        gate="TS004",
        kind="published",
        mutate=_edit("src/types.ts", "readonly quantity: number;", "readonly quantity: string;"),
        why="a record field whose type no longer matches the spec",
    ),
    Mutant(
        id="ts-published-constant-value-edited",
        target="typescript",
        gate="TS006",
        kind="published",
        mutate=_edit("src/api.ts", '= "inv_";', '= "inv-";'),
        why="a published constant edited",
    ),
    Mutant(
        id="ts-published-operation-parameter-retyped",
        target="typescript",
        gate="TS004",
        kind="published",
        mutate=_edit(
            "src/api.ts",
            "amountDue(invoice: Invoice): Promise<common.Money>;",
            "amountDue(invoice: string): Promise<common.Money>;",
        ),
        why="an operation whose parameter type no longer matches the spec",
    ),
    Mutant(
        id="ts-generator-enum-widened-to-string",
        target="typescript",
        gate="TS004",
        kind="generator",
        mutate=_enum_widened_to_string,
        why="a type wider than the spec (every value still assigns)",
    ),
    Mutant(
        id="ts-published-field-widened",
        target="typescript",
        gate="TS004",
        kind="published",
        mutate=_edit(
            "src/types.ts", "readonly quantity: number;", "readonly quantity: number | string;"
        ),
        why="a field type widened (every fixture value still assigns)",
    ),
    Mutant(
        id="ts-published-extra-optional-field",
        target="typescript",
        gate="TS004",
        kind="published",
        mutate=_edit(
            "src/types.ts",
            "readonly quantity: number;",
            "readonly quantity: number;\n  readonly discount?: number;",
        ),
        why="a field the spec does not have (optional, so every value still assigns)",
    ),
]


def _empty_the_fixtures(ctx: MutationContext) -> None:
    (ctx.root / "fixtures" / "fixtures.ts").write_text("export {};\n", encoding="utf-8")


def _drop_a_conformance_case(ctx: MutationContext) -> None:
    f = ctx.root / "test" / "conformance.ts"
    lines = f.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, x in enumerate(lines) if x.lstrip().startswith("test("))
    end = next(i for i in range(start + 1, len(lines)) if lines[i].strip() == "});")
    f.write_text("".join(lines[:start] + lines[end + 1 :]), encoding="utf-8")


MUTANTS += [
    Mutant(
        id="ts-published-fixtures-emptied",
        target="typescript",
        gate="TS004",
        kind="published",
        mutate=_empty_the_fixtures,
        why="the package's own checks edited so that they check nothing",
    ),
    Mutant(
        id="ts-published-conformance-case-dropped",
        target="typescript",
        gate="TS003",
        kind="published",
        mutate=_drop_a_conformance_case,
        why="a structured example missing from the shipped conformance suite",
    ),
]


def _error_kind_lowercased(ctx: MutationContext) -> None:
    from specloom.targets.typescript import signatures

    real = signatures.error_signature

    def error_signature(spec: Any, err: Any, **kw: Any) -> str:
        out = real(spec, err, **kw)
        return out.replace(f'readonly kind = "{err.name}"', f'readonly kind = "{err.name.lower()}"')

    ctx.monkeypatch.setattr(signatures, "error_signature", error_signature)


def _field_renamed(ctx: MutationContext) -> None:
    from specloom.targets.typescript import signatures

    from specloom.model import FieldDef

    real = signatures._field

    def field(f: FieldDef, int64: str, docs: bool, indent: str = "  ") -> str:
        if f.name == "quantity":
            f = f.model_copy(update={"name": "qty"})
        return real(f, int64, docs, indent)

    ctx.monkeypatch.setattr(signatures, "_field", field)


def _last_parameter_dropped(ctx: MutationContext) -> None:
    from specloom.targets.typescript import signatures

    real = signatures.operation_signature

    def operation_signature(spec: Any, op: Any, **kw: Any) -> str:
        if op.params:
            op = op.model_copy(update={"params": op.params[:-1]})
        return real(spec, op, **kw)

    ctx.monkeypatch.setattr(signatures, "operation_signature", operation_signature)


def _service_doc_names_a_clause(ctx: MutationContext) -> None:
    from specloom.targets.typescript import signatures

    real = signatures.doc_comment

    def doc_comment(text: str | None, clauses: list[str], indent: str = "") -> str:
        if text and text.startswith("The operations of the spec") and not clauses:
            clauses = ["bil1"]
        return real(text, clauses, indent)

    ctx.monkeypatch.setattr(signatures, "doc_comment", doc_comment)


MUTANTS += [
    Mutant(
        id="ts-generator-error-kind-lowercased",
        target="typescript",
        gate="TS004",
        kind="generator",
        mutate=_error_kind_lowercased,
        why="an error discriminant that differs from the spec's error name",
    ),
    Mutant(
        id="ts-generator-field-renamed",
        target="typescript",
        gate="TS004",
        kind="generator",
        mutate=_field_renamed,
        why="a record field emitted under another name",
    ),
    Mutant(
        id="ts-generator-operation-drops-last-parameter",
        target="typescript",
        gate="TS004",
        kind="generator",
        mutate=_last_parameter_dropped,
        why="an operation signature missing a parameter",
    ),
    Mutant(
        id="ts-generator-service-doc-names-a-clause",
        target="typescript",
        gate="TS002",
        kind="generator",
        mutate=_service_doc_names_a_clause,
        why="a clause id on a declaration the spec does not give it to",
    ),
]

MUTANTS += [
    Mutant(
        id="ts-published-operation-parameter-widened",
        target="typescript",
        gate="TS004",
        kind="published",
        mutate=_edit(
            "src/api.ts",
            "amountDue(invoice: Invoice): Promise<common.Money>;",
            "amountDue(invoice: Invoice | string): Promise<common.Money>;",
        ),
        why="an operation parameter wider than the spec (every sample argument still fits)",
    ),
    Mutant(
        id="ts-published-dist-file-missing",
        target="typescript",
        gate="TS005",
        kind="published",
        mutate=lambda ctx: (ctx.root / "dist" / "index.js").unlink(),
        why="a package whose entry point is gone: consumers cannot import it",
    ),
    Mutant(
        id="ts-published-dist-edited",
        target="typescript",
        gate="TS005",
        kind="published",
        mutate=_edit("dist/api.js", "export class", "export class Injected {}\nexport class"),
        why="shipped JavaScript that is not the compile of the checked sources",
    ),
]
