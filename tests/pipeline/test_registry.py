"""The target registry: entry points (a real dist-info on sys.path), errors, default set."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from specloom.errors import BuildError
from specloom.pipeline import registry

PLUGIN = """
from pathlib import Path
from specloom.target import GeneratedFile, Target

class HelloTarget(Target):
    name = "hello"
    def generate(self, spec):
        return [GeneratedFile("hello.txt", f"hello {spec.id}\\n".encode())]
    def verify(self, spec, root):
        return []

class Misnamed(HelloTarget):
    name = "other"

class NotATarget:
    name = "plain"
"""


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A third-party distribution with four entry points: good, missing module, wrong
    class, misnamed."""
    site = tmp_path / "site"
    (site / "fakeplug-0.1.dist-info").mkdir(parents=True)
    (site / "fakeplug.py").write_text(PLUGIN)
    (site / "fakeplug-0.1.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: fakeplug\nVersion: 0.1\n"
    )
    (site / "fakeplug-0.1.dist-info" / "entry_points.txt").write_text(
        "[specloom.targets]\nhello = fakeplug:HelloTarget\nbroken = fakeplug_gone:X\n"
        "plain = fakeplug:NotATarget\nmisnamed = fakeplug:Misnamed\n"
    )
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    yield site
    sys.modules.pop("fakeplug", None)


def test_builtin_ir_json_is_an_entry_point() -> None:
    assert "ir-json" in registry.available_targets()
    assert registry.load_target("ir-json").__name__ == "IrJsonTarget"


def test_unknown_target_lists_the_available_ones() -> None:
    with pytest.raises(BuildError) as err:
        registry.load_target("nope")
    assert "unknown target 'nope'" in err.value.message
    assert "ir-json" in err.value.message


def test_third_party_entry_points(plugin: Path) -> None:
    assert {"hello", "broken", "plain", "misnamed"} <= set(registry.available_targets())
    assert registry.load_target("hello").name == "hello"
    with pytest.raises(
        BuildError,
        match=r"failed to load from entry point broken = "
        r"fakeplug_gone:X \(group specloom.targets\)",
    ):
        registry.load_target("broken")
    with pytest.raises(BuildError, match="not a specloom Target subclass"):
        registry.load_target("plain")
    with pytest.raises(BuildError, match="loads a target named 'other'"):
        registry.load_target("misnamed")


def test_default_set_reports_broken_plugins_and_builds_the_rest(
    plugin: Path,
    monkeypatch: pytest.MonkeyPatch,
    build_ir: Any,
    small_ws: Any,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("SPECLOOM_TARGETS", "ir-json,hello,broken")
    classes, broken = registry.resolve_targets(None)
    assert [c.name for c in classes] == ["ir-json", "hello"]
    assert list(broken) == ["broken"]
    result = build_ir(small_ws, targets=None)
    rows = {(r.spec, r.target): r.status for r in result.rows}
    assert rows[("billing", "hello")] == "built"
    assert rows[("billing", "ir-json")] == "built"
    assert rows[("billing", "broken")] == "failed"
    assert result.exit_code == 1
    assert (
        tmp_path / "output" / "billing" / "hello" / "hello.txt"
    ).read_text() == "hello billing\n"


def test_unknown_name_in_the_default_set_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPECLOOM_TARGETS", "ir-json,zzz")
    with pytest.raises(BuildError, match="SPECLOOM_TARGETS names an unknown target 'zzz'"):
        registry.resolve_targets(None)


def test_register_target_api(build_ir: Any, small_ws: Any) -> None:
    class Inline(registry.load_target("ir-json")):  # type: ignore[misc]
        name = "inline"

    registry.register_target(Inline)
    try:
        assert "inline" in registry.available_targets()
        result = build_ir(small_ws, targets=["inline"])
        assert {r.status for r in result.rows} == {"built"}
    finally:
        registry.unregister_target("inline")
    with pytest.raises(BuildError):
        registry.register_target(int)  # type: ignore[arg-type]


def test_target_names_must_be_folder_names() -> None:
    class Sneaky(registry.load_target("ir-json")):  # type: ignore[misc]
        name = "../sneaky"

    with pytest.raises(BuildError, match="cannot be used as a folder name"):
        registry.register_target(Sneaky)
    assert "../sneaky" not in registry.available_targets()
