"""HTTP binding checks (SL116): method, path parameters, placements and routes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from specloom.check.rules import finding
from specloom.check.unions import resolve
from specloom.findings import Finding
from specloom.model import ERROR_STATUS, HTTP_METHODS, Operation, Spec, TypeRef, Workspace

PATH_VAR = re.compile(r"\{([^{}]*)\}")
PLACEMENTS = ("path", "query", "header", "body")
_NO_BODY = ("GET", "HEAD")
"""A DELETE may carry a body (OpenAPI 3.1 allows it, real APIs send one); GET and HEAD not."""


def is_scalar(ref: TypeRef, spec: Spec, ws: Workspace | None, depth: int = 0) -> bool:
    """A primitive, an enum, or an alias of one: a value that fits in a path segment."""
    if ref.kind == "primitive":
        return True
    td = resolve(ref, spec, ws)
    if td is None or depth > 32:
        return False
    if td.kind == "enum":
        return True
    if td.kind == "alias" and td.alias is not None:
        return is_scalar(td.alias, spec, ws, depth + 1)
    return False


def _scalar_or_list(ref: TypeRef, spec: Spec, ws: Workspace | None) -> bool:
    if ref.kind == "list":
        return is_scalar(ref.args[0], spec, ws)
    return is_scalar(ref, spec, ws)


def _first(o: Operation) -> str | None:
    return o.clauses[0] if o.clauses else None


def check(spec: Spec, ws: Workspace | None) -> Iterator[Finding]:
    """Every operation's binding, no two operations on one route, every error's status."""
    for e in spec.errors:
        if e.status is not None and not ERROR_STATUS.fullmatch(e.status):
            yield finding(
                "SL117",
                f"error {e.name}: status {e.status!r} is not an HTTP error status (a 4xx or "
                "5xx code, 4XX, 5XX or default)",
                e.pos,
                e.clauses[0] if e.clauses else None,
            )
    routes: dict[tuple[str, str], Operation] = {}
    for o in spec.operations:
        yield from _operation(o, spec, ws)
        method, path = o.binding()
        route = (method, PATH_VAR.sub("{}", path))
        if route in routes:
            first = routes[route]
            yield finding(
                "SL116",
                f"operation {o.name} is bound to {method} {path}, the route of operation "
                f"{first.name} ({first.pos.file}:{first.pos.line}): give one another path",
                o.http.pos if o.http else o.pos,
                _first(o),
            )
        else:
            routes[route] = o


def _operation(o: Operation, spec: Spec, ws: Workspace | None) -> Iterator[Finding]:
    b = o.http
    if b is None:
        return
    clause = _first(o)

    def bad(msg: str) -> Finding:
        return finding("SL116", f"operation {o.name}: {msg}", b.pos, clause)

    if b.method not in HTTP_METHODS:
        yield bad(f"method {b.method!r} is not one of {', '.join(HTTP_METHODS)}")
    if not b.path.startswith("/"):
        yield bad(f"path {b.path!r} must start with `/`")
    params = {p.name: p for p in o.params}
    in_path = PATH_VAR.findall(b.path)
    for name in in_path:
        p = params.get(name)
        if p is None:
            yield bad(
                f"path {b.path!r} names {{{name}}}, which is not a parameter: add it to "
                "`params` or fix the name"
            )
        elif p.type.optional or not is_scalar(p.type, spec, ws):
            yield bad(
                f"path parameter {name} is {p.type.text}: a path parameter is a required "
                "scalar (a primitive, an enum or an alias of one)"
            )
    for name, where in b.params.items():
        p = params.get(name)
        if p is None:
            yield bad(f"`http.params` places {name!r}, which is not a parameter")
            continue
        if where not in PLACEMENTS:
            yield bad(f"parameter {name} is placed in {where!r}: use one of {PLACEMENTS}")
        elif where == "path" and name not in in_path:
            yield bad(f"parameter {name} is placed in the path, which does not name {{{name}}}")
        elif where in ("query", "header") and not _scalar_or_list(p.type, spec, ws):
            yield bad(f"{where} parameter {name} is {p.type.text}: use a scalar or a list of them")
    for p in o.params:
        if b.method in _NO_BODY and o.placement(p.name) == "body":
            yield bad(f"parameter {p.name} is a body parameter, but {b.method} has no body")
    if b.body is not None:
        yield from _whole_body(o, b.body, bad)


def _whole_body(o: Operation, name: str, bad: Callable[[str], Finding]) -> Iterator[Finding]:
    """`http.body` names a body parameter, and no other parameter travels in the body."""
    if name not in {p.name for p in o.params}:
        yield bad(f"`http.body` names {name!r}, which is not a parameter")
        return
    if o.placement(name) != "body":
        yield bad(
            f"`http.body` names {name}, which is placed in the {o.placement(name)}: "
            "drop its placement or `body`"
        )
    for p in o.params:
        if p.name != name and o.placement(p.name) == "body":
            yield bad(
                f"parameter {p.name} is also in the body, whose whole value is {name} "
                "(`http.body`): place it in the query, a header or the path, or drop `body`"
            )
