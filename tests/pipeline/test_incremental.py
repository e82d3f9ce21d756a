"""Incremental builds: a target reruns only when its IR slice, version, config, backend,
code or templates changed, or its published files no longer match the manifest."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from specloom.findings import Finding
from specloom.model import Spec
from specloom.pipeline import registry
from specloom.target import GeneratedFile, Target, TargetConfig


class ClauseConfig(TargetConfig):
    shout: bool = False


class ClauseList(Target):
    """Reads only the clauses."""

    name: ClassVar[str] = "clause-list"
    config_model: ClassVar[type[TargetConfig]] = ClauseConfig

    def ir_slice(self, spec: Spec) -> Any:
        return [c.text for c in spec.clauses]

    def generate(self, spec: Spec) -> list[GeneratedFile]:
        assert isinstance(self.config, ClauseConfig)
        text = "\n".join(c.text for c in spec.clauses)
        return [
            GeneratedFile("clauses.txt", (text.upper() if self.config.shout else text).encode())
        ]

    def verify(self, spec: Spec, root: Path) -> list[Finding]:
        return []


class TitleOnly(ClauseList):
    """Reads only the title."""

    name: ClassVar[str] = "title-only"

    def ir_slice(self, spec: Spec) -> Any:
        return spec.title

    def generate(self, spec: Spec) -> list[GeneratedFile]:
        return [GeneratedFile("title.txt", spec.title.encode())]


@pytest.fixture(autouse=True)
def targets() -> Iterator[None]:
    registry.register_target(ClauseList)
    registry.register_target(TitleOnly)
    yield
    registry.unregister_target("clause-list")
    registry.unregister_target("title-only")


def reran(result: Any) -> set[str]:
    return {r.target for r in result.rows if r.status == "built"}


NAMES = ["clause-list", "title-only"]


def test_a_clause_edit_reruns_only_targets_reading_clauses(build_ir: Any, ir: Any) -> None:
    ws = ir.workspace(ir.spec("common", {"cmn1": "Money MUST be minor units."}))
    assert reran(build_ir(ws, targets=NAMES)) == set(NAMES)
    assert reran(build_ir(ws, targets=NAMES)) == set()
    ws.specs["common"].clauses[0].text = "Money MUST be whole minor units."
    result = build_ir(ws, targets=NAMES)
    assert reran(result) == {"clause-list"}
    reason = {r.target: r.reason for r in result.rows}["clause-list"]
    assert reason == "inputs changed: spec specs/common/spec.md"
    ws.specs["common"].title = "Shared"
    assert reran(build_ir(ws, targets=NAMES)) == {"title-only"}


def test_a_version_bump_reruns_the_target(
    build_ir: Any, ir: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = ir.workspace(ir.spec("common", {"cmn1": "Money MUST be minor units."}))
    build_ir(ws, targets=NAMES)
    monkeypatch.setattr(TitleOnly, "version", "2")
    result = build_ir(ws, targets=NAMES)
    assert reran(result) == {"title-only"}
    assert {r.target: r.reason for r in result.rows}["title-only"] == "target version 1 -> 2"


def test_a_config_change_reruns_the_target(build_ir: Any, ir: Any, tmp_path: Path) -> None:
    from specloom.config import Config
    from specloom.pipeline.build import BuildRequest, run_build
    from specloom.pipeline.runner_local import make_local_executor

    ws = ir.workspace(ir.spec("common", {"cmn1": "Money MUST be minor units."}))
    build_ir(ws, targets=NAMES)
    config = Config(root=tmp_path, targets={"clause-list": {"shout": True}})
    req = BuildRequest(output=tmp_path / "output", cache_dir=tmp_path / "cache", targets=NAMES)
    result = run_build(req, make_local_executor(1), workspace=ws, config=config)
    assert reran(result) == {"clause-list"}
    reason = {r.target: r.reason for r in result.rows}["clause-list"]
    assert reason == "inputs changed: config clause-list.shout"
    assert (
        tmp_path / "output" / "common" / "clause-list" / "clauses.txt"
    ).read_text() == "MONEY MUST BE MINOR UNITS."


def test_a_deleted_published_file_reruns_the_target(build_ir: Any, ir: Any, tmp_path: Path) -> None:
    ws = ir.workspace(ir.spec("common", {"cmn1": "Money MUST be minor units."}))
    build_ir(ws, targets=NAMES)
    (tmp_path / "output" / "common" / "title-only" / "title.txt").unlink()
    result = build_ir(ws, targets=NAMES)
    assert reran(result) == {"title-only"}
    assert (tmp_path / "output" / "common" / "title-only" / "title.txt").read_text() == "Common"


TEMPLATED = """
from pathlib import Path
from specloom.target import GeneratedFile, Target

class Templated(Target):
    name = "templated"

    def generate(self, spec):
        template = (Path(__file__).parent / "templates" / "out.txt").read_text()
        return [GeneratedFile("out.txt", template.format(title=spec.title).encode())]

    def verify(self, spec, root):
        return []
"""


@pytest.mark.parametrize("layout", ["package", "module"])
def test_an_edited_template_or_generator_reruns_the_target(
    layout: str, build_ir: Any, ir: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / f"site-{layout}"
    name = f"tpl_{layout}_plugin"
    folder = site / name if layout == "package" else site
    (folder / "templates").mkdir(parents=True)
    code = folder / ("__init__.py" if layout == "package" else f"{name}.py")
    code.write_text(TEMPLATED)
    template = folder / "templates" / "out.txt"
    template.write_text("v1 {title}\n")
    monkeypatch.syspath_prepend(str(site))
    registry.register_target(importlib.import_module(name).Templated)
    try:
        ws = ir.workspace(ir.spec("common", {"cmn1": "Money MUST be minor units."}))
        published = tmp_path / "output" / "common" / "templated" / "out.txt"
        assert reran(build_ir(ws, targets=["templated"])) == {"templated"}
        assert reran(build_ir(ws, targets=["templated"])) == set()
        template.write_text("v2 {title}\n")
        result = build_ir(ws, targets=["templated"])
        assert [(r.status, r.reason) for r in result.rows] == [
            ("built", "inputs changed: code templated/templates/out.txt")
        ]
        assert published.read_text().startswith("v2 ")
        assert reran(build_ir(ws, targets=["templated"])) == set()
        # the generator's code counts too (a bump of `version` is not needed)
        code.write_text(TEMPLATED + "\n# generator edited\n")
        assert reran(build_ir(ws, targets=["templated"])) == {"templated"}
    finally:
        registry.unregister_target("templated")
        sys.modules.pop(name, None)


def test_built_in_digests_cover_the_shared_helpers() -> None:
    from specloom.pipeline.plan import _shared_helpers, code_digest

    assert {"templating.py", "values.py", "naming.py"} <= {p.name for p in _shared_helpers()}
    digests = {code_digest(registry.load_target(n)) for n in ("ir-json", "typescript", "rust")}
    assert len(digests) == 3 and all(len(d) == 64 for d in digests)


def test_an_edited_import_is_named_in_the_reason(build_ir: Any, small_ws: Any) -> None:
    build_ir(small_ws)
    small_ws.specs["common"].title = "Shared money"
    result = build_ir(small_ws)
    reasons = {(r.spec, r.target): r.reason for r in result.rows if r.status == "built"}
    assert reasons == {
        ("common", "ir-json"): "inputs changed: spec specs/common/spec.md (title)",
    }  # ir-json reads only its own spec: billing's is untouched
    small_ws.specs["common"].clauses[0].text = "Money MUST be whole minor units."
    result = build_ir(small_ws, targets=["clause-list", "ir-json"])
    assert {(r.spec, r.target) for r in result.rows if r.status == "built"} == {
        ("common", "clause-list"),
        ("common", "ir-json"),
        ("billing", "clause-list"),  # never built before
    }


SPEC = """---
spec: {sid}
title: {title}
version: 1.0.0
{imports}---

# {title} {{#{sid}}}

A value MUST be kept[^{sid}1].
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project on disk: pyproject, specs/common and specs/billing (imports common)."""
    for sid, imports in (("common", ""), ("billing", "imports: [common]\n")):
        d = tmp_path / "specs" / sid
        (d / "examples").mkdir(parents=True)
        (d / "spec.md").write_text(SPEC.format(sid=sid, title=sid.title(), imports=imports))
        (d / "examples" / f"{sid}1.md").write_text("**Example**: kept\n\nIt is kept.\n")
    (tmp_path / "pyproject.toml").write_text('[tool.specloom]\nspecs = "specs"\n')
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _cli_build(*args: str) -> None:

    from specloom.cli.main import main

    with pytest.raises(SystemExit) as info:
        main(["build", *args, "--format", "json", "--cache-dir", ".cache"])
    assert info.value.code == 0


def _statuses(project: Path, capsys: pytest.CaptureFixture[str]) -> dict[tuple[str, str], str]:
    import json

    doc = json.loads(capsys.readouterr().out)
    return {(r["spec"], r["target"]): r["status"] for r in doc["targets"]}


@pytest.mark.parametrize("how", ["relative", "absolute"])
def test_a_build_after_a_narrower_forced_build_does_nothing(
    project: Path, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    """Seen in a user's workspace: after `build specs/billing --force`, a plain `build`
    rebuilt billing ("inputs changed": the default path was absolute, the given one
    relative, and the IR keeps paths as given)."""
    _cli_build("-t", "ir-json")
    assert set(_statuses(project, capsys).values()) == {"built"}
    billing = "specs/billing" if how == "relative" else str(project / "specs" / "billing")
    _cli_build(billing, "-t", "ir-json", "--force")
    assert _statuses(project, capsys) == {("billing", "ir-json"): "built"}
    _cli_build("-t", "ir-json")
    assert set(_statuses(project, capsys).values()) == {"skipped"}
    _cli_build("specs", "-t", "ir-json")
    assert set(_statuses(project, capsys).values()) == {"skipped"}
