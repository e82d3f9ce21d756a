"""The tutorial target: steps from the model, code compiled with tsc and cargo, coverage."""

from __future__ import annotations

import difflib
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from specloom.targets.tutorial import TutorialTarget
from specloom.targets.tutorial.compile import blocks, project_files
from specloom.targets.tutorial.lesson import MUST_LEVELS
from specloom.targets.tutorial.readback import read_tutorial
from specloom.targets.tutorial.target import TUTORIAL, TutorialConfig

from specloom.findings import Finding, Severity, is_not_run, is_off
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


def _n_blocks(root: Path, fence: str) -> int:
    return sum(b.lang == fence for b in blocks((root / TUTORIAL).read_text()))


def test_billing_tutorial_compiles_in_every_language(
    billing: tuple[TutorialTarget, Path, list[Finding]],
) -> None:
    _, root, findings = billing
    assert findings == []  # a clean tutorial: no finding at all
    # files, then one per op
    assert _n_blocks(root, "ts") == _n_blocks(root, "rust") == _n_blocks(root, "python") == 2 + 6


def test_steps_follow_the_examples_with_their_clauses_and_cases(
    billing: tuple[TutorialTarget, Path, list[Finding]], workspace: Workspace
) -> None:
    _, root, _ = billing
    read = read_tutorial((root / TUTORIAL).read_text())
    # create_invoice first, then what the examples' steps call next
    assert [s.op for s in read.steps] == [
        "create_invoice",
        "issue_invoice",
        "apply_payment",
        "amount_due",
        "get_invoice",
        None,  # the data types: bil6 (a SHOULD on Invoice and the constant)
    ]
    by_op = {s.op: s for s in read.steps}
    assert by_op["issue_invoice"].clauses == [("bil8", "MUST"), ("bil9", "MUST NOT")]
    assert by_op["issue_invoice"].cases == ["bil8_1", "bil8_2", "bil9_1"]
    assert by_op[None].clauses == [("bil6", "SHOULD")]
    step = (root / TUTORIAL).read_text().split("## Step 2")[1].split("## Step 3")[0]
    assert "const $draft = await svc.createInvoice(" in step  # the given step, then the call
    assert "if (e instanceof api.InvoiceNotDraft)" in step  # its documented error, handled
    assert "Err(Error::InvoiceNotDraft) =>" in step
    assert read.must["bil11"] == (
        "MUST NOT",
        ["bil11_1", "bil11_2", "bil11_3"],
        read.must["bil11"][2],
    )
    assert set(read.setup) == set(read.implement) == {"typescript", "rust", "python"}


def test_spec_without_operations_gets_a_data_types_step(
    workspace: Workspace, tmp_path: Path
) -> None:
    target, root = publish(workspace, "common", tmp_path)
    read = read_tutorial((root / TUTORIAL).read_text())
    assert [(s.op, [c for c, _ in s.clauses]) for s in read.steps] == [
        (None, ["cmn1", "cmn2", "cmn3"])
    ]
    findings = target.verify(workspace.specs["common"], root)
    assert findings == []


def _edited(
    billing: tuple[TutorialTarget, Path, list[Finding]],
    workspace: Workspace,
    tmp_path: Path,
    edit: Callable[[str], str],
) -> tuple[str, dict[str, list[Finding]]]:
    target, root, _ = billing
    text = edit((root / TUTORIAL).read_text())
    assert text != (root / TUTORIAL).read_text(), "the edit changed nothing"
    broken = tmp_path / "tutorial"
    broken.mkdir()
    (broken / TUTORIAL).write_text(text)
    found: dict[str, list[Finding]] = {}
    for f in target.verify(workspace.specs["billing"], broken):
        if f.severity is Severity.ERROR:
            found.setdefault(f.rule, []).append(f)
    return text, found


def test_tut001_tut002_tut009_a_broken_code_block_fails_at_the_tutorial_line(
    billing: tuple[TutorialTarget, Path, list[Finding]], workspace: Workspace, tmp_path: Path
) -> None:
    def edit(text: str) -> str:
        text = text.replace('todo!("amount_due")', 'let x: u8 = "s"; todo!()')
        text = text.replace(
            'raise NotImplementedError("amount_due is not implemented yet")',
            'z: int = "s"\n        raise NotImplementedError()',
        )
        return text.replace(
            'throw new Error("amountDue is not implemented yet");', 'const y: number = "s";'
        )

    text, errors = _edited(billing, workspace, tmp_path, edit)
    lines = text.splitlines()
    assert set(errors) == {"TUT001", "TUT002", "TUT009"}
    ts_lines = [lines[f.line - 1] for f in errors["TUT001"] if f.line]
    rs_lines = [lines[f.line - 1] for f in errors["TUT002"] if f.line]
    py_lines = [lines[f.line - 1] for f in errors["TUT009"] if f.line]
    assert any("const y" in line for line in ts_lines), ts_lines
    assert any("let x: u8" in line for line in rs_lines), rs_lines
    assert py_lines == ['        z: int = "s"'], errors["TUT009"]
    assert all("(src/service.ts)" in f.message for f in errors["TUT001"])
    assert all("(src/lib.rs)" in f.message for f in errors["TUT002"])
    assert all("(my_billing/service.py)" in f.message for f in errors["TUT009"])


def test_tut003_a_tutorial_that_says_nothing_fails(
    billing: tuple[TutorialTarget, Path, list[Finding]], workspace: Workspace, tmp_path: Path
) -> None:
    _, errors = _edited(billing, workspace, tmp_path, lambda _: "# Tutorial\n\nNothing here.\n")
    spec = workspace.specs["billing"]
    named = {c for item in spec.interface_items() for c in item.clauses}
    musts = {c.id for c in spec.clauses if c.level in MUST_LEVELS and c.id in named}
    assert {f.clause for f in errors["TUT003"]} == musts
    for rule in ("TUT001", "TUT002", "TUT006", "TUT007", "TUT008"):
        assert rule in errors, rule  # no code, no steps, no table, no set-up


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "```ts\n// file: src/examples/get_invoice.ts",
            "```typescript\n// file: x.ts",
            "a code block in `typescript`, which no gate compiles",
        ),
        (
            "```rust\n// file: src/examples/amount_due.rs\n",
            "```rust\n",
            "a Rust code block that names no file",
        ),
    ],
)
def test_tut004_every_code_block_is_one_a_gate_reads(
    billing: tuple[TutorialTarget, Path, list[Finding]],
    workspace: Workspace,
    tmp_path: Path,
    old: str,
    new: str,
    message: str,
) -> None:
    _, errors = _edited(billing, workspace, tmp_path, lambda t: t.replace(old, new, 1))
    assert [message in f.message for f in errors["TUT004"]] == [True]


@pytest.mark.parametrize(
    ("case", "old", "new", "message"),
    [
        (
            "a clause another step still lists",
            "- [bil11](../docs/site/payments.html#bil11) **MUST NOT**: A payment MUST NOT "
            "exceed the amount still due on the invoice.\n\nConformance cases: `bil11_2`",
            "\nConformance cases: `bil11_2`",
            "step `amount_due` does not list its clause bil11",
        ),
        (
            "a clause stated weaker",
            "[bil8](../docs/site/issuing.html#bil8) **MUST**",
            "[bil8](../docs/site/issuing.html#bil8) **SHOULD**",
            "states bil8 as SHOULD, the spec says MUST",
        ),
        (
            "a case dropped",
            "Conformance cases: `bil8_1`, `bil8_2`, `bil9_1`.",
            "Conformance cases: `bil8_1`, `bil9_1`.",
            "lists the cases bil8_1, bil9_1",
        ),
        (
            "a snippet that calls another operation",
            "const result = await svc.getInvoice(",
            "const result = await svc.amountDue(",
            "step `get_invoice` has no TypeScript code block calling `getInvoice`",
        ),
    ],
)
def test_tut006_each_step_is_checked_item_by_item(
    billing: tuple[TutorialTarget, Path, list[Finding]],
    workspace: Workspace,
    tmp_path: Path,
    case: str,
    old: str,
    new: str,
    message: str,
) -> None:
    _, errors = _edited(billing, workspace, tmp_path, lambda t: t.replace(old, new, 1))
    assert any(message in f.message for f in errors.get("TUT006", [])), (case, errors)
    if case == "a clause another step still lists":
        assert "TUT003" not in errors  # a per-package check would pass


def test_tut007_the_must_table_is_read_back(
    billing: tuple[TutorialTarget, Path, list[Finding]], workspace: Workspace, tmp_path: Path
) -> None:
    def edit(text: str) -> str:
        return text.replace("| MUST | `bil12_1`, `bil12_2` |", "| MUST | `bil12_1` |")

    _, errors = _edited(billing, workspace, tmp_path, edit)
    assert [f.clause for f in errors["TUT007"]] == ["bil12"]
    assert set(errors) == {"TUT007"}


def test_tut008_a_language_without_its_set_up_fails(
    billing: tuple[TutorialTarget, Path, list[Finding]], workspace: Workspace, tmp_path: Path
) -> None:
    def edit(text: str) -> str:
        return text.replace("specloom build specs/common specs/billing --target rust", "true")

    _, errors = _edited(billing, workspace, tmp_path, edit)
    assert [f.message for f in errors["TUT008"]] == [
        "no Rust set-up section with the `specloom build` commands"
    ]


def test_missing_compilers_are_not_run_not_passed(
    billing: tuple[TutorialTarget, Path, list[Finding]],
    workspace: Workspace,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from specloom.targets.python import gates as py_gates
    from specloom.targets.rust import gates as rs_gates
    from specloom.targets.typescript import gates as ts_gates

    target, root, _ = billing
    monkeypatch.setattr(ts_gates, "find_tsc", lambda *_a: None)
    monkeypatch.setattr(rs_gates, "find_cargo", lambda *_a: None)
    monkeypatch.setattr(py_gates, "find_mypy", lambda *_a: None)
    findings = target.verify(workspace.specs["billing"], root)
    skipped = {f.rule: f for f in findings if is_not_run(f)}
    assert set(skipped) == {"TUT001", "TUT002", "TUT009"}
    assert [f for f in findings if f.severity is Severity.ERROR] == []


def test_turned_off_compilation_is_off_not_passed(workspace: Workspace, tmp_path: Path) -> None:
    _, root = publish(workspace, "billing", tmp_path / "output")
    ctx = BuildContext(
        workspace=workspace, output_dir=tmp_path / "output", cache_dir=tmp_path / "c"
    )
    off = TutorialConfig(compile_typescript=False, compile_rust=False, compile_python=False)
    findings = TutorialTarget(ctx, off).verify(workspace.specs["billing"], root)
    assert {f.rule: f.message for f in findings if is_off(f)} == {
        "TUT001": "off: compile_typescript = false in config",
        "TUT002": "off: compile_rust = false in config",
        "TUT009": "off: compile_python = false in config",
    }
    assert [f for f in findings if not is_off(f)] == []


def test_blocks_become_project_files_with_tutorial_lines() -> None:
    md = (
        "# T\n\n```ts\n// file: src/a.ts\nconst a = 1;\n```\n\ntext\n\n```rust\nfn f() {}\n```\n"
        "\n```ts\n// file: src/a.ts\nlet b;\n```\n\n```ts\nlet c;\n```\n"
        "\n```python\n# file: pkg/a.py\nx = 1\n```\n"
    )
    found = blocks(md)
    assert [(b.lang, b.line, b.path) for b in found] == [
        ("ts", 3, "src/a.ts"),
        ("rust", 10, None),
        ("ts", 14, "src/a.ts"),
        ("ts", 19, None),
        ("python", 23, "pkg/a.py"),
    ]
    assert project_files(found, "python") == {
        "pkg/a.py": [(24, "# file: pkg/a.py"), (25, "x = 1"), (26, "")]
    }
    files = project_files(found, "ts")
    assert list(files) == ["src/a.ts", "src/tutorial.ts"]
    assert files["src/a.ts"][1] == (5, "const a = 1;")
    assert files["src/a.ts"][4] == (16, "let b;")


@pytest.mark.parametrize("spec_id", ["billing", "counters"])
def test_generate_is_deterministic_and_golden(
    repo_root: Path,
    tmp_path: Path,
    update_goldens: bool,
    monkeypatch: pytest.MonkeyPatch,
    spec_id: str,
) -> None:
    monkeypatch.chdir(repo_root)
    ws = load_workspace(Path("specs"))
    target = TutorialTarget(BuildContext(workspace=ws, output_dir=tmp_path, cache_dir=tmp_path))
    files = target.generate(ws.specs[spec_id])
    assert files == target.generate(ws.specs[spec_id])
    (only,) = files
    golden = GOLDEN / spec_id / TUTORIAL
    if update_goldens:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(only.data)
    expected = golden.read_text()
    actual = only.data.decode()
    diff = "\n".join(
        difflib.unified_diff(expected.splitlines(), actual.splitlines(), "golden", "actual")
    )
    assert actual == expected, diff + "\n\nupdate with: pytest --update-goldens"


def test_examples_the_stubs_refuse_stop_generation_at_their_line(
    repo_root: Path, tmp_path: Path
) -> None:
    from specloom.errors import SpecError

    ws = load_workspace(repo_root / "tests" / "check" / "fixtures" / "bad")
    with pytest.raises(SpecError) as info:
        publish(ws, "shop", tmp_path)
    assert info.value.file and info.value.file.endswith("s1.md") and info.value.line


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
    assert [b.lines for b in blocks(text)] == [b.lines for b in blocks(template.data.decode())]


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
    assert findings == []


def test_python_walk_through_only_where_the_python_target_is_installed(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the python extra the tutorial has no Python (no code no gate here could
    check) and its input hash differs, so installing the extra rebuilds it."""
    from specloom.targets.python import PythonTarget

    ctx = BuildContext(workspace=workspace, output_dir=tmp_path / "o", cache_dir=tmp_path / "c")
    target = TutorialTarget(ctx)
    spec = workspace.specs["billing"]
    with_python = target.input_hash(spec)
    assert "{#sl-setup-python}" in target.generate(spec)[0].data.decode()
    monkeypatch.setattr(PythonTarget, "missing_modules", classmethod(lambda cls: ["mypy"]))
    text = target.generate(spec)[0].data.decode()
    assert "{#sl-setup-python}" not in text and "```python" not in text
    assert target.input_hash(spec) != with_python
    findings = target.verify(spec, _write_tutorial(tmp_path / "pub", text))
    assert not [f for f in findings if f.rule == "TUT009"]  # nothing to check, nothing skipped


def _write_tutorial(root: Path, text: str) -> Path:
    root.mkdir(parents=True)
    (root / TUTORIAL).write_text(text, encoding="utf-8")
    return root
