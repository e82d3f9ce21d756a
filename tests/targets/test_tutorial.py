"""The tutorial target: steps from the model, code compiled with tsc and cargo, coverage."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path
from typing import Any

import pytest
from specloom.targets.tutorial import TutorialTarget
from specloom.targets.tutorial.compile import extract
from specloom.targets.tutorial.target import TUTORIAL, TutorialConfig, step_coverage

from specloom.findings import Finding, Severity
from specloom.model import Workspace
from specloom.parse import load_workspace
from specloom.target import BuildContext

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "tutorial"


@pytest.fixture(scope="module")
def workspace(specs_dir: Path) -> Workspace:
    return load_workspace(specs_dir)


def publish(ws: Workspace, spec_id: str, out: Path) -> tuple[TutorialTarget, Path]:
    target = TutorialTarget(BuildContext(workspace=ws, output_dir=out, cache_dir=out / ".c"))
    root = out / spec_id / "tutorial"
    shutil.rmtree(root, ignore_errors=True)
    for f in target.generate(ws.specs[spec_id]):
        (root / f.path).parent.mkdir(parents=True, exist_ok=True)
        (root / f.path).write_bytes(f.data)
    return target, root


@pytest.fixture(scope="module")
def billing(
    workspace: Workspace, tmp_path_factory: pytest.TempPathFactory
) -> tuple[TutorialTarget, Path, list[Finding]]:
    target, root = publish(workspace, "billing", tmp_path_factory.mktemp("tut") / "output")
    return target, root, target.verify(workspace.specs["billing"], root)


def test_billing_tutorial_compiles_in_both_languages(
    billing: tuple[TutorialTarget, Path, list[Finding]],
) -> None:
    _, _, findings = billing
    assert [f for f in findings if f.severity is not Severity.INFO] == []
    summary = next(f for f in findings if f.rule == "TUT004")
    assert "7 compiled TypeScript, 7 compiled Rust" in summary.message


def test_one_step_per_operation_with_its_clauses(
    billing: tuple[TutorialTarget, Path, list[Finding]], workspace: Workspace
) -> None:
    _, root, _ = billing
    text = (root / TUTORIAL).read_text()
    spec = workspace.specs["billing"]
    for n, op in enumerate(spec.operations, start=1):
        assert f"## Step {n}: `{op.name}`" in text
    step = text.split("## Step 2")[1].split("## Step 3")[0]
    assert "bil8" in step and "bil9" in step
    assert "bil1" not in step  # Invoice's clauses were named in step 1 already
    assert "error `EmptyInvoice`" in text  # the structured examples become checks
    assert "cargo test --offline" in text and "## Set-up" in text
    assert "](../docs/site/invoices.html#bil1)" in text  # clause links into the docs site


def test_every_must_clause_with_an_interface_item_is_in_a_step(workspace: Workspace) -> None:
    for spec in workspace.specs.values():
        in_steps, missing = step_coverage(spec)
        assert missing == []
        named = {cid for item in spec.interface_items() for cid in item.clauses}
        assert named <= in_steps


def test_spec_without_operations_gets_a_data_types_step(
    workspace: Workspace, tmp_path: Path
) -> None:
    target, root = publish(workspace, "common", tmp_path)
    text = (root / TUTORIAL).read_text()
    assert "the data types" in text and "cmn1" in text
    findings = target.verify(workspace.specs["common"], root)
    assert [f for f in findings if f.severity is not Severity.INFO] == []


def test_a_broken_code_block_fails_with_the_tutorial_line(
    billing: tuple[TutorialTarget, Path, list[Finding]], workspace: Workspace, tmp_path: Path
) -> None:
    target, root, _ = billing
    text = (root / TUTORIAL).read_text()
    text = text.replace('todo!("{}", "implement amount_due")', 'let x: u8 = "s"; todo!()')
    text = text.replace('throw new Error("TODO: implement amount_due");', 'const y: number = "s";')
    broken = tmp_path / "tutorial"
    broken.mkdir()
    (broken / TUTORIAL).write_text(text)
    findings = target.verify(workspace.specs["billing"], broken)
    errors = {f.rule: f for f in findings if f.severity is Severity.ERROR}
    lines = text.splitlines()
    assert set(errors) == {"TUT001", "TUT002"}
    ts_line, rs_line = errors["TUT001"].line, errors["TUT002"].line
    assert ts_line is not None and "const y" in lines[ts_line - 1]
    assert rs_line is not None and "let x: u8" in lines[rs_line - 1]


def test_missing_compilers_are_skipped_not_passed(
    billing: tuple[TutorialTarget, Path, list[Finding]],
    workspace: Workspace,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from specloom.targets.rust import gates as rs_gates
    from specloom.targets.typescript import gates as ts_gates

    target, root, _ = billing
    monkeypatch.setattr(ts_gates, "find_tsc", lambda *_a: None)
    monkeypatch.setattr(rs_gates, "find_cargo", lambda *_a: None)
    findings = target.verify(workspace.specs["billing"], root)
    skipped = {f.rule: f for f in findings if f.severity is Severity.WARNING}
    assert set(skipped) == {"TUT001", "TUT002"}
    assert all("skipped" in f.message for f in skipped.values())
    # The summary must not claim that skipped blocks were compiled.
    summary = next(f for f in findings if f.rule == "TUT004")
    assert "7 NOT compiled (skipped) TypeScript, 7 NOT compiled (skipped) Rust" in summary.message


def test_turned_off_compilation_is_skipped_not_passed(workspace: Workspace, tmp_path: Path) -> None:
    _, root = publish(workspace, "billing", tmp_path / "output")
    ctx = BuildContext(
        workspace=workspace, output_dir=tmp_path / "output", cache_dir=tmp_path / "c"
    )
    off = TutorialConfig(compile_typescript=False, compile_rust=False)
    findings = TutorialTarget(ctx, off).verify(workspace.specs["billing"], root)
    skipped = {f.rule: f.message for f in findings if f.severity is Severity.WARNING}
    assert skipped == {
        "TUT001": "skipped: compile_typescript = false in config",
        "TUT002": "skipped: compile_rust = false in config",
    }
    summary = next(f for f in findings if f.rule == "TUT004")
    assert "compiled:" not in summary.message and "NOT compiled (skipped)" in summary.message


def test_extract_keeps_block_order_and_lines() -> None:
    md = (
        "# T\n\n```ts\nconst a = 1;\n```\n\ntext\n\n```rust\nfn f() {}\n```\n\n```ts\nlet b;\n```\n"
    )
    progs = extract(md, ("ts", "rust"))
    assert progs["ts"].blocks == 2 and progs["rust"].blocks == 1
    assert progs["ts"].lines[0] == "const a = 1;" and progs["ts"].tutorial_line(1) == 4
    assert progs["ts"].tutorial_line(3) == 14


def test_generate_is_deterministic_and_golden(
    repo_root: Path, tmp_path: Path, update_goldens: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo_root)
    ws = load_workspace(Path("specs"))
    target = TutorialTarget(BuildContext(workspace=ws, output_dir=tmp_path, cache_dir=tmp_path))
    files = target.generate(ws.specs["billing"])
    assert files == target.generate(ws.specs["billing"])
    (only,) = files
    golden = GOLDEN / "billing" / TUTORIAL
    if update_goldens:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(only.data)
    expected = golden.read_text()
    actual = only.data.decode()
    diff = "\n".join(
        difflib.unified_diff(expected.splitlines(), actual.splitlines(), "golden", "actual")
    )
    assert actual == expected, diff + "\n\nupdate with: pytest --update-goldens"


def test_stubs_that_cannot_be_generated_are_findings(repo_root: Path, tmp_path: Path) -> None:
    ws = load_workspace(repo_root / "tests" / "check" / "fixtures" / "bad")
    target, root = publish(ws, "shop", tmp_path)
    findings = target.verify(ws.specs["shop"], root)
    errors = {f.rule: f for f in findings if f.severity is Severity.ERROR}
    assert set(errors) == {"TUT001", "TUT002"}
    assert all("stubs cannot be generated" in f.message for f in errors.values())
    assert errors["TUT001"].file and errors["TUT001"].file.endswith("s1.md")


def test_llm_narrative_is_prose_around_the_template_code(
    workspace: Workspace, tmp_path: Path, fake_openai: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    ctx = BuildContext(
        workspace=workspace,
        output_dir=tmp_path / "out",
        cache_dir=tmp_path / "cache",
        backend="openai",
        settings={"llm": {"base_url": fake_openai.base_url}},
    )
    spec = workspace.specs["billing"]
    ops = [op.name for op in spec.operations]
    answer = {
        "intro": "You will build a small billing service, one operation at a time.",
        "steps": [{"operation": op, "text": f"Start {op} by validating its input."} for op in ops],
    }
    wrong = {**answer, "steps": answer["steps"][:1]}  # first answer misses steps
    fake_openai.script(fake_openai.ok(wrong), fake_openai.ok(answer))
    target = TutorialTarget(ctx)
    (only,) = target.generate(spec)
    text = only.data.decode()
    assert "You will build a small billing service" in text
    assert "Start issue_invoice by validating its input." in text
    feedback = fake_openai.chat_requests()[1].body["messages"][-1]["content"]
    assert "steps must be exactly the operations" in feedback
    # The code is the template's: identical blocks to the template backend.
    plain = TutorialTarget(
        BuildContext(workspace=workspace, output_dir=tmp_path, cache_dir=tmp_path)
    )
    (template,) = plain.generate(spec)
    assert (
        extract(text, ("ts", "rust"))["rust"].lines
        == extract(template.data.decode(), ("ts", "rust"))["rust"].lines
    )


HOSTILE = """---
spec: evil
title: Hostile </script> spec
version: 0.1.0
---

# Evil {#evil}

The service MUST NOT emit */ or </script> or {braces} or `todo!("{}")` here[^h1].

```specloom
operations:
  run_it:
    doc: "Runs */ <script>alert(1)</script> [x](javascript:alert(2)) {braces} \\u2028 end."
    clauses: [h1]
    params:
      input: string
    returns: string
```
"""


def test_hostile_clause_text_stays_in_comments_and_compiles(tmp_path: Path) -> None:
    spec_dir = tmp_path / "specs" / "evil"
    (spec_dir / "examples").mkdir(parents=True)
    (spec_dir / "spec.md").write_text(HOSTILE)
    (spec_dir / "examples" / "h1.md").write_text("**Example**: nothing\n")
    ws = load_workspace(tmp_path / "specs")
    target, root = publish(ws, "evil", tmp_path / "output")
    text = (root / TUTORIAL).read_text()
    assert "javascript" not in text.split("## Step 1")[1].split("```")[0]  # prose: link dropped
    assert "<script>" not in text.replace("`", "")  # prose: inert
    findings = target.verify(ws.specs["evil"], root)
    assert [f for f in findings if f.severity is not Severity.INFO] == []
