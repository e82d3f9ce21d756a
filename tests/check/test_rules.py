"""The rule registry and its documentation stay in step."""

from __future__ import annotations

import re
from pathlib import Path

from specloom.check.rules import RULES


def test_ids_are_grouped_by_family() -> None:
    for rid, r in RULES.items():
        assert r.id == rid and re.fullmatch(r"SL[0123]\d\d", rid)
        assert r.summary.endswith(".") and r.fix


def test_every_rule_is_documented_with_its_severity(repo_root: Path) -> None:
    doc = (repo_root / "docs" / "lint-rules.md").read_text(encoding="utf-8")
    for rid, r in RULES.items():
        assert f"\n## {rid}\n" in doc, rid
        section = doc.split(f"\n## {rid}\n", 1)[1].split("\n## ", 1)[0]
        assert f"default severity **{r.severity.value}**" in section, rid
        assert f"specloom-disable {rid}" in section, rid
        row = f"| [{rid}](#{rid.lower()}) | {r.name} | {r.severity.value} |"
        assert row in doc, rid
