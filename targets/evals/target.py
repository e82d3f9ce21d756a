"""The `evals` target: the spec's GOOD/BAD examples as an eval suite (JSONL + promptfoo)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field

from specloom.evals.case import EvalCase, case_schema, dump_case
from specloom.findings import Finding
from specloom.model import Spec
from specloom.target import GeneratedFile, Target, TargetConfig

from ..templating import md_line, template_environment
from . import gates
from .cases import DEFAULT_ROLES, CaseSet, build_cases
from .promptfoo import promptfoo_config, render


class EvalsConfig(TargetConfig):
    """`[tool.specloom.targets.evals]`."""

    roles: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_ROLES))
    """Transcript element name -> chat role (system, developer, user, assistant, tool)."""
    promptfoo_provider: str = "openai:chat:gpt-4o-mini"
    """The model under test written into promptfooconfig.yaml (change it there or here)."""
    promptfoo_grader: str = "openai:chat:gpt-4o-mini"
    """The grader promptfoo's `llm-rubric` assertions use (`defaultTest.options.provider`)."""
    validate_with_promptfoo: bool = True
    """Run `promptfoo validate config` in the gate when promptfoo is installed (EVL007)."""


class EvalsTarget(Target):
    """`cases.jsonl`, `case.schema.json`, `coverage.json`, `promptfooconfig.yaml`, README."""

    name: ClassVar[str] = "evals"
    version: ClassVar[str] = "1"
    config_model: ClassVar[type[TargetConfig]] = EvalsConfig
    description: ClassVar[str] = "the spec's GOOD/BAD examples as an eval suite (JSONL, promptfoo)"
    extra: ClassVar[str | None] = "evals"
    """`pip install 'specloom[evals]'` (jsonschema, for EVL002); read by the registry."""
    requires: ClassVar[tuple[str, ...]] = ("jsonschema",)
    gate_ids: ClassVar[tuple[str, ...]] = tuple(f"EVL00{i}" for i in range(1, 8))

    @property
    def cfg(self) -> EvalsConfig:
        assert isinstance(self.config, EvalsConfig)
        return self.config

    def external_inputs(self, spec: Spec) -> list[Path] | None:
        """Clauses, sections and examples: nothing outside the spec tree."""
        return []

    def ir_slice(self, spec: Spec) -> Any:
        """Clauses, sections' titles and examples: what the cases are made of."""
        return {
            "id": spec.id,
            "title": spec.title,
            "version": spec.version,
            "clauses": [c.model_dump(mode="json") for c in spec.clauses],
            "sections": {s.id: s.title for s in spec.sections},
            "examples": [e.model_dump(mode="json", by_alias=True) for e in spec.examples],
        }

    def generate(self, spec: Spec) -> list[GeneratedFile]:
        """The five files; deterministic for the same IR and config."""
        found = build_cases(spec, self.cfg.roles)
        lines = "".join(dump_case(c) + "\n" for c in found.cases)
        schema = json.dumps(case_schema(), indent=2, sort_keys=True) + "\n"
        pf = promptfoo_config(
            spec.title, found.cases, self.cfg.promptfoo_provider, self.cfg.promptfoo_grader
        )
        return [
            GeneratedFile(gates.CASES, lines.encode("utf-8")),
            GeneratedFile(gates.SCHEMA, schema.encode("utf-8")),
            GeneratedFile(gates.COVERAGE, coverage_json(spec, found)),
            GeneratedFile(gates.PROMPTFOO, render(pf)),
            GeneratedFile("README.md", readme(spec, found, self.cfg)),
        ]

    def verify(self, spec: Spec, root: Path) -> list[Finding]:
        """EVL001-EVL007 (targets/evals/gates.py; docs/gates.md)."""
        return gates.run_gates(
            spec, root, self.cfg.roles, self.cfg.validate_with_promptfoo, self.ctx.tools
        )

    def covered_clauses(self, spec: Spec, root: Path) -> set[str]:
        """The clause ids the published cases carry (one per line of cases.jsonl)."""
        rows, _ = gates.read_cases(root)
        out: set[str] = set()
        for _, data in rows:
            try:
                out.add(EvalCase.model_validate(data).clause.id)
            except ValueError:
                continue
        return out


def coverage_json(spec: Spec, found: CaseSet) -> bytes:
    """Per clause the case ids, then the clauses with no case and why."""
    per: dict[str, list[str]] = {}
    levels: dict[str, str] = {}
    for c in found.cases:
        per.setdefault(c.clause.id, []).append(c.id)
        levels[c.clause.id] = c.clause.level
    data = {
        "spec": spec.id,
        "cases": len(found.cases),
        "clauses": [{"clause": k, "level": levels[k], "cases": v} for k, v in per.items()],
        "not_evaluable": [
            {"clause": n.clause, "level": n.level, "reason": n.reason} for n in found.not_evaluable
        ],
    }
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def readme(spec: Spec, found: CaseSet, cfg: EvalsConfig) -> bytes:
    """How to run the suite with specloom and with promptfoo, and what it holds."""
    env = template_environment(Path(__file__).parent / "templates", {"md_line": md_line})
    template = env.get_template("README.md.jinja")
    clauses = len({c.clause.id for c in found.cases})
    text = template.render(
        spec=spec,
        cases=len(found.cases),
        clauses=clauses,
        not_evaluable=found.not_evaluable,
        cfg=cfg,
    )
    return text.encode("utf-8")
