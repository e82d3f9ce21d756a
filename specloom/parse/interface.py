"""`specloom` YAML blocks: types, operations, errors and constants, each with its line."""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from specloom.model import (
    Constant,
    EnumVariant,
    ErrorDef,
    FieldDef,
    HttpBinding,
    Operation,
    SourcePos,
    TypeDef,
    TypeRef,
    UnionVariant,
)
from specloom.parse.typeexpr import GRAMMAR, TypeSyntaxError, parse_type
from specloom.parse.yamlnodes import YamlDoc, is_null

BLOCK_KEYS = ("types", "operations", "errors", "constants")
TYPE_KEYS = ("doc", "clauses", "fields", "values", "alias", "union", "tag")
OPERATION_KEYS = ("doc", "clauses", "params", "returns", "errors", "http")
HTTP_KEYS = ("method", "path", "params", "body")
ERROR_KEYS = ("doc", "clauses", "fields", "status")
CONSTANT_KEYS = ("doc", "clauses", "type", "value")
FIELD_KEYS = ("type", "doc")


@dataclass
class Interface:
    """The items of one or more `specloom` blocks, in source order."""

    types: list[TypeDef] = field(default_factory=list)
    operations: list[Operation] = field(default_factory=list)
    errors: list[ErrorDef] = field(default_factory=list)
    constants: list[Constant] = field(default_factory=list)


def parse_interface_block(
    text: str, file: str, first_line: int, section: str | None, into: Interface
) -> None:
    """Parse one `specloom` block whose first YAML line is `first_line` of `file`."""
    doc = YamlDoc(text, file, first_line, "`specloom` block")
    if doc.root is None:
        return
    reader = _Reader(doc, section)
    for key_node, value_node in doc.mapping(doc.root, "a `specloom` block"):
        key = doc.scalar(key_node, "a `specloom` block key")
        if key not in BLOCK_KEYS:
            raise doc.error(
                key_node,
                f"unknown key {key!r} in a `specloom` block",
                f"use only the keys {', '.join(BLOCK_KEYS)}",
            )
        for name_node, item_node in doc.mapping(value_node, f"`{key}`"):
            name = doc.scalar(name_node, f"a name under `{key}`")
            if key == "types":
                into.types.append(reader.type_def(name, name_node, item_node))
            elif key == "operations":
                into.operations.append(reader.operation(name, name_node, item_node))
            elif key == "errors":
                into.errors.append(reader.error_def(name, name_node, item_node))
            else:
                into.constants.append(reader.constant(name, name_node, item_node))


class _Reader:
    def __init__(self, doc: YamlDoc, section: str | None) -> None:
        self.doc = doc
        self.section = section

    def pos(self, node: yaml.Node) -> SourcePos:
        return SourcePos(file=self.doc.file, line=self.doc.line(node))

    def items(self, node: yaml.Node, what: str, allowed: tuple[str, ...]) -> dict[str, yaml.Node]:
        out: dict[str, yaml.Node] = {}
        for key_node, value_node in self.doc.mapping(node, what):
            key = self.doc.scalar(key_node, f"a key of {what}")
            if key not in allowed:
                raise self.doc.error(
                    key_node,
                    f"unknown key {key!r} in {what}",
                    f"use only the keys {', '.join(allowed)}",
                )
            if key in out:
                raise self.doc.error(key_node, f"{key!r} is given twice in {what}", "keep one")
            out[key] = value_node
        return out

    def common(self, parts: dict[str, yaml.Node], what: str) -> tuple[str | None, list[str]]:
        doc = None
        if "doc" in parts and not is_null(parts["doc"]):
            doc = self.doc.scalar(parts["doc"], f"`doc` of {what}")
        clauses = self.doc.names(parts["clauses"], "`clauses`") if "clauses" in parts else []
        return doc, clauses

    def type_ref(self, node: yaml.Node, what: str) -> TypeRef:
        text = self.doc.scalar(node, what)
        try:
            return parse_type(text)
        except TypeSyntaxError as exc:
            fix = f"write a type from the grammar: {GRAMMAR}"
            if text.count("<") > text.count(">") and getattr(node, "style", None) not in ('"', "'"):
                # a plain scalar cut short: YAML ends a value at a comma inside {...} or [...]
                fix = (
                    'quote the type ("map<string,T>"): inside a {...} or [...] YAML '
                    "collection a comma ends the value, so an unquoted map type is cut at its "
                    "comma; or write the fields one per line"
                )
            raise self.doc.error(node, f"bad type in {what}: {exc}", fix) from None
        except RecursionError:
            raise self.doc.error(
                node, f"the type in {what} is nested too deeply", "simplify it"
            ) from None

    def fields(self, node: yaml.Node, what: str) -> list[FieldDef]:
        out = []
        for name_node, value_node in self.doc.mapping(node, what):
            name = self.doc.scalar(name_node, f"a name in {what}")
            label = f"`{name}` in {what}"
            doc = None
            if isinstance(value_node, yaml.MappingNode):
                parts = self.items(value_node, label, FIELD_KEYS)
                if "type" not in parts:
                    raise self.doc.error(value_node, f"{label} has no `type`", "add type: <type>")
                type_node = parts["type"]
                if "doc" in parts and not is_null(parts["doc"]):
                    doc = self.doc.scalar(parts["doc"], f"`doc` of {label}")
            else:
                type_node = value_node
            out.append(
                FieldDef(
                    name=name,
                    type=self.type_ref(type_node, label),
                    doc=doc,
                    pos=self.pos(name_node),
                )
            )
        return out

    def type_def(self, name: str, name_node: yaml.Node, node: yaml.Node) -> TypeDef:
        what = f"type `{name}`"
        if isinstance(node, yaml.ScalarNode) and not is_null(node):
            alias = self.type_ref(node, what)
            return TypeDef(
                name=name, kind="alias", alias=alias, section=self.section, pos=self.pos(name_node)
            )
        parts = self.items(node, what, TYPE_KEYS)
        doc, clauses = self.common(parts, what)
        shapes = [k for k in ("fields", "values", "alias", "union") if k in parts]
        if len(shapes) != 1:
            raise self.doc.error(
                name_node,
                f"{what} needs exactly one of `fields` (record), `values` (enum), `alias` or "
                "`union`" + (f"; it has {', '.join(shapes)}" if shapes else ""),
                "give a record its fields, an enum its values, an alias its type, or a union "
                "its variants",
            )
        if "tag" in parts and "union" not in parts:
            raise self.doc.error(
                parts["tag"], f"`tag` of {what} belongs to a union", "remove it or add `union`"
            )
        base = {
            "name": name,
            "doc": doc,
            "clauses": clauses,
            "section": self.section,
            "pos": self.pos(name_node),
        }
        if "fields" in parts:
            return TypeDef(kind="record", fields=self.fields(parts["fields"], what), **base)
        if "union" in parts:
            tag = self.doc.scalar(parts["tag"], f"`tag` of {what}") if "tag" in parts else None
            variants = self.union_variants(parts["union"], what, tagged=tag is not None)
            return TypeDef(kind="union", tag=tag, variants=variants, **base)
        if "values" in parts:
            return TypeDef(kind="enum", values=self.variants(parts["values"], what), **base)
        return TypeDef(kind="alias", alias=self.type_ref(parts["alias"], what), **base)

    def union_variants(self, node: yaml.Node, what: str, *, tagged: bool) -> list[UnionVariant]:
        label = f"`union` of {what}"
        if tagged:
            if not isinstance(node, yaml.MappingNode):
                raise self.doc.error(
                    node,
                    f"{label} has a `tag`, so it maps tag values to record types",
                    "write union: {card: CardPayment, bank: BankTransfer}",
                )
            out = []
            for tag_node, type_node in node.value:
                tag = "" if is_null(tag_node) else self.doc.scalar(tag_node, f"a tag in {label}")
                out.append(
                    UnionVariant(
                        tag=tag,
                        type=self.type_ref(type_node, f"variant {tag!r} of {label}"),
                        pos=self.pos(tag_node),
                    )
                )
            return out
        if not isinstance(node, yaml.SequenceNode):
            raise self.doc.error(
                node,
                f"{label} without a `tag` is a list of types",
                "write union: [int64, string], or add `tag: <field>` and map tag values to "
                "record types",
            )
        return [
            UnionVariant(type=self.type_ref(item, f"a variant of {label}"), pos=self.pos(item))
            for item in node.value
        ]

    def variants(self, node: yaml.Node, what: str) -> list[EnumVariant]:
        label = f"`values` of {what}"
        if isinstance(node, yaml.MappingNode):
            pairs = list(node.value)
        elif isinstance(node, yaml.SequenceNode):
            pairs = []
            for item in node.value:
                if isinstance(item, yaml.MappingNode) and len(item.value) == 1:
                    pairs.append(item.value[0])
                elif isinstance(item, yaml.ScalarNode):
                    pairs.append((item, None))
                else:
                    raise self.doc.error(
                        item, f"an item of {label} is neither a name nor `name: doc`", "fix it"
                    )
        else:
            raise self.doc.error(node, f"{label} must be a list", "write values: [a, b]")
        out = []
        for name_node, doc_node in pairs:
            doc = None
            if doc_node is not None and not is_null(doc_node):
                doc = self.doc.scalar(doc_node, f"the doc of a value in {label}")
            name = self.doc.scalar(name_node, f"a value in {label}")
            out.append(EnumVariant(name=name, doc=doc, pos=self.pos(name_node)))
        return out

    def operation(self, name: str, name_node: yaml.Node, node: yaml.Node) -> Operation:
        what = f"operation `{name}`"
        parts = self.items(node, what, OPERATION_KEYS)
        doc, clauses = self.common(parts, what)
        returns = None
        if "returns" in parts and not is_null(parts["returns"]):
            returns = self.type_ref(parts["returns"], f"`returns` of {what}")
        return Operation(
            name=name,
            doc=doc,
            clauses=clauses,
            section=self.section,
            pos=self.pos(name_node),
            params=self.fields(parts["params"], f"`params` of {what}") if "params" in parts else [],
            returns=returns,
            errors=self.doc.names(parts["errors"], "`errors`") if "errors" in parts else [],
            http=self.http(parts["http"], what) if "http" in parts else None,
        )

    def http(self, node: yaml.Node, what: str) -> HttpBinding:
        label = f"`http` of {what}"
        parts = self.items(node, label, HTTP_KEYS)
        for key in ("method", "path"):
            if key not in parts:
                raise self.doc.error(
                    node, f"{label} has no `{key}`", "write http: {method: GET, path: /items/{id}}"
                )
        params: dict[str, str] = {}
        if "params" in parts:
            for name_node, where_node in self.doc.mapping(parts["params"], f"`params` of {label}"):
                name = self.doc.scalar(name_node, f"a parameter in {label}")
                params[name] = self.doc.scalar(where_node, f"the placement of {name}")
        return HttpBinding(
            method=self.doc.scalar(parts["method"], f"`method` of {label}").upper(),
            path=self.doc.scalar(parts["path"], f"`path` of {label}"),
            params=params,
            body=self.doc.scalar(parts["body"], f"`body` of {label}") if "body" in parts else None,
            pos=self.pos(node),
        )

    def error_def(self, name: str, name_node: yaml.Node, node: yaml.Node) -> ErrorDef:
        what = f"error `{name}`"
        parts = self.items(node, what, ERROR_KEYS)
        doc, clauses = self.common(parts, what)
        return ErrorDef(
            name=name,
            doc=doc,
            clauses=clauses,
            section=self.section,
            pos=self.pos(name_node),
            fields=self.fields(parts["fields"], what) if "fields" in parts else [],
            status=self.doc.scalar(parts["status"], f"`status` of {what}")
            if "status" in parts
            else None,
        )

    def constant(self, name: str, name_node: yaml.Node, node: yaml.Node) -> Constant:
        what = f"constant `{name}`"
        parts = self.items(node, what, CONSTANT_KEYS)
        doc, clauses = self.common(parts, what)
        for key in ("type", "value"):
            if key not in parts:
                raise self.doc.error(name_node, f"{what} has no `{key}`", f"add {key}: ...")
        return Constant(
            name=name,
            doc=doc,
            clauses=clauses,
            section=self.section,
            pos=self.pos(name_node),
            type=self.type_ref(parts["type"], what),
            value=self.doc.value(parts["value"]),
        )
