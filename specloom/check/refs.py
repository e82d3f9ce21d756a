"""SL007 dangling cross references; SL016 links to local files that no target publishes.

(SL012, structured examples, is `check.values`.)
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from specloom.check.context import LintContext
from specloom.check.rules import finding
from specloom.findings import Finding
from specloom.model import Spec, Workspace


def _spec_by_file(ws: Workspace) -> dict[str, Spec]:
    return {posixpath.normpath(s.path): s for s in ws.specs.values()}


def _is_markdown(path: str) -> bool:
    return path.lower().endswith((".md", ".markdown"))


def _href(file: str, anchor: str) -> str:
    return f"{file}#{anchor}" if anchor else file


def check(spec: Spec, ctx: LintContext) -> Iterator[Finding]:
    """Every link resolves to an anchor of this spec or of the spec file it names."""
    anchors = spec.anchors()
    by_file: dict[str, Spec] | None = None
    base = posixpath.dirname(spec.path)
    # the clause a link sits in (statement clauses first: they are the most precise)
    owner: dict[tuple[str, int, str], str] = {}
    for c in sorted(spec.clauses, key=lambda c: c.kind == "statement"):
        for r in c.refs:
            owner[(r.pos.file, r.pos.line, r.target)] = c.id
    for ref in spec.refs:
        cid = owner.get((ref.pos.file, ref.pos.line, ref.target))
        if ref.spec_file is None:
            if ref.target not in anchors:
                yield finding(
                    "SL007",
                    f"link to #{ref.target} points at no heading or clause of this spec: "
                    "fix the id or add it",
                    ref.pos,
                    cid,
                )
            continue
        if by_file is None:
            by_file = ctx.memo("spec_by_file", lambda: _spec_by_file(ctx.workspace))
        path = posixpath.normpath(posixpath.join(base, ref.spec_file))
        other = by_file.get(path)
        if other is None and not _is_markdown(ref.spec_file):
            yield finding(
                "SL016",
                f"link to the local file {ref.spec_file}: no target publishes it, so the docs "
                "show only the link's text: link to a URL where the file is published, or to "
                "a spec's .md file",
                ref.pos,
                cid,
            )
        elif other is None:
            yield finding(
                "SL007",
                f"link to {_href(ref.spec_file, ref.target)}: {ref.spec_file} is not a spec of "
                "this workspace: fix the path",
                ref.pos,
                cid,
            )
        elif ref.target and ref.target not in other.anchors():
            yield finding(
                "SL007",
                f"link to {ref.spec_file}#{ref.target}: spec {other.id} has no heading or "
                "clause with that id: fix the id",
                ref.pos,
                cid,
            )
