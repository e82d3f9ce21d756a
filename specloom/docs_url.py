"""Where a hint sends a user: the published documentation, never a path of this repository."""

from __future__ import annotations

DOCS_URL = "https://example.com/specloom/docs"
"""The `Documentation` URL of pyproject.toml's [project.urls] (tests/test_docs_url.py)."""


def doc_url(page: str, anchor: str = "") -> str:
    """`doc_url("llm.md", "configuration")` -> the page of docs/ as published."""
    return f"{DOCS_URL}/{page}" + (f"#{anchor}" if anchor else "")
