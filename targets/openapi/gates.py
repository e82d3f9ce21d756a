"""Gates of the openapi and jsonschema targets: one function per gate id (docs/gates.md).

Each reads the published document, never the spec in its place: the meta-schema check
(OA001/JS001), every example value against its schema (OA002/JS002), each item's clause
ids against the IR item (OA003/JS003) and the item set against the IR (OA004/JS004).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from specloom.findings import Finding, Severity, not_run
from specloom.model import Spec, TypeRef
from specloom.references import literal_or_none

from .document import OPENAPI_FILE, SCHEMA_FILE
from .schemas import CLAUSES, Json
from .shapes import record_shapes


def _error(rule: str, message: str, file: str, clause: str | None = None) -> Finding:
    return Finding(rule=rule, severity=Severity.ERROR, message=message, file=file, clause=clause)


def _skipped(rule: str, what: str, file: str) -> Finding:
    """A gate that could not run (the validator packages are missing): never a pass."""
    return not_run(
        rule,
        f"{what} needs the validators of the `openapi` extra",
        file=file,
        fix="pip install 'specloom[openapi]'",
    )


def load(root: Path, name: str, rule: str) -> tuple[Json | None, list[Finding]]:
    """The published document, or the finding that says why it cannot be read."""
    try:
        data = json.loads((root / name).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, [_error(rule, f"{name} is missing from the output", name)]
    except (ValueError, UnicodeDecodeError) as exc:
        return None, [_error(rule, f"{name} is not valid JSON: {exc}", name)]
    if not isinstance(data, dict):
        return None, [_error(rule, f"{name} is not a JSON object", name)]
    return data, []


# -- resolving $refs inside the published tree ------------------------------------------


def registry_for(root: Path, name: str, doc: Json) -> tuple[Any, str]:
    """A `referencing` registry holding the document under its file URI; relative `$ref`s
    to other specs' documents are read from the output tree (and nowhere else)."""
    from referencing import Registry, Resource
    from referencing.exceptions import NoSuchResource
    from referencing.jsonschema import DRAFT202012

    base = (root / name).resolve().as_uri()
    allowed = root.resolve().parent.parent

    def retrieve(uri: str) -> Resource[Any]:
        path = Path(unquote(urlsplit(uri).path)).resolve()
        if not path.is_relative_to(allowed) or not path.is_file():
            raise NoSuchResource(ref=uri)  # type: ignore[call-arg]
        return Resource.from_contents(
            json.loads(path.read_text(encoding="utf-8")), default_specification=DRAFT202012
        )

    registry: Any = Registry(retrieve=retrieve).with_resource(  # type: ignore[call-arg]
        base, Resource.from_contents(doc, default_specification=DRAFT202012)
    )
    return registry, base


def dangling_refs(registry: Any, base: str, doc: Json) -> list[str]:
    """Every `$ref` of the document that does not resolve (inside it or in the output tree)."""
    from referencing.exceptions import Unresolvable

    resolver = registry.resolver(base_uri=base)
    out: list[str] = []
    seen: set[str] = set()
    stack: list[Any] = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref not in seen:
                seen.add(ref)
                try:
                    resolver.lookup(ref)
                except Unresolvable:
                    out.append(ref)
            stack += list(node.values())
        elif isinstance(node, list):
            stack += node
    return sorted(out)


def _pointer(parts: list[str]) -> str:
    return "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def _validate(registry: Any, base: str, parts: list[str], value: Any) -> str | None:
    """Why `value` does not validate against the schema at `parts` of the document."""
    from jsonschema import Draft202012Validator, FormatChecker
    from jsonschema.exceptions import ValidationError
    from referencing.exceptions import Unresolvable

    schema = {"$ref": base + _pointer(parts)}
    v = Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())
    try:
        err = next(iter(v.iter_errors(value)), None)
    except Unresolvable as exc:
        return f"a $ref does not resolve: {str(exc)[:200]}"
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        return f"the schema is broken ({type(exc).__name__}: {str(exc)[:200]})"
    if err is None:
        return None
    assert isinstance(err, ValidationError)
    where = "/".join(str(p) for p in err.absolute_path) or "(top)"
    return f"{where}: {err.message}"


# -- openapi ------------------------------------------------------------------------------


def oa001_meta_schema(root: Path) -> list[Finding]:
    """The document validates against the OpenAPI 3.1 schema (openapi-spec-validator)."""
    doc, bad = load(root, OPENAPI_FILE, "OA001")
    if doc is None:
        return bad
    try:
        from openapi_spec_validator import OpenAPIV31SpecValidator
    except ImportError:
        return [_skipped("OA001", "the OpenAPI meta-schema check", OPENAPI_FILE)]
    from referencing.exceptions import Unresolvable

    registry, base = registry_for(root, OPENAPI_FILE, doc)
    out = [
        _error("OA001", f"{OPENAPI_FILE}: the $ref {ref!r} does not resolve", OPENAPI_FILE)
        for ref in dangling_refs(registry, base, doc)
    ]
    if out:
        return out  # the validator would stop at the first one with a traceback-like message
    try:
        for err in OpenAPIV31SpecValidator(doc, base_uri=base).iter_errors():
            where = "/".join(str(p) for p in getattr(err, "absolute_path", []))
            msg = f"{OPENAPI_FILE} is not valid OpenAPI 3.1 at {where or '(top)'}: {err.message}"
            out.append(_error("OA001", msg, OPENAPI_FILE))
            if len(out) >= 20:
                break
    except Unresolvable as exc:
        msg = f"{OPENAPI_FILE}: a $ref does not resolve: {str(exc)[:200]}"
        out.append(_error("OA001", msg, OPENAPI_FILE))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        # the validator walks the document and can trip on a malformed one before reporting
        msg = f"{OPENAPI_FILE} is not valid OpenAPI 3.1: {type(exc).__name__}: {exc}"
        out.append(_error("OA001", msg[:500], OPENAPI_FILE))
    return out


def _examples(doc: Json) -> Iterator[tuple[str, list[str], Any]]:
    """(example key, pointer to its schema, value) of every example in the document."""
    for path, item in (doc.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method, op in item.items():
            if not isinstance(op, dict):
                continue
            at = ["paths", path, method]
            for i, p in enumerate(op.get("parameters") or []):
                for key, ex in (p.get("examples") or {}).items():
                    yield key, [*at, "parameters", str(i), "schema"], ex.get("value")
            media = ((op.get("requestBody") or {}).get("content") or {}).get("application/json")
            for key, ex in ((media or {}).get("examples") or {}).items():
                yield (
                    key,
                    [*at, "requestBody", "content", "application/json", "schema"],
                    ex.get("value"),
                )
            for status, resp in (op.get("responses") or {}).items():
                media = ((resp or {}).get("content") or {}).get("application/json")
                for key, ex in ((media or {}).get("examples") or {}).items():
                    ptr = [*at, "responses", status, "content", "application/json", "schema"]
                    yield key, ptr, ex.get("value")


def oa002_examples(root: Path) -> list[Finding]:
    """Every example value in the document validates against the schema beside it."""
    doc, bad = load(root, OPENAPI_FILE, "OA002")
    if doc is None:
        return bad
    try:
        registry, base = registry_for(root, OPENAPI_FILE, doc)
    except ImportError:
        return [_skipped("OA002", "the example check", OPENAPI_FILE)]
    out = []
    for key, ptr, value in _examples(doc):
        why = _validate(registry, base, ptr, value)
        if why:
            where = f"{ptr[2].upper()} {ptr[1]}"
            out.append(
                _error(
                    "OA002",
                    f"example {key} of {where} does not fit its schema: {why}",
                    OPENAPI_FILE,
                )
            )
    return out


def _whole_body_schema(schema: Json, t: TypeRef) -> bool:
    """The request body's schema is the parameter's type itself, not an object holding it:
    a reference to its named type, an array for a list, a map for a map, else no object."""
    if not isinstance(schema, dict):
        return False
    if t.kind == "named":
        refs = [schema.get("$ref")] + [
            s.get("$ref") for k in ("anyOf", "oneOf", "allOf") for s in schema.get(k) or []
        ]
        return any(isinstance(r, str) and r.rsplit("/", 1)[-1] == t.name for r in refs)
    types = schema.get("type")
    kinds = set(types) if isinstance(types, list) else {types}
    if t.kind == "list":
        return "array" in kinds
    if t.kind == "map":
        return "object" in kinds and "additionalProperties" in schema
    return "object" not in kinds


def _operations(doc: Json) -> dict[str, tuple[str, str, Json]]:
    out: dict[str, tuple[str, str, Json]] = {}
    for path, item in (doc.get("paths") or {}).items():
        for method, op in (item or {}).items():
            if isinstance(op, dict) and "operationId" in op:
                out[str(op["operationId"])] = (path, method, op)
    return out


def _clauses_differ(rule: str, file: str, what: str, node: Any, want: list[str]) -> list[Finding]:
    got = node.get(CLAUSES) if isinstance(node, dict) else None
    if got == want:
        return []
    return [
        _error(
            rule,
            f"{what} carries {CLAUSES} {got!r}, but the spec gives it {want!r}",
            file,
            want[0] if want else None,
        )
    ]


def oa003_traceability(spec: Spec, root: Path) -> list[Finding]:
    """Each schema and operation carries exactly the clause ids the spec gives that item."""
    doc, bad = load(root, OPENAPI_FILE, "OA003")
    if doc is None:
        return bad
    schemas = (doc.get("components") or {}).get("schemas") or {}
    ops = _operations(doc)
    out: list[Finding] = []
    for item in [*spec.types, *spec.errors]:
        if item.name in schemas:
            out += _clauses_differ(
                "OA003", OPENAPI_FILE, f"schema {item.name}", schemas[item.name], item.clauses
            )
    for o in spec.operations:
        if o.name in ops:
            out += _clauses_differ(
                "OA003", OPENAPI_FILE, f"operation {o.name}", ops[o.name][2], o.clauses
            )
    return out


def oa004_completeness(spec: Spec, root: Path) -> list[Finding]:
    """Every type, error and operation is in the document, each operation at its binding
    with its parameters, and as many examples (distinct keys in the document) as the spec
    has structured examples of it: counted from the IR, not from the generator's cases."""
    doc, bad = load(root, OPENAPI_FILE, "OA004")
    if doc is None:
        return bad
    schemas = (doc.get("components") or {}).get("schemas") or {}
    want = [i.name for i in [*spec.types, *spec.errors]]
    out = [
        _error("OA004", f"schema {n} is missing from components/schemas", OPENAPI_FILE)
        for n in want
        if n not in schemas
    ]
    out += [
        _error("OA004", f"schema {n} is not a type or error of the spec", OPENAPI_FILE)
        for n in schemas
        if n not in want
    ]
    ops = _operations(doc)
    names = {o.name for o in spec.operations}
    out += [
        _error("OA004", f"operation {n} is not an operation of the spec", OPENAPI_FILE)
        for n in ops
        if n not in names
    ]
    want_examples = _literal_examples(spec)
    for o in spec.operations:
        if o.name not in ops:
            out.append(_error("OA004", f"operation {o.name} is missing", OPENAPI_FILE))
            continue
        path, method, op = ops[o.name]
        want_method, want_path = o.binding()
        if (method.upper(), path) != (want_method, want_path):
            out.append(
                _error(
                    "OA004",
                    f"operation {o.name} is at {method.upper()} {path}, "
                    f"not at its binding {want_method} {want_path}",
                    OPENAPI_FILE,
                )
            )
        got_params = {str(p.get("name")): str(p.get("in")) for p in op.get("parameters") or []}
        body_schema = (
            ((op.get("requestBody") or {}).get("content") or {}).get("application/json") or {}
        ).get("schema", {})
        whole = o.whole_body()
        body = {} if whole is not None else body_schema.get("properties", {})
        for p in o.params:
            where = o.placement(p.name)
            if p.name == whole:
                ok = _whole_body_schema(body_schema, p.type)
                where = "body as its whole value (`http.body`)"
            else:
                ok = p.name in body if where == "body" else got_params.get(p.name) == where
            if not ok:
                out.append(
                    _error(
                        "OA004",
                        f"parameter {p.name} of operation {o.name} is not in the {where}",
                        OPENAPI_FILE,
                    )
                )
        found = {k for k, _, _ in _examples({"paths": {path: {method: op}}})}
        want_n = want_examples.get(o.name, 0)
        if len(found) != want_n:
            out.append(
                _error(
                    "OA004",
                    f"operation {o.name} has {len(found)} examples in the document, but the "
                    f"spec gives it {want_n} structured examples with literal values",
                    OPENAPI_FILE,
                )
            )
    return out


def _literal_examples(spec: Spec) -> dict[str, int]:
    """operation -> how many of the spec's structured examples call it with values of their
    own (an example that refers to a `given` step's result has no value outside its test)."""
    out: dict[str, int] = {}
    for ex in spec.examples:
        st = ex.structured
        if st is None:
            continue
        if literal_or_none(st.with_)[0] and literal_or_none(st.expect)[0]:
            out[st.call] = out.get(st.call, 0) + 1
    return out


def openapi_gates(spec: Spec, root: Path) -> list[Finding]:
    """All openapi gates, in id order."""
    return [
        *oa001_meta_schema(root),
        *oa002_examples(root),
        *oa003_traceability(spec, root),
        *oa004_completeness(spec, root),
        *oa005_shapes(spec, root),
    ]


def oa005_shapes(spec: Spec, root: Path) -> list[Finding]:
    """Each record's schema in components/schemas: its fields, required ones, JSON types."""
    doc, bad = load(root, OPENAPI_FILE, "OA005")
    if doc is None:
        return bad
    schemas = (doc.get("components") or {}).get("schemas")
    return record_shapes(spec, schemas, "OA005", OPENAPI_FILE, "components/schemas")


# -- jsonschema ---------------------------------------------------------------------------


def js001_meta_schema(root: Path) -> list[Finding]:
    """The document is a valid JSON Schema 2020-12 (checked against the meta-schema)."""
    doc, bad = load(root, SCHEMA_FILE, "JS001")
    if doc is None:
        return bad
    try:
        from jsonschema import Draft202012Validator
    except ImportError:
        return [_skipped("JS001", "the JSON Schema meta-schema check", SCHEMA_FILE)]
    out = []
    if doc.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
        out.append(
            _error("JS001", f"{SCHEMA_FILE} does not declare JSON Schema 2020-12", SCHEMA_FILE)
        )
    registry, base = registry_for(root, SCHEMA_FILE, doc)
    out += [
        _error("JS001", f"{SCHEMA_FILE}: the $ref {ref!r} does not resolve", SCHEMA_FILE)
        for ref in dangling_refs(registry, base, doc)
    ]
    meta = Draft202012Validator(Draft202012Validator.META_SCHEMA)
    for err in meta.iter_errors(doc):
        where = "/".join(str(p) for p in err.absolute_path) or "(top)"
        out.append(_error("JS001", f"{SCHEMA_FILE} at {where}: {err.message}", SCHEMA_FILE))
        if len(out) >= 20:
            break
    return out


def js002_examples(root: Path) -> list[Finding]:
    """Every `examples` entry of every `$defs` schema validates against that schema."""
    doc, bad = load(root, SCHEMA_FILE, "JS002")
    if doc is None:
        return bad
    try:
        registry, base = registry_for(root, SCHEMA_FILE, doc)
    except ImportError:
        return [_skipped("JS002", "the example check", SCHEMA_FILE)]
    out = []
    for name, schema in (doc.get("$defs") or {}).items():
        for i, value in enumerate((schema or {}).get("examples") or []):
            why = _validate(registry, base, ["$defs", name], value)
            if why:
                msg = f"example {i + 1} of {name} does not fit its schema: {why}"
                out.append(_error("JS002", msg, SCHEMA_FILE))
    return out


def js003_traceability(spec: Spec, root: Path) -> list[Finding]:
    """Each `$defs` schema carries exactly the clause ids of its IR item."""
    doc, bad = load(root, SCHEMA_FILE, "JS003")
    if doc is None:
        return bad
    defs = doc.get("$defs") or {}
    out: list[Finding] = []
    for item in [*spec.types, *spec.errors]:
        if item.name in defs:
            out += _clauses_differ(
                "JS003", SCHEMA_FILE, f"$defs/{item.name}", defs[item.name], item.clauses
            )
    return out


def js004_completeness(spec: Spec, root: Path) -> list[Finding]:
    """`$defs` holds exactly the spec's types and errors."""
    doc, bad = load(root, SCHEMA_FILE, "JS004")
    if doc is None:
        return bad
    defs = doc.get("$defs") or {}
    want = [i.name for i in [*spec.types, *spec.errors]]
    out = [_error("JS004", f"$defs/{n} is missing", SCHEMA_FILE) for n in want if n not in defs]
    out += [
        _error("JS004", f"$defs/{n} is not a type or error of the spec", SCHEMA_FILE)
        for n in defs
        if n not in want
    ]
    return out


def jsonschema_gates(spec: Spec, root: Path) -> list[Finding]:
    """All jsonschema gates, in id order."""
    return [
        *js001_meta_schema(root),
        *js002_examples(root),
        *js003_traceability(spec, root),
        *js004_completeness(spec, root),
        *js005_shapes(spec, root),
    ]


def js005_shapes(spec: Spec, root: Path) -> list[Finding]:
    """Each record's `$defs` entry: its fields, required ones, JSON types."""
    doc, bad = load(root, SCHEMA_FILE, "JS005")
    if doc is None:
        return bad
    return record_shapes(spec, doc.get("$defs"), "JS005", SCHEMA_FILE, "$defs")


def carried_clauses(root: Path, name: str) -> set[str]:
    """Every clause id an item of the published document carries (`x-specloom-clauses`)."""
    try:
        doc = json.loads((root / name).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return set()
    found: set[str] = set()
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ids = node.get(CLAUSES)
            if isinstance(ids, list):
                found |= {str(i) for i in ids}
            stack += list(node.values())
        elif isinstance(node, list):
            stack += node
    return found
