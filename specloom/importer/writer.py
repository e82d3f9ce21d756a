"""Rendering an imported API as spec.md (sections, prose, `specloom` blocks, examples)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .document import Json
from .operations import ErrorOut, OperationOut
from .types import TypeOut

_KEYWORD = re.compile(r"\b(MUST|SHALL|SHOULD|REQUIRED|RECOMMENDED|MAY|OPTIONAL)\b")


_LOCAL_LINK = re.compile(
    r"!?\[([^\]]{0,1000})\]\((?![a-zA-Z][a-zA-Z0-9+.-]*:)[^)\s]*(?:\s+\"[^\"]*\")?\)"
)
"""A Markdown link whose target is not an absolute URL (`[all planets](#tag/planets)`,
`[guide](/docs/x)`): it points into the API's own documentation site, which the spec's
site is not, so lint (SL007) and `mkdocs build --strict` would refuse it."""


def unlink(text: str | None) -> str | None:
    """Description text with links into the document's own site reduced to their words."""
    if not text:
        return text
    return _LOCAL_LINK.sub(lambda m: m.group(1), text)


def prose(text: str | None) -> str:
    """Description text made inert as Markdown: no headings, eval tags, fences, admonitions,
    HTML or clarification markers of its own."""
    if not text:
        return ""
    out = []
    for line in str(unlink(text)).replace("\r\n", "\n").split("\n"):
        s = line.rstrip()
        s = re.sub(
            r"^\s{0,3}(#{1,6}\s|=+$|-{3,}$|\*{3,}$|!!!|\?\?\?)",
            lambda m: "\\" + m.group(0).lstrip(),
            s,
        )
        s = s.replace("```", "`\u200b``").replace("~~~", "~\u200b~~")
        s = s.replace("[^", "[\\^").replace("<", "&lt;")
        s = re.sub(r"\[NEEDS CLARIFICATION", "[needs clarification", s, flags=re.I)
        s = re.sub(r"\{#", "{\\#", s)
        out.append(s)
    return "\n".join(out).strip()


def has_normative_text(text: str | None) -> bool:
    """Whether a description states a requirement (an RFC 2119 keyword in capitals)."""
    return bool(text and _KEYWORD.search(text))


@dataclass
class Section:
    """A `##` section: a tag (or path prefix) with its operations."""

    id: str
    title: str
    text: str = ""
    operations: list[OperationOut] = field(default_factory=list)


@dataclass
class SpecText:
    """Everything the writer needs."""

    spec_id: str
    title: str
    version: str
    description: str | None
    sections: list[Section]
    types: list[TypeOut]
    errors: list[ErrorOut]
    types_section: str
    examples: dict[str, list[tuple[str, Json, Any]]]
    """operation name -> (title, with, expect) examples that fit."""
    markers: dict[str, list[str]] = field(default_factory=dict)
    """section id -> clarification questions (with --markers)."""


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=88)


def _type_yaml(t: TypeOut, clause: str) -> Json:
    out: Json = {}
    if t.doc:
        out["doc"] = unlink(t.doc)
    out["clauses"] = [clause]
    if t.kind == "record":
        fields: Json = {}
        for f in t.fields:
            doc = unlink(f.doc)
            if f.wire:
                doc = (doc + " " if doc else "") + f"(JSON property `{f.wire}`.)"
            fields[f.name] = {"type": f.type, "doc": doc} if doc else f.type
        out["fields"] = fields
    elif t.kind == "enum":
        out["values"] = list(t.values)
    elif t.kind == "union":
        if t.tag is not None:
            out["tag"] = t.tag
            out["union"] = {tag or "": ty for tag, ty in t.variants}
        else:
            out["union"] = [ty for _, ty in t.variants]
    else:
        out["alias"] = t.alias or "string"
    return out


def _error_yaml(e: ErrorOut, clause: str) -> Json:
    out: Json = {"doc": unlink(e.doc)} if e.doc else {}
    out["clauses"] = [clause]
    if e.status is not None:
        out["status"] = e.status
    if e.fields:
        out["fields"] = {
            f.name: {"type": f.type, "doc": unlink(f.doc)} if f.doc else f.type for f in e.fields
        }
    return out


def _op_yaml(o: OperationOut) -> Json:
    out: Json = {}
    if o.doc:
        out["doc"] = unlink(o.doc)
    out["clauses"] = [o.section]
    if o.params:
        out["params"] = {
            p.name: ({"type": p.type, "doc": unlink(p.doc)} if p.doc else p.type) for p in o.params
        }
    if o.returns:
        out["returns"] = o.returns
    if o.errors:
        out["errors"] = list(dict.fromkeys(o.errors))
    http: Json = {"method": o.method, "path": o.path}
    if o.placed:
        http["params"] = dict(o.placed)
    if o.body is not None:
        http["body"] = o.body
    out["http"] = http
    return out


def render(s: SpecText) -> str:
    """The whole spec.md."""
    front = _dump({"spec": s.spec_id, "title": s.title, "version": s.version})
    parts = [f"---\n{front}---\n", f"# {_heading(s.title)} {{#{s.spec_id}_api}}\n"]
    if s.description:
        parts.append(prose(s.description) + "\n")
    for sec in s.sections:
        parts.append(f"## {_heading(sec.title)} {{#{sec.id}}}\n")
        if sec.text:
            parts.append(prose(sec.text) + "\n")
        for q in s.markers.get(sec.id, []):
            parts.append(f"[NEEDS CLARIFICATION: {q}]\n")
        if sec.operations:
            block = {"operations": {o.name: _op_yaml(o) for o in sec.operations}}
            parts.append("```specloom\n" + _dump(block) + "```\n")
        for o in sec.operations:
            for title, with_, expect in s.examples.get(o.name, []):
                ex: Json = {"call": o.name, "with": with_}
                if expect is not None:
                    ex["expect"] = expect
                parts.append(
                    f"**Example**: {prose(title)}\n\n```specloom-example\n{_dump(ex)}```\n"
                )
    parts.append(f"## Schemas {{#{s.types_section}}}\n")
    parts.append("The data types of the API, imported from its schemas.\n")
    for q in s.markers.get(s.types_section, []):
        parts.append(f"[NEEDS CLARIFICATION: {q}]\n")
    schemas: Json = {}
    if s.types:
        schemas["types"] = {t.name: _type_yaml(t, s.types_section) for t in s.types}
    if s.errors:
        schemas["errors"] = {e.name: _error_yaml(e, s.types_section) for e in s.errors}
    if schemas:
        parts.append("```specloom\n" + _dump(schemas) + "```\n")
    return "\n".join(parts)


def _heading(text: str) -> str:
    one = " ".join(str(text).split()) or "API"
    return prose(one).replace("{", "(").replace("}", ")")
