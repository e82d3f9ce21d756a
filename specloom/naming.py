"""Naming conventions of the code targets: case conversion and reserved-word escaping."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable

# Words of a spec name: runs of capitals followed by lowercase letters, lowercase runs and
# digit runs, split on anything that is not an ASCII letter or digit (`unit_price`,
# `HTTPServer`, `v2Limit`, `money-amount`).
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*|[0-9]+")

TS_RESERVED: frozenset[str] = frozenset(
    [
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "debugger",
        "default",
        "delete",
        "do",
        "else",
        "enum",
        "export",
        "extends",
        "false",
        "finally",
        "for",
        "function",
        "if",
        "import",
        "in",
        "instanceof",
        "new",
        "null",
        "return",
        "super",
        "switch",
        "this",
        "throw",
        "true",
        "try",
        "typeof",
        "var",
        "void",
        "while",
        "with",
        "implements",
        "interface",
        "let",
        "package",
        "private",
        "protected",
        "public",
        "static",
        "yield",
        "await",
        "arguments",
        "eval",
    ]
)
"""ECMAScript reserved words (strict mode, modules): illegal as binding identifiers."""

TS_TYPE_RESERVED: frozenset[str] = frozenset(
    [
        "any",
        "unknown",
        "never",
        "object",
        "string",
        "number",
        "boolean",
        "bigint",
        "symbol",
        "undefined",
        "void",
        "null",
        "Array",
        "Record",
        "Partial",
        "Readonly",
        "Required",
        "Pick",
        "Omit",
        "Map",
        "Set",
        "Promise",
        "Date",
        "Error",
        "Object",
        "String",
        "Number",
        "Boolean",
        "Symbol",
        "BigInt",
        "Function",
        "globalThis",
        "CLAUSES",
        "Clause",
        "ClauseLevel",
        "SpecloomError",
    ]
)
"""Type names a generated TypeScript module must not declare: built-in and lib types, and
the names the TypeScript target itself exports (`CLAUSES`, `Clause`, `ClauseLevel`)."""

RUST_RESERVED: frozenset[str] = frozenset(
    [
        "as",
        "break",
        "const",
        "continue",
        "crate",
        "else",
        "enum",
        "extern",
        "false",
        "fn",
        "for",
        "if",
        "impl",
        "in",
        "let",
        "loop",
        "match",
        "mod",
        "move",
        "mut",
        "pub",
        "ref",
        "return",
        "self",
        "Self",
        "static",
        "struct",
        "super",
        "trait",
        "true",
        "type",
        "unsafe",
        "use",
        "where",
        "while",
        "async",
        "await",
        "dyn",
        "abstract",
        "become",
        "box",
        "do",
        "final",
        "macro",
        "override",
        "priv",
        "typeof",
        "unsized",
        "virtual",
        "yield",
        "try",
        "gen",
    ]
)
"""Rust keywords of every edition (strict and reserved); `r#` escapes all but `RUST_NO_RAW`."""

RUST_NO_RAW: frozenset[str] = frozenset({"self", "Self", "super", "crate", "_"})
"""Keywords that cannot be raw identifiers (`r#self` is an error): suffixed with `_` instead."""

RUST_TYPE_RESERVED: frozenset[str] = frozenset(
    [
        "Option",
        "Some",
        "None",
        "Result",
        "Ok",
        "Err",
        "Vec",
        "String",
        "Box",
        "BTreeMap",
        "Error",
        "Clause",
        "ClauseLevel",
        "CLAUSES",
        "Copy",
        "Clone",
        "Debug",
        "Default",
        "Eq",
        "PartialEq",
        "Ord",
        "PartialOrd",
        "Hash",
        "Send",
        "Sync",
        "Sized",
        "Drop",
        "Fn",
        "FnMut",
        "FnOnce",
        "From",
        "Into",
        "Iterator",
        "ToString",
    ]
)
"""Type names a generated crate must not declare: the prelude, and what the crate defines
itself (`Error`, `Clause`, `ClauseLevel`, `CLAUSES`)."""


def words(name: str) -> list[str]:
    """Split a spec name into lowercase words: `unitPrice`, `unit_price` -> [unit, price]."""
    return [w.lower() for w in _WORD.findall(name)]


def _join_pascal(ws: list[str]) -> str:
    return "".join(w[:1].upper() + w[1:] for w in ws)


def _lead(ident: str) -> str:
    """An identifier may not be empty or start with a digit: prefix `_`."""
    if not ident or ident[0].isdigit():
        return "_" + ident
    return ident


def pascal_case(name: str) -> str:
    """`unit_price` -> `UnitPrice`."""
    return _lead(_join_pascal(words(name)))


def camel_case(name: str) -> str:
    """`unit_price` -> `unitPrice`."""
    ws = words(name)
    if not ws:
        return "_"
    return _lead(ws[0] + _join_pascal(ws[1:]))


def snake_case(name: str) -> str:
    """`unitPrice` -> `unit_price`."""
    return _lead("_".join(words(name)))


def screaming_snake_case(name: str) -> str:
    """`invoiceIdPrefix` -> `INVOICE_ID_PREFIX`."""
    return snake_case(name).upper()


# -- TypeScript -------------------------------------------------------------------------


def ts_type_name(name: str) -> str:
    """Interfaces, type aliases and error classes: PascalCase; lib names get a `_` suffix."""
    out = pascal_case(name)
    return out + "_" if out in TS_TYPE_RESERVED else out


def ts_member_name(name: str) -> str:
    """Record properties and service methods: camelCase (reserved words are legal here)."""
    return camel_case(name)


def ts_param_name(name: str) -> str:
    """Function parameters are bindings: camelCase, reserved words suffixed with `_`."""
    out = camel_case(name)
    return out + "_" if out in TS_RESERVED else out


def ts_const_name(name: str) -> str:
    """Exported constants: SCREAMING_SNAKE_CASE (never a reserved word: those are lowercase)."""
    out = screaming_snake_case(name)
    return out + "_" if out in TS_TYPE_RESERVED else out


def ts_property_key(name: str) -> str:
    """A property key as written in an object literal: bare when an identifier, else quoted."""
    if re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_$]*", name):
        return name
    return ts_string(name)


def ts_string(text: str) -> str:
    """A TypeScript string literal (JSON escaping plus U+2028/9, `</` and `${`-safe)."""
    return json_string(text)


# -- Rust -------------------------------------------------------------------------------


def rust_escape(ident: str) -> str:
    """Escape a keyword: `type` -> `r#type`, `self` -> `self_`."""
    if ident in RUST_NO_RAW:
        return ident + "_"
    if ident in RUST_RESERVED:
        return "r#" + ident
    return ident


def rust_type_name(name: str) -> str:
    """Structs, enums, aliases: PascalCase; prelude and crate-defined names get `_`."""
    out = pascal_case(name)
    if out in RUST_TYPE_RESERVED:
        return out + "_"
    return rust_escape(out)


def rust_field_name(name: str) -> str:
    """Struct fields, parameters and trait methods: snake_case, keywords escaped (`r#type`)."""
    return rust_escape(snake_case(name))


def rust_variant_name(name: str) -> str:
    """Enum variants: PascalCase (`Self` is a keyword: `Self_`)."""
    return rust_escape(pascal_case(name))


def union_variant_labels(tags: list[str | None], type_texts: list[str]) -> list[str]:
    """A name per union variant: its tag, else its type as words (`list<Card>` ->
    `list_card`); repeats (after Rust's PascalCase) get `_2`, `_3`... so every label maps to
    its own enum variant."""
    out: list[str] = []
    seen: set[str] = set()
    for tag, text in zip(tags, type_texts, strict=True):
        base = tag if tag is not None else "_".join(re.findall(r"[A-Za-z0-9]+", text)) or "value"
        label, n = base, 1
        while rust_variant_name(label) in seen:
            n += 1
            label = f"{base}_{n}"
        seen.add(rust_variant_name(label))
        out.append(label)
    return out


def rust_enum_variants(values: list[str]) -> dict[str, str]:
    """Enum value -> its Rust variant: PascalCase, and values that collide after it (`+E.164`
    and `E.164`, `deployment-ready` and `deployment.ready`) get `2`, `3`... in value order
    (`E164`, `E1642`); the serde rename keeps each wire value."""
    out: dict[str, str] = {}
    seen: set[str] = set()
    for value in values:
        ident, n = rust_variant_name(value), 1
        while ident in seen:
            n += 1
            ident = rust_variant_name(f"{value}_{n}")
        seen.add(ident)
        out[value] = ident
    return out


def rust_const_name(name: str) -> str:
    """Constants: SCREAMING_SNAKE_CASE (`SELF` and friends are not keywords)."""
    out = screaming_snake_case(name)
    return out + "_" if out in RUST_TYPE_RESERVED else out


def rust_module_name(name: str) -> str:
    """A module name for an imported spec: snake_case, keywords suffixed (no `r#` for mods
    used in paths, to keep `use` lines readable)."""
    out = snake_case(name)
    return out + "_" if out in RUST_RESERVED or out in RUST_NO_RAW else out


def rust_string(text: str) -> str:
    """A Rust string literal: `"` and `\\` escaped, control and non-ASCII as `\\u{..}`."""
    out = ['"']
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif " " <= ch <= "~":
            out.append(ch)
        else:
            out.append(f"\\u{{{ord(ch):x}}}")
    out.append('"')
    return "".join(out)


def json_string(text: str) -> str:
    """A double-quoted string literal valid in JSON, JavaScript and TypeScript, ASCII only
    (U+2028/U+2029 and lone surrogates escaped too)."""
    return json.dumps(text, ensure_ascii=True)


# -- collisions -------------------------------------------------------------------------


def collisions(names: Iterable[str], convert: Callable[[str], str]) -> dict[str, list[str]]:
    """Names that map to the same identifier after `convert`: {identifier: [names...]}.

    Only identifiers reached by two or more distinct names are returned, sorted.
    """
    seen: dict[str, set[str]] = {}
    for n in names:
        seen.setdefault(convert(n), set()).add(n)
    return {k: sorted(v) for k, v in sorted(seen.items()) if len(v) > 1}


def ts_reserved(name: str, kind: str) -> bool:
    """True when the TypeScript target must escape `name` used as `kind` (type, param, const)."""
    if kind == "type":
        return pascal_case(name) in TS_TYPE_RESERVED
    if kind == "param":
        return camel_case(name) in TS_RESERVED
    if kind == "const":
        return screaming_snake_case(name) in TS_TYPE_RESERVED
    return False


def rust_reserved(name: str, kind: str) -> bool:
    """True when the Rust target must escape `name` used as `kind` (type, field, variant, const)."""
    if kind == "type":
        p = pascal_case(name)
        return p in RUST_TYPE_RESERVED or p in RUST_RESERVED
    if kind == "field":
        return snake_case(name) in RUST_RESERVED
    if kind == "variant":
        return pascal_case(name) in RUST_RESERVED
    if kind == "const":
        return screaming_snake_case(name) in RUST_TYPE_RESERVED
    return False


_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Text-direction controls: rustc rejects them in comments (Trojan Source, CVE-2021-42574)."""


def comment_safe(text: str) -> str:
    """Text for a code comment: control characters (bare CR, NUL...) become spaces.

    Line breaks of every kind (`\\r\\n`, U+2028...) become `\\n`, so a caller can split on
    `\\n` and prefix each line; a bare CR would otherwise be a rustc error in a doc comment.
    Text-direction controls are shown as `<U+202E>`: invisible, they could make a comment
    read differently from what the compiler sees.
    """
    out: list[str] = []
    for ln in text.splitlines():
        chars: list[str] = []
        for c in ln:
            o = ord(c)
            if c in _BIDI:
                chars.append(f"<U+{o:04X}>")
            elif (o < 0x20 and c != "\t") or 0x7F <= o < 0xA0:
                chars.append(" ")
            else:
                chars.append(c)
        out.append("".join(chars))
    return "\n".join(out)


# -- names the targets generate themselves ------------------------------------------------
# The TypeScript and Rust targets call these (targets/*/signatures.py), and their lint hooks
# (targets/*/lint.py) list the same names: a collision rule cannot drift from the code.

RUST_STD_CRATES: frozenset[str] = frozenset({"core", "std", "alloc", "proc_macro", "test"})
"""Crates every Rust program can name: a spec's crate must not take one of these names."""


def ts_service_name(spec_id: str) -> str:
    """The service interface of a spec's operations: `BillingService`."""
    return ts_type_name(spec_id) + "Service"


def ts_error_union_name(spec_id: str) -> str:
    """The union type of a spec's error classes: `BillingError`."""
    return ts_type_name(spec_id) + "Error"


def ts_namespace_name(spec_id: str) -> str:
    """The local name of an imported spec's package (`import type * as common`)."""
    return ts_param_name(spec_id)


def ts_enum_values_name(type_name: str) -> str:
    """The const array of an enum's values: `INVOICE_STATUS_VALUES`."""
    return ts_const_name(type_name) + "_VALUES"


TS_PACKAGE_NAMES: tuple[str, ...] = ("SpecloomError", "Clause", "ClauseLevel", "CLAUSES")
"""What every generated TypeScript package exports besides the spec's own items."""


def rust_service_name(spec_id: str) -> str:
    """The trait of a spec's operations: `BillingService`."""
    return rust_type_name(spec_id) + "Service"


def rust_crate_name(spec_id: str) -> str:
    """A spec's library crate name (also its dependency key): snake_case; keywords and the
    standard crates (`core`, `std`, `alloc`...) get a `_` suffix, like reserved words."""
    out = rust_module_name(spec_id)
    return out + "_" if out in RUST_STD_CRATES else out


RUST_CRATE_NAMES: tuple[str, ...] = ("Error", "Clause", "ClauseLevel", "CLAUSES")
"""What every generated Rust crate declares at its root besides the spec's own items."""
