"""The lint engine over real parsed specs: fixtures, the example workspace, the Model Spec."""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path

import pytest

from specloom.check.evals import missing_examples, orphan_example_files
from specloom.check.lint import enabled_rules, lint_spec, lint_workspace
from specloom.check.render import render_sarif, render_text
from specloom.check.rules import RULES
from specloom.config import LintConfig
from specloom.errors import ConfigError
from specloom.findings import Finding, Severity
from specloom.parse import load_spec, load_workspace

HERE = Path(__file__).parent
BAD = HERE / "fixtures" / "bad"
GOLDEN = HERE.parent / "golden" / "check"
LOADER_ONLY = {"SL103"}
"""Rules the loader pre-empts (it refuses cycles): tested on Python IR."""


def check_golden(name: str, text: str, update: bool) -> None:
    path = GOLDEN / name
    if update:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    want = path.read_text(encoding="utf-8") if path.exists() else ""
    if text != want:
        diff = "".join(
            difflib.unified_diff(want.splitlines(True), text.splitlines(True), str(path), "actual")
        )
        pytest.fail(f"golden mismatch:\n{diff}\nrun `pytest --update-goldens` to accept")


@pytest.fixture(scope="module")
def bad_findings(repo_root: Path) -> list[Finding]:
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(repo_root)  # paths in findings are as given: keep them repository-relative
        ws = load_workspace(BAD.relative_to(repo_root))
        return lint_workspace(ws, LintConfig(enable=["SL014"]))


def test_bad_workspace_text_golden(bad_findings: list[Finding], update_goldens: bool) -> None:
    check_golden("bad.txt", render_text(bad_findings), update_goldens)


def test_bad_workspace_sarif_golden(bad_findings: list[Finding], update_goldens: bool) -> None:
    check_golden("bad.sarif.json", render_sarif(bad_findings), update_goldens)


def test_every_rule_fires_on_the_bad_fixture(bad_findings: list[Finding]) -> None:
    fired = {f.rule for f in bad_findings}
    assert fired == set(RULES) - LOADER_ONLY


def test_every_finding_has_a_place(bad_findings: list[Finding]) -> None:
    for f in bad_findings:
        assert f.file and f.line and f.line >= 1, f
        assert Path(f.file).is_file(), f


def test_inline_and_file_suppressions(bad_findings: list[Finding]) -> None:
    shop = BAD / "shop" / "spec.md"
    lines = shop.read_text(encoding="utf-8").splitlines()
    some_line = next(i for i, t in enumerate(lines, 1) if t.startswith("Some orders"))
    assert not [f for f in bad_findings if f.rule == "SL001" and f.line == some_line]
    assert not [
        f for f in bad_findings if f.file and f.file.endswith("zz9.md") and f.rule == "SL004"
    ]
    assert [f.rule for f in bad_findings if f.file and f.file.endswith("zz9.md")] == ["SL009"]


def test_config_disable_enable_and_severity(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo_root)
    ws = load_workspace(BAD.relative_to(repo_root))
    base = lint_workspace(ws)
    assert "SL014" not in {f.rule for f in base}  # off by default
    cfg = LintConfig(disable=["SL001", "SL101"], severity={"SL003": "error"})
    found = lint_workspace(ws, cfg)
    assert {"SL001", "SL101"}.isdisjoint(f.rule for f in found)
    assert {f.severity for f in found if f.rule == "SL003"} == {Severity.ERROR}
    assert len(found) == len(base) - sum(f.rule in ("SL001", "SL101") for f in base)
    assert enabled_rules(LintConfig(enable=["SL014"], disable=["SL014"])) == enabled_rules(
        LintConfig()
    )


@pytest.mark.parametrize(
    "cfg, needle",
    [
        (LintConfig(disable=["SL999"]), "unknown rule id(s) SL999"),
        (LintConfig(severity={"SL001": "fatal"}), "'fatal' is not a severity"),
    ],
)
def test_bad_config_is_a_clear_error(cfg: LintConfig, needle: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(needle)):
        lint_workspace(load_workspace(BAD / "base"), cfg)


def test_lint_spec_keeps_only_its_own_files(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo_root)
    ws = load_workspace(BAD.relative_to(repo_root))
    found = lint_spec(ws.spec("base"), workspace=ws)
    assert found and all("/base/" in (f.file or "") for f in found)
    assert "SL201" in {f.rule for f in found}


def test_example_specs_lint_clean(specs_dir: Path) -> None:
    found = lint_workspace(load_workspace(specs_dir))
    noisy = [f for f in found if f.severity is not Severity.INFO]
    assert noisy == [], render_text(noisy)
    # the one int64 field of the examples is reported as info (TypeScript precision)
    assert [(f.rule, f.clause) for f in found] == [("SL108", "cmn1")]


# -- the real OpenAI Model Spec ------------------------------------------------------------

MODEL_SPEC_MISSING = ["d0pu", "rse0", "h82a", "t5q0"]
"""Eval tags in model_spec.md with no examples/<id>.md (document order)."""
MODEL_SPEC_ORPHANS = ["91ld", "lds1"]
"""examples/<id>.md files no tag in model_spec.md references."""


@pytest.fixture(scope="module")
def model_spec_findings(model_spec_dir: Path) -> list[Finding]:
    return lint_workspace(load_workspace(model_spec_dir))


def test_model_spec_traceability_gaps_both_ways(
    model_spec_dir: Path, model_spec_findings: list[Finding]
) -> None:
    spec = load_spec(model_spec_dir)
    assert missing_examples(spec) == MODEL_SPEC_MISSING
    assert orphan_example_files(spec) == MODEL_SPEC_ORPHANS
    assert [f.clause for f in model_spec_findings if f.rule == "SL008"] == MODEL_SPEC_MISSING
    assert (
        sorted(Path(f.file or "").stem for f in model_spec_findings if f.rule == "SL009")
        == MODEL_SPEC_ORPHANS
    )
    # the same sets computed straight from the files, without the parser
    text = (model_spec_dir / "model_spec.md").read_text(encoding="utf-8")
    tags = dict.fromkeys(re.findall(r"\[\^([^\]\s]+)\]", text))
    files = {p.stem for p in (model_spec_dir / "examples").glob("*.md")}
    assert [t for t in tags if t not in files] == MODEL_SPEC_MISSING
    assert sorted(files - set(tags)) == MODEL_SPEC_ORPHANS


def test_model_spec_lints_without_errors(model_spec_findings: list[Finding]) -> None:
    assert not [f for f in model_spec_findings if f.severity is Severity.ERROR]
    counts: dict[str, int] = {}
    for f in model_spec_findings:
        counts[f.rule] = counts.get(f.rule, 0) + 1
    assert set(counts) <= {"SL001", "SL003", "SL008", "SL009", "SL011"}, counts
    assert all(f.file and f.line for f in model_spec_findings)


def test_json_round_trip_of_real_findings(model_spec_findings: list[Finding]) -> None:
    data = json.loads(json.dumps([f.as_dict() for f in model_spec_findings]))
    assert [Finding.model_validate(d) for d in data] == model_spec_findings


def test_a_workspace_with_too_many_clauses_is_refused_quickly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """More clauses than the limit (125,000: about 4 MB, under the 10 MiB cap) are refused
    after the parse, before any rule runs."""
    import time

    from specloom.check.lint import MAX_LINT_CLAUSES
    from specloom.cli.main import main

    assert MAX_LINT_CLAUSES < 125_001
    lines = ["---", "spec: big", "---", "", "# Big {#big}", ""]
    lines += [f"Rule {i} MUST hold[^c{i}]." for i in range(125_000)]
    (tmp_path / "big").mkdir()
    (tmp_path / "big" / "spec.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    start = time.process_time()
    with pytest.raises(SystemExit) as exc:
        main(["lint", str(tmp_path)])
    assert time.process_time() - start < 30  # the parse only (linear); no lint
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert "big/spec.md: error: the workspace holds 125,001 clauses" in err
    assert "fix: split the spec" in err


def test_the_clause_limit_is_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    from specloom.check import lint
    from specloom.errors import SpecError
    from specloom.model import Workspace
    from specloom.parse.spec import load_spec_text

    monkeypatch.setattr(lint, "MAX_LINT_CLAUSES", 30)
    head = "---\nspec: s\n---\n\n# S {#s}\n\n"
    ok = load_spec_text(head + " ".join(f"A MUST b[^c{i}]." for i in range(29)))
    assert len(ok.clauses) == 30  # 29 statements and the section
    lint_workspace(Workspace(root=".", specs={"s": ok}, order=["s"]))
    big = load_spec_text(head + " ".join(f"A MUST b[^c{i}]." for i in range(30)))
    with pytest.raises(SpecError, match="31 clauses"):
        lint_workspace(Workspace(root=".", specs={"s": big}, order=["s"]))
