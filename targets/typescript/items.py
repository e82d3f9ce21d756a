"""The interface items of a generated TypeScript package, read back from its sources: each
declaration with the `@see` clause ids of the doc comment right above it."""

from __future__ import annotations

import re
from pathlib import Path

from specloom.model import InterfaceItem
from specloom.naming import ts_const_name, ts_member_name, ts_property_key, ts_type_name

from ..clausedocs import CarriedItem

_SEE_LINE = re.compile(r"^\s*\*\s@see ([A-Za-z0-9_.:-]+)\s*$")
_IDENT = r"[A-Za-z_$][\w$]*"
_TOP = [
    ("type", re.compile(rf"^export (?:interface|type) ({_IDENT})\b")),
    ("error", re.compile(rf"^export class ({_IDENT}) extends SpecloomError\b")),
    ("constant", re.compile(rf"^export const ({_IDENT})\s*:")),
]
_INTERFACE = re.compile(rf"^export interface ({_IDENT})\b.*\{{\s*$")
_METHOD = re.compile(rf'^\s+("(?:[^"\\]|\\.)*"|{_IDENT})\(')


def source_name(kind: str, item: InterfaceItem) -> str:
    """The name the typescript target gives an item of this kind."""
    if kind == "operation":
        return ts_property_key(ts_member_name(item.name))
    if kind == "constant":
        return ts_const_name(item.name)
    return ts_type_name(item.name)


def read_items(root: Path, service: str) -> list[CarriedItem]:
    """Every declaration of `src/**/*.ts` that can be an interface item: exported types and
    interfaces, error classes, constants, and the methods of the `service` interface."""
    out: list[CarriedItem] = []
    for path in sorted((root / "src").rglob("*.ts")):
        rel = path.relative_to(root).as_posix()
        out += _read_file(path.read_text(encoding="utf-8"), rel, service)
    return out


def _read_file(text: str, rel: str, service: str) -> list[CarriedItem]:
    out: list[CarriedItem] = []
    doc: list[str] = []
    pending: list[str] = []
    in_doc = False
    interface: str | None = None
    for n, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if in_doc:
            doc.append(line)
            if "*/" in line:
                in_doc, pending = False, doc
            continue
        if stripped.startswith("/**"):
            doc = [line]
            if "*/" in stripped[3:]:
                pending = doc
            else:
                in_doc = True
            continue
        if not stripped:
            pending = []
            continue
        if interface is not None and line == "}":
            interface = None
        elif interface == service and (m := _METHOD.match(line)):
            out.append(_item("operation", m.group(1), pending, rel, n))
        elif not line[:1].isspace():
            for kind, pattern in _TOP:
                if m := pattern.match(line):
                    out.append(_item(kind, m.group(1), pending, rel, n))
                    break
            if m := _INTERFACE.match(line):
                interface = m.group(1)
        pending = []
    return out


def _item(kind: str, name: str, doc: list[str], rel: str, line: int) -> CarriedItem:
    ids = tuple(m.group(1) for d in doc if (m := _SEE_LINE.match(d)))
    text = " ".join(d.strip().removeprefix("/**").removesuffix("*/").lstrip("* ") for d in doc)
    return CarriedItem(kind, name, ids, text, rel, line)
