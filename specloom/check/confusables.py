"""SL015: ids and names that differ only by confusable Unicode characters.

Two ids that look the same to a reader (`bil1` with a Cyrillic `і`, a fullwidth digit, a
zero-width space) but differ to the machine let a reference, a test or a review point at
the wrong clause. Each id is reduced to a skeleton (NFKC, invisible characters dropped,
common Cyrillic and Greek look-alikes mapped to Latin); two different ids with one skeleton
are a finding at the later one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from specloom.check.context import LintContext
from specloom.check.rules import finding
from specloom.findings import Finding
from specloom.model import SourcePos, Workspace

_LOOKALIKE = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "ё": "e", "і": "i", "ї": "i", "ј": "j", "к": "k",
        "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x",
        "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l",
        # Greek
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
        "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ϲ": "c", "ϳ": "j",
        "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
        "С": "C", "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J", "Ѕ": "S",
        "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
        "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
        # Latin look-alikes
        "ı": "i", "ȷ": "j", "ɡ": "g", "ɑ": "a", "ʏ": "y", "ℓ": "l",
    }
)  # fmt: skip
_INVISIBLE = {"Cf", "Mn", "Me", "Zs"}
"""Format characters (zero-width, bidi controls), combining marks, odd spaces."""


def skeleton(ident: str) -> str:
    """What `ident` looks like: NFKC, invisibles dropped, look-alikes mapped (letter case
    is kept: `Bil1` and `bil1` look different)."""
    text = unicodedata.normalize("NFKC", ident).translate(_LOOKALIKE)
    text = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in text if unicodedata.category(ch) not in _INVISIBLE)


def _ids(ws: Workspace) -> Iterator[tuple[str, str, SourcePos]]:
    """(kind, id, where) of every clause, section and interface name of the workspace."""
    for sid in ws.order or sorted(ws.specs):
        spec = ws.specs[sid]
        for c in spec.clauses:
            yield "id", c.id, c.pos
        for s in spec.sections:
            if s.explicit_id and spec.clause(s.id) is None:
                yield "id", s.id, s.pos
        for item in [*spec.types, *spec.errors, *spec.operations, *spec.constants]:
            yield f"name in spec {sid}", item.name, item.pos


def check_workspace(ws: Workspace, ctx: LintContext) -> Iterator[Finding]:
    """SL015 over the whole workspace (clause ids are referenced across specs)."""
    seen: dict[tuple[str, str], tuple[str, SourcePos]] = {}
    for kind, ident, pos in _ids(ws):
        key = (kind, skeleton(ident))
        first = seen.setdefault(key, (ident, pos))
        if first[0] != ident:
            other, where = first
            yield finding(
                "SL015",
                f"{kind.split()[0]} {ident!r} looks like {other!r} ({where.file}:{where.line}) "
                f"but differs in {_diff(ident, other)}: use plain ASCII letters and digits, or"
                " make the two clearly different",
                pos,
                ident if kind == "id" else None,
            )


def _diff(a: str, b: str) -> str:
    odd = [ch for ch in a + b if not ch.isascii() or unicodedata.category(ch) in _INVISIBLE]
    shown = ", ".join(f"U+{ord(ch):04X} {unicodedata.name(ch, '?')}" for ch in dict.fromkeys(odd))
    return shown or "characters that render alike"
