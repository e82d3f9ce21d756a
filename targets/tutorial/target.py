"""TutorialTarget: "implement <spec> in TypeScript / in Rust", with its code compiled."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
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


def _compile_state(blocks: int, found: list[Finding]) -> str:
    """How the summary reports one language's blocks: compiled, skipped or failed."""
    if any(f.message.startswith("skipped") for f in found):
        return f"{blocks} NOT compiled (skipped)"
    if any(f.severity is Severity.ERROR for f in found):
        return f"{blocks} failed to compile"
    return f"{blocks} compiled"


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
        compiled: list[str] = []
        # The two compilations are independent: tsc and cargo run at the same time.
        with ThreadPoolExecutor(max_workers=2) as pool:
            runs = [
                (
                    lang,
                    pool.submit(compile_, self.ctx, spec, programs[lang], shown, rule)
                    if on
                    else None,
                    rule,
                    option,
                )
                for rule, lang, option, on, compile_ in (
                    (
                        "TUT001",
                        "ts",
                        "compile_typescript",
                        self.settings.compile_typescript,
                        compile_typescript,
                    ),
                    ("TUT002", "rust", "compile_rust", self.settings.compile_rust, compile_rust),
                )
            ]
            for lang, run, rule, option in runs:
                found = (
                    run.result()
                    if run is not None
                    else [
                        Finding(
                            rule=rule,
                            severity=Severity.WARNING,
                            message=f"skipped: {option} = false in config",
                        )
                    ]
                )
                findings += found
                compiled.append(_compile_state(programs[lang].blocks, found))
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
                f"steps ({in_must} of {len(must)} MUST); code blocks: "
                f"{compiled[0]} TypeScript, {compiled[1]} Rust",
            )
        )
        return findings

    def covered_clauses(self, spec: Spec, root: Path) -> set[str]:
        """Clauses the steps name."""
        return step_coverage(spec)[0]
