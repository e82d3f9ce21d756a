"""The docs site's "Evals" page: the results of one `specloom eval` run, when configured."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from specloom.errors import SpecloomError

EVALS_PAGE = "evals.md"


def report_path(run: str) -> Path:
    """The run's report.json: `run` is a run folder or the report file itself."""
    path = Path(run)
    return path / "report.json" if path.is_dir() or not path.suffix else path


def read_run(run: str) -> tuple[dict[str, Any], bytes]:
    """The report and its bytes; a clear error naming the config key when it is unusable."""
    path = report_path(run)
    try:
        data = path.read_bytes()
        report = json.loads(data)
    except (OSError, ValueError) as exc:
        raise SpecloomError(
            f"the eval run configured for the docs cannot be read: {exc}",
            file=str(path),
            hint="fix [tool.specloom.targets.docs] evals_runs (a folder written by "
            "`specloom eval`), or remove the entry",
        ) from None
    if not isinstance(report, dict) or report.get("format") != "specloom-eval-report/1":
        raise SpecloomError(
            "not an eval run report (format specloom-eval-report/1)",
            file=str(path),
            hint="point [tool.specloom.targets.docs] evals_runs at a `specloom eval` run folder",
        )
    return report, data


def run_digest(run: str) -> str:
    """sha256 of the run's report.json: part of the docs input hash."""
    return hashlib.sha256(read_run(run)[1]).hexdigest()


def _cell(text: object) -> str:
    one = " ".join(str(text if text is not None else "-").split())
    one = one.replace("&", "&amp;").replace("<", "&lt;").replace("|", "\\|").replace("`", "'")
    return one if len(one) <= 300 else one[:299] + "…"


def _pct(rate: object) -> str:
    return f"{float(rate) * 100:.1f}%" if isinstance(rate, (int, float)) else "-"


def evals_page(report: dict[str, Any]) -> str:
    """Markdown: the run, the verdict, pass rates per level, authority and clause, failures."""
    t = report.get("totals", {})
    lines = [
        "# Evals",
        "",
        f"Run `{_cell(report.get('run'))}`: model `{_cell(report.get('model'))}`, grader "
        f"`{_cell(report.get('grader_model'))}`. {t.get('passed', 0)} of {t.get('cases', 0)} "
        f"case(s) passed ({_pct(t.get('pass_rate'))}); "
        f"{'complete' if report.get('complete') else 'incomplete'}, "
        f"**{'pass' if report.get('ok') else 'fail'}**.",
        "",
        "| level | cases | passed | pass rate |",
        "| --- | --- | --- | --- |",
    ]
    for level, s in report.get("by_level", {}).items():
        lines.append(f"| {_cell(level)} | {s['cases']} | {s['passed']} | {_pct(s['pass_rate'])} |")
    lines += ["", "| authority | cases | passed | pass rate |", "| --- | --- | --- | --- |"]
    for auth, s in report.get("by_authority", {}).items():
        lines.append(f"| {_cell(auth)} | {s['cases']} | {s['passed']} | {_pct(s['pass_rate'])} |")
    lines += [
        "",
        "| clause | level | cases | passed | pass rate |",
        "| --- | --- | --- | --- | --- |",
    ]
    for clause, s in report.get("by_clause", {}).items():
        lines.append(
            f"| `{_cell(clause)}` | {_cell(s.get('level'))} | {s['cases']} | {s['passed']} | "
            f"{_pct(s['pass_rate'])} |"
        )
    failures = report.get("failures", [])
    if failures:
        lines += ["", "## Failures", "", "| case | reason | answer |", "| --- | --- | --- |"]
        for f in failures:
            case, reason, answer = (_cell(f.get(k)) for k in ("case", "reason", "answer"))
            lines.append(f"| `{case}` | {reason} | {answer} |")
    return "\n".join(lines) + "\n"
