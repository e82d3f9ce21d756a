"""Traceability (clause -> artifacts, from the manifest) and the changelog (vs. last publish)."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from specloom.check.diff import diff_specs
from specloom.model import Level, Spec

from .env import render
from .markup import badge
from .plan import TRACE_PAGE, SitePlan, rel_url

IR_COPY = "spec.json"
"""The IR this documentation was built from, kept next to `mkdocs.yml` for the next changelog."""


def _published_targets(output_dir: Path, spec_id: str, own: str) -> dict[str, dict[str, Any]]:
    """Target name -> its record in `output/<spec>/manifest.json`, without `own` (absent: {})."""
    path = output_dir / spec_id / "manifest.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    targets = data.get("targets") if isinstance(data, dict) else None
    if not isinstance(targets, dict):
        return {}
    return {
        str(name): record
        for name, record in sorted(targets.items())
        if name != own and isinstance(record, dict)
    }


def covered_by(output_dir: Path, spec_id: str, own: str) -> dict[str, list[str]]:
    """Target name -> covered clauses, read from `output/<spec>/manifest.json` (absent: {})."""
    out: dict[str, list[str]] = {}
    for name, record in _published_targets(output_dir, spec_id, own).items():
        clauses = record.get("covered_clauses")
        if isinstance(clauses, list):
            out[name] = sorted(str(c) for c in clauses)
    return out


def grades_by(output_dir: Path, spec_id: str, own: str) -> dict[str, dict[str, int]]:
    """Target name -> clause id -> the grader's score (1-5) from the manifest (absent: {})."""
    out: dict[str, dict[str, int]] = {}
    for name, record in _published_targets(output_dir, spec_id, own).items():
        grades = record.get("grades")
        if isinstance(grades, list):
            out[name] = {
                str(g["clause"]): int(g["score"])
                for g in grades
                if isinstance(g, dict) and "clause" in g and isinstance(g.get("score"), int)
            }
    return out


def traceability_page(
    spec: Spec,
    plan: SitePlan,
    coverage: dict[str, list[str]],
    grades: dict[str, dict[str, int]] | None = None,
) -> str:
    """Every clause, the interface items naming it, and the artifacts that cover it (with
    the grader's score of each artifact against the clause, when the manifest has one)."""
    grades = grades or {}

    def covered(target: str, cid: str) -> str:
        score = grades.get(target, {}).get(cid)
        return target if score is None else f"{target} ({score}/5)"

    rows = []
    uncovered = []
    named_by: dict[str, list[str]] = {}
    for item in spec.interface_items():
        for cid in dict.fromkeys(item.clauses):
            named_by.setdefault(cid, []).append(item.name)
    for c in spec.clauses:
        items = named_by.get(c.id, [])
        targets = [t for t, ids in coverage.items() if c.id in ids]
        page = plan.page_of(c.id)
        href = rel_url(TRACE_PAGE, page, c.id, built=True) if page else ""
        rows.append(
            {
                "id": c.id,
                "href": href,
                "badge": badge(c.level) or "-",
                "item_names": ", ".join(items) or "-",
                "covered": ", ".join(covered(t, c.id) for t in targets) or "-",
            }
        )
        if coverage and not targets and c.level is not Level.NONE:
            uncovered.append(c.id)
    return render(
        "docs/traceability.md.jinja",
        spec=spec,
        rows=rows,
        sources=sorted(coverage),
        graded=any(grades.values()),
        uncovered=", ".join(html.escape(u) for u in uncovered),
    )


def previous_ir(output_dir: Path, spec_id: str, target: str) -> Spec | None:
    """The IR the currently published docs were built from, or None (first publication)."""
    path = output_dir / spec_id / target / IR_COPY
    try:
        return Spec.model_validate_json(path.read_bytes())
    except (OSError, ValidationError, ValueError):
        return None


def changes(old: Spec, new: Spec) -> list[dict[str, str]]:
    """Rows of the changelog: the clause-level diff of `specloom diff`, one row a change."""
    return [
        {
            "impact": str(c.impact),
            "kind": f"{c.kind} {c.action}",
            "subject": str(c.subject),
            "detail": str(c.detail),
        }
        for c in diff_specs(old, new).changes
    ]


def changelog_page(spec: Spec, previous: Spec | None) -> str:
    """The changelog page: first version, or the changes since the published one."""
    rows = changes(previous, spec) if previous is not None else []
    return render(
        "docs/changelog.md.jinja",
        spec=spec,
        previous=previous is not None,
        previous_version=previous.version if previous else None,
        changes=rows,
    )
