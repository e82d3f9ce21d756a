"""The type grammar: primitives, `list<T>`, `map<string,T>`, `nullable<T>`, `T?`, `Name`,
`spec.Name`."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from specloom.model import PRIMITIVES, TypeRef

_TOKEN = re.compile(r"\s*(?:([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)|([<>,?]))")

GRAMMAR = (
    "string int32 int64 float64 bool bytes date datetime uuid, list<T>, map<string,T>, "
    "nullable<T>, T?, "
    "Name, spec.Name"
)


class TypeSyntaxError(ValueError):
    """A type expression does not follow the grammar; the caller adds file and line."""


@lru_cache(maxsize=4096)
def parse_type(text: str) -> TypeRef:
    """Parse a type expression (raises TypeSyntaxError with what was expected).

    The same text gives the same TypeRef object: a spec repeats a few expressions
    (`string`, `list<string>`, `common.Money`) thousands of times, and the IR is never
    changed in place after parsing (copies are made with `model_copy`).
    """
    parser = _Parser(text)
    ref = parser.type()
    parser.skip_space()
    if parser.pos != len(text):
        raise TypeSyntaxError(f"unexpected {text[parser.pos :]!r} after {text[: parser.pos]!r}")
    return ref


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def peek(self) -> str | None:
        self.skip_space()
        return self.text[self.pos] if self.pos < len(self.text) else None

    def expect(self, char: str, after: str) -> None:
        if self.peek() != char:
            found = repr(self.text[self.pos :]) if self.pos < len(self.text) else "the end"
            raise TypeSyntaxError(f"expected {char!r} after {after!r}, found {found}")
        self.pos += 1

    def type(self) -> TypeRef:
        self.skip_space()
        start = self.pos
        m = _TOKEN.match(self.text, self.pos)
        if m is None or m.group(1) is None:
            rest = self.text[self.pos :] or "the end"
            raise TypeSyntaxError(f"expected a type name at {rest!r}")
        name = m.group(1)
        self.pos = m.end()
        kind: Literal["primitive", "list", "map", "named"] = "named"
        spec: str | None = None
        args: list[TypeRef] = []
        if name == "nullable" and self.peek() == "<":
            self.pos += 1
            inner = self.type()
            self.expect(">", self.text[start : self.pos])
            if inner.optional or inner.nullable:
                raise TypeSyntaxError(
                    f"write `nullable<T>?` for an optional nullable value, not {inner.text!r}"
                    " inside `nullable<...>`"
                )
            optional = self.peek() == "?"
            if optional:
                self.pos += 1
            text = self.text[start : self.pos].strip()
            return inner.model_copy(update={"nullable": True, "optional": optional, "text": text})
        if name == "nullable":
            raise TypeSyntaxError("`nullable` needs its type argument: write nullable<T>")
        if name in ("list", "map") and self.peek() == "<":
            self.pos += 1
            args.append(self.type())
            if name == "map":
                self.expect(",", self.text[start : self.pos])
                args.append(self.type())
                key = args[0]
                if key.kind != "primitive" or key.name != "string" or key.optional or key.nullable:
                    raise TypeSyntaxError(f"map keys must be `string`, not {key.text!r}")
            self.expect(">", self.text[start : self.pos])
            kind = "list" if name == "list" else "map"
        elif name in ("list", "map"):
            raise TypeSyntaxError(f"`{name}` needs its type arguments: write {name}<...>")
        elif "." in name:
            parts = name.split(".")
            if len(parts) != 2:
                raise TypeSyntaxError(f"{name!r}: a qualified name is `spec.Name`, with one dot")
            spec, name = parts
        elif name in PRIMITIVES:
            kind = "primitive"
        optional = self.peek() == "?"
        if optional:
            self.pos += 1
        text = self.text[start : self.pos].strip()
        return TypeRef(kind=kind, name=name, spec=spec, args=args, optional=optional, text=text)
