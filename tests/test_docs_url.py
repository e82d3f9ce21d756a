"""Hints send a user to the published documentation, never to a path of this repository."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from specloom.docs_url import DOCS_URL, doc_url

REPO = Path(__file__).resolve().parent.parent
SHIPPED = [REPO / "specloom", REPO / "targets", REPO / "flows"]
_REPO_PATH = re.compile(
    r"""["'][^"'\n]*\b(?:see docs/|tests/browser|scripts/setup\.sh|\.\./shared)"""
)
_DOC_PAGE = re.compile(r"""doc_url\(\s*["']([^"']+)["']""")


def test_docs_url_is_the_documentation_url_of_the_package() -> None:
    meta = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert meta["project"]["urls"]["Documentation"] == DOCS_URL
    assert doc_url("llm.md", "configuration") == f"{DOCS_URL}/llm.md#configuration"


def test_no_shipped_string_points_into_the_repository() -> None:
    found = [
        f"{p.relative_to(REPO)}:{n}: {line.strip()}"
        for root in SHIPPED
        for p in sorted(root.rglob("*.py"))
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if _REPO_PATH.search(line)
    ]
    assert found == []


def test_every_page_a_hint_names_exists() -> None:
    pages = {
        page.split("#")[0]
        for root in SHIPPED
        for p in root.rglob("*.py")
        for page in _DOC_PAGE.findall(p.read_text(encoding="utf-8"))
    }
    assert pages, "no hint uses doc_url"
    assert sorted(pg for pg in pages if not (REPO / "docs" / pg).is_file()) == []
