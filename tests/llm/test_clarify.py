"""`specloom clarify`: questions from lint, markers written without touching anything else."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from specloom.check.lint import lint_workspace
from specloom.cli.main import app
from specloom.llm.clarify import MARKER_RE
from specloom.parse import load_workspace

FAKE_KEY = "sk-specloom-FAKE-KEY-clarify-1357924680"

SHOP = """\
---
spec: shop
title: Shop
version: 0.1.0
strict: true
---

# Shop {#shop}

The shop sells things to customers.

## Orders {#orders}

An order MUST be confirmed quickly after payment[^ord1]. The confirmation e-mail
must list every item[^ord2]. Refunds are handled by support[^ord3].

## Returns {#returns}

Returns are accepted within thirty days.

## Shipping {#shipping}

Shipping SHOULD use a reasonable carrier. TBD: carriers per country.

| Carrier | Zone |
|---|---|
| TODO | EU |

```specloom
constants:
  MAX_ITEMS: {type: int32, value: 10, doc: TODO decide}
```
"""

MARKER_LINE = re.compile(r"^\[NEEDS CLARIFICATION: [^\]\n]*\]\n$")
INLINE_MARKER = re.compile(r" ?\[NEEDS CLARIFICATION: [^\]\n]*\]")


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "specs" / "shop").mkdir(parents=True)
    (tmp_path / "specs" / "shop" / "spec.md").write_text(SHOP, encoding="utf-8")
    (tmp_path / "specloom.toml").write_text('specs = "specs"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    return tmp_path


def run(*args: str) -> Any:
    result = CliRunner().invoke(app, ["clarify", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def assert_only_markers_inserted(before: str, after: str) -> int:
    """Every difference is one inserted marker (inline after a space, or a line of its own);
    returns the number of markers added.

    Linear: drop the marker lines that `after` has and `before` lacks, strip inline markers
    from the lines that remain, and the result must equal `before` line for line. (A
    difflib.SequenceMatcher over the 4,700-line Model Spec is quadratic and took minutes.)
    """
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    i = 0
    for n, line in enumerate(new, start=1):
        if i < len(old) and line == old[i]:
            i += 1
        elif MARKER_LINE.match(line):
            continue  # a marker on a line of its own
        elif i < len(old) and INLINE_MARKER.sub("", line) == old[i]:
            i += 1  # the same line with inline markers
        else:
            raise AssertionError(f"line {n} was rewritten or added: {line!r}")
    assert i == len(old), f"lines {i + 1}-{len(old)} of the original were deleted"
    return len(MARKER_RE.findall(after)) - len(MARKER_RE.findall(before))


def test_lists_questions_from_the_lint_rules(workspace: Path) -> None:
    out = run("specs/shop").output
    assert "specs/shop/spec.md:14: ord1: What exactly does 'quickly' mean in clause ord1?" in out
    assert "specs/shop/spec.md:15: ord3: How binding is clause ord3?" in out
    assert "lowercase keyword in clause ord2" in out
    assert "specs/shop/spec.md:23: shipping: What should replace the placeholder 'TBD'" in out
    assert "clause returns" in out  # a section with no normative keyword
    data = json.loads(run("specs/shop", "--format", "json").output)
    assert {q["rule"] for q in data} == {"SL001", "SL002", "SL003", "SL004"}
    assert all(q["suggestion"] is None for q in data)


def test_write_inserts_only_markers_and_is_idempotent(workspace: Path) -> None:
    spec = workspace / "specs" / "shop" / "spec.md"
    before = spec.read_text(encoding="utf-8")
    levels = {c.id: c.level for c in load_workspace(Path("specs/shop")).spec("shop").clauses}

    out = run("specs/shop", "--write").output
    assert "specs/shop/spec.md: 7 question(s) marked, 2 skipped" in out  # table and YAML block
    after = spec.read_text(encoding="utf-8")
    assert assert_only_markers_inserted(before, after) == 5
    # a statement's marker sits inside its sentence, right before its reference
    assert "support [NEEDS CLARIFICATION: How binding is clause ord3; state it" in after
    # a heading's marker is the first line of its section
    assert "## Returns {#returns}\n[NEEDS CLARIFICATION: How binding is clause returns;" in after

    # the spec still parses to the same clauses with the same levels, and lint now
    # reports the open questions (SL005) on the marked clauses
    ws = load_workspace(Path("specs/shop"))
    assert {c.id: c.level for c in ws.spec("shop").clauses} == levels
    open_q = {f.clause for f in lint_workspace(ws) if f.rule == "SL005"}
    assert {"orders", "returns", "shipping"} <= open_q

    run("specs/shop", "--write")
    assert spec.read_text(encoding="utf-8") == after


def test_write_on_the_model_spec_changes_nothing_else(
    model_spec_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "model_spec"
    shutil.copytree(model_spec_dir, copy)
    (tmp_path / "specloom.toml").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    before = (copy / "model_spec.md").read_text(encoding="utf-8")
    [spec] = load_workspace(Path("model_spec/model_spec.md")).specs.values()
    clauses = [(c.id, c.level) for c in spec.clauses]
    out = run("model_spec/model_spec.md", "--write", "--backend", "template").output
    after = (copy / "model_spec.md").read_text(encoding="utf-8")
    n = assert_only_markers_inserted(before, after)
    assert n > 50, out
    run("model_spec/model_spec.md", "--write", "--backend", "template")
    assert (copy / "model_spec.md").read_text(encoding="utf-8") == after
    [marked] = load_workspace(Path("model_spec/model_spec.md")).specs.values()
    assert [(c.id, c.level) for c in marked.clauses] == clauses


def test_llm_rewrites_over_http(
    workspace: Path, fake_openai: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workspace / "specloom.toml").write_text(
        'specs = "specs"\n[llm]\nmodel = "gpt-4o-mini"\nbackoff_base = 0.0\n', encoding="utf-8"
    )
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", fake_openai.base_url)
    fake_openai.responder = lambda body: {
        "rewrite": "Rewritten: " + body["messages"][1]["content"].split(":", 1)[0],
        "rationale": "made it testable",
    }
    out = run("specs/shop").output
    assert "    suggested rewrite: Rewritten: Spec shop, clause ord1" in out
    requests = len(fake_openai.chat_requests())
    assert requests == 5  # one per clause with questions
    assert "LLM (gpt-4o-mini): 5 request(s), 0 cache hit(s)" in out
    assert (
        "Open questions:\n- What exactly does 'quickly' mean"
        in (fake_openai.chat_requests()[0].body["messages"][1]["content"])
    )
    again = run("specs/shop").output
    assert len(fake_openai.chat_requests()) == requests
    assert "0 request(s), 5 cache hit(s)" in again
    assert FAKE_KEY not in out + again
    cache_files = list((workspace / ".specloom-cache").rglob("*.json"))
    assert len(cache_files) == 5
    assert all(FAKE_KEY not in p.read_text(encoding="utf-8") for p in cache_files)


def test_configured_model_without_key_degrades(workspace: Path) -> None:
    (workspace / "specloom.toml").write_text('specs = "specs"\n[llm]\nmodel = "m"\n')
    out = run("specs/shop").output
    assert "LLM rewrites skipped: no API key: OPENAI_API_KEY is not set" in out
    result = CliRunner().invoke(app, ["clarify", "specs/shop", "--backend", "openai"])
    assert result.exit_code != 0


def test_lint_and_clarify_never_import_openai(workspace: Path) -> None:
    code = (
        "import sys\n"
        "from specloom.cli.main import main\n"
        "for argv in (['lint', 'specs'], ['clarify', 'specs/shop']):\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "assert 'openai' not in sys.modules, 'openai was imported'\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=workspace, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "question(s)" in done.stdout


def test_an_answered_word_is_not_reported_again_from_its_marker(workspace: Path) -> None:
    spec = workspace / "specs" / "shop" / "spec.md"
    run("specs/shop", "--write")
    marked = spec.read_text(encoding="utf-8")
    assert "[NEEDS CLARIFICATION: What exactly does 'quickly' mean in clause ord1" in marked
    # the author answers the question but leaves the marker (SL005 still asks them to remove it)
    spec.write_text(marked.replace("confirmed quickly after", "confirmed within 60 s of"))
    findings = lint_workspace(load_workspace(Path("specs/shop")))
    assert not [f for f in findings if f.rule == "SL001" and "'quickly'" in f.message]
    assert any(f.rule == "SL005" and "'quickly'" in f.message for f in findings)
    out = run("specs/shop").output
    assert "'quickly'" not in out


def test_help_names_the_config_table() -> None:
    result = CliRunner().invoke(app, ["clarify", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "openai when [tool.specloom.llm] sets a model" in result.output  # not eaten as markup
