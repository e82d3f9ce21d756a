"""A run's `report.json` and `report.md`: pass rates per clause, level and authority."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from specloom.userfile import write_user_text

MUST_LEVELS = ("MUST", "MUST NOT")


def _rate(rows: list[dict[str, Any]]) -> dict[str, Any]:
    passed = sum(1 for r in rows if r["status"] == "passed")
    failed = sum(1 for r in rows if r["status"] == "failed")
    errors = sum(1 for r in rows if r["status"] == "error")
    total = len(rows)
    return {
        "cases": total,
        "passed": passed,
        "failed": failed,
        "errors": errors,
        "pass_rate": round(passed / total, 4) if total else None,
    }


def _group(rows: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(str(r.get(key) or "-"), []).append(r)
    return {k: _rate(v) for k, v in sorted(groups.items())}


def build_report(
    *,
    run: str,
    spec: str,
    suite: str,
    model: str,
    grader_model: str,
    rows: list[dict[str, Any]],
    planned: int,
    not_run: list[str],
    fail_under: dict[str, float],
    usage: dict[str, Any],
) -> dict[str, Any]:
    """The report: totals, rates per clause/level/authority, failures, errors, the verdict.

    An `error` row (no answer, or no usable grade after retries) counts as not passed. A run
    cut short by the spend cap is incomplete, and an incomplete run never passes.
    """
    by_level = _group(rows, "level")
    bars: list[dict[str, Any]] = []
    for level, floor in sorted(fail_under.items()):
        rate = by_level.get(level, {}).get("pass_rate")
        bars.append(
            {
                "level": level,
                "fail_under": floor,
                "pass_rate": rate,
                "ok": rate is None or rate >= floor,
            }
        )
    by_clause: dict[str, dict[str, Any]] = {}
    for clause, stats in _group(rows, "clause").items():
        first = next(r for r in rows if r["clause"] == clause)
        by_clause[clause] = {"level": first["level"], "authority": first["authority"], **stats}
    complete = not not_run and len(rows) == planned
    return {
        "format": "specloom-eval-report/1",
        "run": run,
        "spec": spec,
        "suite": suite,
        "model": model,
        "grader_model": grader_model,
        "complete": complete,
        "planned": planned,
        "not_run": not_run,
        "totals": _rate(rows),
        "by_level": by_level,
        "by_authority": _group(rows, "authority"),
        "by_clause": by_clause,
        "thresholds": bars,
        "ok": complete and all(b["ok"] for b in bars),
        "failures": [
            {
                k: r.get(k)
                for k in ("case", "clause", "level", "score", "closer_to", "reason", "answer")
            }
            for r in rows
            if r["status"] == "failed"
        ],
        "errors": [
            {k: r.get(k) for k in ("case", "clause", "level", "stage", "error", "answer")}
            for r in rows
            if r["status"] == "error"
        ],
        "usage": usage,
    }


def _pct(rate: float | None) -> str:
    return "-" if rate is None else f"{rate * 100:.1f}%"


def _cell(text: object, limit: int = 300) -> str:
    one = " ".join(str(text or "").split()).replace("|", "\\|").replace("<", "&lt;")
    return one if len(one) <= limit else one[: limit - 1] + "…"


def render_markdown(report: dict[str, Any]) -> str:
    """report.md: the verdict, the tables, each failure with the answer and the reason."""
    t = report["totals"]
    lines = [
        f"# Eval run {report['run']}",
        "",
        f"Spec `{report['spec']}`, model `{report['model']}`, grader `{report['grader_model']}`: "
        f"{t['passed']}/{t['cases']} passed ({_pct(t['pass_rate'])}), {t['failed']} failed, "
        f"{t['errors']} error(s). **{'PASS' if report['ok'] else 'FAIL'}**.",
        "",
    ]
    if not report["complete"]:
        lines += [
            f"Incomplete: {len(report['not_run'])} of {report['planned']} case(s) not run "
            "(spend cap); an incomplete run does not pass.",
            "",
        ]
    lines += ["| level | cases | passed | pass rate | bar |", "| --- | --- | --- | --- | --- |"]
    bars = {b["level"]: b for b in report["thresholds"]}
    for level, s in report["by_level"].items():
        bar = bars.get(level)
        mark = "" if bar is None else f"{_pct(bar['fail_under'])} {'ok' if bar['ok'] else 'BELOW'}"
        lines.append(
            f"| {level} | {s['cases']} | {s['passed']} | {_pct(s['pass_rate'])} | {mark} |"
        )
    lines += ["", "| authority | cases | passed | pass rate |", "| --- | --- | --- | --- |"]
    for auth, s in report["by_authority"].items():
        lines.append(f"| {auth} | {s['cases']} | {s['passed']} | {_pct(s['pass_rate'])} |")
    lines += ["", "## Clauses", "", "| clause | level | cases | passed | pass rate |"]
    lines += ["| --- | --- | --- | --- | --- |"]
    for clause, s in report["by_clause"].items():
        lines.append(
            f"| `{clause}` | {s['level']} | {s['cases']} | {s['passed']} | {_pct(s['pass_rate'])} |"
        )
    if report["failures"]:
        lines += ["", "## Failures", ""]
        for f in report["failures"]:
            lines += [
                f"### {f['case']} ({f['level']})",
                "",
                f"- reason: {_cell(f['reason'])} (score {f['score']}, closer to {f['closer_to']})",
                f"- answer: {_cell(f['answer'], 1000)}",
                "",
            ]
    if report["errors"]:
        lines += ["", "## Errors", ""]
        for e in report["errors"]:
            lines.append(f"- {e['case']}: {e['stage']}: {_cell(e['error'])}")
    u = report["usage"]["total"]
    lines += [
        "",
        f"Requests {u['requests']}, cache hits {u['cache_hits']}, tokens "
        f"{u['total_tokens']}, estimated ${u['estimated_cost_usd']:.4f} (this invocation).",
        "",
    ]
    return "\n".join(lines)


def write_atomic(path: Path, text: str) -> None:
    """Write through a temporary file and a rename (a normal file mode, not 0600)."""
    write_user_text(path, text)


def write_report(folder: Path, report: dict[str, Any]) -> None:
    """`report.json` and `report.md` in the run folder."""
    write_atomic(folder / "report.json", json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    write_atomic(folder / "report.md", render_markdown(report))


def read_report(folder: Path) -> dict[str, Any]:
    """A run's report.json (exit 2 naming the file when it is missing or not a report)."""
    from specloom.errors import SpecloomError

    path = folder / "report.json" if folder.is_dir() else folder
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SpecloomError(
            f"not an eval run report: {exc}",
            file=str(path),
            hint="pass a run folder written by `specloom eval` (evals-runs/<run>)",
        ) from None
    if not isinstance(data, dict) or data.get("format") != "specloom-eval-report/1":
        raise SpecloomError(
            "not an eval run report (format specloom-eval-report/1)",
            file=str(path),
            hint="pass a run folder written by `specloom eval` (evals-runs/<run>)",
        )
    return data


def compare(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Clauses whose pass rate rose or fell from run A to run B, and those in one run only."""
    ca, cb = a["by_clause"], b["by_clause"]
    better: list[dict[str, Any]] = []
    worse: list[dict[str, Any]] = []
    same: list[dict[str, Any]] = []
    for clause in sorted(ca.keys() & cb.keys()):
        ra, rb = ca[clause]["pass_rate"], cb[clause]["pass_rate"]
        row = {"clause": clause, "level": cb[clause]["level"], "a": ra, "b": rb}
        (better if (rb or 0) > (ra or 0) else worse if (rb or 0) < (ra or 0) else same).append(row)
    return {
        "a": {"run": a["run"], "model": a["model"], "spec": a["spec"]},
        "b": {"run": b["run"], "model": b["model"], "spec": b["spec"]},
        "better": better,
        "worse": worse,
        "unchanged": len(same),
        "only_a": sorted(ca.keys() - cb.keys()),
        "only_b": sorted(cb.keys() - ca.keys()),
        "totals": {"a": a["totals"]["pass_rate"], "b": b["totals"]["pass_rate"]},
    }


def render_compare(diff: dict[str, Any]) -> Iterable[str]:
    """The comparison as text lines."""
    a, b = diff["a"], diff["b"]
    yield f"A: {a['run']} ({a['model']})  B: {b['run']} ({b['model']})"
    yield f"pass rate {_pct(diff['totals']['a'])} -> {_pct(diff['totals']['b'])}"
    for title, rows in (("better", diff["better"]), ("worse", diff["worse"])):
        yield f"{title} ({len(rows)}):"
        for r in rows:
            yield f"  {r['clause']} [{r['level']}] {_pct(r['a'])} -> {_pct(r['b'])}"
    yield f"unchanged: {diff['unchanged']}"
    if diff["only_a"]:
        yield f"only in A: {', '.join(diff['only_a'])}"
    if diff["only_b"]:
        yield f"only in B: {', '.join(diff['only_b'])}"
