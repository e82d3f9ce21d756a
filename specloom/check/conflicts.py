"""Cross-spec conflicts (SL2xx): differing definitions, MUST vs MUST NOT, authority overrides.

The contradiction heuristic, per sentence of every clause in the workspace:

1. find the first MUST / MUST NOT / SHALL / SHALL NOT (lowercase too in non-strict specs;
   `MUST never` counts as MUST NOT);
2. subject = the words before it, after the last `,;:` (so a leading condition is
   dropped), lowercased, without articles and determiners, plurals folded (`invoices` ->
   `invoice`);
3. predicate = the content words after it (stop words dropped, plurals folded);
4. two sentences conflict when their subjects are equal, one is positive and the other
   negative, and one predicate's words are (almost) all in the other's (overlap >= 0.8).

Sentences are bucketed by subject, so the cost is linear in the number of clauses plus
the pairs inside one bucket. Each conflict gives one finding at each place, naming the
other: both specs are blocked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from specloom.check.context import LintContext
from specloom.check.rules import finding
from specloom.check.text import own_texts
from specloom.findings import Finding
from specloom.model import Clause, SourcePos, Spec, TypeDef, TypeRef, Workspace

_UPPER = re.compile(r"\b(MUST|SHALL)( NOT| never| NEVER)?\b")
_ANY = re.compile(r"(?=[ms])\b(must|shall)( not| never)?\b", re.IGNORECASE)  # (look-ahead: speed)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z`\"'(\[])")
_WORD = re.compile(r"[a-z0-9_]+")
_ARTICLES = frozenset(
    {"a", "an", "the", "any", "every", "each", "all", "this", "that", "these", "those", "its"}
    | {"their"}
)
_STOP = _ARTICLES | frozenset(
    {"be", "is", "are", "been", "being", "to", "of", "in", "on", "at", "for", "with", "by"}
    | {"and", "or", "as", "from", "into", "it", "only", "also", "always", "ever", "so", "than"}
    | {"then", "there", "which", "who", "whom", "whose"}
)


def _fold(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@dataclass(frozen=True)
class Statement:
    """One normative sentence reduced to subject, polarity and predicate words."""

    spec: Spec
    clause: Clause
    subject: str
    negative: bool
    predicate: frozenset[str]
    sentence: str

    @property
    def where(self) -> str:
        return f"{self.clause.pos.file}:{self.clause.pos.line}"


def statements(spec: Spec, ctx: LintContext | None = None) -> Iterator[Statement]:
    """The MUST / MUST NOT sentences of a spec, reduced for comparison."""
    pattern = _UPPER if spec.strict else _ANY
    seen: set[str] = set()
    for clause, text in ctx.own_texts(spec) if ctx else own_texts(spec):
        for sentence in _SENTENCE.split(text):
            if sentence in seen:
                continue
            seen.add(sentence)
            m = pattern.search(sentence)
            if not m:
                continue
            head = re.split(r"[,;:]", sentence[: m.start()])[-1].lower()
            subject = " ".join(_fold(w) for w in _WORD.findall(head) if w not in _ARTICLES)
            words = frozenset(
                _fold(w) for w in _WORD.findall(sentence[m.end() :].lower()) if w not in _STOP
            )
            if subject and words:
                yield Statement(spec, clause, subject, bool(m.group(2)), words, sentence)


DEFAULT_AUTHORITY = ["root", "system", "developer", "user", "guideline"]
"""The Model Spec's levels, highest first: the order used by a spec that declares none."""


def _authority_ranks(a: Statement, b: Statement) -> tuple[int, int] | None:
    """Ranks of both clauses' authority levels (0 = highest) in the first authority order,
    of a's spec or b's spec, that knows both levels; None when no order ranks both."""
    la, lb = a.clause.authority, b.clause.authority
    if la is None or lb is None:
        return None
    for order in (a.spec.authority or DEFAULT_AUTHORITY, b.spec.authority or DEFAULT_AUTHORITY):
        if la in order and lb in order:
            return order.index(la), order.index(lb)
    return None


def _contradictions(ws: Workspace, ctx: LintContext) -> Iterator[Finding]:
    buckets: dict[str, list[Statement]] = {}
    for sid in ws.order or sorted(ws.specs):
        for st in statements(ws.specs[sid], ctx):
            buckets.setdefault(st.subject, []).append(st)
    for subject in sorted(buckets):
        group = buckets[subject]
        pos = [s for s in group if not s.negative]
        neg = [s for s in group if s.negative]
        for a in pos:
            for b in neg:
                small = min(len(a.predicate), len(b.predicate))
                if len(a.predicate & b.predicate) / small < 0.8:
                    continue
                yield from _report(a, b)


def _report(a: Statement, b: Statement) -> Iterator[Finding]:
    ranks = _authority_ranks(a, b)
    if ranks is not None and ranks[0] != ranks[1]:
        ra, rb = ranks
        low, high = (a, b) if ra > rb else (b, a)
        yield finding(
            "SL204",
            f"clause {low.clause.id} (authority {low.clause.authority}) contradicts "
            f"higher-authority clause {high.clause.id} (authority {high.clause.authority}) "
            f"at {high.where}: remove it or make it consistent with the higher one",
            low.clause.pos,
            low.clause.id,
        )
        yield finding(
            "SL204",
            f"clause {high.clause.id} (authority {high.clause.authority}) is contradicted by "
            f"lower-authority clause {low.clause.id} at {low.where}: remove or fix that one",
            high.clause.pos,
            high.clause.id,
        )
        return
    for x, y in ((a, b), (b, a)):
        yield finding(
            "SL203",
            f"clause {x.clause.id} contradicts clause {y.clause.id} at {y.where} "
            f"({_quote(y.sentence)}): decide which holds and delete or narrow the other",
            x.clause.pos,
            x.clause.id,
        )


def _quote(sentence: str, n: int = 80) -> str:
    return repr(sentence if len(sentence) <= n else sentence[: n - 1] + "…")


def _ref_sig(ref: TypeRef, spec_id: str) -> str:
    opt = ("!null" if ref.nullable else "") + ("?" if ref.optional else "")
    if ref.kind == "named":
        return f"{ref.spec or spec_id}.{ref.name}{opt}"
    if ref.kind == "primitive":
        return ref.name + opt
    return f"{ref.kind}<{','.join(_ref_sig(a, spec_id) for a in ref.args)}>{opt}"


def type_signature(t: TypeDef, spec_id: str) -> str:
    """A canonical text of a type's shape (docs and clause lists left out)."""
    if t.kind == "record":
        body = ",".join(f"{f.name}:{_ref_sig(f.type, spec_id)}" for f in t.fields)
    elif t.kind == "enum":
        body = ",".join(v.name for v in t.values)
    elif t.kind == "union":
        body = f"{t.tag}:" + ",".join(f"{v.tag}={_ref_sig(v.type, spec_id)}" for v in t.variants)
    else:
        body = _ref_sig(t.alias, spec_id) if t.alias else ""
    return f"{t.kind}({body})"


def _definitions(ws: Workspace) -> Iterator[Finding]:
    types: dict[str, list[tuple[str, str, SourcePos, str | None]]] = {}
    consts: dict[str, list[tuple[str, str, SourcePos, str | None]]] = {}
    for sid in sorted(ws.specs):
        s = ws.specs[sid]
        for t in s.types:
            first = t.clauses[0] if t.clauses else None
            types.setdefault(t.name, []).append((sid, type_signature(t, sid), t.pos, first))
        for c in s.constants:
            first = c.clauses[0] if c.clauses else None
            sig = f"{_ref_sig(c.type, sid)}={c.value!r}"
            consts.setdefault(c.name, []).append((sid, sig, c.pos, first))
    for rule_id, what, table in (("SL201", "type", types), ("SL202", "constant", consts)):
        for name in sorted(table):
            defs = table[name]
            for sid, sig, pos, clause in defs:
                others = [d for d in defs if d[0] != sid and d[1] != sig]
                if not others:
                    continue
                o = others[0]
                yield finding(
                    rule_id,
                    f"{what} {name} is defined differently in spec {sid} and in spec {o[0]} "
                    f"({o[2].file}:{o[2].line}): define it once and import it, or rename one",
                    pos,
                    clause,
                )


def check_workspace(ws: Workspace, ctx: LintContext) -> Iterator[Finding]:
    """All conflict rules over the whole workspace."""
    yield from _definitions(ws)
    yield from _contradictions(ws, ctx)
