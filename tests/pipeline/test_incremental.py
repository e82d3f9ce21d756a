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
    assert {r.target: r.reason for r in result.rows}["clause-list"] == "inputs changed"
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
        assert [(r.status, r.reason) for r in result.rows] == [("built", "inputs changed")]
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
