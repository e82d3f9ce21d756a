"""load_workspace: discovery, import resolution, topological order, paths as given."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from specloom.errors import SpecError
from specloom.parse import load_spec, load_workspace


def spec_dir(
    root: Path, name: str, imports: list[str] | None = None, sid: str | None = None
) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    head = f"spec: {sid or name}\n" + (f"imports: [{', '.join(imports)}]\n" if imports else "")
    (folder / "spec.md").write_text(f"---\n{head}---\n# {name}\n", encoding="utf-8")
    return folder


def test_example_specs_order_and_paths(repo_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo_root)
    ws = load_workspace(Path("specs"))
    assert ws.root == "specs"
    assert ws.order == ["common", "billing", "counters"]
    assert ws.spec("billing").path == "specs/billing/spec.md"
    assert ws.spec("billing").examples_dir == "specs/billing/examples"
    assert ws.spec("billing").example_files[0].path == "specs/billing/examples/bil1.md"
    assert ws.dependents("common") == {"billing"}


def test_order_is_topological_with_ties_by_id(tmp_path: Path) -> None:
    spec_dir(tmp_path, "zeta")
    spec_dir(tmp_path, "alpha", ["zeta"])
    spec_dir(tmp_path, "mid")
    spec_dir(tmp_path, "top", ["alpha", "mid"])
    ws = load_workspace(tmp_path)
    assert ws.order == ["mid", "zeta", "alpha", "top"]
    assert list(ws.specs) == ["alpha", "mid", "top", "zeta"]
    assert ws.dependencies("top") == ["mid", "zeta", "alpha"]  # transitive, dependencies first
    assert ws.dependencies("mid") == [] and ws.dependencies("nope") == []


def test_single_spec_pulls_its_imports_from_beside_it(tmp_path: Path) -> None:
    spec_dir(tmp_path, "base")
    spec_dir(tmp_path, "other", sid="renamed")  # id differs from the folder name
    spec_dir(tmp_path, "mid", ["renamed", "base"])
    top = spec_dir(tmp_path, "top", ["mid"])
    spec_dir(tmp_path, "unrelated")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "spec.md").write_bytes(b"\xff")  # never read: not imported by name
    ws = load_workspace(top)
    assert ws.order == ["base", "renamed", "mid", "top"]
    assert load_workspace(top / "spec.md").order == ws.order


def test_markdown_files_with_a_spec_key_are_specs(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# Not a spec\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("---\ntitle: notes\n---\n# Notes\n", encoding="utf-8")
    (tmp_path / "flat.md").write_text("---\nspec: flat\n---\n# Flat\n", encoding="utf-8")
    spec_dir(tmp_path, "folder", ["flat"])
    ws = load_workspace(tmp_path)
    assert ws.order == ["flat", "folder"]
    assert ws.spec("flat").path == f"{tmp_path.as_posix()}/flat.md"


def test_self_import_is_a_cycle(tmp_path: Path) -> None:
    spec_dir(tmp_path, "loop", ["loop"])
    with pytest.raises(SpecError, match="import cycle: loop -> loop") as exc:
        load_workspace(tmp_path)
    assert exc.value.line == 3


def test_single_spec_with_missing_import(tmp_path: Path) -> None:
    top = spec_dir(tmp_path, "top", ["absent"])
    ws = load_workspace(top)  # loads; lint reports the missing import (SL104) with the rest
    assert ws.order == ["top"] and ws.specs["top"].imports == ["absent"]
    # load_spec does not resolve imports: one spec parses on its own
    assert load_spec(top).imports == ["absent"]


def test_single_file_spec_and_its_examples(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo_root)
    spec = load_spec(Path("tests/fixtures/specs/single/orders.md"))
    assert spec.id == "orders"
    assert spec.examples_dir == "tests/fixtures/specs/single/examples"
    assert [f.id for f in spec.example_files] == ["ord1"]
    assert spec.examples[0].clause == "ord1" and spec.examples[0].source == "file"
    assert spec.meta == {"reviewed": "2026-01-15", "tracker": {"project": "ORD", "board": 7}}


def test_hash_covers_examples(tmp_path: Path) -> None:
    folder = spec_dir(tmp_path, "h")
    before = load_spec(folder).hash
    (folder / "examples").mkdir()
    (folder / "examples" / "x1.md").write_text("**Example**: one\n", encoding="utf-8")
    with_example = load_spec(folder).hash
    (folder / "examples" / "x1.md").write_text("**Example**: two\n", encoding="utf-8")
    assert len({before, with_example, load_spec(folder).hash}) == 3


def test_no_front_matter_takes_id_and_title_from_the_path(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo_root)
    spec = load_spec(Path("tests/fixtures/specs/no_front_matter"))
    assert spec.id == "no_front_matter"
    assert spec.title == "A spec without front matter"
    assert spec.clause("pre1") is not None and spec.clause("pre1").section is None  # type: ignore[union-attr]


def test_hidden_entries_are_ignored(tmp_path: Path) -> None:
    folder = spec_dir(tmp_path, "vis")
    hidden = spec_dir(tmp_path, ".hidden")
    (hidden / "spec.md").write_bytes(b"\xff")  # would be an error if it were read
    (folder / "examples").mkdir()
    (folder / "examples" / ".x1.md").write_bytes(b"\xff")
    (folder / "examples" / "x1.md").write_text("**Example**: one\n", encoding="utf-8")
    ws = load_workspace(tmp_path)
    assert ws.order == ["vis"]
    assert [f.id for f in ws.spec("vis").example_files] == ["x1"]


def test_line_ends_and_bom_do_not_change_the_ir(tmp_path: Path) -> None:
    text = "---\nspec: le\n---\n# T {#t}\n\nIt MUST work[^a].\n"
    unix = tmp_path / "unix.md"
    unix.write_text(text, encoding="utf-8")
    dos = tmp_path / "dos.md"
    dos.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    a, b = load_spec(unix), load_spec(dos)
    assert a.clauses[1].pos.line == b.clauses[1].pos.line == 6
    same = a.model_dump_json(exclude={"hash"}).replace("unix.md", "dos.md")
    assert same == b.model_dump_json(exclude={"hash"})


@settings(max_examples=40, database=None, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from("abcdef"), st.lists(st.sampled_from("abcdefg"), max_size=3), min_size=1
    )
)
def test_random_import_graphs(graph: dict[str, list[str]]) -> None:
    """Any import graph gives a valid dependency order (an import of a spec not in the
    workspace is left to lint's SL104), or a cycle error."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, deps in graph.items():
            spec_dir(root, name, deps)
        try:
            ws = load_workspace(root)
        except SpecError as exc:
            assert exc.line == 3 and exc.file is not None
            assert "import cycle" in exc.message
            return
        position = {sid: i for i, sid in enumerate(ws.order)}
        assert sorted(ws.order) == sorted(graph)
        for name, deps in graph.items():
            assert all(position[d] < position[name] for d in deps if d != name and d in graph)
