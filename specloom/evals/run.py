"""`specloom eval`: ask the model under test each case, grade each answer, write the run."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from specloom.errors import SpecloomError
from specloom.evals.case import EvalCase
from specloom.evals.grading import EvalGrade, answer_messages, grader_messages
from specloom.evals.suite import suite_digest
from specloom.llm.cache import ResponseCache
from specloom.llm.client import LlmAuthError, LlmClient, LlmError, check_credentials
from specloom.llm.config import LlmConfig
from specloom.llm.usage import UsageLedger

RESULTS = "results.jsonl"
RUN_FILE = "run.json"
ANSWER = "eval:answer"
GRADE = "eval:grade"


@dataclass(frozen=True)
class RunPlan:
    """One run: which cases, which models, where it is written, its limits."""

    spec: str
    suite: str
    """The suite's cases.jsonl, as given."""
    cases: list[EvalCase]
    model: LlmConfig
    grader: LlmConfig
    folder: Path
    concurrency: int = 4
    max_tokens: int | None = None


def run_name(spec: str, model: str, grader: str, cases: list[EvalCase]) -> str:
    """`<spec>-<model>-<digest8>`: the same suite, models and selection resume the same run."""
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", model).strip("._") or "model"
    digest = suite_digest(cases)[:8]
    tag = re.sub(r"[^A-Za-z0-9_.-]+", "_", grader).strip("._")
    return f"{spec}-{slug}-{digest}" if grader == model else f"{spec}-{slug}-by-{tag}-{digest}"


def _identity(plan: RunPlan) -> dict[str, Any]:
    return {
        "spec": plan.spec,
        "model": plan.model.model,
        "grader_model": plan.grader.model,
        "cases": [c.id for c in plan.cases],
        "suite_digest": suite_digest(plan.cases),
    }


def _prepare(plan: RunPlan) -> dict[str, dict[str, Any]]:
    """Create the run folder, or check it belongs to the same run; results already there."""
    plan.folder.mkdir(parents=True, exist_ok=True)
    run_file = plan.folder / RUN_FILE
    ident = _identity(plan)
    if run_file.is_file():
        try:
            old = json.loads(run_file.read_text(encoding="utf-8"))
        except ValueError:
            old = None
        if old != ident:
            raise SpecloomError(
                "this run folder holds a run of other cases or models",
                file=str(run_file),
                hint="choose another --run name, or delete the folder to start over",
            )
    else:
        run_file.write_text(json.dumps(ident, indent=2) + "\n", encoding="utf-8")
    done: dict[str, dict[str, Any]] = {}
    results = plan.folder / RESULTS
    if results.is_file():
        wanted = {c.id for c in plan.cases}
        for line in results.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
            except ValueError:
                continue  # a line cut by a kill: that case runs again
            if isinstance(row, dict) and row.get("case") in wanted:
                done[row["case"]] = row
    return done


def _result(case: EvalCase, **fields: Any) -> dict[str, Any]:
    return {
        "case": case.id,
        "clause": case.clause.id,
        "level": case.clause.level,
        "authority": case.clause.authority,
        **fields,
    }


def run_case(case: EvalCase, answerer: LlmClient, grader: LlmClient) -> dict[str, Any]:
    """One case: the model's answer, then the grader's verdict; errors become `error` rows."""
    try:
        answer = answerer.text(answer_messages(case), target=ANSWER)
    except LlmAuthError:
        raise
    except LlmError as exc:
        return _result(case, status="error", stage="answer", error=exc.message)
    try:
        grade = grader.structured(grader_messages(case, answer), EvalGrade, target=GRADE)
    except LlmAuthError:
        raise
    except LlmError as exc:
        return _result(case, status="error", stage="grade", answer=answer, error=exc.message)
    return _result(
        case,
        status="passed" if grade.verdict == "pass" else "failed",
        answer=answer,
        score=grade.score,
        closer_to=grade.closer_to,
        reason=grade.reason,
    )


@dataclass
class RunOutcome:
    """The rows of every chosen case (done earlier or now) and what was left out."""

    rows: list[dict[str, Any]]
    not_run: list[str]
    """Case ids not run because the spend cap was reached."""
    usage: dict[str, Any]


def execute(
    plan: RunPlan,
    cache_dir: Path,
    on_done: Callable[[dict[str, Any]], None] = lambda row: None,
) -> RunOutcome:
    """Run the plan's cases (resuming), appending each row to results.jsonl as it finishes."""
    for config in (plan.model, plan.grader):
        check_credentials(config)  # before the run folder exists: a bad setup leaves nothing
    done = _prepare(plan)
    for row in done.values():
        on_done(row)
    ledger = UsageLedger({**plan.model.prices, **plan.grader.prices})
    cache = ResponseCache(cache_dir / "llm")
    answerer = LlmClient(plan.model, ledger, cache)
    grader = LlmClient(plan.grader, ledger, cache)
    todo = [c for c in plan.cases if c.id not in done]
    lock = threading.Lock()
    not_run: list[str] = []

    def spent() -> int:
        report = ledger.report()["total"]
        return int(report["prompt_tokens"]) + int(report["completion_tokens"])

    results = plan.folder / RESULTS
    if results.is_file() and results.stat().st_size:
        with results.open("rb") as raw:
            raw.seek(-1, 2)
            torn = raw.read(1) != b"\n"
        if torn:  # a kill cut the last line: end it, so the next row starts a line of its own
            with results.open("a", encoding="utf-8") as text:
                text.write("\n")
    with results.open("a", encoding="utf-8") as out:
        pool = ThreadPoolExecutor(max_workers=plan.concurrency, thread_name_prefix="eval")
        pending: set[Future[dict[str, Any]]] = set()
        queue = list(todo)
        try:
            while queue or pending:
                while queue and len(pending) < plan.concurrency:
                    if plan.max_tokens is not None and spent() >= plan.max_tokens:
                        not_run += [c.id for c in queue]
                        queue.clear()
                        break
                    pending.add(pool.submit(run_case, queue.pop(0), answerer, grader))
                if not pending:
                    break
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    row = fut.result()
                    with lock:
                        out.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
                        out.flush()
                    done[row["case"]] = row
                    on_done(row)
        finally:
            for fut in pending:
                fut.cancel()
            pool.shutdown(wait=True, cancel_futures=True)
    rows = [done[c.id] for c in plan.cases if c.id in done]
    usage = ledger.report()
    usage["model"] = plan.model.model
    usage["grader_model"] = plan.grader.model
    return RunOutcome(rows=rows, not_run=not_run, usage=usage)
