"""`specloom import openapi`: a document in, a spec folder and import-report.md out.

The spec is rendered, parsed and linted in memory; what the type check refuses is repaired
the same way every time (an untagged union readers cannot tell apart becomes its widest
variant, a required self-reference optional, an example that does not fit is dropped) and
each repair is listed in the report, so the written spec lints without errors.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from specloom import naming
from specloom.check.lint import lint_workspace
from specloom.check.values import call_problems
from specloom.config import LintConfig
from specloom.errors import SpecError
from specloom.findings import Finding, Severity
from specloom.model import Spec, Workspace
from specloom.parse import load_spec_text
from specloom.userfile import write_user_text

from .document import Json, Refs, load_document
from .names import Namespace, ident
from .operations import OperationBuilder
from .types import TypeBuilder, TypeOut
from .writer import Section, SpecText, has_normative_text, render

REPORT = "import-report.md"


@dataclass
class ImportResult:
    """What was written and what the report says."""

    spec_path: Path
    report_path: Path
    types: int
    operations: int
    not_imported: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unclear: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def spec_id_for(out: Path) -> str:
    """The spec id: the output folder's name, lowercased to the id grammar."""
    sid = re.sub(r"[^a-z0-9_-]+", "_", out.resolve().name.lower()).strip("_-")
    return sid if sid and sid[0].isalnum() else f"api_{sid}".rstrip("_")


def build_text(doc: Json, spec_id: str, *, markers: bool) -> tuple[str, ImportResult]:
    """The spec.md text and the result (paths left empty)."""
    refs = Refs(doc)
    types = TypeBuilder(doc, refs, spec_id)
    types.components_all()
    ops = OperationBuilder(
        doc, refs, types, Namespace((naming.ts_member_name, naming.rust_field_name))
    )
    ops.build()
    result = ImportResult(Path(), Path(), 0, 0)
    result.not_imported = list(ops.not_imported)
    result.not_imported += [f"external or dangling `$ref` {r}" for r in sorted(refs.external)]
    for key in ("security", "servers"):
        if doc.get(key):
            result.not_imported.append(f"`{key}`: the spec language has no {key}")
    _untag_or_strip(types.types, types.notes)
    _prune_inline(types.types, ops, types.notes)
    info = doc.get("info") or {}
    tag_docs = {
        ident(str(t.get("name")), "api").lower(): (str(t.get("name")), t.get("description"))
        for t in doc.get("tags") or []
        if isinstance(t, dict) and t.get("name")
    }
    section_ns = Namespace((str.lower,), {spec_id + "_api"})
    type_section = section_ns.take("schemas")
    sections: dict[str, Section] = {}
    for o in ops.operations:
        key = o.section
        if key not in sections:
            title, text = tag_docs.get(key, (key.replace("_", " ").capitalize(), None))
            sections[key] = Section(id=section_ns.take(key), title=title, text=str(text or ""))
        sections[key].operations.append(o)
        o.section = sections[key].id
    st = SpecText(
        spec_id=spec_id,
        title=str(info.get("title") or spec_id),
        version=_semver(info.get("version")),
        description=str(info.get("description") or "") or None,
        sections=list(sections.values()),
        types=list(types.types.values()),
        errors=list(ops.errors.values()),
        types_section=type_section,
        examples={},
    )
    result.notes = list(dict.fromkeys(types.notes + ops.notes))
    text = _repair(st, result)
    st.examples = _fitting_examples(text, spec_id, ops.operations, result)
    unclear = [f"operation `{o.name}`" for o in ops.operations if not has_normative_text(o.doc)]
    unclear += [f"type `{t.name}`" for t in st.types if not has_normative_text(t.doc)]
    result.unclear = unclear
    if markers:
        for sec in st.sections:
            names = [o.name for o in sec.operations if not has_normative_text(o.doc)]
            if names:
                st.markers[sec.id] = [
                    f"what must {', '.join(names)} guarantee? The document states no requirement"
                ]
        if any(not has_normative_text(t.doc) for t in st.types):
            st.markers[type_section] = [
                "which constraints do these types carry beyond their shapes?"
            ]
    text = render(st)
    result.types = len(st.types)
    result.operations = len(ops.operations)
    return text, result


def _semver(v: Any) -> str:
    text = str(v or "0.1.0").strip()
    m = re.fullmatch(r"v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(.*)", text)
    if not m:
        return "0.1.0"
    rest = re.sub(r"[^0-9A-Za-z.-]", "", m.group(4).lstrip("-+.")) if m.group(4) else ""
    base = f"{int(m.group(1))}.{int(m.group(2) or 0)}.{int(m.group(3) or 0)}"
    return (
        f"{base}-{rest}"
        if rest and re.fullmatch(r"[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*", rest)
        else base
    )


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _prune_inline(types: dict[str, TypeOut], ops: OperationBuilder, notes: list[str]) -> None:
    """Drop inline types nothing kept refers to: the types of body fields left out (a GET
    body), of tag fields a tagged union took over. Component schemas always stay."""
    roots = [t.name for t in types.values() if not t.source.startswith("inline:")]
    for o in ops.operations:
        roots += _NAME.findall(" ".join([*(p.type for p in o.params), o.returns or ""]))
    for e in ops.errors.values():
        roots += _NAME.findall(" ".join(f.type for f in e.fields))
    seen: set[str] = set()
    todo = [n for n in roots if n in types]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        t = types[name]
        used = [f.type for f in t.fields] + [v for _, v in t.variants] + [t.alias or ""]
        todo += [n for n in _NAME.findall(" ".join(used)) if n in types and n not in seen]
    dropped = [n for n in types if n not in seen]
    for n in dropped:
        del types[n]
    if dropped:
        notes.append(
            f"{len(dropped)} inline type(s) used only by what was left out or taken over by a "
            f"union tag are not written ({', '.join(f'`{n}`' for n in dropped[:5])}"
            f"{', ...' if len(dropped) > 5 else ''})"
        )


def _untag_or_strip(types: dict[str, TypeOut], notes: list[str]) -> None:
    """A tagged union's variant records must not declare the tag field (the union adds it);
    a union whose variants are not all records is read as untagged."""
    for t in list(types.values()):
        if t.kind != "union" or t.tag is None:
            continue
        records = [types.get(name) for _, name in t.variants]
        if not all(r is not None and r.kind == "record" for r in records):
            notes.append(f"union `{t.name}`: a variant is not a record, so the union is untagged")
            t.variants = [(None, name) for _, name in t.variants]
            t.tag = None
            continue
        for r in records:
            assert r is not None
            before = len(r.fields)
            r.fields = [f for f in r.fields if (f.wire or f.name) != t.tag]
            if len(r.fields) != before:
                notes.append(f"field `{t.tag}` of `{r.name}` is the tag of union `{t.name}`")


def _parse(text: str, spec_id: str) -> tuple[Spec, list[Finding]]:
    path = f"{spec_id}/spec.md"
    spec = load_spec_text(text, path)
    ws = Workspace(root=".", specs={spec.id: spec}, order=[spec.id])
    return spec, lint_workspace(ws, LintConfig())


def _repair(st: SpecText, result: ImportResult, rounds: int = 6) -> str:
    """Render, lint, repair the type-check errors an imported API can have; repeat."""
    text = render(st)
    for _ in range(rounds):
        _spec, findings = _parse(text, st.spec_id)
        errors = [f for f in findings if f.severity is Severity.ERROR]
        if not errors:
            return text
        changed = False
        by_name = {t.name: t for t in st.types}
        for f in errors:
            m = re.search(r"union (\w+)", f.message)
            if f.rule in ("SL113", "SL114", "SL115") and m and m.group(1) in by_name:
                changed |= _widen(by_name[m.group(1)], by_name, result.notes)
            m = re.search(
                r"type (\w+) contains itself through required fields \(([^)]*)\)", f.message
            )
            if f.rule == "SL107" and m:
                changed |= _break_cycle(m.group(2), by_name, result.notes)
        if not changed:
            result.findings = errors
            return text
        text = render(st)
    return text


def _widen(t: TypeOut, by_name: dict[str, TypeOut], notes: list[str]) -> bool:
    """An untagged union readers cannot tell apart: one record with every variant's fields
    (all optional) when the variants are records, else its first variant."""
    if t.kind != "union":
        return False
    names = [ty for _, ty in t.variants]
    recs = [by_name.get(n) for n in names]
    if recs and all(r is not None and r.kind == "record" for r in recs):
        fields: dict[str, Any] = {}
        for r in recs:
            assert r is not None
            for f in r.fields:
                if f.name not in fields:
                    fields[f.name] = type(f)(
                        f.name, f.type if f.type.endswith("?") else f.type + "?", f.doc, f.wire
                    )
        t.kind, t.fields, t.variants, t.tag = "record", list(fields.values()), [], None
        notes.append(
            f"union `{t.name}` ({', '.join(names)}) is ambiguous: read as one record with "
            "all their fields optional"
        )
    else:
        first = names[0] if names else "string"
        t.kind, t.alias, t.variants, t.tag = "alias", first, [], None
        notes.append(f"union `{t.name}` ({', '.join(names)}) is ambiguous: read as `{first}`")
    return True


def _break_cycle(path: str, by_name: dict[str, TypeOut], notes: list[str]) -> bool:
    names = [n.strip() for n in path.split("->")]
    for a, b in itertools.pairwise(names):
        t = by_name.get(a)
        if t is None or t.kind != "record":
            continue
        for f in t.fields:
            if re.fullmatch(rf"{re.escape(b)}", f.type):
                f.type += "?"
                notes.append(
                    f"field `{f.name}` of `{a}` is optional: a required `{b}` would contain itself"
                )
                return True
    return False


def _fitting_examples(
    text: str, spec_id: str, ops: list[Any], result: ImportResult
) -> dict[str, list[tuple[str, Json, Any]]]:
    spec, _ = _parse(text, spec_id)
    out: dict[str, list[tuple[str, Json, Any]]] = {}
    for o in ops:
        for title, with_, expect in o.examples:
            if expect is None and o.returns is not None:
                continue  # a request without its response: nothing to check
            problems = call_problems(spec, None, o.name, with_, expect=expect, expect_error=None)
            if problems:
                result.notes.append(
                    f"an example of `{o.name}` does not fit its types ({problems[0]}): not imported"
                )
                continue
            out.setdefault(o.name, []).append((title, with_, expect))
    return out


def report_text(r: ImportResult, source: str, markers: bool) -> str:
    """import-report.md: what has no normative text, what was approximated, what was left out."""
    lines = [f"# Import report: {source}", ""]
    lines += [f"Imported {r.types} types and {r.operations} operations.", ""]
    lines += ["## Without normative text", ""]
    lines += [
        "These items have no MUST/SHOULD/MAY in the document: candidates for "
        + (
            "the `[NEEDS CLARIFICATION]` markers written into the spec."
            if markers
            else "`specloom clarify`."
        ),
        "",
    ]
    lines += [f"- {u}" for u in r.unclear] or ["- none"]
    lines += ["", "## Not imported", ""]
    lines += [f"- {n}" for n in r.not_imported] or ["- nothing"]
    lines += ["", "## Renamed and approximated", ""]
    lines += [f"- {n}" for n in dict.fromkeys(r.notes)] or ["- nothing"]
    if r.findings:
        lines += ["", "## Lint errors left", ""]
        lines += [f"- {f.rule}: {f.message}" for f in r.findings]
    return "\n".join(lines) + "\n"


def import_openapi(
    source: Path, out: Path, *, markers: bool = False, force: bool = False
) -> ImportResult:
    """Write `out/spec.md` and `out/import-report.md` (atomically, never half-written)."""
    doc = load_document(source)
    spec_path = out / "spec.md"
    if spec_path.exists() and not force:
        raise SpecError(
            f"{spec_path} exists",
            file=str(spec_path),
            hint="choose another --out folder or pass --force",
        )
    text, result = build_text(doc, spec_id_for(out), markers=markers)
    out.mkdir(parents=True, exist_ok=True)
    result.spec_path = spec_path
    result.report_path = out / REPORT
    _write(spec_path, text)
    _write(result.report_path, report_text(result, source.name, markers))
    return result


def _write(path: Path, text: str) -> None:
    write_user_text(path, text, newline="\n")
