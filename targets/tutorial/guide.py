"""The tutorial's content: "implement <spec> in TypeScript / in Rust", one step per operation."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from specloom.model import Clause, Level, Operation, Spec, TypeDef, TypeRef, Workspace
from specloom.naming import (
    rust_field_name,
    rust_string,
    rust_type_name,
    ts_member_name,
    ts_param_name,
    ts_property_key,
    ts_string,
    ts_type_name,
)
from specloom.target import BuildContext

from ..rust import signatures as rs_sig
from ..typescript import signatures as ts_sig
from .env import md_text, render
from .narrative import llm_narrative

_IDENT = re.compile(r"^[A-Za-z_$][\w$]*$")
_FOOTNOTE = re.compile(r"\[\^[^\]]+\]")
FENCE = "```"
TUTORIAL_PAGE = "tutorial/index.md"
"""Where the docs site puts the tutorial (its links are relative to it)."""


@dataclass
class Step:
    """One step of the guide: an operation (or the data types) and the clauses it must satisfy."""

    title: str
    anchor: str
    doc: str
    clauses: list[Clause] = field(default_factory=list)
    ts_code: str = ""
    rust_code: str = ""
    checks: list[dict[str, str]] = field(default_factory=list)
    narrative: str = ""
    """LLM prose for the step (`--backend openai`), shown after the operation's doc."""


@dataclass
class Guide:
    """The whole tutorial of one spec, as plain data for the template."""

    spec: Spec
    steps: list[Step]
    setup_ts: str
    setup_rust: str
    finish_ts: str
    finish_rust: str
    imports: list[str]
    conformance_ts: str = ""
    conformance_rust: str = ""


def _named_types(ref: TypeRef) -> list[str]:
    """Local type names a type expression mentions (imported ones are the other spec's)."""
    out = [ref.name] if ref.kind == "named" and ref.spec is None else []
    for arg in ref.args:
        out += _named_types(arg)
    return out


def _reachable_types(spec: Spec, roots: list[str]) -> list[TypeDef]:
    by_name = {t.name: t for t in spec.types}
    seen: list[str] = []
    todo = list(roots)
    while todo:
        name = todo.pop(0)
        if name in seen or name not in by_name:
            continue
        seen.append(name)
        t = by_name[name]
        for f in t.fields:
            todo += _named_types(f.type)
        if t.alias is not None:
            todo += _named_types(t.alias)
    return [by_name[n] for n in seen]


def step_clause_ids(spec: Spec, op: Operation, seen: set[str] | None = None) -> list[str]:
    """Clauses an operation must satisfy: its own, its errors', and those of the types it uses.

    Type clauses already named by an earlier step (`seen`) are not repeated.
    """
    ids = list(op.clauses)
    errors = {e.name: e for e in spec.errors}
    for name in op.errors:
        if name in errors:
            ids += errors[name].clauses
    roots = [n for p in op.params for n in _named_types(p.type)]
    if op.returns is not None:
        roots += _named_types(op.returns)
    own = set(ids)
    for t in _reachable_types(spec, roots):
        ids += [c for c in t.clauses if c in own or seen is None or c not in seen]
    return list(dict.fromkeys(ids))


def _clauses(spec: Spec, ids: list[str]) -> list[Clause]:
    out = [c for c in (spec.clause(i) for i in ids) if c is not None]
    return sorted(out, key=lambda c: (-c.level.rank, ids.index(c.id)))


def _ts_step(spec: Spec, op: Operation, n: int, clauses: list[Clause]) -> str:
    ts = ts_sig
    member = ts_member_name(op.name)
    key = ts_property_key(ts_member_name(op.name))
    name = f"{member}Impl" if member and _IDENT.match(member) else f"operation{n}Impl"
    params = ", ".join(ts_param_name(p.name) for p in op.params)
    lines = [f"// {op.name}: must satisfy {', '.join(c.id for c in clauses) or 'no clause'}"]
    service = ts.service_name(spec)
    lines.append(
        f"const {name}: {service}[{ts_string(key.strip(chr(34)))}] = async ({params}) => {{"
    )
    for c in clauses:
        if c.level is not Level.NONE:
            lines.append(f"  // {c.id} ({c.level.value}): {_one_line(c)}")
    lines.append(f"  throw new Error({ts_string('TODO: implement ' + op.name)});")
    lines.append("};")
    return "\n".join(lines)


def _rust_step(spec: Spec, op: Operation, clauses: list[Clause]) -> str:
    rs = rs_sig
    fname = rust_field_name(op.name)
    params = "".join(f", {rust_field_name(p.name)}: {rs.rust_type(p.type)}" for p in op.params)
    ret = rs.rust_type(op.returns) if op.returns is not None else "()"
    lines = [f"/// {op.name}: must satisfy {', '.join(c.id for c in clauses) or 'no clause'}"]
    lines.append(f"pub fn {fname}(service: &mut MyService{params}) -> Result<{ret}, Error> {{")
    for c in clauses:
        if c.level is not Level.NONE:
            lines.append(f"    // {c.id} ({c.level.value}): {_one_line(c)}")
    # `todo!` takes a format string: the message goes in as an argument, braces and all.
    lines.append(f'    todo!("{{}}", {rust_string("implement " + op.name)})')
    lines.append("}")
    return "\n".join(lines)


def _one_line(c: Clause) -> str:
    text = " ".join(_FOOTNOTE.sub("", c.text or c.title).split())
    text = text.replace("*/", "* /")
    return text if len(text) <= 110 else text[:107] + "..."


def _checks(spec: Spec, op: Operation) -> list[dict[str, str]]:
    out = []
    for ex in spec.examples:
        s = ex.structured
        if s is None or s.call != op.name:
            continue
        expect = (
            f"error `{s.expect_error}`"
            if s.expect_error
            else f"`{json.dumps(s.expect, sort_keys=True, default=str)}`"
        )
        out.append(
            {
                "title": ex.title,
                "clause": ex.clause or "",
                "call": json.dumps(s.with_, sort_keys=True, default=str),
                "expect": expect,
            }
        )
    return out


def build_guide(spec: Spec, workspace: Workspace | None) -> Guide:
    """Steps, set-up and final assembly for both languages."""
    ts, rs = ts_sig, rs_sig
    imports = [i for i in spec.imports if workspace is None or i in workspace.specs]
    steps: list[Step] = []
    covered: set[str] = set()
    for n, op in enumerate(spec.operations, start=1):
        clauses = _clauses(spec, step_clause_ids(spec, op, covered))
        covered |= {c.id for c in clauses}
        steps.append(
            Step(
                title=f"Step {n}: `{op.name}`",
                anchor=f"step-{n}",
                doc=op.doc or "",
                clauses=clauses,
                ts_code=_ts_step(spec, op, n, clauses),
                rust_code=_rust_step(spec, op, clauses),
                checks=_checks(spec, op),
            )
        )
    rest = [i for i in spec.interface_items() if any(c not in covered for c in i.clauses)]
    if rest:
        ids = list(dict.fromkeys(c for i in rest for c in i.clauses if c not in covered))
        types = [t for t in spec.types if t in rest]
        ts_names = ", ".join(ts_type_name(t.name) for t in types)
        ts_code = (
            (
                f"// The data types: {', '.join(ids)}\n"
                f"type DataTypes = [{ts_names}];\n"
                "export type { DataTypes };"
            )
            if types
            else "// No data types to check."
        )
        rs_names = ", ".join(rust_type_name(t.name) for t in types)
        rust_code = (
            (
                f"/// The data types: {', '.join(ids)}\n"
                f"pub type DataTypes = ({rs_names}{',' if len(types) == 1 else ''});"
            )
            if types
            else "// No data types to check."
        )
        steps.append(
            Step(
                title=f"Step {len(steps) + 1}: the data types",
                anchor=f"step-{len(steps) + 1}",
                doc="Types, errors and constants carry clauses of their own: values "
                "your implementation creates or accepts must satisfy them.",
                clauses=_clauses(spec, ids),
                ts_code=ts_code,
                rust_code=rust_code,
            )
        )
    pkg = ts.package_name(spec.id)
    setup_ts = (
        f'import type {{ {ts.service_name(spec)} }} from "{pkg}";\n' if spec.operations else ""
    )
    local = sorted({ts_type_name(t.name) for t in spec.types})
    if local:
        setup_ts += f'import type {{ {", ".join(local)} }} from "{pkg}";\n'
    for i in imports:
        setup_ts += f'import type * as {ts.namespace_name(i)} from "{ts.package_name(i)}";\n'
    crate = rs.crate_name(spec.id)
    setup_rust = (
        "#![allow(dead_code, unused_imports, unused_variables)]\n"
        f"use {crate}::*;\n\n/// Your implementation of the `{spec.id}` operations.\n"
        "pub struct MyService;"
    )
    members = []
    for n, op in enumerate(spec.operations, start=1):
        member = ts_member_name(op.name)
        key = ts_property_key(member)
        name = f"{member}Impl" if _IDENT.match(member) else f"operation{n}Impl"
        members.append(f"  {key}: {name},")
    finish_ts = (
        (f"export const service: {ts.service_name(spec)} = {{\n" + "\n".join(members) + "\n};")
        if spec.operations
        else ""
    )
    methods = []
    for op in spec.operations:
        sig = rs.operation_signature(spec, op).rstrip(";")
        args = "".join(f", {rust_field_name(p.name)}" for p in op.params)
        methods.append(f"    {sig} {{\n        {rust_field_name(op.name)}(self{args})\n    }}")
    finish_rust = (
        (f"impl {rs.service_name(spec)} for MyService {{\n" + "\n\n".join(methods) + "\n}")
        if spec.operations
        else ""
    )
    if not setup_ts:
        setup_ts = f"// {spec.id} declares no types or operations to import.\nexport {{}};"
    conformance_ts = conformance_rust = ""
    if spec.operations:  # the stub targets generate a suite whenever there are operations
        conformance_ts = (
            f'import {{ runConformance }} from "{pkg}/conformance";\n\n'
            "runConformance(() => service);"
        )
        conformance_rust = (
            "#[cfg(test)]\nmod conformance {\n"
            f"    {crate}::conformance_tests!(super::MyService);\n}}"
        )
    return Guide(
        conformance_ts=conformance_ts,
        conformance_rust=conformance_rust,
        spec=spec,
        steps=steps,
        setup_ts=setup_ts.rstrip("\n"),
        setup_rust=setup_rust,
        finish_ts=finish_ts,
        finish_rust=finish_rust,
        imports=imports,
    )


def tutorial_markdown(
    spec: Spec, workspace: Workspace | None, *, site: bool = False, ctx: BuildContext | None = None
) -> str:
    """The tutorial as Markdown (`site`: links point into the docs site instead of the spec).

    With `ctx` on the openai backend, an LLM narrative (prose only) is woven in when it
    passes its gate; the code is always the template's.
    """
    from ..docs.plan import plan_site, rel_url

    guide = build_guide(spec, workspace)
    narrative = llm_narrative(ctx, spec)
    intro = ""
    if narrative is not None:
        intro = md_text(narrative.intro)
        notes = {n.operation: n.text for n in narrative.steps}
        for step, op in zip(guide.steps, spec.operations, strict=False):
            step.narrative = notes.get(op.name, "")
    ts, rs = ts_sig, rs_sig
    plan = plan_site(spec)

    def clause_link(c: Clause) -> str:
        page = plan.page_of(c.id)
        if page is None:
            return f"`{c.id}`"
        if site:
            return f"[{c.id}]({rel_url(TUTORIAL_PAGE, page, c.id, built=False)})"
        return f"[{c.id}](../docs/site/{rel_url('index.md', page, c.id, built=True)})"

    data: dict[str, Any] = {
        "guide": guide,
        "intro": intro,
        "spec": spec,
        "fence": FENCE,
        "site": site,
        "ts_package": ts.package_name(spec.id),
        "rust_package": rs.package_name(spec.id),
        "rust_crate": rs.crate_name(spec.id),
        "clause_link": clause_link,
        "clause_text": _one_line,
        "service_ts": ts.service_name(spec),
        "service_rust": rs.service_name(spec),
    }
    return render("tutorial.md.jinja", **data)
