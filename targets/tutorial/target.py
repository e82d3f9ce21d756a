"""TutorialTarget: "implement <spec> in TypeScript / in Rust", with its code compiled."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from specloom.findings import Finding, Severity
from specloom.model import Level, Spec
from specloom.target import GeneratedFile, Target, TargetConfig

from .compile import compile_rust, compile_typescript, extract
from .guide import build_guide, tutorial_markdown

TUTORIAL = "tutorial.md"


class TutorialConfig(TargetConfig):
    """`[tool.specloom.targets.tutorial]`."""

    compile_typescript: bool = True
    """Compile the TypeScript blocks against the typescript target's package (tsc)."""
    compile_rust: bool = True
    """Compile the Rust blocks against the rust target's crate (cargo check --offline)."""


def step_coverage(spec: Spec) -> tuple[set[str], list[str]]:
    """(clause ids some step names, MUST clauses with an interface item that no step names)."""
    guide = build_guide(spec, None)
    in_steps = {c.id for step in guide.steps for c in step.clauses}
    named = {cid for item in spec.interface_items() for cid in item.clauses}
    missing = [
        c.id
        for c in spec.clauses
        if c.id in named and c.level in (Level.MUST, Level.MUST_NOT) and c.id not in in_steps
    ]
    return in_steps, missing


class TutorialTarget(Target):
    """A step-by-step guide per spec; also a section of the docs site."""

    name: ClassVar[str] = "tutorial"
    version: ClassVar[str] = "1"
    config_model: ClassVar[type[TargetConfig]] = TutorialConfig
    description: ClassVar[str] = "step-by-step Markdown guide whose code compiles"

    @property
    def settings(self) -> TutorialConfig:
        assert isinstance(self.config, TutorialConfig)
        return self.config

    def generate(self, spec: Spec) -> list[GeneratedFile]:
        """`tutorial.md`: set-up, one step per operation, checks, conformance tests."""
        text = tutorial_markdown(spec, self.ctx.workspace, site=False, ctx=self.ctx)
        return [GeneratedFile(path=TUTORIAL, data=text.encode("utf-8"))]

    def verify(self, spec: Spec, root: Path) -> list[Finding]:
        """TUT001 TypeScript compiles, TUT002 Rust compiles, TUT003 MUST clause coverage."""
        shown = f"{spec.id}/tutorial/{TUTORIAL}"
        markdown = (root / TUTORIAL).read_text(encoding="utf-8")
        programs = extract(markdown, ("ts", "rust"))
        findings: list[Finding] = []
        if self.ctx.backend == "openai":
            from specloom.llm.prose import prose_findings

            findings += prose_findings(self.ctx, self.name)
        if not self.settings.compile_typescript:
            findings.append(
                Finding(
                    rule="TUT001",
                    severity=Severity.WARNING,
                    message="skipped: compile_typescript = false in config",
                )
            )
        else:
            findings += compile_typescript(self.ctx, spec, programs["ts"], shown, "TUT001")
        if not self.settings.compile_rust:
            findings.append(
                Finding(
                    rule="TUT002",
                    severity=Severity.WARNING,
                    message="skipped: compile_rust = false in config",
                )
            )
        else:
            findings += compile_rust(self.ctx, spec, programs["rust"], shown, "TUT002")
        in_steps, missing = step_coverage(spec)
        for cid in missing:
            clause = spec.clause(cid)
            findings.append(
                Finding(
                    rule="TUT003",
                    severity=Severity.ERROR,
                    clause=cid,
                    file=clause.pos.file if clause else None,
                    line=clause.pos.line if clause else None,
                    message=f"MUST clause {cid} is realised by an interface item but no tutorial "
                    "step names it: name it in the `clauses` of an operation",
                )
            )
        must = [c for c in spec.clauses if c.level in (Level.MUST, Level.MUST_NOT)]
        in_must = sum(c.id in in_steps for c in must)
        findings.append(
            Finding(
                rule="TUT004",
                severity=Severity.INFO,
                message=f"tutorial coverage: {len(in_steps)} of {len(spec.clauses)} clauses in "
                f"steps ({in_must} of {len(must)} MUST); code blocks compiled: "
                f"{programs['ts'].blocks} TypeScript, {programs['rust'].blocks} Rust",
            )
        )
        return findings

    def covered_clauses(self, spec: Spec, root: Path) -> set[str]:
        """Clauses the steps name."""
        return step_coverage(spec)[0]
