"""Mutants of the openapi and jsonschema targets (gates OA001-OA004, JS001-JS004)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from harness import Mutant, MutationContext

from specloom.model import Spec, Workspace


def _patch_document(change: Callable[[dict[str, Any]], None]) -> Callable[[MutationContext], None]:
    """A generator mutant: the document builder produces a changed document."""

    def mutate(ctx: MutationContext) -> None:
        from specloom.targets.openapi import target

        real = target.openapi_document

        def patched(spec: Spec, workspace: Workspace | None) -> dict[str, Any]:
            doc = real(spec, workspace)
            change(doc)
            return doc

        ctx.monkeypatch.setattr(target, "openapi_document", patched)

    return mutate


def _drop_schema(doc: dict[str, Any]) -> None:
    doc["components"]["schemas"].pop("InvoiceStatus")
    # keep the document resolvable: only the completeness gate can see the loss
    text = json.dumps(doc).replace(
        '{"$ref": "#/components/schemas/InvoiceStatus"}', '{"type": "string"}'
    )
    doc.clear()
    doc.update(json.loads(text))


def _int32_as_string(ctx: MutationContext) -> None:
    from specloom.targets.openapi import schemas

    ctx.monkeypatch.setitem(schemas.PRIMITIVES, "int32", {"type": "string"})


def _clauses_per_package(ctx: MutationContext) -> None:
    """Every item carries every clause id of its spec (traceability per package, not item)."""
    from specloom.targets.openapi import target

    real = target.openapi_document

    def patched(spec: Spec, workspace: Workspace | None) -> dict[str, Any]:
        doc = real(spec, workspace)
        every = sorted({c for i in spec.interface_items() for c in i.clauses})
        for schema in doc["components"]["schemas"].values():
            schema["x-specloom-clauses"] = every
        return doc

    ctx.monkeypatch.setattr(target, "openapi_document", patched)


def _edit(name: str, change: Callable[[dict[str, Any]], None]) -> Callable[[MutationContext], None]:
    """A published mutant: edit the JSON document in the published folder."""

    def mutate(ctx: MutationContext) -> None:
        path = ctx.root / name
        doc = json.loads(path.read_text(encoding="utf-8"))
        change(doc)
        path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")

    return mutate


def _example_quantity(doc: dict[str, Any]) -> None:
    media = doc["paths"]["/create_invoice"]["post"]["requestBody"]["content"]["application/json"]
    media["examples"]["bil2_1"]["value"]["lines"][0]["quantity"] = "two"


def _drop_example(doc: dict[str, Any]) -> None:
    """Every trace of one example (bil2_1) leaves the operation: its request, parameters and
    response examples; the document stays valid and every other example fits."""
    op = doc["paths"]["/create_invoice"]["post"]
    stack: list[Any] = [op]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            examples = node.get("examples")
            if isinstance(examples, dict):
                examples.pop("bil2_1", None)
                if not examples:
                    del node["examples"]
            stack += list(node.values())
        elif isinstance(node, list):
            stack += node


def _move_operation(doc: dict[str, Any]) -> None:
    doc["paths"]["/create_invoice"]["put"] = doc["paths"]["/create_invoice"].pop("post")


def _drop_info(doc: dict[str, Any]) -> None:
    del doc["info"]


def _drop_op_clause(doc: dict[str, Any]) -> None:
    doc["paths"]["/apply_payment"]["post"]["x-specloom-clauses"].pop()


def _js_dialect(doc: dict[str, Any]) -> None:
    doc["$schema"] = "http://json-schema.org/draft-07/schema#"
    doc["$defs"]["Invoice"]["required"] = "id"  # not an array: the meta-schema refuses it


def _js_example(doc: dict[str, Any]) -> None:
    # billing's invoice examples refer to `given` steps, so none is published: add one whose
    # status is outside its enum (a hand edit JS002 must still catch)
    doc["$defs"]["Invoice"].setdefault("examples", []).append({"status": "lost"})


def _js_clauses(doc: dict[str, Any]) -> None:
    doc["$defs"]["LineItem"]["x-specloom-clauses"] = ["bil2"]


def _js_drop_def(doc: dict[str, Any]) -> None:
    doc["$defs"].pop("Overpayment")


def _counter_value_optional(doc: dict[str, Any]) -> None:
    doc["components"]["schemas"]["Counter"]["required"].remove("value")


def _counter_name_integer(doc: dict[str, Any]) -> None:
    doc["$defs"]["Counter"]["properties"]["name"] = {"type": "integer"}


MUTANTS: list[Mutant] = [
    Mutant(
        id="jsonschema-published-field-retyped",
        target="jsonschema",
        gate="JS005",
        kind="published",
        spec="counters",
        mutate=_edit("schema.json", _counter_name_integer),
        why="a property whose JSON type is not its field's (no example exercises it)",
    ),
    Mutant(
        id="openapi-published-required-field-made-optional",
        target="openapi",
        gate="OA005",
        kind="published",
        spec="counters",
        mutate=_edit("openapi.json", _counter_value_optional),
        why="a schema whose required field became optional (every example still fits)",
    ),
    Mutant(
        id="openapi-generator-drops-a-schema",
        target="openapi",
        gate="OA004",
        kind="generator",
        mutate=_patch_document(_drop_schema),
        why="a type of the spec missing from components/schemas",
    ),
    Mutant(
        id="openapi-generator-int32-as-string",
        target="openapi",
        gate="OA002",
        kind="generator",
        mutate=_int32_as_string,
        why="a wrong primitive mapping: example values no longer fit the schema",
    ),
    Mutant(
        id="openapi-generator-clauses-per-package",
        target="openapi",
        gate="OA003",
        kind="generator",
        mutate=_clauses_per_package,
        why="traceability per package instead of per item",
    ),
    Mutant(
        id="openapi-published-example-value",
        target="openapi",
        gate="OA002",
        kind="published",
        mutate=_edit("openapi.json", _example_quantity),
        why="an example whose value does not have the declared type",
    ),
    Mutant(
        id="openapi-published-drops-an-example",
        target="openapi",
        gate="OA004",
        kind="published",
        mutate=_edit("openapi.json", _drop_example),
        why="a structured example of the spec missing from the document (counted from the IR)",
    ),
    Mutant(
        id="openapi-published-wrong-method",
        target="openapi",
        gate="OA004",
        kind="published",
        mutate=_edit("openapi.json", _move_operation),
        why="an operation published under another binding than the spec's",
    ),
    Mutant(
        id="openapi-published-no-info",
        target="openapi",
        gate="OA001",
        kind="published",
        mutate=_edit("openapi.json", _drop_info),
        why="a document the OpenAPI 3.1 schema refuses",
    ),
    Mutant(
        id="openapi-published-operation-loses-a-clause",
        target="openapi",
        gate="OA003",
        kind="published",
        mutate=_edit("openapi.json", _drop_op_clause),
        why="an operation that no longer traces one of its clauses",
    ),
    Mutant(
        id="jsonschema-published-not-2020-12",
        target="jsonschema",
        gate="JS001",
        kind="published",
        mutate=_edit("schema.json", _js_dialect),
        why="a document that is not a valid JSON Schema 2020-12",
    ),
    Mutant(
        id="jsonschema-published-example-value",
        target="jsonschema",
        gate="JS002",
        kind="published",
        mutate=_edit("schema.json", _js_example),
        why="an example value outside its enum",
    ),
    Mutant(
        id="jsonschema-published-clauses",
        target="jsonschema",
        gate="JS003",
        kind="published",
        mutate=_edit("schema.json", _js_clauses),
        why="a $defs entry that traces other clauses than its item",
    ),
    Mutant(
        id="jsonschema-published-drops-a-def",
        target="jsonschema",
        gate="JS004",
        kind="published",
        mutate=_edit("schema.json", _js_drop_def),
        why="an error of the spec missing from $defs",
    ),
]
