"""Findings to text, JSON (the six public keys) and SARIF 2.1.0 for GitHub code scanning."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from specloom.check.rules import RULES
from specloom.findings import Finding, Severity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def summary(findings: list[Finding]) -> str:
    """`2 errors, 1 warning, 0 info` (or `no findings`)."""
    if not findings:
        return "no findings"
    n = Counter(f.severity for f in findings)
    e, w, i = n[Severity.ERROR], n[Severity.WARNING], n[Severity.INFO]
    return f"{e} error{'s' * (e != 1)}, {w} warning{'s' * (w != 1)}, {i} info"


def render_text(findings: list[Finding]) -> str:
    """One line per finding, `file:line: severity RULE message [clause]`, then a summary."""
    lines = []
    for f in findings:
        clause = f" [{f.clause}]" if f.clause else ""
        lines.append(f"{f.location()}: {f.severity.value} {f.rule} {f.message}{clause}")
    lines.append(summary(findings))
    return "\n".join(lines) + "\n"


def render_json(findings: list[Finding]) -> str:
    """A JSON array of objects with exactly rule, severity, message, file, line, clause."""
    return json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False) + "\n"


def _artifact(file: str) -> dict[str, Any]:
    p = PurePosixPath(file.replace("\\", "/"))
    if p.is_absolute():
        return {"uri": "file://" + quote(str(p))}
    return {"uri": quote(str(p)), "uriBaseId": SRCROOT}


def sarif_log(findings: list[Finding], *, version: str = "0.0.0") -> dict[str, Any]:
    """The SARIF 2.1.0 log object: one run, every registered rule, one result per finding.

    Paths stay relative (`uriBaseId: %SRCROOT%`, the folder lint ran in); GitHub resolves
    them against the repository root when lint runs there.
    """
    rule_ids = sorted({*RULES, *(f.rule for f in findings)})
    index = {rid: i for i, rid in enumerate(rule_ids)}
    rules: list[dict[str, Any]] = []
    for rid in rule_ids:
        r = RULES.get(rid)
        if r is None:  # a gate rule (TS001...) rendered through the same function
            rules.append({"id": rid, "shortDescription": {"text": rid}})
            continue
        rules.append(
            {
                "id": r.id,
                "name": r.name,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": f"{r.summary} Fix: {r.fix}"},
                "help": {"text": r.fix},
                "defaultConfiguration": {"level": _LEVEL[r.severity], "enabled": r.default_enabled},
            }
        )
    results: list[dict[str, Any]] = []
    for f in findings:
        res: dict[str, Any] = {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": _LEVEL[f.severity],
            "message": {"text": f.message},
        }
        if f.file:
            phys: dict[str, Any] = {"artifactLocation": _artifact(f.file)}
            if f.line and f.line >= 1:
                phys["region"] = {"startLine": f.line}
            res["locations"] = [{"physicalLocation": phys}]
        if f.clause:
            res["properties"] = {"clause": f.clause}
        results.append(res)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "specloom",
                        "version": version,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def render_sarif(findings: list[Finding], *, version: str = "0.0.0") -> str:
    """The SARIF log as indented JSON."""
    return json.dumps(sarif_log(findings, version=version), indent=2, ensure_ascii=False) + "\n"
