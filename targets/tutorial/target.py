"""TutorialTarget: a walk-through per language whose code compiles and whose gates read it back."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, ClassVar

from specloom.findings import Finding, turned_off
from specloom.model import Spec
from specloom.target import GeneratedFile, Target, TargetConfig

from ..values import ValueBuilder
from . import gates
from .guide import tutorial_markdown
from .languages import language_classes, languages
from .lesson import build_lesson
from .readback import read_tutorial

TUTORIAL = "tutorial.md"


class TutorialConfig(TargetConfig):
    """`[tool.specloom.targets.tutorial]`."""

    compile_typescript: bool = True
    """Compile the TypeScript blocks against the typescript target's package (tsc)."""
    compile_rust: bool = True
    """Compile the Rust blocks against the rust target's crate (cargo check --offline)."""
    compile_python: bool = True
    """Check the Python blocks against the python target's package (mypy --strict)."""


class TutorialTarget(Target):
    """A step-by-step walk-through per spec; also a section of the docs site."""

    name: ClassVar[str] = "tutorial"
    version: ClassVar[str] = "2"
    config_model: ClassVar[type[TargetConfig]] = TutorialConfig
    description: ClassVar[str] = "walk-through per language whose code compiles"

    @property
    def settings(self) -> TutorialConfig:
        assert isinstance(self.config, TutorialConfig)
        return self.config

    def external_inputs(self, spec: Spec) -> list[Path] | None:
        """The slice adds the installed languages (specloom's own code): nothing outside."""
        return []

    def ir_slice(self, spec: Spec) -> Any:
        """The default slice, plus the languages shown here (Python needs its extra)."""
        return {**super().ir_slice(spec), "languages": [c.name for c in language_classes()]}

    def generate(self, spec: Spec) -> list[GeneratedFile]:
        """`tutorial.md`: set-up, one step per operation, implement-it, MUST clauses."""
        text = tutorial_markdown(spec, self.ctx.workspace, site=False, ctx=self.ctx)
        return [GeneratedFile(path=TUTORIAL, data=text.encode("utf-8"))]

    def verify(self, spec: Spec, root: Path) -> list[Finding]:
        """TUT001/TUT002/TUT009 the code compiles, TUT003 MUST clauses in steps, TUT004 every block
        checked, TUT006 steps item by item, TUT007 the MUST table, TUT008 each language
        complete. All read the published tutorial."""
        shown = f"{spec.id}/tutorial/{TUTORIAL}"
        read = read_tutorial((root / TUTORIAL).read_text(encoding="utf-8"))
        lesson = build_lesson(spec, self.ctx.workspace)
        langs = languages(spec, self.ctx.workspace, self.ctx)
        findings: list[Finding] = []
        if self.ctx.backend == "openai":
            from specloom.llm.prose import prose_findings

            findings += prose_findings(self.ctx, self.name)
        enabled = {
            "typescript": self.settings.compile_typescript,
            "rust": self.settings.compile_rust,
            "python": self.settings.compile_python,
        }
        # The compilations are independent: tsc and cargo run at the same time.
        with ThreadPoolExecutor(max_workers=max(1, len(langs))) as pool:
            runs = [
                pool.submit(gates.compiles, lang, read, shown)
                for lang in langs
                if enabled.get(lang.name, True)
            ]
            for lang in langs:
                if not enabled.get(lang.name, True):
                    findings.append(turned_off(lang.rule, f"compile_{lang.name} = false in config"))
            for run in runs:
                findings += run.result()
        findings += gates.blocks_checked(langs, read, shown)
        findings += gates.must_in_steps(spec, read, shown)
        cases = ValueBuilder(spec, self.ctx.workspace).cases() if spec.operations else []
        truth = gates.Truth(spec, cases)
        findings += gates.steps_match(spec, truth, langs, read, shown)
        findings += gates.must_table(spec, truth, read, shown)
        findings += gates.languages_complete(spec, lesson, langs, read, shown)
        return findings

    def covered_clauses(self, spec: Spec, root: Path) -> set[str]:
        """Clauses the published steps list."""
        read = read_tutorial((root / TUTORIAL).read_text(encoding="utf-8"))
        return {cid for s in read.steps for cid, _ in s.clauses}
