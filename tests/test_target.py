"""The Target base class: the default clause coverage reads whole ids from the files."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from specloom.findings import Finding
from specloom.model import Clause, Level, SourcePos, Spec, Workspace
from specloom.target import BuildContext, GeneratedFile, Target


class Plain(Target):
    name: ClassVar[str] = "plain"

    def generate(self, spec: Spec) -> list[GeneratedFile]:
        return []

    def verify(self, spec: Spec, root: Path) -> list[Finding]:
        return []


def spec_with(*ids: str) -> Spec:
    clauses = [
        Clause(
            id=i,
            kind="statement",
            title=i,
            text=f"{i} MUST hold.",
            level=Level.MUST,
            keywords=["MUST"],
            pos=SourcePos(file="s.md", line=n + 1),
        )
        for n, i in enumerate(ids)
    ]
    return Spec(id="s", title="S", path="s.md", hash="h", clauses=clauses)


def test_default_coverage_counts_whole_ids_only(tmp_path: Path) -> None:
    spec = spec_with("bil1", "bil12", "bil2")
    t = Plain(BuildContext(workspace=Workspace(root="."), output_dir=tmp_path, cache_dir=tmp_path))
    (tmp_path / "a.md").write_text("Traces bil12 and (bil2).\n")
    assert t.covered_clauses(spec, tmp_path) == {"bil12", "bil2"}
    (tmp_path / "b.md").write_text('<a id="bil1"></a>\n')
    assert t.covered_clauses(spec, tmp_path) == {"bil1", "bil12", "bil2"}
    empty = tmp_path / "empty"
    empty.mkdir()
    assert t.covered_clauses(spec, empty) == set()
