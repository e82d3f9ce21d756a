"""SL007 and SL016 over every kind of link a spec can hold (real parser and lint)."""

from __future__ import annotations

from pathlib import Path

from specloom.check.lint import lint_workspace
from specloom.config import LintConfig
from specloom.parse import load_workspace


def _spec(root: Path, sid: str, body: str) -> None:
    (root / sid).mkdir(parents=True, exist_ok=True)
    head = f"---\nspec: {sid}\ntitle: {sid}\n---\n\n# {sid} {{#{sid}}}\n\n"
    (root / sid / "spec.md").write_text(head + body, encoding="utf-8")


def _found(root: Path) -> list[tuple[str, int | None, str]]:
    found = lint_workspace(load_workspace(root), LintConfig(targets=[]))
    return sorted(
        (f.rule, f.line, f.message.split(":")[0]) for f in found if f.rule in ("SL007", "SL016")
    )


def test_local_files_are_sl016_and_missing_specs_sl007_urls_and_anchors_pass(
    tmp_path: Path,
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "diagram.png").write_bytes(b"\x89PNG")  # present or not: unpublished
    _spec(tmp_path, "b", "## Part {#part}\n\nB MUST hold.\n")
    _spec(
        tmp_path,
        "a",
        "## Rules {#rules}\n\n"
        "A MUST send [the form](diagram.png) and [notes](./notes.txt#top) ![a](logo.svg).\n"
        "See [b](../b/spec.md), [its part](../b/spec.md#part), [rules](#rules),\n"
        "[the web](https://example.com/a.png), [mail](mailto:x@example.com),\n"
        "[net](//example.com/x), `[code](not-a-link.png)` and [gone](../c/spec.md).\n",
    )
    assert _found(tmp_path) == [
        ("SL007", 13, "link to ../c/spec.md"),
        ("SL016", 10, "link to the local file ./notes.txt"),
        ("SL016", 10, "link to the local file diagram.png"),
        ("SL016", 10, "link to the local file logo.svg"),
    ]


def test_sl016_is_a_warning_and_can_be_disabled(tmp_path: Path) -> None:
    _spec(tmp_path, "a", "A MUST hold, see [the table](table.csv).\n")
    found = lint_workspace(load_workspace(tmp_path), LintConfig(targets=[]))
    [f] = [f for f in found if f.rule == "SL016"]
    assert f.severity.value == "warning" and f.file is not None and f.file.endswith("spec.md")
    quiet = lint_workspace(load_workspace(tmp_path), LintConfig(targets=[], disable=["SL016"]))
    assert not [f for f in quiet if f.rule == "SL016"]
