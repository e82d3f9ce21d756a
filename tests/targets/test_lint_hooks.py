"""The targets' lint hooks: what lint flags is what the compilers refuse, the hooks list the
names the generators declare, and lint never imports a target's generator."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from specloom.targets.python import PythonConfig, PythonTarget
from specloom.targets.python import lint as py_lint
from specloom.targets.rust import RustConfig, RustTarget
from specloom.targets.rust import gates as rs_gates
from specloom.targets.rust import lint as rs_lint
from specloom.targets.typescript import TypeScriptConfig, TypeScriptTarget
from specloom.targets.typescript import gates as ts_gates
from specloom.targets.typescript import lint as ts_lint

from specloom.check.lint import lint_workspace
from specloom.config import LintConfig
from specloom.findings import Severity
from specloom.model import Workspace
from specloom.parse import load_workspace
from specloom.target import BuildContext

COLLIDING = """---
spec: svc
title: Svc
---

# Svc {#svc}

A thing MUST work[^s1].

```specloom
types:
  SvcService:
    clauses: [s1]
    fields:
      a: string
  Status:
    clauses: [s1]
    values: [on, off]
operations:
  go:
    clauses: [s1]
    params:
      a: SvcService
errors:
  SvcError:
    clauses: [s1]
constants:
  STATUS_VALUES:
    clauses: [s1]
    type: int32
    value: 1
```
"""


def _workspace(tmp_path: Path, text: str, spec_id: str = "svc") -> Workspace:
    (tmp_path / "ws" / spec_id).mkdir(parents=True)
    (tmp_path / "ws" / spec_id / "spec.md").write_text(text, encoding="utf-8")
    return load_workspace(tmp_path / "ws")


def _write(
    target: TypeScriptTarget | RustTarget | PythonTarget, ws: Workspace, spec_id: str, root: Path
) -> Path:
    for f in target.generate(ws.specs[spec_id]):
        (root / f.path).parent.mkdir(parents=True, exist_ok=True)
        (root / f.path).write_bytes(f.data)
    return root


def _sl112(ws: Workspace, targets: list[str]) -> set[tuple[int | None, str]]:
    found = lint_workspace(ws, LintConfig(targets=targets))
    return {(f.line, f.message.split(" becomes ")[0]) for f in found if f.rule == "SL112"}


def test_lint_flags_each_collision_for_the_targets_built(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, COLLIDING)
    ts = _sl112(ws, ["typescript"])
    assert ts == {(12, "type SvcService"), (25, "error SvcError"), (28, "constant STATUS_VALUES")}
    assert _sl112(ws, ["rust"]) == {(12, "type SvcService")}
    assert _sl112(ws, ["python"]) == {(12, "type SvcService"), (25, "error SvcError")}
    assert _sl112(ws, ["ir-json", "docs"]) == set()  # no code target: no such rule applies


@pytest.mark.skipif(ts_gates.find_tsc() is None, reason="tsc not installed")
def test_tsc_refuses_what_lint_flags(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, COLLIDING)
    ctx = BuildContext(workspace=ws, output_dir=tmp_path / "out", cache_dir=tmp_path / "c")
    t = TypeScriptTarget(ctx, TypeScriptConfig())
    root = _write(t, ws, "svc", tmp_path / "out" / "svc" / "typescript")
    text = " ".join(f.message for f in t.verify(ws.specs["svc"], root) if f.rule == "TS001")
    for name in ("SvcService", "SvcError", "STATUS_VALUES"):
        assert re.search(rf"Duplicate identifier '{name}'|'{name}'", text), (name, text)


@pytest.mark.slow
@pytest.mark.skipif(rs_gates.find_cargo() is None, reason="cargo not installed")
def test_cargo_refuses_what_lint_flags(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, COLLIDING)
    ctx = BuildContext(workspace=ws, output_dir=tmp_path / "out", cache_dir=tmp_path / "c")
    t = RustTarget(ctx, RustConfig())
    root = _write(t, ws, "svc", tmp_path / "out" / "svc" / "rust")
    found = [f for f in t.verify(ws.specs["svc"], root) if f.severity is Severity.ERROR]
    # the trait and the struct share a name: rustc resolves `SvcService` to the trait
    assert any(f.rule == "RS001" and "found a trait" in f.message for f in found), found


@pytest.mark.slow
def test_mypy_refuses_what_lint_flags(tmp_path: Path) -> None:
    """The python package of the colliding spec: the Protocol and the error base are
    redefined by the spec's own classes, which mypy --strict refuses (PY001)."""
    pytest.importorskip("mypy")
    ws = _workspace(tmp_path, COLLIDING)
    ctx = BuildContext(workspace=ws, output_dir=tmp_path / "out", cache_dir=tmp_path / "c")
    t = PythonTarget(ctx, PythonConfig())
    root = _write(t, ws, "svc", tmp_path / "out" / "svc" / "python")
    text = " ".join(f.message for f in t.verify(ws.specs["svc"], root) if f.rule == "PY001")
    for name in ("SvcService", "SvcError"):
        assert re.search(rf'Name "{name}" already defined', text), (name, text)


UNION = """---
spec: pay
---

# Pay {#pay}

A payment MUST name its kind[^p1].

```specloom
types:
  Card: {clauses: [p1], fields: {number: string}}
  Cash: {clauses: [p1], fields: {amount: int32}}
  PaymentCard: {clauses: [p1], fields: {x: string}}
  Payment:
    clauses: [p1]
    tag: kind
    union: {card: Card, cash: Cash}
```
"""


def test_python_hook_flags_a_type_named_like_a_union_variant_model(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, UNION, "pay")
    found = [f for f in lint_workspace(ws, LintConfig(targets=["python"])) if f.rule == "SL112"]
    assert [(f.line, f.message) for f in found] == [
        (
            13,
            "type PaymentCard becomes Python `PaymentCard`, which the Python code of spec pay "
            "already declares (the model of variant 'card' of union Payment): rename it",
        )
    ]
    assert _sl112(ws, ["typescript", "rust"]) == set()  # only Python declares such a model


def test_python_hook_flags_spec_ids_that_become_one_package(tmp_path: Path) -> None:
    text = COLLIDING.replace("SvcService", "Thing").replace("SvcError", "Broken")
    for sid in ("billing-v2", "billing_v2"):
        (tmp_path / "ws" / sid).mkdir(parents=True)
        (tmp_path / "ws" / sid / "spec.md").write_text(
            text.replace("spec: svc", f"spec: {sid}"), encoding="utf-8"
        )
    ws = load_workspace(tmp_path / "ws")
    found = [
        f
        for f in lint_workspace(ws, LintConfig(targets=["python"]))
        if f.rule == "SL105" and "package" in f.message
    ]
    assert len(found) == 1 and "all become the Python package `billing_v2`" in found[0].message
    assert not [
        f
        for f in lint_workspace(ws, LintConfig(targets=["rust"]))
        if f.rule == "SL105" and "Python" in f.message
    ]


def test_python_hook_flags_reserved_names(tmp_path: Path) -> None:
    text = COLLIDING.replace("      a: string", "      class: string\n      json: string")
    ws = _workspace(tmp_path, text)
    found = lint_workspace(ws, LintConfig(targets=["python"]))
    msgs = sorted(f.message for f in found if f.rule == "SL106")
    assert msgs == [
        "field of SvcService 'class' is reserved in Python: the target escapes it (`class_`);"
        " rename it for cleaner code",
        "field of SvcService 'json' is reserved in Python: the target escapes it (`json_`);"
        " rename it for cleaner code",
    ]


def test_hooks_list_exactly_what_the_generators_export(specs_dir: Path, tmp_path: Path) -> None:
    """The hooks' name lists against the declarations in generated code, both ways."""
    ws = load_workspace(specs_dir)
    ctx = BuildContext(workspace=ws, output_dir=tmp_path / "out", cache_dir=tmp_path / "c")
    for sid in ws.order:
        spec = ws.specs[sid]
        ts = _write(TypeScriptTarget(ctx, TypeScriptConfig()), ws, sid, tmp_path / sid / "ts")
        src = "".join((ts / "src" / n).read_text() for n in ("types.ts", "api.ts", "clauses.ts"))
        exported = set(
            re.findall(r"^export (?:abstract )?(?:interface|type|class|const) (\w+)", src, re.M)
        )
        exported |= set(re.findall(r"^import type \* as (\w+)", src, re.M))
        assert exported == {d.ident for d in ts_lint.declared(spec)}, sid
        rs = _write(RustTarget(ctx, RustConfig()), ws, sid, tmp_path / sid / "rs")
        src = "".join((rs / "src" / n).read_text() for n in ("types.rs", "api.rs", "clauses.rs"))
        declared = set(re.findall(r"^pub (?:struct|enum|trait|type|const) (\w+)", src, re.M))
        assert declared == {d.ident for d in rs_lint.declared(spec)}, sid
        py = _write(PythonTarget(ctx, PythonConfig()), ws, sid, tmp_path / sid / "py")
        init = next((py / "src").glob("*/__init__.py")).read_text()
        exported = set(re.findall(r'^    "(\w+)",$', init, re.M))
        assert exported == {d.ident for d in py_lint.declared(spec)}, sid


def test_a_spec_named_core_gets_an_escaped_crate(tmp_path: Path) -> None:
    text = COLLIDING.replace("spec: svc", "spec: core").replace("SvcService", "Thing")
    text = text.replace("SvcError", "Broken").replace("STATUS_VALUES", "LIMIT")
    ws = _workspace(tmp_path, text, "core")
    found = [f for f in lint_workspace(ws, LintConfig(targets=["rust"])) if f.rule == "SL106"]
    assert any("standard crate `core`" in f.message for f in found)
    ctx = BuildContext(workspace=ws, output_dir=tmp_path / "out", cache_dir=tmp_path / "c")
    files = {
        f.path: f.data.decode() for f in RustTarget(ctx, RustConfig()).generate(ws.specs["core"])
    }
    assert 'name = "core_"' in files["Cargo.toml"]


def test_lint_imports_no_generator() -> None:
    code = (
        "import sys, pathlib\n"
        "from specloom.check.lint import lint_workspace\n"
        "from specloom.parse import load_workspace\n"
        "lint_workspace(load_workspace(pathlib.Path('specs')))\n"
        "heavy = ('jinja2', 'specloom.targets.typescript.target',"
        " 'specloom.targets.rust.target', 'specloom.targets.python.target',"
        " 'specloom.targets.podcast.target', 'pydub', 'prefect', 'openai', 'mkdocs')\n"
        "bad = [m for m in sys.modules if m.startswith(heavy)]\n"
        "assert not bad, bad\n"
        "assert 'specloom.targets.typescript.lint' in sys.modules\n"
        "assert 'specloom.targets.python.lint' in sys.modules\n"
        "assert 'specloom.targets.podcast.lint' in sys.modules\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_an_unknown_target_in_the_lint_config_is_an_error(tmp_path: Path) -> None:
    from specloom.errors import ConfigError

    ws = _workspace(tmp_path, COLLIDING)
    with pytest.raises(ConfigError, match=r"unknown target.*typscript"):
        lint_workspace(ws, LintConfig(targets=["typscript"]))


UNSPEAKABLE = """---
spec: talk
title: Talk
date: 2026-01-01
---

# Talk {#talk}

Intro.

## Rules {#rules}

A name MUST match ^[a-z]+$ and nothing else[^k1].

A client MUST NOT compare a == b when it sends[^k2].

A client MUST send `ping` first[^k3].

```specloom
types:
  Thing:
    clauses: [k1, k2, k3]
    fields: {id: string}
```

## More {#more}

Prose only.
"""


def test_podcast_hook_flags_what_the_podcast_gates_refuse(tmp_path: Path) -> None:
    """SL301 at the clause line for each text POD013 refuses at build time; a code span
    (`ping`) is not read aloud and is fine; the hook runs only when podcast is built."""
    from specloom.targets.podcast.builder import build_episode
    from specloom.targets.podcast.config import PodcastConfig
    from specloom.targets.podcast.script_gates import unspeakable_findings

    ws = _workspace(tmp_path, UNSPEAKABLE, "talk")
    found = lint_workspace(ws, LintConfig(targets=["podcast"]))
    sl301 = sorted((f.line, f.clause) for f in found if f.rule == "SL301")
    assert sl301 == [(13, "k1"), (15, "k2")]
    assert all(f.severity is Severity.ERROR for f in found if f.rule == "SL301")
    assert not [f for f in lint_workspace(ws, LintConfig(targets=["ir-json"])) if f.rule == "SL301"]
    # what the build would do: the same script, refused by POD013
    episode = build_episode(ws.specs["talk"], PodcastConfig(), ws.order)
    assert len(unspeakable_findings(episode)) == 2


def test_podcast_hook_flags_a_must_clause_too_long_to_say(tmp_path: Path) -> None:
    words = " ".join(f"item{i}x" for i in range(400))
    text = UNSPEAKABLE.replace(
        "A client MUST send `ping` first[^k3].", f"A client MUST send {words}[^k3]."
    )
    ws = _workspace(tmp_path, text, "talk")
    found = [f for f in lint_workspace(ws, LintConfig(targets=["podcast"])) if f.rule == "SL302"]
    assert [(f.line, f.clause) for f in found][:1] == [(17, "k3")]


def test_a_podcast_rule_blocks_only_the_podcast_target(tmp_path: Path) -> None:
    """A check error of a target's own rule (SL3xx) blocks that target of the spec; the
    other targets still build and publish."""
    import json

    # the build loads the podcast target (make test-lowest runs this module without it)
    pytest.importorskip("pydub", reason="the podcast extra (pydub) is not installed")

    _workspace(tmp_path, UNSPEAKABLE, "talk")
    proc = subprocess.run(
        [sys.executable, "-m", "specloom", "build", str(tmp_path / "ws"), "-t", "ir-json",
         "-t", "podcast", "-o", str(tmp_path / "out"), "--format", "json"],
        cwd=tmp_path, capture_output=True, text=True,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    rows = {t["target"]: t for t in json.loads(proc.stdout)["targets"]}
    assert rows["podcast"]["status"] == "blocked" and "SL301" in rows["podcast"]["reason"]
    assert rows["ir-json"]["status"] == "built"


def test_podcast_hook_reads_the_podcast_settings_the_build_uses(tmp_path: Path) -> None:
    """The hook builds the script with `[tool.specloom.targets.podcast]`: a SHOULD clause is
    said up to `max_sentence_words` words, so a pattern past word 32 is read aloud only when
    the setting is larger; `specloom lint` and the build then agree."""
    import subprocess
    import sys

    filler = " ".join(f"word{i}" for i in range(40))
    text = UNSPEAKABLE.replace(
        "A client MUST send `ping` first[^k3].",
        f"A client SHOULD send {filler} then ^[0-9]+$ last[^k3].",
    )
    ws = _workspace(tmp_path, text, "talk")

    def sl301(settings: dict[str, dict[str, object]]) -> list[str | None]:
        cfg = LintConfig(targets=["podcast"], target_settings=settings)
        return sorted(f.clause or "" for f in lint_workspace(ws, cfg) if f.rule == "SL301")

    assert sl301({}) == ["k1", "k2"]
    assert sl301({"podcast": {"max_sentence_words": 80}}) == ["k1", "k2", "k3"]
    # from the project's pyproject.toml, as a user runs it; a bad value is exit 2
    (tmp_path / "pyproject.toml").write_text(
        '[tool.specloom]\nspecs = "ws"\n\n[tool.specloom.targets.podcast]\n'
        "max_sentence_words = 80\n",
        encoding="utf-8",
    )
    run = [sys.executable, "-m", "specloom", "lint", "--format", "json"]
    proc = subprocess.run(run, cwd=tmp_path, capture_output=True, text=True)
    assert '"k3"' in proc.stdout and '"SL301"' in proc.stdout, proc.stdout[-2000:]
    (tmp_path / "pyproject.toml").write_text(
        '[tool.specloom]\nspecs = "ws"\n\n[tool.specloom.targets.podcast]\n'
        "max_sentence_words = 2\n",
        encoding="utf-8",
    )
    proc = subprocess.run(run, cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 2 and "max_sentence_words" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
