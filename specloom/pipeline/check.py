"""The check step: lint, types and conflicts before generation; which specs they block."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path, PurePosixPath

from specloom.config import LintConfig
from specloom.findings import Finding, Severity
from specloom.model import Workspace


def run_check(ws: Workspace, lint: LintConfig) -> tuple[list[Finding], list[str]]:
    """(findings, warnings): warnings say when no checker is available."""
    try:
        from specloom.check.lint import lint_workspace
    except ImportError as exc:
        return [], [
            f"no check ran (specloom.check.lint is not available: {exc}); "
            "specs were built unchecked"
        ]
    return lint_workspace(ws, lint, ts_int64=lint.ts_int64), []


def check_key(ws: Workspace, lint: LintConfig) -> str:
    """What the check's findings depend on: every spec's content hash and path, the lint
    config, and the source of the checker and parser (so a changed rule never serves stale
    findings from a cache)."""
    import importlib.util

    import specloom.check
    import specloom.parse

    sources = hashlib.sha256()
    folders = [Path(next(iter(pkg.__path__))) for pkg in (specloom.check, specloom.parse)]
    # the targets' lint hooks (and the code they call, e.g. the podcast script builder) too
    found = importlib.util.find_spec("specloom.targets")
    folders += [Path(p) for p in (found.submodule_search_locations or [])] if found else []
    for folder in folders:
        for f in sorted(folder.rglob("*.py")):
            sources.update(f.read_bytes())
    blob = json.dumps(
        {
            "specs": {sid: [s.hash, s.path] for sid, s in sorted(ws.specs.items())},
            "lint": lint.model_dump(mode="json"),
            "model": Workspace.model_json_schema(),
            "sources": sources.hexdigest(),
        },
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


def _owner(ws: Workspace, file: str) -> str | None:
    f = PurePosixPath(file)
    for spec in ws.specs.values():
        sp = PurePosixPath(spec.path)
        roots = [sp]
        if sp.name == "spec.md":
            roots.append(sp.parent)
        if spec.examples_dir:
            roots.append(PurePosixPath(spec.examples_dir))
        if any(f == r or r in f.parents for r in roots):
            return spec.id
    return None


def specs_named(ws: Workspace, f: Finding) -> set[str]:
    """The specs a finding is about: the owner of its file, plus every spec it names
    (conflicts name each spec involved: `id`, 'id', "id" or id.Name)."""
    named: set[str] = set()
    if f.file:
        owner = _owner(ws, f.file)
        if owner:
            named.add(owner)
    for sid in ws.specs:
        pattern = rf"[`'\"]{re.escape(sid)}[`'\"]|\b{re.escape(sid)}\.[A-Za-z_]"
        if re.search(pattern, f.message):
            named.add(sid)
    return named


TARGET_RULES: dict[str, str] = {"SL301": "podcast", "SL302": "podcast"}
"""Rules of a target's lint hook that concern that target alone: their errors block only
that target of the spec (the others, and the specs importing it, still build)."""


def blocked_targets(ws: Workspace, findings: list[Finding]) -> dict[tuple[str, str], str]:
    """(spec id, target) -> why that target alone is blocked (an error of a TARGET_RULES rule)."""
    blocked: dict[tuple[str, str], str] = {}
    for f in findings:
        target = TARGET_RULES.get(f.rule)
        if f.severity is not Severity.ERROR or target is None:
            continue
        for sid in sorted(specs_named(ws, f) or set(ws.specs)):
            blocked.setdefault((sid, target), f"{f.rule} at {f.location()}: {f.message}")
    return blocked


def blocked_specs(ws: Workspace, findings: list[Finding]) -> dict[str, str]:
    """spec id -> why it is blocked: an error in its files, a conflict naming it, or an
    error in a spec it imports (its generated code would build on a broken spec). Errors of
    a target's own rules block only that target (`blocked_targets`)."""
    blocked: dict[str, str] = {}
    for f in findings:
        if f.severity is not Severity.ERROR or f.rule in TARGET_RULES:
            continue
        named = specs_named(ws, f) or set(ws.specs)
        for sid in sorted(named):
            blocked.setdefault(sid, f"{f.rule} at {f.location()}: {f.message}")
    for sid in list(blocked):
        for dep in sorted(ws.dependents(sid)):
            blocked.setdefault(dep, f"imports {sid!r}, which has check errors")
    return blocked
