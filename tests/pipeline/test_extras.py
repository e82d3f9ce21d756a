"""Extras: a target whose modules are missing is unavailable, named with its pip line."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from specloom.errors import BuildError
from specloom.pipeline import registry

PLUGIN = """
from specloom.target import GeneratedFile, Target

class HeavyTarget(Target):
    name = "heavy"
    description = "needs a module that is not installed"
    extra = "heavy"
    requires = ("specloom_test_absent_module",)
    def generate(self, spec):
        import specloom_test_absent_module  # lazily, as the contract says
        return []
    def verify(self, spec, root):
        return []

class LightTarget(Target):
    name = "light"
    description = "needs nothing"
    extra = "light"
    requires = ("json",)
    def generate(self, spec):
        return [GeneratedFile("light.txt", b"light\\n")]
    def verify(self, spec, root):
        return []
"""
IMPORTS_AT_TOP = "import specloom_test_absent_dependency\n"


@pytest.fixture
def heavy_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    site = tmp_path / "site"
    info = site / "heavyplug-0.2.dist-info"
    info.mkdir(parents=True)
    (site / "heavyplug.py").write_text(PLUGIN)
    (site / "eagerplug.py").write_text(IMPORTS_AT_TOP + PLUGIN.replace('"heavy"', '"eager"'))
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: heavyplug\nVersion: 0.2\n")
    (info / "entry_points.txt").write_text(
        "[specloom.targets]\nheavy = heavyplug:HeavyTarget\nlight = heavyplug:LightTarget\n"
        "eager = eagerplug:HeavyTarget\n"
    )
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    yield site
    for m in ("heavyplug", "eagerplug"):
        sys.modules.pop(m, None)


def test_unavailable_target_names_its_install_line(heavy_plugin: Path) -> None:
    infos = {i.name: i for i in registry.target_infos()}
    heavy, light = infos["heavy"], infos["light"]
    assert not heavy.available
    assert heavy.missing == ("specloom_test_absent_module",)
    assert heavy.install == "pip install 'heavyplug[heavy]'"
    assert light.available and light.install == ""
    assert infos["ir-json"].available and infos["ir-json"].extra is None
    assert infos["docs"].extra == "docs" and infos["podcast"].extra == "podcast"
    assert infos["python"].extra == "python" and infos["python"].available


def test_a_module_missing_at_import_is_unavailable_not_broken(heavy_plugin: Path) -> None:
    eager = registry.target_info("eager")
    assert not eager.available
    assert eager.missing == ("specloom_test_absent_dependency",)
    assert eager.error is None


def test_naming_an_unavailable_target_is_a_usage_error(heavy_plugin: Path) -> None:
    with pytest.raises(BuildError) as err:
        registry.resolve_targets(["light", "heavy"])
    assert "target 'heavy' is not available" in err.value.message
    assert err.value.hint == "pip install 'heavyplug[heavy]'"


def test_default_build_leaves_unavailable_targets_out_and_says_so(
    heavy_plugin: Path,
    monkeypatch: pytest.MonkeyPatch,
    build_ir: Any,
    small_ws: Any,
) -> None:
    monkeypatch.setenv("SPECLOOM_TARGETS", "light,heavy,eager")
    result = build_ir(small_ws, targets=None)
    assert {r.target for r in result.rows} == {"light"}
    assert result.exit_code == 0
    assert result.left_out == ["heavy", "eager"]
    assert any("left out" in w and "pip install 'heavyplug[heavy]'" in w for w in result.warnings)


def test_cli_build_of_an_unavailable_target_exits_2(heavy_plugin: Path, ws: Path) -> None:
    env_path = str(heavy_plugin)
    res = subprocess.run(
        [sys.executable, "-m", "specloom", "build", "specs", "-t", "heavy"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": env_path},
    )
    assert res.returncode == 2, res.stdout + res.stderr
    assert "pip install 'heavyplug[heavy]'" in res.stderr
    assert "Traceback" not in res.stderr
