"""The lint engine: every rule family over a workspace, then config and suppressions."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from specloom.check import (
    conflicts,
    confusables,
    coverage,
    evals,
    ids,
    keywords,
    placeholders,
    refs,
    shadowing,
    typecheck,
    vague,
)
from specloom.check import values as example_values
from specloom.check.context import LintContext
from specloom.check.hooks import target_hooks
from specloom.check.rules import RULES
from specloom.check.suppress import apply_suppressions
from specloom.config import LintConfig
from specloom.docs_url import doc_url
from specloom.errors import ConfigError, SpecError
from specloom.findings import Finding, Severity
from specloom.gcpause import gc_paused
from specloom.model import Spec, Workspace

SpecCheck = Callable[[Spec, LintContext], Iterable[Finding]]
WorkspaceCheck = Callable[[Workspace, LintContext], Iterable[Finding]]

SPEC_CHECKS: list[SpecCheck] = [
    vague.check,
    keywords.check,
    placeholders.check,
    ids.check,
    refs.check,
    evals.check,
    coverage.check,
    typecheck.check,
    example_values.check_example,
]
WORKSPACE_CHECKS: list[WorkspaceCheck] = [
    typecheck.check_workspace,
    conflicts.check_workspace,
    confusables.check_workspace,
    shadowing.check_workspace,
]
INT64_POLICIES = ("number", "bigint")
MAX_LINT_CLAUSES = 120_000
"""Most clauses one lint (or build check) takes on. With the collector paused during parse
and lint (specloom.gcpause) a clause costs about 0.3 ms of CPU here: 100,000 statement
clauses with their 10,100 section clauses took 31 s of CPU (issue 14's goal is 30 s for
100,000 clauses); a bigger workspace is refused up front instead of linting for minutes."""


def validate_config(config: LintConfig) -> None:
    """Unknown rule ids or severities are configuration errors, not silent no-ops."""
    for key, ids_ in (
        ("enable", config.enable),
        ("disable", config.disable),
        ("severity", list(config.severity)),
    ):
        unknown = sorted(set(ids_) - set(RULES))
        if unknown:
            raise ConfigError(
                f"[tool.specloom.lint] {key}: unknown rule id(s) {', '.join(unknown)}",
                hint="see " + doc_url("lint-rules.md") + " for the rule ids",
            )
    for rid, sev in sorted(config.severity.items()):
        if sev not in {s.value for s in Severity}:
            raise ConfigError(
                f"[tool.specloom.lint] severity.{rid}: {sev!r} is not a severity",
                hint="use one of error, warning, info",
            )


def enabled_rules(config: LintConfig) -> set[str]:
    """Rule ids that run: the default set, plus `enable`, minus `disable`."""
    on = {r.id for r in RULES.values() if r.default_enabled} | set(config.enable)
    return on - set(config.disable)


def _finish(found: Iterable[Finding], config: LintConfig, ctx: LintContext) -> list[Finding]:
    on = enabled_rules(config)
    out: dict[tuple[object, ...], Finding] = {}
    for f in found:
        if f.rule not in on:
            continue
        if f.rule in config.severity:
            f = f.model_copy(update={"severity": Severity(config.severity[f.rule])})
        key = (f.file or "", f.line or 0, f.rule, f.message, f.clause or "")
        out.setdefault(key, f)
    kept = apply_suppressions(list(out.values()), ctx.sources)
    return sorted(kept, key=lambda f: (f.file or "", f.line or 0, f.rule, f.message))


def check_size(ws: Workspace) -> None:
    """Refuse (exit 2) a workspace with more than MAX_LINT_CLAUSES clauses, naming the
    largest spec."""
    total = sum(len(s.clauses) for s in ws.specs.values())
    if total <= MAX_LINT_CLAUSES:
        return
    big = max(ws.specs.values(), key=lambda s: len(s.clauses))
    raise SpecError(
        f"the workspace holds {total:,} clauses ({len(big.clauses):,} in spec {big.id}); "
        f"specloom lints and builds up to {MAX_LINT_CLAUSES:,} at once (about 0.3 ms each)",
        file=big.path,
        hint="split the spec into several specs that import each other, and lint or build"
        " the workspaces apart",
    )


def lint_workspace(
    ws: Workspace, config: LintConfig | None = None, *, ts_int64: str = "number"
) -> list[Finding]:
    """Lint, type check and conflict check every spec of the workspace, sorted by place.

    `ts_int64` is the TypeScript target's int64 policy (`number` or `bigint`,
    `[tool.specloom.targets.typescript] int64`); it decides SL108/SL109.
    """
    config = config or LintConfig()
    validate_config(config)
    if ts_int64 not in INT64_POLICIES:
        raise ConfigError(
            f"[tool.specloom.targets.typescript] int64: {ts_int64!r}",
            hint='use "number" or "bigint"',
        )
    check_size(ws)
    ctx = LintContext(workspace=ws, ts_int64=ts_int64, target_settings=config.target_settings)
    checks = SPEC_CHECKS + [hook for _, hook in target_hooks(config.targets)]
    found: list[Finding] = []
    with gc_paused():  # findings and indexes form no cycles (see specloom.gcpause)
        for sid in ws.order or sorted(ws.specs):
            spec = ws.specs[sid]
            for spec_check in checks:
                found.extend(spec_check(spec, ctx))
        for ws_check in WORKSPACE_CHECKS:
            found.extend(ws_check(ws, ctx))
        return _finish(found, config, ctx)


def lint_spec(
    spec: Spec,
    config: LintConfig | None = None,
    *,
    workspace: Workspace | None = None,
    ts_int64: str = "number",
) -> list[Finding]:
    """Lint one spec (imports resolved against `workspace` when given); findings of the
    workspace-wide checks are kept only where they point into this spec's files."""
    ws = workspace or Workspace(root=".", specs={spec.id: spec}, order=[spec.id])
    if spec.id not in ws.specs:
        ws = ws.model_copy(
            update={"specs": {**ws.specs, spec.id: spec}, "order": [*ws.order, spec.id]}
        )
    files = {spec.path, *(ef.path for ef in spec.example_files)}
    prefix = spec.examples_dir.rstrip("/") + "/" if spec.examples_dir else "\0"
    return [
        f
        for f in lint_workspace(ws, config, ts_int64=ts_int64)
        if f.file in files or (f.file or "").startswith(prefix)
    ]
