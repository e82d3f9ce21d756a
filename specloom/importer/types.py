"""OpenAPI schemas to spec types: records, enums, aliases, unions, maps, lists, nullable."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .document import Json, Refs, schema_name
from .names import Namespace, ident, member_namespace, pascal, type_namespace


@dataclass
class FieldOut:
    """A record field or a parameter: name as written in the spec, type text, doc."""

    name: str
    type: str
    doc: str | None = None
    wire: str | None = None
    """The JSON property name when the spec name had to differ (reported)."""


@dataclass
class TypeOut:
    """One type to write into a `specloom` block."""

    name: str
    kind: str  # record | enum | alias | union
    doc: str | None = None
    fields: list[FieldOut] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    alias: str | None = None
    variants: list[tuple[str | None, str]] = field(default_factory=list)
    tag: str | None = None
    source: str = ""
    """Where it came from (`#/components/schemas/Pet`, `inline: create_pet request`)."""


_FORMATS = {
    "date": "date",
    "date-time": "datetime",
    "uuid": "uuid",
    "byte": "bytes",
    "binary": "bytes",
}


class TypeBuilder:
    """Converts schemas on demand; components first so their names win over inline ones."""

    def __init__(self, doc: Json, refs: Refs, spec_id: str) -> None:
        self.doc = doc
        self.refs = refs
        self.ns: Namespace = type_namespace(spec_id)
        self.types: dict[str, TypeOut] = {}
        self.by_ref: dict[str, str] = {}
        """`#/components/schemas/X` -> spec type name (assigned before converting: recursion)."""
        self.notes: list[str] = []
        """Approximations and renames, for import-report.md."""
        self.components: dict[str, Any] = (doc.get("components") or {}).get("schemas") or {}
        for raw in self.components:
            wanted = ident(str(raw), "T")
            name = self.ns.take(wanted)
            if name != raw:
                self.notes.append(f"schema `{raw}` is the type `{name}` (a valid, unique name)")
            self.by_ref[f"#/components/schemas/{raw}"] = name

    # -- entry points -----------------------------------------------------------------

    def components_all(self) -> None:
        """Convert every component schema (in document order)."""
        for raw, schema in self.components.items():
            name = self.by_ref[f"#/components/schemas/{raw}"]
            if name not in self.types:
                self.define(name, schema, f"#/components/schemas/{raw}")

    def type_of(self, schema: Any, hint: str) -> str:
        """The type expression of a schema used somewhere (`hint` names inline types)."""
        if not isinstance(schema, dict):
            self.notes.append(f"{hint}: a schema that is not an object is read as `string`")
            return "string"
        inner, nullable = self._strip_null(schema)
        text = self._bare(inner, hint)
        if nullable or schema.get("nullable") is True:
            if text.startswith("nullable<"):
                return text
            return f"nullable<{text}>"
        return text

    # -- definitions --------------------------------------------------------------------

    def define(self, name: str, schema: Any, source: str) -> None:
        """A named type from a schema (component or inline)."""
        schema = schema if isinstance(schema, dict) else {}
        doc = _doc(schema)
        out = TypeOut(name=name, kind="alias", doc=doc, source=source)
        self.types[name] = out  # placed first: a recursive reference finds it
        inner, nullable = self._strip_null(schema)
        merged = self._merge_all_of(inner)
        has_props = _is_object(merged) and merged.get("properties") is not None
        variants = self._object_variants(merged) if has_props else None
        if variants is not None:  # shared properties beside `oneOf` variants that add their own
            self._union(out, variants)
        elif has_props or _is_plain_object(merged):
            self._record(out, merged)
        elif isinstance(merged.get("enum"), list) and _enum_type(merged) == "string":
            out.kind = "enum"
            out.values = _enum_values(merged, self.notes, name)
        elif ("oneOf" in merged or "anyOf" in merged) and not _only_null(merged):
            self._union(out, merged)
        elif isinstance(merged.get("type"), list) and len(merged["type"]) > 1:
            self._union(out, {"oneOf": [{**merged, "type": t} for t in merged["type"]]})
        else:
            out.kind = "alias"
            out.alias = self._bare(merged, name)
            if out.alias == name:  # `X: {$ref: X}`: nothing to alias
                out.alias = "string"
                self.notes.append(f"type `{name}` refers to itself only: read as `string`")
        if nullable and out.kind == "alias" and out.alias and not out.alias.startswith("nullable<"):
            out.alias = f"nullable<{out.alias}>"
        elif nullable:
            self.notes.append(
                f"type `{name}` allows null; the spec marks nullable uses, not types: "
                "its uses are not nullable"
            )

    def _object_variants(self, schema: Json) -> Json | None:
        """An object whose `oneOf`/`anyOf` options declare properties of their own is a union
        of records, each the shared properties plus its option's (the option's win), tagged
        by the discriminator or by a property every option fixes to its own single value.
        None when the options only add constraints (`required` lists): then it is a record."""
        key = "oneOf" if "oneOf" in schema else "anyOf"
        options = [self._merge_all_of(self.refs.resolve(o)) for o in schema.get(key) or []]
        options = [o for o in options if isinstance(o, dict) and not _is_null(o)]
        if len(options) < 2 or not all(o.get("properties") for o in options):
            return None
        base = {k: v for k, v in schema.items() if k not in ("oneOf", "anyOf", "discriminator")}
        merged: list[Json] = []
        for o in options:
            props = {**(base.get("properties") or {}), **(o.get("properties") or {})}
            required = list(
                dict.fromkeys([*(base.get("required") or []), *(o.get("required") or [])])
            )
            merged.append(
                {**base, **o, "type": "object", "properties": props, "required": required}
            )
        disc = schema.get("discriminator")
        tag = disc.get("propertyName") if isinstance(disc, dict) else _common_tag(merged)
        out: Json = {"oneOf": merged}
        if isinstance(tag, str):
            out["discriminator"] = {"propertyName": tag}
        return out

    def _record(self, out: TypeOut, schema: Json) -> None:
        out.kind = "record"
        props = schema.get("properties") or {}
        required = set(schema.get("required") or [])
        members = member_namespace()
        for raw, prop in props.items():
            fname = members.take(ident(str(raw), "field"))
            ftype = self.type_of(prop, out.name + pascal(str(raw)))
            if raw not in required:
                ftype += "?"
            doc = _doc(prop) if isinstance(prop, dict) else None
            wire = None if fname == raw else str(raw)
            if wire:
                self.notes.append(f"field `{raw}` of `{out.name}` is `{fname}` in the spec")
            out.fields.append(FieldOut(fname, ftype, doc, wire))
        extra = schema.get("additionalProperties")
        if props and isinstance(extra, dict) and extra:
            self.notes.append(
                f"`{out.name}`: additionalProperties beside properties is not imported"
            )

    def _union(self, out: TypeOut, schema: Json) -> None:
        key = "oneOf" if "oneOf" in schema else "anyOf"
        options = [o for o in schema[key] if not _is_null(o)]
        disc = (
            schema.get("discriminator") if isinstance(schema.get("discriminator"), dict) else None
        )
        out.kind = "union"
        if disc and isinstance(disc.get("propertyName"), str):
            out.tag = str(disc["propertyName"])
            mapping = {str(k): str(v) for k, v in (disc.get("mapping") or {}).items()}
            back = {v: k for k, v in mapping.items()}
            for i, opt in enumerate(options):
                ref = _variant_ref(opt)
                if ref is not None and ref in self.by_ref:
                    tname = self.by_ref[ref]
                    tag = back.get(ref) or schema_name(ref) or tname
                else:
                    tname = self.ns.take(f"{out.name}{i + 1}")
                    self.define(tname, opt, f"inline: variant {i + 1} of {out.name}")
                    tag = next(iter(_const_tag(opt, out.tag)), tname)
                out.variants.append((tag, tname))
            return
        for i, opt in enumerate(options):
            out.variants.append((None, self.type_of(opt, f"{out.name}{i + 1}")))

    # -- type expressions ------------------------------------------------------------

    def _bare(self, schema: Json, hint: str) -> str:
        ref = schema.get("$ref")
        if isinstance(ref, str):
            if ref in self.by_ref:
                return self.by_ref[ref]
            target = self.refs.lookup(ref)
            if target is None:
                self.notes.append(f"`{ref}` does not resolve in this document: read as `string`")
                return "string"
            if _needs_name(target):
                # a schema nested elsewhere (`.../definitions/x`, a parameter's schema) is a
                # named type too: named before it is converted, so a recursive one ends
                name = self.ns.take(pascal(ref.rsplit("/", 1)[-1]) or "T")
                self.by_ref[ref] = name
                self.notes.append(f"the schema at `{ref}` is the type `{name}`")
                self.define(name, target, ref)
                return name
            return self.type_of(target, hint)
        if "allOf" in schema:
            parts = schema["allOf"]
            if (
                isinstance(parts, list)
                and len(parts) == 1
                and set(schema) <= {"allOf", "description"}
            ):
                return self.type_of(parts[0], hint)
            return self._inline(schema, hint)
        if "oneOf" in schema or "anyOf" in schema:
            return self._inline(schema, hint)
        types = schema.get("type")
        if isinstance(types, list):
            rest = [t for t in types if t != "null"]
            if len(rest) == 1:
                return self._bare({**schema, "type": rest[0]}, hint)
            if not rest:
                self.notes.append(f"{hint}: a schema that is only `null` is read as `string`")
                return "string"
            return self._inline({"oneOf": [{**schema, "type": t} for t in rest]}, hint)
        if "enum" in schema and _enum_type(schema) == "string":
            return self._inline(schema, hint)
        if "const" in schema and types is None:
            c = schema["const"]
            kind = {bool: "boolean", int: "integer", float: "number", str: "string"}.get(type(c))
            if kind is not None:
                return self._bare({**schema, "type": kind}, hint)
        if types == "string" or (types is None and "format" in schema and "enum" not in schema):
            return _FORMATS.get(
                str(schema.get("format")),
                "bytes" if schema.get("contentEncoding") == "base64" else "string",
            )
        if types == "integer":
            if "enum" in schema:
                self.notes.append(
                    f"{hint}: integer enum {schema['enum']} is read as its integer type"
                )
            return "int32" if schema.get("format") == "int32" else "int64"
        if types == "number":
            return "float64"
        if types == "boolean":
            return "bool"
        if types == "array" or "items" in schema:
            items = schema.get("items")
            return f"list<{self.type_of(items if items is not None else {}, hint + 'Item')}>"
        if _is_object(schema):
            if schema.get("properties"):
                return self._inline(schema, hint)
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                return f"map<string,{self.type_of(extra, hint + 'Value')}>"
            self.notes.append(f"{hint}: a free-form object is read as `map<string,string>`")
            return "map<string,string>"
        self.notes.append(f"{hint}: a schema without a type is read as `string`")
        return "string"

    def _inline(self, schema: Json, hint: str) -> str:
        name = self.ns.take(pascal(hint))
        if name != pascal(hint):
            self.notes.append(
                f"the inline schema of {hint} is the type `{name}` (`{pascal(hint)}` is taken)"
            )
        self.define(name, schema, f"inline: {hint}")
        return name

    def _strip_null(self, schema: Json) -> tuple[Json, bool]:
        """(the schema without its null alternative, whether null was allowed)."""
        if schema.get("nullable") is True:
            return {k: v for k, v in schema.items() if k != "nullable"}, True
        types = schema.get("type")
        if isinstance(types, list) and "null" in types:
            rest = [t for t in types if t != "null"]
            return {**schema, "type": rest[0] if len(rest) == 1 else rest}, True
        for key in ("oneOf", "anyOf"):
            opts = schema.get(key)
            if isinstance(opts, list) and any(_is_null(o) for o in opts):
                rest = [o for o in opts if not _is_null(o)]
                if len(rest) == 1 and not schema.get("discriminator"):
                    base = {k: v for k, v in schema.items() if k != key}
                    return ({**rest[0], **base} if "$ref" not in rest[0] else rest[0]), True
                return {**schema, key: rest}, True
        return schema, False

    def _merge_all_of(self, schema: Json, depth: int = 0) -> Json:
        """`allOf` merged into one object schema (properties, required, descriptions)."""
        parts = schema.get("allOf")
        if not isinstance(parts, list) or depth > 16:
            return schema
        merged: Json = {k: v for k, v in schema.items() if k != "allOf"}
        props: Json = dict(merged.get("properties") or {})
        required = list(merged.get("required") or [])
        objecty = _is_object(merged)
        for part in parts:
            p = self._merge_all_of(self.refs.resolve(part), depth + 1)
            if not isinstance(p, dict):
                continue
            if _is_object(p) or p.get("properties"):
                objecty = True
            for k, v in (p.get("properties") or {}).items():
                props.setdefault(k, v)
            required += [r for r in p.get("required") or [] if r not in required]
            for k, v in p.items():
                if k not in ("properties", "required", "allOf") and k not in merged:
                    merged[k] = v
        if objecty:
            merged["type"] = "object"
            merged["properties"] = props
            if required:
                merged["required"] = required
        return merged


def _needs_name(schema: Any) -> bool:
    """Whether a schema reached by a non-component `$ref` becomes a type of its own: one with
    structure (properties, enum, union, allOf) or one that refers further (recursion)."""
    if not isinstance(schema, dict):
        return False
    keys = ("properties", "enum", "oneOf", "anyOf", "allOf")
    return any(k in schema for k in keys) or '"$ref"' in json.dumps(schema)


def _doc(schema: Any) -> str | None:
    if not isinstance(schema, dict):
        return None
    text = schema.get("description") or schema.get("title")
    return str(text).strip() or None if text else None


def _is_null(schema: Any) -> bool:
    return isinstance(schema, dict) and (
        schema.get("type") == "null" or (schema.get("const", 0) is None and len(schema) == 1)
    )


def _only_null(schema: Json) -> bool:
    opts = schema.get("oneOf") or schema.get("anyOf") or []
    return all(_is_null(o) for o in opts)


def _is_object(schema: Json) -> bool:
    t = schema.get("type")
    return (
        t == "object"
        or (isinstance(t, list) and "object" in t)
        or (t is None and "properties" in schema)
    )


def _is_plain_object(schema: Json) -> bool:
    """An object with neither properties nor a value schema: an empty record."""
    extra = schema.get("additionalProperties")
    return (
        _is_object(schema)
        and not schema.get("properties")
        and not (isinstance(extra, dict) and extra)
        and extra is False
    )


def _enum_type(schema: Json) -> str:
    values = [v for v in schema.get("enum") or [] if v is not None]
    if values and all(isinstance(v, str) for v in values):
        return "string"
    return "other"


def _enum_values(schema: Json, notes: list[str], name: str) -> list[str]:
    out: list[str] = []
    for v in schema.get("enum") or []:
        if v is None:
            continue
        if str(v) in out:
            notes.append(f"enum `{name}`: the repeated value {v!r} is dropped")
            continue
        out.append(str(v))
    return out


def _variant_ref(opt: Any) -> str | None:
    if isinstance(opt, dict) and isinstance(opt.get("$ref"), str):
        return str(opt["$ref"])
    if isinstance(opt, dict) and isinstance(opt.get("allOf"), list) and len(opt["allOf"]) == 1:
        return _variant_ref(opt["allOf"][0])
    return None


def _common_tag(options: list[Json]) -> str | None:
    """A property every option fixes to one value of its own (`type: {enum: [A]}`), the
    values all different: the union's tag. None when there is no such property."""
    names: set[str] = set.intersection(
        *({str(k) for k in o.get("properties") or {}} for o in options)
    )
    for name in sorted(names):
        values = [_const_tag(o, name) for o in options]
        flat = [v[0] for v in values if v]
        if len(flat) == len(options) and len(set(flat)) == len(flat):
            return name
    return None


def _const_tag(opt: Any, tag: str) -> list[str]:
    prop = ((opt or {}).get("properties") or {}).get(tag) if isinstance(opt, dict) else None
    if isinstance(prop, dict):
        if "const" in prop:
            return [str(prop["const"])]
        if isinstance(prop.get("enum"), list) and len(prop["enum"]) == 1:
            return [str(prop["enum"][0])]
    return []
