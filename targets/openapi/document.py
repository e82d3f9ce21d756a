"""The OpenAPI 3.1 document and the JSON Schema 2020-12 document of one spec (pure data)."""

from __future__ import annotations

from typing import Any

from specloom.check.values import ValueChecker
from specloom.errors import SpecError
from specloom.model import (
    ErrorDef,
    Operation,
    SourcePos,
    Spec,
    StructuredExample,
    TypeRef,
    Workspace,
)
from specloom.references import literal_or_none

from ..clausedocs import item_doc_text
from ..values import ValueBuilder, plain
from .schemas import CLAUSES, Json, RefOf, error_schema, object_schema, ref_schema, type_schema

OPENAPI_FILE = "openapi.json"
SCHEMA_FILE = "schema.json"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def error_status(spec: Spec, workspace: Workspace | None, name: str) -> str:
    """The status a declared error is answered with: its `status`, else the naming rule
    (`ErrorDef.http_status`; an error that cannot be found gets the rule too)."""
    sid, _, local = name.rpartition(".")
    owner = spec if sid in ("", spec.id) else (workspace.specs.get(sid) if workspace else None)
    for e in owner.errors if owner is not None else []:
        if e.name == local:
            return e.http_status()
    return ErrorDef(name=local, pos=SourcePos(file=spec.path, line=1)).http_status()


def openapi_ref(spec_id: str) -> RefOf:
    """Local types in components/schemas; imported ones in the imported spec's document."""

    def ref_of(sid: str | None, name: str) -> str:
        if sid in (None, spec_id):
            return f"#/components/schemas/{name}"
        return f"../../{sid}/openapi/{OPENAPI_FILE}#/components/schemas/{name}"

    return ref_of


def jsonschema_ref(spec_id: str) -> RefOf:
    """Local types in `$defs`; imported ones in the imported spec's schema document."""

    def ref_of(sid: str | None, name: str) -> str:
        if sid in (None, spec_id):
            return f"#/$defs/{name}"
        return f"../../{sid}/jsonschema/{SCHEMA_FILE}#/$defs/{name}"

    return ref_of


def example_cases(
    spec: Spec, workspace: Workspace | None = None
) -> list[tuple[str, str, StructuredExample]]:
    """(key, title, example) of every structured example, keyed like the conformance cases
    (`<clause>_<n>`), its values as they are on the wire (`_wire`)."""
    out = []
    counts: dict[str, int] = {}
    for ex in spec.examples:
        if ex.structured is None:
            continue
        base = ex.clause or "example"
        counts[base] = counts.get(base, 0) + 1
        st = ex.structured
        # A value that refers to an earlier `given` step's result (`$inv.id`) has no meaning
        # outside its test: such examples are not OpenAPI/JSON Schema examples. `$$` escapes
        # are undone, so the document shows the literal the spec means.
        ok_with, with_ = literal_or_none(st.with_)
        ok_expect, expect = literal_or_none(st.expect)
        if not (ok_with and ok_expect):
            continue
        st = _wire(spec, workspace, st.model_copy(update={"with_": with_, "expect": expect}))
        out.append((f"{base}_{counts[base]}", ex.title, st))
    return out


def _wire(spec: Spec, workspace: Workspace | None, st: StructuredExample) -> StructuredExample:
    """The example with each argument and a complete expectation typed and written as JSON:
    the spec reads YAML's `12` as a string where the type says so, the document must say
    `"12"`. A value that does not build stays as written (OA002 then reports it)."""
    op = next((o for o in spec.operations if o.name == st.call), None)
    if op is None:
        return st
    builder = ValueBuilder(spec, workspace)
    with_ = dict(st.with_)
    for p in op.params:
        if p.name in with_:
            with_[p.name] = _built(builder, spec.id, p.type, with_[p.name], st, partial=False)
    expect = st.expect
    if op.returns is not None and st.expect_error is None and expect is not None:
        expect = _built(builder, spec.id, op.returns, expect, st, partial=False)
    return st.model_copy(update={"with_": with_, "expect": expect})


def _built(
    builder: ValueBuilder,
    owner: str,
    ref: TypeRef,
    value: Any,
    st: StructuredExample,
    *,
    partial: bool,
) -> Any:
    try:
        return plain(builder.build(ref, value, owner, st.pos, partial=partial))
    except (SpecError, TypeError, KeyError):
        return value


def openapi_document(spec: Spec, workspace: Workspace | None) -> Json:
    """Every type and error in components/schemas, every operation under its binding."""
    ref_of = openapi_ref(spec.id)
    schemas: Json = {t.name: type_schema(t, ref_of) for t in spec.types}
    for e in spec.errors:
        schemas[e.name] = error_schema(e, ref_of)
    _describe(spec, schemas)
    checker = ValueChecker(spec, workspace)
    cases = example_cases(spec, workspace)
    paths: Json = {}
    for op in spec.operations:
        method, path = op.binding()
        mine = [(k, t, st) for k, t, st in cases if st.call == op.name]
        paths.setdefault(path, {})[method.lower()] = _operation(spec, op, ref_of, mine, checker)
    sections = {s.id: s.title for s in spec.sections}
    tags = sorted({op.section for op in spec.operations if op.section})
    info: Json = {"title": spec.title, "version": spec.version or "0.0.0"}
    doc: Json = {
        "openapi": "3.1.0",
        "info": info,
        "jsonSchemaDialect": DIALECT,
        "x-specloom-spec": spec.id,
    }
    if tags:
        doc["tags"] = [{"name": t, "description": sections.get(t, t)} for t in tags]
    doc["paths"] = paths
    doc["components"] = {"schemas": schemas}
    return doc


def _describe(spec: Spec, schemas: Json) -> None:
    """Each item's description: its doc, then `<id> (LEVEL): <clause text>` per clause (what
    the stub targets write in doc comments), so the clause's words sit beside its id."""
    for item in [*spec.types, *spec.errors]:
        text = item_doc_text(spec, item)
        if text and item.name in schemas:
            schemas[item.name]["description"] = text


def _operation(
    spec: Spec,
    op: Operation,
    ref_of: RefOf,
    cases: list[tuple[str, str, StructuredExample]],
    checker: ValueChecker,
) -> Json:
    out: Json = {"operationId": op.name}
    text = item_doc_text(spec, op)
    if text:
        out["description"] = text
    if op.section:
        out["tags"] = [op.section]
    out[CLAUSES] = list(op.clauses)
    params: list[Json] = []
    body = []
    for p in op.params:
        where = op.placement(p.name)
        if where == "body":
            body.append(p)
            continue
        param: Json = {
            "name": p.name,
            "in": where,
            "required": where == "path" or not p.type.optional,
            "schema": ref_schema(p.type, ref_of),
        }
        if p.doc:
            param["description"] = p.doc
        given = {k: st.with_[p.name] for k, _, st in cases if p.name in st.with_}
        if given:
            param["examples"] = {k: {"value": v} for k, v in given.items()}
        params.append(param)
    if params:
        out["parameters"] = params
    whole = op.whole_body()
    whole_p = next((p for p in body if p.name == whole), None)
    if whole_p is not None:  # the parameter's value is the body itself (SL116: alone)
        bare = whole_p.type.model_copy(update={"optional": False})
        media: Json = {"schema": ref_schema(bare, ref_of)}
        ex = {
            k: {"summary": title, "value": st.with_[whole_p.name]}
            for k, title, st in cases
            if whole_p.name in st.with_
        }
    elif body:
        media = {"schema": object_schema(body, ref_of)}
        names = {p.name for p in body}
        ex = {
            k: {"summary": title, "value": {n: v for n, v in st.with_.items() if n in names}}
            for k, title, st in cases
        }
    if body:
        if ex:
            media["examples"] = ex
        out["requestBody"] = {
            "required": any(not p.type.optional for p in body),
            "content": {"application/json": media},
        }
    out["responses"] = _responses(op, ref_of, cases, checker, spec)
    return out


def _responses(
    op: Operation,
    ref_of: RefOf,
    cases: list[tuple[str, str, StructuredExample]],
    checker: ValueChecker,
    spec: Spec,
) -> Json:
    out: Json = {}
    if op.returns is None:
        out["204"] = {"description": "Success, no content."}
    else:
        ret = op.returns.model_copy(update={"nullable": op.returns.nullable or op.returns.optional})
        media: Json = {"schema": ref_schema(ret, ref_of)}
        # only complete expectations are examples of the response (a subset match is not)
        ex = {
            k: {"summary": title, "value": st.expect}
            for k, title, st in cases
            if st.expect_error is None and not _incomplete(checker, ret, st.expect)
        }
        if ex:
            media["examples"] = ex
        out["200"] = {"description": "Success.", "content": {"application/json": media}}
    by_status: dict[str, list[str]] = {}
    for err in op.errors:
        by_status.setdefault(error_status(spec, checker.workspace, err), []).append(err)
    for status in sorted(by_status):
        names = by_status[status]
        refs = [_error_ref(n, ref_of) for n in names]
        schema: Json = (
            {"$ref": refs[0]}
            if len(refs) == 1
            else {
                "oneOf": [{"$ref": r} for r in refs],
                "discriminator": {
                    "propertyName": "error",
                    "mapping": {n.rsplit(".", 1)[-1]: r for n, r in zip(names, refs, strict=True)},
                },
            }
        )
        out[status] = {
            "description": "Error: " + ", ".join(names) + ".",
            "content": {"application/json": {"schema": schema}},
        }
    return out


def _error_ref(name: str, ref_of: RefOf) -> str:
    sid, _, local = name.rpartition(".")
    return ref_of(sid or None, local)


def _incomplete(checker: ValueChecker, ref: TypeRef, value: Any) -> bool:
    """A subset expectation (or a wrong one): not an example of the whole type."""
    return bool(list(checker.problems(ref, value, "expect", partial=False)))


def jsonschema_document(spec: Spec, workspace: Workspace | None) -> Json:
    """`$defs` per type and error; example argument and result values as `examples`."""
    ref_of = jsonschema_ref(spec.id)
    defs: Json = {t.name: type_schema(t, ref_of) for t in spec.types}
    for e in spec.errors:
        defs[e.name] = error_schema(e, ref_of)
    _describe(spec, defs)
    checker = ValueChecker(spec, workspace)
    ops = {o.name: o for o in spec.operations}
    for _key, _title, st in example_cases(spec, workspace):
        op = ops.get(st.call)
        if op is None:
            continue
        pairs: list[tuple[Any, Any]] = [
            (p.type, st.with_[p.name]) for p in op.params if p.name in st.with_
        ]
        ret = op.returns
        if ret is not None and st.expect_error is None:
            pairs += [] if _incomplete(checker, ret, st.expect) else [(ret, st.expect)]
        for ref, value in pairs:
            if ref.kind == "named" and ref.spec in (None, spec.id) and ref.name in defs:
                if value is None:
                    continue
                bucket = defs[ref.name].setdefault("examples", [])
                if value not in bucket:
                    bucket.append(value)
    return {
        "$schema": DIALECT,
        "title": spec.title,
        "x-specloom-spec": spec.id,
        "$defs": defs,
    }
