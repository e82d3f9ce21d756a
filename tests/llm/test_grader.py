"""The grader: rules by default, the LLM over real HTTP when asked, results for the report."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from specloom.findings import Severity
from specloom.llm.grader import (
    find_excerpts,
    grade_artifacts,
    grade_findings,
    grades_json,
    review_artifacts,
)
from specloom.llm.session import usage_report
from specloom.model import (
    Clause,
    Example,
    Level,
    SourcePos,
    Spec,
    Transcript,
    TranscriptMessage,
    Workspace,
)
from specloom.target import BuildContext

FAKE_KEY = "sk-specloom-FAKE-KEY-grader-55aa55aa55"
POS = SourcePos(file="specs/billing/spec.md", line=1)
BAD_TOTAL = '{"status": "draft", "total": "12.50 EUR"}'


def clause(cid: str, level: Level, text: str) -> Clause:
    return Clause(id=cid, kind="statement", title=text[:20], text=text, level=level, pos=POS)


@pytest.fixture
def spec() -> Spec:
    transcript = Transcript(
        raw="...",
        pos=POS,
        messages=[
            TranscriptMessage(
                role="response", text='{"total": {"amount_minor": 1250}}', verdict="GOOD", pos=POS
            ),
            TranscriptMessage(role="response", text=BAD_TOTAL, verdict="BAD", pos=POS),
        ],
    )
    return Spec(
        id="billing",
        title="Billing",
        path="specs/billing/spec.md",
        hash="0" * 64,
        clauses=[
            clause("bil1", Level.MUST, "An invoice MUST contain at least one line item."),
            clause("bil2", Level.MUST, "Totals MUST be computed in minor units of one currency."),
            clause(
                "bil6", Level.SHOULD, "An invoice identifier SHOULD start with the prefix inv_."
            ),
            clause("bil7", Level.MAY, "A client MAY give a due date."),
            clause("bil10", Level.MUST, "A paid invoice MUST NOT be changed."),
        ],
        examples=[
            Example(title="totals", clause="bil2", source="inline", transcript=transcript, pos=POS)
        ],
    )


@pytest.fixture
def artifact(tmp_path: Path) -> Path:
    root = tmp_path / "artifact"
    (root / "docs").mkdir(parents=True)
    (root / "src").mkdir()
    (root / "docs" / "invoices.md").write_text(
        "# Invoices\n\n<a id='bil1'></a>\nAn invoice must contain at least one line item.\n\n"
        f"Clause bil2: the total looks like this:\n\n    {BAD_TOTAL}\n",
        encoding="utf-8",
    )
    (root / "src" / "index.ts").write_text(
        "/** An invoice id. @see bil6 */\nexport type InvoiceId = string;\n", encoding="utf-8"
    )
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe bil7")
    return root


def make_ctx(tmp_path: Path, backend: str = "template", **llm: Any) -> BuildContext:
    return BuildContext(
        workspace=Workspace(root="."),
        output_dir=tmp_path / "output",
        cache_dir=tmp_path / "cache",
        backend=backend,
        settings={"llm": {"backoff_base": 0.0, "max_retries": 1, "timeout": 2.0, **llm}},
    )


def test_rules_grader_scores_evidence(spec: Spec, artifact: Path, tmp_path: Path) -> None:
    grades = grade_artifacts(spec, "no-such-target", artifact, make_ctx(tmp_path))
    by_id = {g.clause: g for g in grades}
    # bil7 only occurs in a binary file, bil10 nowhere (and "bil1" must not match it)
    assert sorted(by_id) == ["bil1", "bil2", "bil6"]
    assert [g.clause for g in grades] == ["bil1", "bil2", "bil6"]  # spec order

    bil1 = by_id["bil1"]
    assert (bil1.score, bil1.threshold, bil1.passed, bil1.grader) == (5, 4, True, "rules")
    assert (bil1.file, bil1.line) == ("docs/invoices.md", 3)
    assert "keeps the MUST strength" in bil1.rationale

    bil2 = by_id["bil2"]
    assert not bil2.passed and "reproduces a BAD example" in bil2.rationale

    bil6 = by_id["bil6"]
    assert bil6.file == "src/index.ts" and bil6.threshold == 3 and not bil6.passed

    findings = grade_findings(grades)
    assert {f.clause for f in findings} == {"bil2", "bil6"}
    assert all(f.rule == "GRD001" and f.severity is Severity.WARNING for f in findings)
    assert "below 3" in next(f.message for f in findings if f.clause == "bil6")

    assert json.loads(json.dumps(grades_json(grades)))[0]["clause"] == "bil1"


def test_a_targets_copied_theme_files_give_no_excerpt(spec: Spec, tmp_path: Path) -> None:
    """The docs target's `site/assets/` (MkDocs copies the theme there) is not graded: a
    better-looking excerpt in a theme file must not stand for the site's own text."""
    root = tmp_path / "docs"
    (root / "site" / "assets").mkdir(parents=True)
    (root / "site" / "assets" / "theme.js").write_text(
        "// bil6: An invoice identifier SHOULD start with the prefix inv_.\n", encoding="utf-8"
    )
    (root / "site" / "index.html").write_text(
        '<article class="md-content__inner md-typeset"><p id="bil6">bil6: ids</p></article>\n',
        encoding="utf-8",
    )
    docs = {g.clause: g for g in grade_artifacts(spec, "docs", root, make_ctx(tmp_path))}
    assert (docs["bil6"].file, docs["bil6"].passed) == ("site/index.html", False)
    anyone = {g.clause: g for g in grade_artifacts(spec, "x", root, make_ctx(tmp_path))}
    assert (anyone["bil6"].file, anyone["bil6"].passed) == ("site/assets/theme.js", True)


def test_thresholds_are_configurable(spec: Spec, artifact: Path, tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path, grader={"thresholds": {"MUST": 5, "SHOULD": 1}})
    grades = {g.clause: g for g in grade_artifacts(spec, "x", artifact, ctx)}
    assert grades["bil6"].passed and grades["bil6"].threshold == 1


def test_llm_grader_over_http_then_cached(
    spec: Spec,
    artifact: Path,
    tmp_path: Path,
    fake_openai: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    fake_openai.script(
        fake_openai.ok({"score": 4, "rationale": "states the rule in lowercase"}),
        fake_openai.status(429),
        fake_openai.ok({"score": 1, "rationale": "shows a decimal string total"}),
        fake_openai.refusal(),
    )
    ctx = make_ctx(tmp_path, backend="openai", grader={"concurrency": 1})  # scripted order
    grades = {g.clause: g for g in grade_artifacts(spec, "docs", artifact, ctx)}
    assert grades["bil1"].grader == "llm:gpt-4o-mini" and grades["bil1"].score == 4
    assert grades["bil2"].score == 1 and "decimal string" in grades["bil2"].rationale
    # the refusal for bil6 falls back to the rules grade, and says so
    assert grades["bil6"].grader == "rules" and "LLM grader unavailable" in grades["bil6"].rationale

    bodies = [r.body for r in fake_openai.chat_requests()]
    assert len(bodies) == 4
    bil2_prompt = bodies[1]["messages"][1]["content"]
    assert "Clause bil2 (MUST): Totals MUST be computed" in bil2_prompt
    assert f"BAD: {BAD_TOTAL}" in bil2_prompt and "GOOD:" in bil2_prompt
    assert "Artifact excerpt (docs/invoices.md, line 6)" in bil2_prompt

    report = usage_report(ctx)
    assert report is not None and report["targets"]["docs"]["requests"] == 4

    # a second build with the same inputs: zero requests, the same grades where cached
    ctx2 = make_ctx(tmp_path, backend="openai", grader={"concurrency": 1})
    fake_openai.script(fake_openai.ok({"score": 3, "rationale": "ok"}))
    again = {g.clause: g for g in grade_artifacts(spec, "docs", artifact, ctx2)}
    assert again["bil1"] == grades["bil1"] and again["bil2"] == grades["bil2"]
    assert len(fake_openai.chat_requests()) == 5  # only bil6, whose refusal was not cached

    # secret hygiene: nothing written or logged holds the key
    out = tmp_path / "report.json"
    out.write_text(
        json.dumps({"grades": grades_json(list(grades.values())), "llm": usage_report(ctx)}),
        encoding="utf-8",
    )
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.suffix == ".json" and "cache" in p.parts for p in written)
    for p in written:
        assert FAKE_KEY.encode() not in p.read_bytes(), p
    assert FAKE_KEY not in caplog.text and FAKE_KEY[:14] not in caplog.text


def test_rules_mode_never_calls_the_model(
    spec: Spec, artifact: Path, tmp_path: Path, fake_openai: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    ctx = make_ctx(tmp_path, backend="openai", grader={"mode": "rules"})
    assert all(g.grader == "rules" for g in grade_artifacts(spec, "x", artifact, ctx))
    assert fake_openai.requests == []


def test_review_uses_the_configured_severity(spec: Spec, artifact: Path, tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path, grader={"severity": "error"})
    grades, findings = review_artifacts(spec, "x", artifact, ctx)
    assert len(grades) == 3 and {f.clause for f in findings} == {"bil2", "bil6"}
    assert all(f.severity is Severity.ERROR for f in findings)


def test_find_excerpts_matches_whole_ids_only() -> None:
    files = [("a.md", ["bil1 and bil10", "x-bil1 bil1_x (bil1)", "see v1.2 and v1.23"])]
    found = find_excerpts(files, ["bil1", "bil10", "v1.2", "nope"], 0)
    assert [(e.line, e.text) for e in found["bil1"]] == [
        (1, "bil1 and bil10"),
        (2, "x-bil1 bil1_x (bil1)"),
    ]
    assert [e.line for e in found["bil10"]] == [1]
    assert [e.line for e in found["v1.2"]] == [3]
    assert found["nope"] == []


def test_llm_grades_in_parallel_keep_clause_order_and_levels(
    spec: Spec, artifact: Path, tmp_path: Path, fake_openai: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)

    def by_clause(body: dict[str, Any]) -> dict[str, Any]:
        prompt = body["messages"][1]["content"]
        cid = prompt.split()[1]
        return {"score": {"bil1": 2, "bil2": 3}.get(cid, 4), "rationale": f"about {cid}"}

    fake_openai.responder = by_clause
    ctx = make_ctx(tmp_path, backend="openai", grader={"concurrency": 4, "llm_levels": ["MUST"]})
    grades = grade_artifacts(spec, "docs", artifact, ctx)
    assert [(g.clause, g.score, g.rationale) for g in grades[:2]] == [
        ("bil1", 2, "about bil1"),
        ("bil2", 3, "about bil2"),
    ]
    assert grades[2].clause == "bil6" and grades[2].grader == "rules"  # SHOULD: not sent
    assert len(fake_openai.chat_requests()) == 2
