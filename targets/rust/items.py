"""The interface items of a generated Rust crate, read back from its sources: each
declaration with the clause ids of the `/// Clauses:` line of the doc comment right above it."""

from __future__ import annotations

import re
from pathlib import Path

from specloom.model import InterfaceItem
from specloom.naming import rust_const_name, rust_field_name, rust_type_name, rust_variant_name

from ..clausedocs import CarriedItem

_CLAUSES_LINE = re.compile(r"^\s*///\s*Clauses: (.*)$")
_TICKED = re.compile(r"`([^`]+)`")
_IDENT = r"(?:r#)?[A-Za-z_][A-Za-z0-9_]*"
_TOP = [
    ("type", re.compile(rf"^pub (?:struct|enum|type) ({_IDENT})\b")),
    ("constant", re.compile(rf"^pub const ({_IDENT})\s*:")),
]
_BLOCK = re.compile(rf"^pub (enum|trait) ({_IDENT})\b.*\{{\s*$")
_VARIANT = re.compile(rf"^    ({_IDENT})\s*(?:[,{{(]|$)")
_METHOD = re.compile(rf"^    fn ({_IDENT})\s*\(")


def source_name(kind: str, item: InterfaceItem) -> str:
    """The name the rust target gives an item of this kind."""
    if kind == "operation":
        return rust_field_name(item.name)
    if kind == "constant":
        return rust_const_name(item.name)
    if kind == "error":
        return rust_variant_name(item.name)
    return rust_type_name(item.name)


def read_items(root: Path, service: str) -> list[CarriedItem]:
    """Every declaration of `src/**/*.rs` that can be an interface item: public structs,
    enums, aliases and constants, the variants of `enum Error` and the methods of the
    `service` trait."""
    out: list[CarriedItem] = []
    for path in sorted((root / "src").rglob("*.rs")):
        rel = path.relative_to(root).as_posix()
        out += _read_file(path.read_text(encoding="utf-8"), rel, service)
    return out


def _read_file(text: str, rel: str, service: str) -> list[CarriedItem]:
    out: list[CarriedItem] = []
    doc: list[str] = []
    block: tuple[str, str] | None = None
    for n, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("///"):
            doc.append(stripped)
            continue
        if stripped.startswith("#[") or stripped.startswith("#!["):
            continue  # attributes sit between a doc comment and its item
        if not stripped:
            doc = []
            continue
        if block is not None and line == "}":
            block = None
        elif block == ("enum", "Error") and (m := _VARIANT.match(line)):
            out.append(_item("error", m.group(1), doc, rel, n))
        elif block == ("trait", service) and (m := _METHOD.match(line)):
            out.append(_item("operation", m.group(1), doc, rel, n))
        elif not line[:1].isspace():
            b = _BLOCK.match(line)
            if not (b and (b.group(1), b.group(2)) == ("enum", "Error")):
                for kind, pattern in _TOP:
                    if m := pattern.match(line):
                        out.append(_item(kind, m.group(1), doc, rel, n))
                        break
            if b:
                block = (b.group(1), b.group(2))
        doc = []
    return out


def _item(kind: str, name: str, doc: list[str], rel: str, line: int) -> CarriedItem:
    ids: tuple[str, ...] = ()
    for d in doc:
        if m := _CLAUSES_LINE.match(d):
            ids += tuple(_TICKED.findall(m.group(1)))
    text = " ".join(d.removeprefix("///").strip() for d in doc)
    return CarriedItem(kind, name, ids, text, rel, line)
