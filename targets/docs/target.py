"""DocsTarget: an MkDocs + Material project per spec, built and gated in the staging folder."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field

from specloom.errors import SpecError
from specloom.findings import Finding, Severity, not_run, turned_off
from specloom.model import Spec
from specloom.target import GeneratedFile, Target, TargetConfig

from . import anchors, api, content, gates, history, live, mkdocs_build
from .env import render
from .evals_page import EVALS_PAGE, evals_page, read_run, report_path, run_digest
from .markup import escape_text, plain_title
from .mkdocs_build import build_site
from .overview import llm_overview
from .pages import PageWriter
from .plan import (
    API_PAGE,
    CHANGELOG_PAGE,
    EXAMPLES_INDEX,
    TRACE_PAGE,
    TUTORIAL_PAGE,
    plan_site,
)

STATIC = ["docs/stylesheets/specloom.css", "docs/javascripts/specloom.js"]


class DocsConfig(TargetConfig):
    """`[tool.specloom.targets.docs]`."""

    build_site: bool = True
    """Run `mkdocs build --strict` in the gate (the site is published under `site/`)."""
    timeout: float = 600.0
    """Seconds `mkdocs build` may take before the gate fails."""
    tutorial: bool = True
    """Include the tutorial as a section of the site."""
    evals_runs: dict[str, str] = Field(default_factory=dict)
    """Spec id -> a `specloom eval` run folder (relative to the working folder) shown as an
    "Evals" page; its report.json is part of the docs input hash."""


def _tutorial_languages() -> list[str]:
    """The tutorial's languages here ([] when the tutorial target is not installed)."""
    try:
        langs: Any = importlib.import_module("specloom.targets.tutorial.languages")
    except ImportError:
        return []
    return [c.name for c in langs.language_classes()]


def tutorial_section(spec: Spec, target: Target) -> str | None:
    """The tutorial's Markdown for the site, or None when the tutorial target is absent."""
    try:
        guide: Any = importlib.import_module("specloom.targets.tutorial.guide")
    except ImportError:
        return None
    try:
        text = guide.tutorial_markdown(spec, target.ctx.workspace, site=True, ctx=target.ctx)
    except SpecError as exc:  # an example the stubs refuse: lint and the code targets say so
        return (
            "# Tutorial {#sl-tutorial}\n\nThe tutorial cannot be generated: "
            f"{escape_text(exc.message)} (`{exc.file}:{exc.line}`).\n"
        )
    return str(text)


class DocsTarget(Target):
    """The documentation site: spec pages, API reference, examples, traceability, changelog."""

    name: ClassVar[str] = "docs"
    version: ClassVar[str] = "1"
    config_model: ClassVar[type[TargetConfig]] = DocsConfig
    description: ClassVar[str] = "MkDocs + Material site with clause anchors and a built site/"
    extra: ClassVar[str | None] = "docs"
    requires: ClassVar[tuple[str, ...]] = ("mkdocs", "material")
    gate_ids: ClassVar[tuple[str, ...]] = (
        "DOC001",
        "DOC002",
        "DOC003",
        "DOC004",
        "DOC005",
        "DOC006",
        "DOC008",
        "DOC009",
        "DOC010",
    )
    """DOC007 (the LLM overview's gate) runs only with `--backend openai`."""
    not_graded: ClassVar[tuple[str, ...]] = ("site/assets/",)
    """The theme's scripts, styles and search-language files, copied by MkDocs: two thirds of
    the grader's reading of a small site, and never the spec's text."""

    @property
    def settings(self) -> DocsConfig:
        assert isinstance(self.config, DocsConfig)
        return self.config

    def ir_slice(self, spec: Spec) -> Any:
        """The default slice, plus the tutorial's languages here and the digest of the eval run
        shown for this spec (if any)."""
        base = super().ir_slice(spec)
        if self.settings.tutorial:  # the site's tutorial section shows the languages here
            base["tutorial_languages"] = _tutorial_languages()
        run = self.settings.evals_runs.get(spec.id)
        return base if run is None else {**base, "evals_run": run_digest(run)}

    def external_inputs(self, spec: Spec) -> list[Path] | None:
        """The eval run's report shown for this spec (its digest is in the slice)."""
        run = self.settings.evals_runs.get(spec.id)
        return [] if run is None else [report_path(run).absolute()]

    def generate(self, spec: Spec) -> list[GeneratedFile]:
        """The MkDocs project (mkdocs.yml, docs/) plus `spec.json`; the site is built in verify."""
        plan = plan_site(spec)
        writer = PageWriter(spec, plan, self.ctx.workspace)
        files: dict[str, str] = {}
        has_api = bool(spec.interface_items())
        tutorial = tutorial_section(spec, self) if self.settings.tutorial else None
        # Pages render in document order: a clause's first `[^id]` gets its anchor.
        overview = llm_overview(self.ctx, spec)
        files["docs/index.md"] = writer.home_page(has_api, tutorial is not None, overview)
        for page in plan.pages:
            files[f"docs/{page.path}"] = writer.section_page(page)
        # After the section pages, so examples quoting `[^id]` link to the clause's anchor.
        for clause_id in sorted(plan.example_pages):
            files[f"docs/{plan.example_pages[clause_id]}"] = writer.examples_page(clause_id)
        if has_api:
            files[f"docs/{API_PAGE}"] = api.api_page(spec, plan)
        coverage = history.covered_by(self.ctx.output_dir, spec.id, self.name)
        grades = history.grades_by(self.ctx.output_dir, spec.id, self.name)
        files[f"docs/{TRACE_PAGE}"] = history.traceability_page(spec, plan, coverage, grades)
        previous = history.previous_ir(self.ctx.output_dir, spec.id, self.name)
        files[f"docs/{CHANGELOG_PAGE}"] = history.changelog_page(spec, previous)
        if tutorial is not None:
            files[f"docs/{TUTORIAL_PAGE}"] = tutorial
        for static in STATIC:
            files[static] = render(f"{static}.jinja")
        nav = [("Home", "index.md")] + [(plain_title(p.title), p.path) for p in plan.pages]
        if has_api:
            nav.append(("API reference", API_PAGE))
        nav += [("Traceability", TRACE_PAGE), ("Changelog", CHANGELOG_PAGE)]
        if tutorial is not None:
            nav.append(("Tutorial", TUTORIAL_PAGE))
        run = self.settings.evals_runs.get(spec.id)
        if run is not None:
            files[f"docs/{EVALS_PAGE}"] = evals_page(read_run(run)[0])
            nav.append(("Evals", EVALS_PAGE))
        if plan.example_pages:  # one nav entry: the index, not each examples page
            files[f"docs/{EXAMPLES_INDEX}"] = writer.examples_index()
            nav.append(("Examples", EXAMPLES_INDEX))
        files["mkdocs.yml"] = render(
            "mkdocs.yml.jinja",
            spec_path=spec.path,
            site_name=plain_title(spec.title),
            site_description=spec.meta.get("summary", "")
            if isinstance(spec.meta.get("summary"), str)
            else "",
            nav=nav,
        )
        ir = json.dumps(spec.model_dump(mode="json"), indent=1, sort_keys=True, ensure_ascii=False)
        files[history.IR_COPY] = ir + "\n"
        return [GeneratedFile(path=p, data=files[p].encode("utf-8")) for p in sorted(files)]

    _last_scan: tuple[Path, gates.SiteScan] | None = None

    def build_artifact(self, spec: Spec, staging: Path) -> list[Finding]:
        """DOC001: `mkdocs build --strict` in the staging folder; the site is published with
        the Markdown project, in the same swap."""
        if not self.settings.build_site:
            return []
        result = build_site(
            staging, timeout=self.settings.timeout, jinja_cache=self.ctx.cache_dir / "mkdocs-jinja"
        )
        if not result.available:
            return [self._not_run(f"mkdocs build ({result.log})")]
        if not result.ok:
            return [
                Finding(
                    rule="DOC001",
                    severity=Severity.ERROR,
                    file="mkdocs.yml",
                    message=f"mkdocs build --strict failed:\n{result.log}",
                )
            ]
        return []

    def _not_run(self, what: str) -> Finding:
        return not_run(
            "DOC001",
            f"{what}; the site was not built or checked",
            fix="pip install 'specloom[docs]' (MkDocs and mkdocs-material)",
        )

    def verify(self, spec: Spec, root: Path) -> list[Finding]:
        """The gates over the site under `root/site` as it is (built by `build_artifact` at
        build time, or as published): anchors, links, live HTML, API items, verdicts, examples.
        """
        findings: list[Finding] = []
        if self.ctx.backend == "openai":
            from specloom.llm.prose import prose_findings

            findings += prose_findings(self.ctx, self.name)
        if not self.settings.build_site:
            findings.append(
                turned_off("DOC001", "build_site = false in config: no site built or checked")
            )
            return findings
        site = root / "site"
        if not (site / "index.html").is_file():
            if not mkdocs_build.mkdocs_available():
                findings.append(self._not_run("mkdocs or mkdocs-material is not installed"))
            else:
                findings.append(
                    Finding(
                        rule="DOC001",
                        severity=Severity.ERROR,
                        file="site/index.html",
                        message="no built site: site/index.html is missing; rebuild with "
                        "specloom build --force",
                    )
                )
            return findings
        plan = plan_site(spec)
        scan = gates.scan_site(site)
        self._last_scan = (site, scan)  # covered_clauses reads the same pages next
        findings += gates.check_anchors(spec, scan, "DOC002")
        findings += anchors.check_placement(spec, plan, scan, "DOC002")
        findings += gates.check_links(spec, self.ctx.workspace, site, scan, "DOC003")
        findings += live.check_live_html(
            scan, site, "DOC004", render(f"docs/{live.SITE_SCRIPT}.jinja")
        )
        api_findings, missing = content.check_api(spec, scan, "DOC006")
        findings += api_findings
        if missing and spec.interface_items():
            findings.append(
                not_run(
                    "DOC006",
                    f"API signatures for {', '.join(missing)}: the stub target is not "
                    "installed, so its tabs on api.html were not checked",
                    file=spec.path,
                    fix="install specloom with its typescript and rust targets",
                )
            )
        findings += content.check_verdicts(spec, plan, scan, "DOC008")
        findings += content.check_examples_pages(spec, plan, scan, "DOC009")
        findings += anchors.check_clause_text(spec, plan, scan, "DOC010")
        findings += content.check_search(site, scan, "DOC005")
        return findings

    def covered_clauses(self, spec: Spec, root: Path) -> set[str]:
        """Clauses with their one anchor in the built site (all, when the gate passed)."""
        site = root / "site"
        if not site.is_dir():
            return super().covered_clauses(spec, root)
        last = self._last_scan
        scan = last[1] if last is not None and last[0] == site else gates.scan_site(site)
        counts = scan.id_counts()
        return {c.id for c in spec.clauses if counts.get(c.id, 0) == 1}
