"""`output/<spec>/report.md` and `report.json`: what passed, what failed, where and why."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from specloom import __version__
from specloom.findings import Finding, gate_outcomes, is_not_run, is_off
from specloom.pipeline.manifest import write_atomic


def is_skip(finding: Finding) -> bool:
    """A gate's report that it could not run (`not_run`, or a legacy "skipped" message)."""
    return is_not_run(finding)


@dataclass
class TargetRow:
    """One line of the summary: a spec's target, its status, time and gate counts."""

    spec: str
    target: str
    status: str
    """built, skipped (up to date), failed (nothing published) or blocked (check errors)."""
    reason: str = ""
    seconds: float = 0.0
    gates: list[Finding] = field(default_factory=list)
    covered: list[str] = field(default_factory=list)
    clauses_total: int = 0
    llm: dict[str, Any] | None = None
    """LLM usage of this build of the target (tokens, requests, cache hits, cost), if any."""
    grades: list[dict[str, Any]] = field(default_factory=list)
    """Per-clause grades (score, threshold, passed, grader, rationale)."""
    gate_ids: list[str] = field(default_factory=list)
    """The gates the target declares (Target.gate_ids): those that ran clean are `passed`."""

    def outcomes(self) -> dict[str, list[str]]:
        """passed / failed / skipped (could not run) / off gate ids."""
        ran = self.status in {"built", "skipped"}
        return gate_outcomes(self.gate_ids if ran else [], self.gates)

    @property
    def gates_ok(self) -> bool:
        """Every gate ran (none could not run) and the target is built or up to date."""
        return self.status in {"built", "skipped"} and not any(is_skip(g) for g in self.gates)

    def gate_summary(self) -> str:
        """`2 errors, 1 warning, 1 skipped, 1 off` or `passed` or `-`.

        A gate that could not run (`not_run`, tool missing) is counted as skipped and one
        turned off by config as off, whatever its severity, so the summary never says
        `passed` for a check that did not run."""
        errors = sum(1 for g in self.gates if g.severity == "error" and not is_skip(g))
        skipped = sum(1 for g in self.gates if is_skip(g))
        off = sum(1 for g in self.gates if is_off(g))
        warnings = sum(
            1 for g in self.gates if g.severity == "warning" and not is_skip(g) and not is_off(g)
        )
        if not errors and not warnings and not skipped and not off:
            return "passed" if self.status in {"built", "skipped"} else "-"
        parts = []
        if errors:
            parts.append(f"{errors} error{'s' * (errors != 1)}")
        if warnings:
            parts.append(f"{warnings} warning{'s' * (warnings != 1)}")
        if skipped:
            parts.append(f"{skipped} skipped")
        if off:
            parts.append(f"{off} off")
        return ", ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        """The JSON form used by report.json and `--format json`."""
        return {
            "spec": self.spec,
            "target": self.target,
            "status": self.status,
            "reason": self.reason,
            "seconds": round(self.seconds, 3),
            "gates": [g.as_dict() for g in self.gates],
            **self.outcomes(),
            "covered_clauses": self.covered,
            "clauses_total": self.clauses_total,
            "llm": self.llm,
            "grades": self.grades,
        }


def report_json(
    spec: str, rows: list[TargetRow], check: list[Finding], warnings: list[str]
) -> dict[str, Any]:
    """The report of one spec as a JSON-able dict."""
    return {
        "spec": spec,
        "specloom_version": __version__,
        "ok": all(r.gates_ok for r in rows),
        "check": [f.as_dict() for f in check],
        "warnings": warnings,
        "targets": [r.as_dict() for r in rows],
    }


def _outcome_lines(rows: list[TargetRow]) -> list[str]:
    """Per target: the gates that passed, could not run (skipped) and were turned off."""
    out = [
        "| target | gates passed | skipped (could not run) | off (by config) |",
        "| --- | --- | --- | --- |",
    ]
    for r in rows:
        o = r.outcomes()
        cells = [", ".join(o[k]) or "-" for k in ("passed", "skipped", "off")]
        out.append(f"| {r.target} | {' | '.join(cells)} |")
    if any(r.outcomes()["skipped"] for r in rows):
        out += [
            "",
            "> not ok: a gate could not run, so part of this output is unchecked "
            "(install the tool, or build with --strict to make this an error)",
        ]
    return [*out, ""]


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def report_markdown(
    spec: str, rows: list[TargetRow], check: list[Finding], warnings: list[str]
) -> str:
    """The report of one spec as Markdown: summary table, then every failing finding."""
    lines = [f"# Build report: {spec}", "", f"specloom {__version__}", ""]
    for w in warnings:
        lines.append(f"> warning: {w}")
    if warnings:
        lines.append("")
    lines += [
        "| target | status | time (s) | gates | clauses covered | grades passed |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        cov = f"{len(r.covered)}/{r.clauses_total}" if r.clauses_total else "-"
        if r.status == "blocked":
            cov = "-"
        graded = (
            f"{sum(1 for g in r.grades if g.get('passed'))}/{len(r.grades)}" if r.grades else "-"
        )
        lines.append(
            f"| {r.target} | {r.status} | {r.seconds:.2f} | {r.gate_summary()} | {cov} | {graded} |"
        )
    lines.append("")
    lines += _outcome_lines(rows)
    llm_rows = [r for r in rows if r.llm]
    if llm_rows:
        lines += [
            "| target | LLM requests | cache hits | tokens | estimated cost (USD) |",
            "| --- | --- | --- | --- | --- |",
        ]
        for r in llm_rows:
            u = r.llm or {}
            lines.append(
                f"| {r.target} | {u.get('requests', 0)} | {u.get('cache_hits', 0)} "
                f"| {u.get('total_tokens', 0)} | {u.get('estimated_cost_usd', 0)} |"
            )
        lines.append("")
    errors = [f for f in check if f.severity == "error"]
    if errors:
        lines += ["## Check errors (block publication)", ""]
        lines += [
            f"- `{f.rule}` {f.location()}"
            f"{f' (clause {f.clause})' if f.clause else ''}: {_md_cell(f.message)}"
            for f in errors
        ]
        lines.append("")
    for r in rows:
        if r.status in {"failed", "blocked"} or r.gates:
            lines += [f"## {r.target}: {r.status}", ""]
            if r.reason:
                lines += [_md_cell(r.reason), ""]
            for g in r.gates:
                clause = f" clause `{g.clause}`" if g.clause else ""
                lines.append(
                    f"- {g.severity} `{g.rule}`{clause} at {g.location()}: {_md_cell(g.message)}"
                )
            if r.gates:
                lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def write_reports(
    spec_dir: Path, spec: str, rows: list[TargetRow], check: list[Finding], warnings: list[str]
) -> None:
    """Write report.json and report.md atomically."""
    for name, text in report_files(spec, rows, check, warnings).items():
        write_atomic(spec_dir / name, text.encode("utf-8"))


def report_files(
    spec: str, rows: list[TargetRow], check: list[Finding], warnings: list[str]
) -> dict[str, str]:
    """report.json and report.md of one spec: file name -> text."""
    data = report_json(spec, rows, check, warnings)
    return {
        "report.json": json.dumps(data, indent=2, sort_keys=True) + "\n",
        "report.md": report_markdown(spec, rows, check, warnings),
    }
