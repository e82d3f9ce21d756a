"""`specloom eval PATH --model NAME`: run a published eval suite against a model, grade it."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from specloom.errors import SpecloomError


class EvalFormat(StrEnum):
    """Output format of `specloom eval`."""

    text = "text"
    json = "json"


def _compare(runs: list[Path], fmt: EvalFormat) -> None:
    from specloom.evals.report import compare, read_report, render_compare

    diff = compare(read_report(runs[0]), read_report(runs[1]))
    if fmt is EvalFormat.json:
        typer.echo(json.dumps(diff, indent=2))
    else:
        typer.echo("\n".join(render_compare(diff)))


def run_eval_command(
    path: Path,
    *,
    model: str | None,
    grader_model: str | None,
    run: str | None,
    runs_dir: Path | None,
    max_cases: int | None,
    sample: int | None,
    seed: int,
    concurrency: int | None,
    max_tokens: int | None,
    fail_under: float | None,
    cache_dir: Path | None,
    progress: bool,
) -> dict[str, Any]:
    """Plan, execute and report one run; returns the report."""
    import importlib.util

    from specloom.config import load_config
    from specloom.evals.report import build_report, write_report
    from specloom.evals.run import RunPlan, execute, run_name
    from specloom.evals.settings import load_eval_settings
    from specloom.evals.suite import load_cases, select
    from specloom.llm.config import load_llm_config
    from specloom.pipeline.paths import check_name

    if importlib.util.find_spec("openai") is None:
        raise SpecloomError(
            "specloom eval talks to the model through the `openai` package, which is not installed",
            hint="pip install 'specloom[llm]'",
        )
    cfg = load_config(path if path.exists() else None)
    settings = load_eval_settings(cfg.evals)
    base = load_llm_config(cfg.llm)
    model = model or settings.model
    if not model:
        raise SpecloomError(
            "no model to evaluate",
            hint="pass --model NAME (or set [tool.specloom.evals] model)",
        )
    grader_name = grader_model or settings.grader_model or base.model
    suite, cases = load_cases(path)
    chosen = select(cases, max_cases=max_cases, sample=sample, seed=seed)
    spec = chosen[0].spec if chosen else cases[0].spec
    name = run or run_name(spec, model, grader_name, chosen)
    check_name(name, "--run")
    folder = (runs_dir or cfg.root / settings.runs_dir) / name
    plan = RunPlan(
        spec=spec,
        suite=str(suite),
        cases=chosen,
        model=base.model_copy(
            update={"model": model, "base_url": settings.base_url or base.base_url}
        ),
        grader=base.model_copy(
            update={"model": grader_name, "base_url": settings.grader_base_url or base.base_url}
        ),
        folder=folder,
        concurrency=concurrency or settings.concurrency,
        max_tokens=max_tokens if max_tokens is not None else settings.max_tokens,
    )
    floors = dict(settings.fail_under)
    if fail_under is not None:
        floors.update({"MUST": fail_under, "MUST NOT": fail_under})

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console(stderr=True)
    with Progress(
        TextColumn("eval {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[passed]} passed"),
        console=console,
        disable=not progress or not console.is_terminal,
        transient=True,
    ) as bar:
        task = bar.add_task(name, total=len(chosen), passed=0)
        passed = [0]

        def tick(row: dict[str, Any]) -> None:
            passed[0] += row["status"] == "passed"
            bar.update(task, advance=1, passed=passed[0])

        outcome = execute(plan, cache_dir or cfg.root / ".specloom-cache", tick)
    report = build_report(
        run=name,
        spec=spec,
        suite=str(suite),
        model=model,
        grader_model=grader_name,
        rows=outcome.rows,
        planned=len(chosen),
        not_run=outcome.not_run,
        fail_under=floors,
        usage=outcome.usage,
    )
    write_report(folder, report)
    report["folder"] = str(folder)
    return report


def register(app: typer.Typer) -> None:
    """Add the `eval` command."""

    @app.command("eval")
    def eval_(
        path: Path | None = typer.Argument(
            None, help="output/<spec>/evals (or its cases.jsonl, or output/<spec>)."
        ),
        model: str | None = typer.Option(None, "--model", help="The model under test."),
        grader_model: str | None = typer.Option(
            None, "--grader-model", help="The grader (default: \\[tool.specloom.llm] model)."
        ),
        run: str | None = typer.Option(
            None, "--run", help="Run name (default: <spec>-<model>-<digest>; same name resumes)."
        ),
        runs_dir: Path | None = typer.Option(
            None, "--runs-dir", help="Folder of run folders (default: evals-runs)."
        ),
        max_cases: int | None = typer.Option(
            None, "--max-cases", min=1, help="Run at most N cases."
        ),
        sample: int | None = typer.Option(None, "--sample", min=1, help="Draw N cases at random."),
        seed: int = typer.Option(0, "--seed", help="Seed of --sample."),
        concurrency: int | None = typer.Option(
            None, "--concurrency", min=1, max=64, help="Cases in flight at once (default 4)."
        ),
        max_tokens: int | None = typer.Option(
            None, "--max-tokens", min=1, help="Spend cap: start no case past N tokens."
        ),
        fail_under: float | None = typer.Option(
            None,
            "--fail-under",
            min=0.0,
            max=1.0,
            help="Lowest pass rate of MUST/MUST NOT clauses (default 1.0); below it, exit 1.",
        ),
        compare_runs: tuple[Path, Path] | None = typer.Option(
            None, "--compare", help="Compare two runs: --compare RUN_A RUN_B (no PATH)."
        ),
        cache_dir: Path | None = typer.Option(None, "--cache-dir", help="LLM answer cache."),
        fmt: EvalFormat = typer.Option(EvalFormat.text, "--format", help="text or json."),
        progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar."),
    ) -> None:
        """Run an eval suite against a model and grade each answer per clause."""
        if compare_runs is not None and any(compare_runs):
            if path is not None:
                raise SpecloomError(
                    "--compare takes two runs and no PATH",
                    hint="specloom eval --compare evals-runs/A evals-runs/B",
                )
            _compare(list(compare_runs), fmt)
            return
        if path is None:
            raise SpecloomError(
                "no eval suite given", hint="specloom eval output/<spec>/evals --model NAME"
            )
        report = run_eval_command(
            path,
            model=model,
            grader_model=grader_model,
            run=run,
            runs_dir=runs_dir,
            max_cases=max_cases,
            sample=sample,
            seed=seed,
            concurrency=concurrency,
            max_tokens=max_tokens,
            fail_under=fail_under,
            cache_dir=cache_dir,
            progress=progress,
        )
        if fmt is EvalFormat.json:
            typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
        else:
            t = report["totals"]
            rate = "-" if t["pass_rate"] is None else f"{t['pass_rate'] * 100:.1f}%"
            typer.echo(
                f"{report['run']}: {t['passed']}/{t['cases']} passed ({rate}), "
                f"{t['failed']} failed, {t['errors']} error(s)"
                + ("" if report["complete"] else f", {len(report['not_run'])} not run (spend cap)")
            )
            for b in report["thresholds"]:
                if b["pass_rate"] is not None:
                    mark = "ok" if b["ok"] else "BELOW"
                    bar = f"bar {b['fail_under'] * 100:.0f}%"
                    typer.echo(f"  {b['level']}: {b['pass_rate'] * 100:.1f}% ({bar}) {mark}")
            typer.echo(f"report: {report['folder']}/report.md")
        sys.exit(0 if report["ok"] else 1)
