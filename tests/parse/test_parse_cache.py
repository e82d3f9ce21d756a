"""The parse cache (specloom.parse.cache): an entry gives back exactly what parsing gives,
and any byte of a spec or an examples file, a path, or the parser makes it a miss."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from specloom.errors import SpecError
from specloom.model import Workspace
from specloom.parse import cache as parse_cache_module
from specloom.parse import load_workspace
from specloom.parse.cache import parse_cache


@pytest.fixture(autouse=True)
def cache_every_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_cache_module, "MIN_BYTES", 0)


def load(path: Path, cache: Path | None) -> Workspace:
    with parse_cache(cache):
        return load_workspace(path)


def entries(cache: Path) -> list[Path]:
    return sorted((cache / "parse").glob("*.json"))


def test_an_entry_gives_back_what_parsing_gives(ws: Path) -> None:
    plain = load(Path("specs"), None)
    first = load(Path("specs"), ws / "cache")
    assert len(entries(ws / "cache")) == 3
    again = load(Path("specs"), ws / "cache")
    assert first == plain and again == plain
    # one TypeRef object per expression, as parsing gives
    refs = [f.type for t in again.specs["billing"].types for f in t.fields]
    strings = [r for r in refs if r.text == "string"]
    assert len(strings) > 1 and all(r is strings[0] for r in strings)
    # the second load read the entries: they are what it returned
    stamp = {p: p.stat().st_mtime_ns for p in entries(ws / "cache")}
    load(Path("specs"), ws / "cache")
    assert {p: p.stat().st_mtime_ns for p in entries(ws / "cache")} == stamp


def test_the_model_spec_comes_back_unchanged(tmp_path: Path, model_spec_dir: Path) -> None:
    spec = tmp_path / "model_spec"
    shutil.copytree(model_spec_dir, spec)
    plain = load(spec, None)
    load(spec, tmp_path / "cache")
    assert load(spec, tmp_path / "cache") == plain


def test_an_edited_examples_file_misses(ws: Path) -> None:
    load(Path("specs"), ws / "cache")
    ex = sorted((ws / "specs" / "billing" / "examples").glob("*.md"))[0]
    ex.write_text(ex.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    assert load(Path("specs"), ws / "cache") == load(Path("specs"), None)


def test_a_new_examples_file_and_an_edited_spec_miss(ws: Path) -> None:
    load(Path("specs"), ws / "cache")
    (ws / "specs" / "billing" / "examples" / "zz.md").write_text(
        "**Example**: another\n\nText.\n", encoding="utf-8"
    )
    spec = ws / "specs" / "common" / "spec.md"
    spec.write_text(spec.read_text(encoding="utf-8").replace("MUST", "SHOULD", 1))
    cached = load(Path("specs"), ws / "cache")
    assert cached == load(Path("specs"), None)
    assert any(f.path.endswith("zz.md") for f in cached.specs["billing"].example_files)


def test_the_same_bytes_under_another_path_miss(ws: Path) -> None:
    load(Path("specs"), ws / "cache")
    moved = load(ws / "specs", ws / "cache")  # absolute paths: the IR names them so
    assert moved == load(ws / "specs", None)
    assert moved.specs["billing"].path.startswith(str(ws))


def test_a_damaged_entry_is_a_miss(ws: Path) -> None:
    load(Path("specs"), ws / "cache")
    for entry in entries(ws / "cache"):
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2])
    assert load(Path("specs"), ws / "cache") == load(Path("specs"), None)


def test_a_changed_parser_misses(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load(Path("specs"), ws / "cache")
    monkeypatch.setattr(parse_cache_module, "parser_digest", lambda: "another parser")
    before = {p: p.read_bytes() for p in entries(ws / "cache")}
    load(Path("specs"), ws / "cache")
    assert {p: p.read_bytes() for p in entries(ws / "cache")} != before  # written again


def test_a_value_json_cannot_hold_gets_no_entry(tmp_path: Path) -> None:
    spec = tmp_path / "specs" / "nan"
    spec.mkdir(parents=True)
    (spec / "spec.md").write_text(
        "# Nan {#nan}\n\nA value MUST be a number.\n\n```specloom\nconstants:\n"
        "  LIMIT:\n    type: float64\n    value: .inf\n```\n",
        encoding="utf-8",
    )
    ws = load(tmp_path / "specs", tmp_path / "cache")
    assert ws.specs["nan"].constants[0].value == float("inf")
    assert entries(tmp_path / "cache") == []


def test_the_sandbox_still_applies_to_a_cached_spec(
    ws: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    load(Path("specs"), ws / "cache")
    outside = tmp_path_factory.mktemp("outside") / "x.md"
    ex = sorted((ws / "specs" / "billing" / "examples").glob("*.md"))[0]
    outside.write_bytes(ex.read_bytes())
    ex.unlink()
    ex.symlink_to(outside)  # the same bytes, now from outside the workspace
    with pytest.raises(SpecError, match="outside the workspace"):
        load(Path("specs"), ws / "cache")


def test_small_specs_are_parsed_not_looked_up(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_cache_module, "MIN_BYTES", 1 << 30)
    load(Path("specs"), ws / "cache")
    assert not (ws / "cache" / "parse").exists()
