"""OpenAPI operations to spec operations: parameters, body, result, errors, binding."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from specloom.model import ERROR_STATUS, HTTP_METHODS

from .document import Json, Refs, schema_name
from .names import Namespace, ident, member_namespace, pascal
from .types import FieldOut, TypeBuilder

_PRIMS = frozenset({"string", "int32", "int64", "float64", "bool", "date", "datetime", "uuid"})
_JSON = re.compile(r"^application/(?:[\w.+-]+\+)?json\b|^\*/\*$", re.I)


@dataclass
class OperationOut:
    """One operation to write: its binding, parameters (with placements), result, errors."""

    name: str
    method: str
    path: str
    section: str
    doc: str | None = None
    params: list[FieldOut] = field(default_factory=list)
    placed: dict[str, str] = field(default_factory=dict)
    """Explicit placements (header parameters, query parameters of a POST...)."""
    body: str | None = None
    """The parameter that is the whole request body (a `$ref`, a list, a union...)."""
    returns: str | None = None
    errors: list[str] = field(default_factory=list)
    examples: list[tuple[str, Json, Any]] = field(default_factory=list)
    """(title, with, expect) candidates from the document's examples."""


@dataclass
class ErrorOut:
    """An error: a specloom error body schema (`error: {const: Name}`) under its name, else
    one per distinct non-2xx status."""

    name: str
    doc: str | None
    fields: list[FieldOut] = field(default_factory=list)
    status: str | None = None
    """The response status it was read from (written as the error's `status`)."""


def _json_media(content: Any) -> Any:
    if not isinstance(content, dict):
        return None
    for mime, media in content.items():
        if _JSON.match(str(mime)):
            return media if isinstance(media, dict) else {}
    return None


def _example_of(media: Json | None, refs: Refs) -> Any:
    if not isinstance(media, dict):
        return None
    if "example" in media:
        return media["example"]
    for ex in (media.get("examples") or {}).values():
        ex = refs.resolve(ex)
        if isinstance(ex, dict) and "value" in ex:
            return ex["value"]
    return None


class OperationBuilder:
    """Walks `paths` (and reports webhooks and callbacks, which are not imported)."""

    def __init__(self, doc: Json, refs: Refs, types: TypeBuilder, op_names: Namespace) -> None:
        self.doc = doc
        self.refs = refs
        self.types = types
        self.op_names = op_names
        self.errors: dict[str, ErrorOut] = {}
        self.status_names: dict[str, str] = {}
        self.operations: list[OperationOut] = []
        self.not_imported: list[str] = []
        self.notes: list[str] = []

    def build(self) -> None:
        for path, item in (self.doc.get("paths") or {}).items():
            item = self.refs.resolve(item)
            if not isinstance(item, dict):
                continue
            shared = list(item.get("parameters") or [])
            for method, op in item.items():
                if method.upper() not in HTTP_METHODS:
                    if method.lower() == "trace":
                        self.not_imported.append(f"TRACE {path}: the spec has no TRACE binding")
                    continue
                if isinstance(op, dict):
                    self._operation(str(path), method.upper(), op, shared)
        for name, hook in (self.doc.get("webhooks") or {}).items():
            methods = [m.upper() for m in (hook or {}) if m.upper() in HTTP_METHODS]
            self.not_imported.append(
                f"webhook `{name}` ({', '.join(methods) or 'no operations'}): a webhook is a call "
                "the API makes to its clients, which a spec operation cannot express"
            )

    def _operation(self, path: str, method: str, op: Json, shared: list[Any]) -> None:
        raw_id = op.get("operationId")
        wanted = ident(str(raw_id) if raw_id else f"{method.lower()} {path}", "op")
        name = self.op_names.take(wanted)
        if raw_id and name != raw_id:
            self.notes.append(f"operationId `{raw_id}` is the operation `{name}`")
        tags = op.get("tags") or []
        first = path.strip("/").split("/")[0] if path.strip("/") else "root"
        section = ident(str(tags[0]) if tags else first.strip("{}"), "api").lower()
        doc = (
            "\n\n".join(str(x).strip() for x in (op.get("summary"), op.get("description")) if x)
            or None
        )
        out = OperationOut(name=name, method=method, path=path, section=section, doc=doc)
        members = member_namespace()
        renamed_path = path
        params: dict[tuple[str, str], Json] = {}
        for p in [*shared, *(op.get("parameters") or [])]:
            p = self.refs.resolve(p)
            if isinstance(p, dict) and "name" in p and "in" in p:
                params[(str(p["name"]), str(p["in"]))] = p  # operation-level wins
        example_with: Json = {}
        for (raw, where), p in params.items():
            if where == "cookie":
                self.not_imported.append(f"{method} {path}: cookie parameter `{raw}`")
                continue
            pname = members.take(ident(raw, "param"))
            ptype = self.types.type_of(p.get("schema") or {}, f"{name} {raw}")
            if where == "path":
                if not self._path_scalar(ptype):
                    self.notes.append(
                        f"{method} {path}: path parameter `{raw}` ({ptype}) is read as `string`"
                    )
                    ptype = "string"
                if ptype.startswith("nullable<"):
                    ptype = ptype[len("nullable<") : -1]
                renamed_path = renamed_path.replace("{" + raw + "}", "{" + pname + "}")
            elif not p.get("required"):
                ptype += "?"
            if where in ("header", "query") and (
                where == "header" or method not in ("GET", "HEAD", "DELETE", "OPTIONS")
            ):
                out.placed[pname] = where
            if pname != raw:
                self.notes.append(f"{method} {path}: parameter `{raw}` is `{pname}` in the spec")
            out.params.append(FieldOut(pname, ptype, _text(p.get("description"))))
            if "example" in p:
                example_with[pname] = p["example"]
        out.path = renamed_path
        self._body(out, op, members, example_with)
        self._responses(out, op)
        if op.get("callbacks"):
            for cb in op["callbacks"]:
                self.not_imported.append(
                    f"callback `{cb}` of operation `{name}`: a call the API makes back"
                )
        self.operations.append(out)

    def _body(self, out: OperationOut, op: Json, members: Namespace, example_with: Json) -> None:
        body = self.refs.resolve(op.get("requestBody"))
        if not isinstance(body, dict):
            return
        media = _json_media(body.get("content"))
        if media is None:
            kinds = ", ".join(sorted((body.get("content") or {}).keys())) or "no content"
            self.not_imported.append(f"{out.method} {out.path}: request body ({kinds}) is not JSON")
            return
        schema = media.get("schema") or {}
        resolved = self.types._merge_all_of(self.refs.resolve(schema))
        required = body.get("required") is True
        ex = _example_of(media, self.refs)
        props = resolved.get("properties") if isinstance(resolved, dict) else None
        if (
            isinstance(props, dict)
            and props
            and "$ref" not in schema
            and not resolved.get("oneOf")
            and not resolved.get("anyOf")
        ):
            req = set(resolved.get("required") or [])
            for raw, prop in props.items():
                pname = members.take(ident(str(raw), "field"))
                ptype = self.types.type_of(prop, f"{out.name} {raw}")
                if raw not in req or not required:
                    ptype += "?"
                out.params.append(
                    FieldOut(
                        pname,
                        ptype,
                        _text((prop or {}).get("description") if isinstance(prop, dict) else None),
                    )
                )
                if pname != raw:
                    self.notes.append(
                        f"{out.method} {out.path}: body field `{raw}` is the parameter `{pname}`"
                    )
                if out.method in ("GET", "HEAD") and not self._scalar(ptype):
                    out.params.pop()
                    self.not_imported.append(
                        f"{out.method} {out.path}: body field `{raw}` ({ptype}): a GET or HEAD "
                        "has no body in the spec, and it is not a scalar for the query"
                    )
                    continue
                if out.method in ("GET", "HEAD"):
                    out.placed[pname] = "query"
                    self.notes.append(
                        f"{out.method} {out.path}: body field `{raw}` is a query parameter (a "
                        f"{out.method} has no body in the spec)"
                    )
                elif out.method in ("DELETE", "OPTIONS"):
                    out.placed[pname] = "body"
                if isinstance(ex, dict) and raw in ex:
                    example_with[pname] = ex[raw]
        else:
            if out.method in ("GET", "HEAD"):
                self.not_imported.append(
                    f"{out.method} {out.path}: the request body (a GET or HEAD has no body in "
                    "the spec)"
                )
                return
            pname = members.take("body")
            ptype = self.types.type_of(schema, f"{out.name} request")
            out.params.append(
                FieldOut(pname, ptype if required else ptype + "?", _text(body.get("description")))
            )
            out.placed[pname] = "body"
            out.body = pname
            if ex is not None:
                example_with[pname] = ex
        if example_with:
            out.examples.append((f"an example request of {out.name}", example_with, None))

    def _path_scalar(self, ptype: str, depth: int = 0) -> bool:
        """A path segment: a primitive, an enum or an alias of one (SL116), nullable or not."""
        core = ptype[len("nullable<") : -1] if ptype.startswith("nullable<") else ptype
        if core in _PRIMS:
            return True
        t = self.types.types.get(core)
        if t is None or depth > 32:
            return False
        if t.kind == "alias" and t.alias is not None:
            return self._path_scalar(t.alias, depth + 1)
        return t.kind == "enum"

    def _scalar(self, ptype: str) -> bool:
        """A query value: a primitive, an enum, or a list of them (SL116)."""
        core = ptype.rstrip("?")
        core = core[len("list<") : -1] if core.startswith("list<") else core
        t = self.types.types.get(core)
        return core in _PRIMS or (t is not None and t.kind == "enum")

    def _responses(self, out: OperationOut, op: Json) -> None:
        responses = op.get("responses") or {}
        ok = sorted(str(s) for s in responses if str(s).startswith("2"))
        if ok:
            resp = self.refs.resolve(
                responses.get(ok[0]) if ok[0] in responses else responses.get(int(ok[0]))
            )
            media = _json_media((resp or {}).get("content")) if isinstance(resp, dict) else None
            if media is not None and media.get("schema") is not None:
                out.returns = self.types.type_of(media["schema"], f"{out.name} response")
                ex = _example_of(media, self.refs)
                if ex is not None and out.examples:
                    title, with_, _ = out.examples[0]
                    out.examples[0] = (title, with_, ex)
        for status in ok[1:]:
            self.notes.append(
                f"{out.method} {out.path}: response {status} is not imported (the result is "
                f"the {ok[0]} response)"
            )
        for status in sorted(str(s) for s in responses):
            if status.startswith("2"):
                continue
            if status[:1] in ("1", "3"):
                self.not_imported.append(
                    f"{out.method} {out.path}: response {status} (the spec has no "
                    "informational or redirect results)"
                )
                continue
            resp = self.refs.resolve(
                responses.get(status, responses.get(int(status)) if status.isdigit() else None)
            )
            wire = _status_text(status)
            named = self._named_errors(resp, wire)
            if named:
                out.errors += named
                continue
            if status not in self.status_names:
                self.status_names[status] = self.types.ns.take("Status" + pascal(status.lower()))
            ename = self.status_names[status]
            if ename not in self.errors:
                desc = _text((resp or {}).get("description")) if isinstance(resp, dict) else None
                media = _json_media((resp or {}).get("content")) if isinstance(resp, dict) else None
                body = ""
                if media and isinstance(media.get("schema"), dict) and "$ref" in media["schema"]:
                    ref = str(media["schema"]["$ref"])
                    body = f" Body: `{schema_name(ref) or ref}`."
                self.errors[ename] = ErrorOut(
                    ename,
                    (f"HTTP {status}: {desc or 'an error'}." + body).replace("..", "."),
                    status=wire,
                )
                if wire is None:
                    self.notes.append(
                        f"response {status} is not an HTTP error status: error `{ename}` "
                        "takes the naming rule's status"
                    )
            out.errors.append(ename)

    def _named_errors(self, resp: Any, status: str | None) -> list[str]:
        """Errors whose body is a schema naming itself (`error: {const: <schema name>}`, as
        specloom exports them): imported as those errors, not as a status."""
        media = _json_media(resp.get("content")) if isinstance(resp, dict) else None
        schema = (media or {}).get("schema")
        if not isinstance(schema, dict):
            return []
        one_of = schema.get("oneOf")
        options: list[Any] = one_of if isinstance(one_of, list) else [schema]
        names: list[str] = []
        for opt in options:
            ref = opt.get("$ref") if isinstance(opt, dict) else None
            raw = schema_name(ref) if isinstance(ref, str) else None
            target = self.refs.resolve(opt)
            tag = (
                ((target or {}).get("properties") or {}).get("error")
                if isinstance(target, dict)
                else None
            )
            if raw is None or not isinstance(tag, dict) or tag.get("const") != raw:
                return []
            names.append(self.types.by_ref[str(ref)])
        for name in names:
            t = self.types.types.pop(name, None)
            if t is not None:
                fields = [f for f in t.fields if (f.wire or f.name) != "error"]
                self.errors[name] = ErrorOut(name, t.doc, fields, status)
            elif name not in self.errors:
                return []
            elif self.errors[name].status != status:
                self.notes.append(
                    f"error `{name}` is answered with {self.errors[name].status} and with "
                    f"{status}: its status is {self.errors[name].status}"
                )
        return names


def _status_text(status: str) -> str | None:
    """The error's `status` as the spec writes it (`404`, `4XX`, `default`), or None."""
    s = status.strip()
    s = s.upper() if s.lower() != "default" else "default"
    return s if ERROR_STATUS.fullmatch(s) else None


def _text(x: Any) -> str | None:
    return str(x).strip() or None if x else None
