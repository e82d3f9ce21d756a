"""Build settings that come from `[tool.specloom]`: backend, the int64 policy, the site index."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from specloom.cli.main import main


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(argv))
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


def build(capsys: pytest.CaptureFixture[str], *targets: str) -> tuple[int, dict[str, Any], str]:
    args = [a for t in targets for a in ("-t", t)]
    code, out, err = cli(capsys, "build", "specs", "-o", "out", *args, "--format", "json")
    assert "Traceback" not in err
    return code, (json.loads(out) if out.strip() else {}), err


def test_unknown_backend_in_config_is_a_clear_error(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (ws / "specloom.toml").write_text('backend = "gpt"\n', encoding="utf-8")
    code, _, err = build(capsys, "ir-json")
    assert code == 2
    assert "unknown backend 'gpt'" in err and "fix:" in err
    assert not (ws / "out" / "billing" / "ir-json").exists()


def test_backend_defaults_to_template_and_is_recorded(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = build(capsys, "ir-json")
    assert code == 0
    manifest = json.loads((ws / "out" / "billing" / "manifest.json").read_text())
    assert manifest["targets"]["ir-json"]["backend"] == "template"


def _int64_rules(doc: dict[str, Any]) -> set[str]:
    return {f["rule"] for f in doc.get("check", []) if "int64" in f["message"]}


def test_int64_policy_reaches_the_build_check(ws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc, _ = build(capsys, "ir-json")
    assert code == 0 and _int64_rules(doc) == {"SL108"}
    (ws / "specloom.toml").write_text('[targets.typescript]\nint64 = "bigint"\n', encoding="utf-8")
    code, doc, _ = build(capsys, "ir-json")
    assert code == 0 and _int64_rules(doc) == set()


@pytest.mark.slow
def test_docs_build_writes_the_workspace_index(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = build(capsys, "docs")
    assert code == 0
    index = (ws / "out" / "index.html").read_text(encoding="utf-8")
    for sid in ("common", "billing"):
        assert f'href="{sid}/docs/site/index.html"' in index
        assert (ws / "out" / sid / "docs" / "site" / "index.html").is_file()
