"""`specloom eval` end to end against a real OpenAI-wire HTTP server on 127.0.0.1: a model
under test and a grader model behind one server, answers and grades over real HTTP."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from evalkit import DESK, KEY, PYPROJECT, models, references, report_of, run

from specloom.cli.main import main


@pytest.fixture(scope="module")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project holding the desk spec and its eval suite, built once by `specloom build`."""
    root = tmp_path_factory.mktemp("eval-project")
    (root / "specs").mkdir()
    shutil.copytree(DESK, root / "specs" / "desk")
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        with pytest.raises(SystemExit) as exc:
            main(["build", "specs/desk", "-t", "evals"])
    assert exc.value.code == 0
    return root


@pytest.fixture
def suite(built_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the built project as the working folder; the suite's path in it."""
    project = tmp_path / "project"
    shutil.copytree(built_project, project, symlinks=True)
    monkeypatch.chdir(project)
    return Path("output/desk/evals")


@pytest.fixture
def server(fake_openai: Any, suite: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    fake_openai.serve_models(models(suite))
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.delenv("OPENAI_MODEL", raising=False)
    return fake_openai


def test_good_model_scores_100_and_bad_model_0(
    server: Any, suite: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["eval", str(suite), "--model", "good-model", "--no-progress"], capsys)
    good = report_of(out)
    assert code == 0, out
    assert good["totals"] == {"cases": 5, "passed": 5, "failed": 0, "errors": 0, "pass_rate": 1.0}
    assert good["ok"] and good["complete"]
    assert good["by_level"]["MUST NOT"]["pass_rate"] == 1.0
    assert set(good["by_clause"]) == {"scope", "hd1", "hd2", "hd4"}
    assert good["by_authority"]["developer"]["cases"] == 4
    assert (good["model"], good["grader_model"]) == ("good-model", "grader-model")
    run_dir = Path(out.split("report: ")[1].strip()).parent
    assert run_dir.parent == Path("evals-runs").resolve() or run_dir.parent.name == "evals-runs"
    assert (run_dir / "report.md").read_text(encoding="utf-8").count("PASS") == 1

    code, out, _ = run(["eval", str(suite), "--model", "bad-model", "--no-progress"], capsys)
    bad = report_of(out)
    assert code == 1
    # every case with a BAD reference fails; hd2-1 has none (GOOD only), so it passes
    with_bad = {cid for cid, c in references(suite).items() if c["bad"]}
    failed = {f["case"] for f in bad["failures"]}
    assert failed == with_bad == {"scope-1", "hd1-1", "hd1-2", "hd4-1"}
    assert bad["by_level"]["MUST NOT"] == {
        "cases": 4,
        "passed": 0,
        "failed": 4,
        "errors": 0,
        "pass_rate": 0.0,
    }
    assert not bad["ok"] and "BELOW" in out
    first = bad["failures"][0]
    assert first["answer"] and first["reason"] == "Matches a BAD reference."
    md = (Path(out.split("report: ")[1].strip())).read_text(encoding="utf-8")
    assert "## Failures" in md and "**FAIL**" in md

    # compare the two runs: the clauses that got worse
    runs = sorted(p for p in Path("evals-runs").iterdir())
    code, out, _ = run(["eval", "--compare", str(runs[1]), str(runs[0])], capsys)
    assert code == 0
    assert "worse (3):" in out and "hd1 [MUST NOT] 100.0% -> 0.0%" in out


def test_rerun_makes_no_request_and_resumes(
    server: Any, suite: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["eval", str(suite), "--model", "good-model", "--no-progress"]
    code, _, _ = run([*args, "--max-tokens", "1", "--concurrency", "1"], capsys)
    assert code == 1  # the spend cap stopped it: incomplete never passes
    assert len(server.chat_requests()) == 2  # one case: an answer and a grade
    runs = list(Path("evals-runs").iterdir())
    partial = json.loads((runs[0] / "report.json").read_text(encoding="utf-8"))
    assert not partial["complete"] and len(partial["not_run"]) == 4

    code, out, _ = run(args, capsys)  # the same run resumes: only the 4 missing cases
    assert code == 0 and report_of(out)["complete"]
    assert len(server.chat_requests()) == 2 + 8

    code, out, _ = run(args, capsys)  # all done: nothing to ask
    assert code == 0 and len(server.chat_requests()) == 10
    code, out, _ = run([*args, "--run", "again"], capsys)  # a new run: answers from the cache
    assert code == 0 and len(server.chat_requests()) == 10
    assert report_of(out)["usage"]["total"]["cache_hits"] == 10


def test_malformed_grades_are_retried_then_reported(
    server: Any, suite: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # one case: the answer, then three malformed grades (first try and two retries)
    server.script(
        server.ok(), server.malformed(), server.malformed('{"verdict": "maybe"'), server.malformed()
    )
    code, out, _ = run(
        ["eval", str(suite), "--model", "good-model", "--max-cases", "1", "--no-progress"], capsys
    )
    report = report_of(out)
    assert code == 1
    assert report["totals"]["errors"] == 1 and report["totals"]["passed"] == 0
    (error,) = report["errors"]
    assert error["stage"] == "grade" and "malformed" in error["error"]
    assert len(server.chat_requests()) == 4


@pytest.mark.parametrize(
    "failures",
    [["429", "500"], ["timeout"]],
    ids=["rate-limit-then-server-error", "timeout"],
)
def test_rate_limits_server_errors_and_timeouts_are_retried(
    failures: list[str], server: Any, suite: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    made = {
        "429": server.status(429, retry_after=0),
        "500": server.status(500),
        "timeout": server.delay(3.0),  # the client's timeout is 1 s
    }
    server.script(*(made[f] for f in failures))
    code, out, _ = run(
        ["eval", str(suite), "--model", "good-model", "--max-cases", "1", "--no-progress"], capsys
    )
    assert code == 0, out
    report = report_of(out)
    assert report["totals"]["passed"] == 1
    assert report["usage"]["targets"]["eval:answer"]["requests"] == len(failures) + 1


def test_sample_is_seeded_and_the_key_is_never_written(
    server: Any, suite: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["eval", str(suite), "--model", "good-model", "--sample", "2", "--no-progress"]
    _, out, _ = run([*args, "--seed", "3"], capsys)
    first = report_of(out)
    _, out, _ = run([*args, "--seed", "3", "--run", "same-seed"], capsys)
    assert report_of(out)["by_clause"] == first["by_clause"]
    assert first["planned"] == 2
    written = [p for p in Path(".").rglob("*") if p.is_file()]
    assert any("evals-runs" in p.parts for p in written)
    assert any(".specloom-cache" in p.parts for p in written)
    for p in written:
        assert KEY.encode() not in p.read_bytes(), p
    assert all(r.headers["authorization"] == f"Bearer {KEY}" for r in server.chat_requests())


def test_bad_input_is_exit_2_with_the_place_and_a_fix(
    suite: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["eval", "nowhere", "--model", "m"], capsys)
    assert code == 2 and "no eval suite at nowhere" in err and "fix:" in err
    broken = Path("broken")
    broken.mkdir()
    lines = (suite / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    (broken / "cases.jsonl").write_text(lines[0] + "\n{not json\n", encoding="utf-8")
    code, _, err = run(["eval", str(broken), "--model", "m"], capsys)
    assert code == 2 and "broken/cases.jsonl:2:" in err and "Traceback" not in err
    code, _, err = run(["eval", str(suite)], capsys)
    assert code == 2 and "no model to evaluate" in err
    code, _, err = run(["eval", "--compare", "evals-runs/a", "x"], capsys)
    assert code == 2 and "not an eval run report" in err


@pytest.mark.slow
def test_docs_show_an_evals_page_only_for_a_configured_run(
    server: Any, suite: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["eval", str(suite), "--model", "good-model", "--no-progress"], capsys)
    run_dir = Path(out.split("report: ")[1].strip()).parent
    code, _, err = run(["build", "specs/desk", "-t", "docs"], capsys)
    assert code == 0, err
    site = Path("output/desk/docs/site")
    assert not (site / "evals" / "index.html").exists() and not (site / "evals.html").exists()

    rel = run_dir.relative_to(Path.cwd())
    with Path("pyproject.toml").open("a", encoding="utf-8") as fh:
        fh.write(f'\n[tool.specloom.targets.docs]\nevals_runs = {{ desk = "{rel}" }}\n')
    code, out, err = run(["build", "specs/desk", "-t", "docs", "--format", "json"], capsys)
    assert code == 0, err
    page = next(p for p in site.rglob("*.html") if p.parent.name == "evals" or p.stem == "evals")
    html = page.read_text(encoding="utf-8")
    assert "5 of 5" in html and "good-model" in html

    # the run is part of the docs input: a changed report rebuilds the docs, an unchanged
    # one does not
    code, out, _ = run(["build", "specs/desk", "-t", "docs", "--format", "json"], capsys)
    assert json.loads(out)["targets"][0]["status"] == "skipped"
    report = json.loads((run_dir / "report.json").read_text(encoding="utf-8"))
    report["totals"]["passed"] = 4
    (run_dir / "report.json").write_text(json.dumps(report), encoding="utf-8")
    code, out, _ = run(["build", "specs/desk", "-t", "docs", "--format", "json"], capsys)
    assert json.loads(out)["targets"][0]["status"] == "built"
    assert "4 of 5" in page.read_text(encoding="utf-8")


def test_concurrency_limits_requests_in_flight(
    server: Any, suite: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server.script(*[server.delay(0.3) for _ in range(10)])  # every request takes 0.3 s
    args = ["eval", str(suite), "--model", "good-model", "--no-progress", "--concurrency", "2"]
    code, out, _ = run(args, capsys)
    assert code == 0, out
    assert server.max_in_flight == 2


@pytest.mark.slow
def test_a_killed_run_resumes_where_it_stopped(server: Any, suite: Path) -> None:
    """kill -9 in the middle of a run (a real process), then the same command finishes it:
    cases already written are not asked again, and no case is reported twice."""
    server.script(*[server.delay(0.5) for _ in range(4)])  # the first two cases are slow
    cmd = [sys.executable, "-m", "specloom", "eval", str(suite), "--model", "good-model"]
    cmd += ["--no-progress", "--concurrency", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    results: list[Path] = []
    while time.monotonic() < deadline:
        results = list(Path("evals-runs").glob("*/results.jsonl"))
        if results and results[0].read_text(encoding="utf-8").count("\n") >= 1:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert results, "the run wrote no result before the kill"
    before = results[0].read_text(encoding="utf-8").splitlines()
    done = {json.loads(line)["case"] for line in before if line.strip().endswith("}")}
    assert 1 <= len(done) < 5
    asked = len(server.chat_requests())

    finished = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    rows = [json.loads(x) for x in results[0].read_text(encoding="utf-8").splitlines() if x]
    assert sorted(r["case"] for r in rows) == sorted(references(suite))
    assert len(server.chat_requests()) - asked == 2 * (5 - len(done))


def test_no_credentials_is_exit_2_and_leaves_no_run_folder(
    suite: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No API key and no base_url: a clear error before anything is written (the run folder
    would otherwise hold a run.json that a later, configured run has to resume)."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL"):
        monkeypatch.delenv(name, raising=False)
    code, _, err = run(["eval", str(suite), "--model", "m", "--no-progress"], capsys)
    assert code == 2 and "OPENAI_API_KEY" in err, err
    assert "docs/llm.md" in err and "https://" in err  # the published docs, not a repo path
    assert not Path("evals-runs").exists()
