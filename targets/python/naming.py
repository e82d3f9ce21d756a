"""The Python target's names: how spec names become Python identifiers, escapes and literals.

The generator (target, signatures, conformance), the tutorial's Python unit and the target's
lint hook (`lint.py`) all call these, so a lint rule cannot drift from the generated code.
Cheap to import on purpose: only the standard library and `specloom.naming`'s word splitter.
"""

from __future__ import annotations

from specloom.naming import words


def _join_pascal(ws: list[str]) -> str:
    return "".join(w[:1].upper() + w[1:] for w in ws)


PY_TYPE_NAMES: frozenset[str] = frozenset(
    {"str", "int", "float", "bool", "bytes", "list", "dict", "object", "type", "print"}
)
"""Built-in names the generated Python modules use in annotations or code: a field or
parameter with one of these names would shadow it inside a class body (`str: str`)."""

PY_MODULE_RESERVED: frozenset[str] = frozenset(
    {"pydantic", "pydantic_core", "pytest", "typing_extensions", "mypy", "specloom", "tests"}
)
"""Top-level import names a generated package must not take besides the standard library:
its own dependencies and the folder of its suite."""

PY_CLASS_RESERVED: frozenset[str] = frozenset(
    {
        "BaseModel",
        "ConfigDict",
        "Field",
        "Final",
        "Protocol",
        "TypeAlias",
        "StrEnum",
        "NamedTuple",
        "Clause",
        "CLAUSES",
        "SpecloomError",
        "Exception",
        "BaseException",
        "ValueError",
        "TypeError",
        "KeyError",
        "Enum",
        "None",
        "True",
        "False",
        "Any",
    }
)
"""Class and constant names a generated module must not declare: what it imports or
defines itself, and built-in exception names."""


def _py_keyword(name: str) -> bool:
    import keyword

    return keyword.iskeyword(name)


def _py_model_attrs() -> frozenset[str]:
    """Attribute names of pydantic's BaseModel (a field may not shadow them)."""
    try:
        from pydantic import BaseModel
    except ImportError:  # pragma: no cover - pydantic is a core dependency
        return frozenset()
    return frozenset(n for n in dir(BaseModel) if not n.startswith("__"))


_PY_MODEL_ATTRS: frozenset[str] | None = None


def py_model_attrs() -> frozenset[str]:
    """BaseModel attribute names, computed once."""
    global _PY_MODEL_ATTRS
    if _PY_MODEL_ATTRS is None:
        _PY_MODEL_ATTRS = _py_model_attrs()
    return _PY_MODEL_ATTRS


def _py_lead(ident: str, prefix: str) -> str:
    """Python identifiers may not be empty or start with a digit, and a leading `_` would
    make a pydantic field private: prefix instead."""
    if not ident or ident[0].isdigit() or ident[0] == "_":
        return prefix + ident.lstrip("_")
    return ident


def py_module_name(spec_id: str) -> str:
    """The import name of a spec's package: snake_case; keywords, standard-library modules
    and the package's own dependencies get a `_` suffix (`types` -> `types_`)."""
    import sys

    out = _py_lead("_".join(words(spec_id)), "spec_")
    if _py_keyword(out) or out in sys.stdlib_module_names or out in PY_MODULE_RESERVED:
        out += "_"
    return out


def py_distribution_name(spec_id: str) -> str:
    """The pip distribution name: `specloom-<spec>` (normalised: lowercase, `-`)."""
    return "specloom-" + "-".join(words(spec_id))


def py_type_name(name: str) -> str:
    """Models, enums, aliases, exceptions: PascalCase; imported or built-in names get `_`."""
    out = _py_lead(_join_pascal(words(name)), "T")
    return out + "_" if out in PY_CLASS_RESERVED else out


def py_field_name(name: str) -> str:
    """Model fields and exception attributes: snake_case; keywords, shadowed built-ins and
    BaseModel attributes get a `_` suffix (`class` -> `class_`, `json` -> `json_`)."""
    out = _py_lead("_".join(words(name)), "f_")
    if _py_keyword(out) or out in PY_TYPE_NAMES or out in py_model_attrs() or out == "self":
        out += "_"
    return out


PY_EXCEPTION_ATTRS: frozenset[str] = frozenset(
    {n for n in dir(Exception) if not n.startswith("__")} | {"message"}
)
"""Attributes of Exception (`args`, `add_note`...) and the `message` parameter of the
generated exceptions' constructors: an error field may not take these names."""


def py_error_field_name(name: str) -> str:
    """Exception attributes: like model fields, and never an attribute of Exception."""
    out = py_field_name(name)
    return out + "_" if out in PY_EXCEPTION_ATTRS else out


def py_param_name(name: str) -> str:
    """Method parameters: snake_case; keywords, `self` and shadowed built-ins get `_`."""
    out = _py_lead("_".join(words(name)), "p_")
    if _py_keyword(out) or out in PY_TYPE_NAMES or out == "self":
        out += "_"
    return out


def py_method_name(name: str) -> str:
    """Protocol methods: snake_case; keywords get a `_` suffix."""
    out = _py_lead("_".join(words(name)), "op_")
    return out + "_" if _py_keyword(out) else out


def py_enum_member(name: str) -> str:
    """Enum members: SCREAMING_SNAKE_CASE (never a keyword: those are not all capitals)."""
    return _py_lead("_".join(words(name)).upper(), "V_")


def py_const_name(name: str) -> str:
    """Module-level constants: SCREAMING_SNAKE_CASE; the module's own names get `_`."""
    out = _py_lead("_".join(words(name)).upper(), "C_")
    return out + "_" if out in PY_CLASS_RESERVED else out


def py_string(text: str) -> str:
    """A double-quoted Python string literal: printable text kept, the rest escaped."""
    return '"' + py_escape(text, quote=True) + '"'


def py_escape(text: str, *, quote: bool) -> str:
    """Escape text for the inside of a double-quoted (or triple-quoted) Python string:
    backslashes and double quotes escaped, non-printable characters as `\\x`/`\\u`/`\\U`
    escapes, newlines kept only when `quote` is False (a docstring)."""
    out: list[str] = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n" and not quote:
            out.append("\n")
        elif ch.isprintable():
            out.append(ch)
        else:
            n = ord(ch)
            out.append(
                f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}" if n < 0x10000 else f"\\U{n:08x}"
            )
    return "".join(out)


def python_reserved(name: str, kind: str) -> bool:
    """True when the Python target must escape `name` used as `kind` (type, field, param,
    method, const)."""
    conv = {
        "type": py_type_name,
        "field": py_field_name,
        "param": py_param_name,
        "method": py_method_name,
        "const": py_const_name,
    }.get(kind)
    if conv is None:
        return False
    return conv(name).endswith("_") and not name.endswith("_")


# -- names the target generates itself ---------------------------------------------------


def py_service_name(spec_id: str) -> str:
    """The Protocol holding a spec's operations: `BillingService`."""
    return py_type_name(spec_id) + "Service"


def py_error_base_name(spec_id: str) -> str:
    """The base exception of every error of a spec: `BillingError`."""
    return py_type_name(spec_id) + "Error"


def py_variant_class_name(union: str, tag: str) -> str:
    """The model of one variant of a tagged union: its record plus the tag (`ShapeCircle`)."""
    return py_type_name(f"{union}_{tag}")


PY_PACKAGE_NAMES: tuple[str, ...] = ("CLAUSES", "Clause")
"""What every generated package's `__init__.py` exports besides the spec's own items."""
