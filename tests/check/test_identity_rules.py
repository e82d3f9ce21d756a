"""SL015 confusable ids and SL205 definitions repeated from an imported spec (real parser)."""

from __future__ import annotations

from pathlib import Path

import pytest

from specloom.check.confusables import skeleton
from specloom.check.lint import lint_workspace
from specloom.config import LintConfig
from specloom.findings import Finding
from specloom.parse import load_workspace


def _spec(root: Path, sid: str, body: str, imports: str = "") -> None:
    (root / sid).mkdir(parents=True)
    head = f"---\nspec: {sid}\ntitle: {sid}\n{imports}---\n\n# {sid} {{#{sid}}}\n\n"
    (root / sid / "spec.md").write_text(head + body, encoding="utf-8")


def _lint(root: Path, rule: str) -> list[Finding]:
    found = lint_workspace(load_workspace(root), LintConfig(targets=[]))
    return [f for f in found if f.rule == rule]


@pytest.mark.parametrize(
    ("plain", "spoof"),
    [
        ("bil1", "b\u0456l1"),  # Cyrillic i
        ("bil1", "bil\uff11"),  # fullwidth digit one
        ("bil1", "bi\u200bl1"),  # zero-width space
        ("pay", "p\u0430y"),  # Cyrillic a
        ("opt", "\u03bfpt"),  # Greek omicron
    ],
)
def test_confusable_clause_ids(tmp_path: Path, plain: str, spoof: str) -> None:
    _spec(tmp_path, "a", f"X MUST hold[^{plain}].\n")
    _spec(tmp_path, "b", f"Y MUST hold[^{spoof}].\n")
    found = _lint(tmp_path, "SL015")
    assert len(found) == 1 and repr(plain) in found[0].message, found
    assert skeleton(plain) == skeleton(spoof)


def test_confusable_type_names_and_plain_ids_pass(tmp_path: Path) -> None:
    block = (
        "X MUST hold[^x1]. Y MUST hold[^X1].\n\n```specloom\ntypes:\n  Money:\n    alias: string\n"
        "  M\u043eney:\n    alias: string\n```\n"
    )
    _spec(tmp_path, "a", block)
    found = _lint(tmp_path, "SL015")
    assert [f.message.split(" looks")[0] for f in found] == ["name 'M\u043eney'"]


def test_clause_and_type_defined_again_in_an_importing_spec(tmp_path: Path) -> None:
    money = "```specloom\ntypes:\n  Money:\n    alias: string\n```\n"
    _spec(tmp_path, "base", "A MUST hold[^c1].\n\n" + money)
    _spec(tmp_path, "mid", "B MUST hold[^m1].\n", imports="imports: [base]\n")
    _spec(tmp_path, "top", "C MUST hold[^c1].\n\n" + money, imports="imports: [mid]\n")
    found = _lint(tmp_path, "SL205")
    assert sorted(f.message.split(" is also")[0] for f in found) == ["'Money'", "clause id 'c1'"]
    assert all(f.file and f.file.endswith("top/spec.md") for f in found)
