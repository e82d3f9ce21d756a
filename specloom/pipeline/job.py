"""One job: generate one target into staging, run its gates there, publish it atomically."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import Any

from specloom import __version__
from specloom.errors import SpecloomError
from specloom.findings import Finding, Severity, has_errors, strict
from specloom.model import Spec
from specloom.pipeline.manifest import Manifest, TargetRecord, update_manifest
from specloom.pipeline.paths import check_name
from specloom.pipeline.plan import Job, JobResult, make_target
from specloom.pipeline.publish import publish
from specloom.pipeline.registry import load_target
from specloom.pipeline.stage import new_staging_dir, remove_tree, write_files
from specloom.pipeline.timeline import Laps
from specloom.target import Target


def run_job(job: Job) -> JobResult:
    """Build one target. Expected failures become a failed result; others propagate.

    Unexpected exceptions (an OSError from a flaky tool, a bug) propagate so that the
    Prefect runner can retry them; the local runner turns them into a failed result.
    """
    cls = load_target(job.target)
    target = make_target(
        cls,
        job.workspace,
        job.output_dir,
        job.cache_dir,
        job.backend,
        job.settings,
        job.config,
        reuse=job.reuse,
    )
    spec = job.workspace.specs[job.spec_id]
    spec_dir = job.output_dir / check_name(spec.id, "spec id", file=spec.path)
    timings: dict[str, float] = {}
    result = JobResult(
        spec_id=job.spec_id,
        target=job.target,
        status="failed",
        input_hash=job.input_hash,
        inputs=job.inputs,
        target_version=target.version,
        timings=timings,
    )
    t0 = time.perf_counter()
    laps = Laps(result.spans)
    staging = None
    try:
        files = target.generate(spec)
        staging = new_staging_dir(spec_dir, job.target)
        write_files(staging, files, job.target)
        timings["generate"] = round(time.perf_counter() - t0, 3)
        laps.lap("generate")
        t1 = time.perf_counter()
        gates = target.build_artifact(spec, staging)
        if not has_errors(gates):
            gates += target.verify(spec, staging)
        if job.strict:
            gates = strict(gates)
        result.gates = gates
        result.covered = sorted(target.covered_clauses(spec, staging))
        timings["verify"] = round(time.perf_counter() - t1, 3)
        laps.lap("verify")
        if has_errors(gates):
            result.error = "a gate failed; nothing was published"
            return result
        t_grade = time.perf_counter()
        result.grades, grade_findings = review(spec, target, staging)
        result.gates = gates + grade_findings
        timings["grade"] = round(time.perf_counter() - t_grade, 3)
        laps.lap("grade")
        if has_errors(grade_findings):
            result.error = "a clause scored below its threshold; nothing was published"
            return result
        t2 = time.perf_counter()

        def record(folder: str, hashes: dict[str, str]) -> None:
            result.folder, result.files = folder, hashes
            timings["publish"] = round(time.perf_counter() - t2, 3)
            record_published(spec_dir, spec, result, job.backend)

        folder, hashes = publish(spec_dir, job.target, staging, record)
        staging = None
        timings["publish"] = round(time.perf_counter() - t2, 3)
        laps.lap("publish")
        result.status = "built"
        result.folder = folder
        result.files = hashes
        return result
    except SpecloomError as exc:
        result.error = str(exc)
        result.gates.append(
            Finding(
                rule="BUILD",
                severity=Severity.ERROR,
                message=exc.message,
                file=exc.file,
                line=exc.line,
            )
        )
        return result
    finally:
        result.llm_usage = _llm_usage(target)
        if staging is not None:
            remove_tree(staging)


def record_published(spec_dir: Path, spec: Spec, r: JobResult, backend: str) -> None:
    """Record a target in the manifest right after its publish (under the manifest lock), so
    a kill later in the build leaves a manifest true to what is published."""

    def fresh() -> Manifest:
        return Manifest(
            spec=spec.id,
            spec_hash=spec.hash,
            spec_version=spec.version,
            specloom_version=__version__,
        )

    def change(m: Manifest) -> None:
        m.targets[r.target] = target_record(r, backend)

    update_manifest(spec_dir, fresh, change)


def target_record(r: JobResult, backend: str) -> TargetRecord:
    """The manifest record of a published target."""
    assert r.folder is not None
    return TargetRecord(
        target_version=r.target_version,
        input_hash=r.input_hash,
        inputs=r.inputs,
        backend=backend,
        folder=r.folder,
        files=r.files,
        gates=r.gates,
        covered_clauses=r.covered,
        grades=r.grades,
        timings=r.timings,
    )


def _llm_usage(target: Target) -> dict[str, Any] | None:
    """The LLM session's usage report for this target (None when no LLM was used)."""
    report = getattr(target.ctx.llm, "usage_report", None)
    if not callable(report):
        return None
    data = report()
    per_target = data.get("targets", {}) if isinstance(data, dict) else {}
    usage = per_target.get(target.name) if isinstance(per_target, dict) else None
    if isinstance(usage, dict):
        return {"model": data.get("model"), **usage}
    return data if isinstance(data, dict) else None


def review(spec: Spec, target: Target, root: Path) -> tuple[list[dict[str, Any]], list[Finding]]:
    """The grader's scores of the artifact against each clause it covers, and its GRD001
    findings at the configured severity.

    Builds grade with the rules grader unless `[tool.specloom.llm.grader] mode = "llm"` is
    set explicitly: the grader's `auto` mode (the LLM whenever `--backend openai`) would make
    one request per covered clause per target on every build (about 1,000 for the Model
    Spec), which a build should not do unasked.
    """
    from specloom.llm.grader import grades_json, review_artifacts

    ctx = target.ctx
    llm = dict(ctx.settings.get("llm") or {})
    grader = dict(llm.get("grader") or {})
    if grader.get("mode", "auto") == "auto":
        ctx = dataclasses.replace(
            ctx, settings={**ctx.settings, "llm": {**llm, "grader": {**grader, "mode": "rules"}}}
        )
    grades, findings = review_artifacts(spec, target.name, root, ctx)
    return grades_json(grades), findings


def failed_result(job: Job, exc: BaseException) -> JobResult:
    """A failed result for an exception that escaped `run_job` (after retries, if any)."""
    message = f"internal error in target {job.target!r}: {type(exc).__name__}: {exc}"
    return JobResult(
        spec_id=job.spec_id,
        target=job.target,
        status="failed",
        input_hash=job.input_hash,
        error=message,
        gates=[Finding(rule="BUILD", severity=Severity.ERROR, message=message)],
    )
