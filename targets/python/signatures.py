"""Python declarations of IR items: the exact text the generated package contains."""

from __future__ import annotations

import math
from typing import Literal

from specloom.model import Constant, ErrorDef, FieldDef, Operation, Spec, TypeDef, TypeRef

from .naming import (
    py_const_name,
    py_enum_member,
    py_error_base_name,
    py_error_field_name,
    py_escape,
    py_field_name,
    py_method_name,
    py_module_name,
    py_param_name,
    py_service_name,
    py_string,
    py_type_name,
    py_variant_class_name,
)

Style = Literal["sync", "async"]

PRIMITIVES: dict[str, str] = {
    "string": "str",
    "int32": "int",
    "int64": "int",
    "float64": "float",
    "bool": "bool",
    "bytes": "bytes",
    "date": "_dt.date",
    "datetime": "_dt.datetime",
    "uuid": "_uuid.UUID",
}
"""IR primitive -> Python annotation. `datetime` and `uuid` are imported as `_dt` and
`_uuid` so that no field name can shadow them inside a class body."""


def module_alias(spec_id: str) -> str:
    """How a generated module refers to an imported spec's package: `import common as _common`."""
    return "_" + py_module_name(spec_id)


def service_name(spec: Spec) -> str:
    """The Protocol holding the spec's operations: `BillingService`."""
    return py_service_name(spec.id)


def error_base_name(spec: Spec) -> str:
    """The base exception of every error of the spec: `BillingError`."""
    return py_error_base_name(spec.id)


def py_type(ref: TypeRef, *, bare: bool = False) -> str:
    """The annotation of a type expression; `bare` drops the optional `| None`."""
    if ref.kind == "primitive":
        out = PRIMITIVES[ref.name]
    elif ref.kind == "list":
        out = f"list[{py_type(ref.args[0])}]"
    elif ref.kind == "map":
        out = f"dict[str, {py_type(ref.args[-1])}]"
    else:
        name = py_type_name(ref.name)
        out = f"{module_alias(ref.spec)}.{name}" if ref.spec else name
    # `nullable<T>` (present, may be null) and `T?` (may be absent) are both `| None` in
    # Python; what tells them apart is the default: a nullable field has none
    if ref.nullable or (ref.optional and not bare):
        out += " | None"
    return out


def docstring(text: str, indent: str) -> str:
    """A triple-quoted docstring; spec text cannot end it or inject escapes."""
    body = py_escape(text.strip(), quote=False).replace("\r", "")
    lines = body.split("\n")
    if len(lines) == 1:
        return f'{indent}"""{lines[0]}"""\n'
    inner = "\n".join((indent + line) if line.strip() else "" for line in lines[1:])
    return f'{indent}"""{lines[0]}\n{inner}\n{indent}"""\n'


def field_line(f: FieldDef, indent: str = "    ") -> str:
    """`name: T`, optional fields default to None, wire names kept through aliases."""
    name = py_field_name(f.name)
    ann = py_type(f.type)
    args: list[str] = []
    if f.type.optional:
        args.append("default=None")
    if name != f.name:
        wire = py_string(f.name)
        args += [f"validation_alias={wire}", f"serialization_alias={wire}"]
    if not args:
        return f"{indent}{name}: {ann}\n"
    if args == ["default=None"]:
        return f"{indent}{name}: {ann} = None\n"
    return f"{indent}{name}: {ann} = Field({', '.join(args)})\n"


def type_signature(spec: Spec, typedef: TypeDef) -> str:
    """`class X(BaseModel): ...`, `class X(StrEnum): ...` or `X: TypeAlias = Y` (a union's
    variant models come first: `variant_classes`)."""
    name = py_type_name(typedef.name)
    if typedef.kind == "record":
        body = "".join(field_line(f) for f in typedef.fields) or "    pass\n"
        return f"class {name}(BaseModel):\n{body}".rstrip("\n")
    if typedef.kind == "enum":
        members = enum_members(typedef)
        body = "".join(f"    {m} = {py_string(v)}\n" for m, v in members) or "    pass\n"
        return f"class {name}(StrEnum):\n{body}".rstrip("\n")
    if typedef.kind == "union":
        return "\n\n\n".join([*variant_classes(typedef), union_signature(typedef)])
    assert typedef.alias is not None
    return f"{name}: TypeAlias = {py_type(typedef.alias)}"


def variant_class_name(union: TypeDef, tag: str) -> str:
    """The model of one variant of a tagged union: the record plus its tag (`ShapeCircle`)."""
    return py_variant_class_name(union.name, tag)


def variant_classes(typedef: TypeDef) -> list[str]:
    """A tagged union's variant models: each subclasses its record and adds the tag field as
    a `Literal` with the tag value as default (so `ShapeCircle(radius=2.0)` carries it)."""
    if typedef.kind != "union" or typedef.tag is None:
        return []
    tag = typedef.tag
    field = py_field_name(tag)
    out = []
    for v in typedef.variants:
        value = py_string(v.tag or "")
        args = [f"default={value}"]
        if field != tag:
            wire = py_string(tag)
            args += [f"validation_alias={wire}", f"serialization_alias={wire}"]
        out.append(
            f"class {variant_class_name(typedef, v.tag or '')}({py_type(v.type, bare=True)}):\n"
            f"    {field}: Literal[{value}] = Field({', '.join(args)})"
        )
    return out


def union_signature(typedef: TypeDef) -> str:
    """A tagged union: `Annotated[A | B, Field(discriminator=...)]` over the variant models,
    so pydantic picks the variant by its tag; an untagged union: the plain union, which
    pydantic's smart mode decodes by shape (lint's SL115 keeps the variants apart)."""
    name = py_type_name(typedef.name)
    if typedef.tag is None:
        members = " | ".join(py_type(v.type, bare=True) for v in typedef.variants)
        return f"{name}: TypeAlias = {members}"
    members = " | ".join(variant_class_name(typedef, v.tag or "") for v in typedef.variants)
    field = py_string(py_field_name(typedef.tag))
    return f"{name}: TypeAlias = Annotated[{members}, Field(discriminator={field})]"


def enum_members(typedef: TypeDef) -> list[tuple[str, str]]:
    """(member name, wire value) per value; members that collide get `_2`, `_3`..."""
    seen: dict[str, int] = {}
    out: list[tuple[str, str]] = []
    for v in typedef.values:
        m = py_enum_member(v.name)
        seen[m] = seen.get(m, 0) + 1
        out.append((m if seen[m] == 1 else f"{m}_{seen[m]}", v.name))
    return out


def params_text(params: list[FieldDef]) -> str:
    """`self, a: T, b: U | None = None`: defaults only where every later one is optional."""
    out: list[str] = []
    trailing_optional = True
    for p in reversed(params):
        trailing_optional = trailing_optional and p.type.optional
        default = " = None" if trailing_optional else ""
        out.append(f"{py_param_name(p.name)}: {py_type(p.type)}{default}")
    return ", ".join(["self", *reversed(out)])


def operation_signature(spec: Spec, op: Operation, style: Style = "sync") -> str:
    """A method of the service Protocol: `def create_invoice(self, ...) -> Invoice: ...`."""
    ret = py_type(op.returns) if op.returns is not None else "None"
    head = "async def" if style == "async" else "def"
    return f"{head} {py_method_name(op.name)}({params_text(op.params)}) -> {ret}: ..."


def error_signature(spec: Spec, err: ErrorDef) -> str:
    """An exception class deriving from the spec's base, with its fields as attributes."""
    name = py_type_name(err.name)
    base = error_base_name(spec)
    lines = [f"class {name}({base}):"]
    if err.fields:
        lines += [f"    {py_error_field_name(f.name)}: {py_type(f.type)}" for f in err.fields]
        params = ", ".join(f"{py_error_field_name(f.name)}: {py_type(f.type)}" for f in err.fields)
        lines.append("")
        lines.append(f"    def __init__(self, {params}, message: str | None = None) -> None:")
        lines.append("        super().__init__(message)")
        lines += [
            f"        self.{py_error_field_name(f.name)} = {py_error_field_name(f.name)}"
            for f in err.fields
        ]
    else:
        lines.append("    pass")
    return "\n".join(lines)


def constant_value(const: Constant) -> str:
    """The Python literal of a constant."""
    v = const.value
    if isinstance(v, bool):
        return "True" if v else "False"
    if isinstance(v, float):
        if math.isnan(v):
            return 'float("nan")'
        if math.isinf(v):
            return 'float("inf")' if v > 0 else 'float("-inf")'
        return repr(v)
    if isinstance(v, int):
        if const.type.kind == "primitive" and const.type.name == "float64":
            return repr(float(v))
        return repr(v)
    if isinstance(v, str):
        return py_string(v)
    return py_string(str(v))


def constant_signature(spec: Spec, const: Constant) -> str:
    """`NAME: Final[T] = value`."""
    return f"{py_const_name(const.name)}: Final[{py_type(const.type)}] = {constant_value(const)}"
