"""The workspace-wide entry page `output/index.html`: one link per spec's docs site."""

from __future__ import annotations

import html
import json
import os
from pathlib import Path

from specloom.model import Workspace
from specloom.pipeline.manifest import read_manifest
from specloom.pipeline.stage import create_new

INDEX = "index.html"


def workspace_index_html(workspace: Workspace, output_dir: Path) -> str:
    """The page linking every spec of the workspace (dependencies first), then every other
    spec whose docs are published in the same output (a one-spec build keeps their links)."""
    rows = []
    for spec_id in workspace.order or sorted(workspace.specs):
        spec = workspace.specs[spec_id]
        meta = (spec.title, spec.version, spec.status, len(spec.clauses), spec.imports)
        rows.append(_row(output_dir, spec_id, *meta))
    for spec_id in published_specs(output_dir):
        if spec_id not in workspace.specs:
            rows.append(_row(output_dir, spec_id, *_published_meta(output_dir / spec_id)))
    body = "\n".join(rows)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Specifications</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 56rem; padding: 0 1rem; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #ddd; }}
</style>
</head>
<body>
<h1>Specifications</h1>
<p>Every spec of the workspace, dependencies first, then the other specs published here.
Each link opens that spec's site.</p>
<table>
<thead><tr><th>Spec</th><th>Id</th><th>Version</th><th>Clauses</th><th>Imports</th></tr></thead>
<tbody>
{body}
</tbody>
</table>
</body>
</html>
"""


def _row(
    output_dir: Path,
    spec_id: str,
    title: str,
    version: str | None,
    status: str | None,
    clauses: int | None,
    imports: list[str],
) -> str:
    site = output_dir / spec_id / "docs" / "site" / "index.html"
    name = html.escape(title)
    link = (
        f'<a href="{html.escape(spec_id)}/docs/site/index.html">{name}</a>'
        if site.is_file()
        else f"{name} <em>(docs not built)</em>"
    )
    meta = " ".join(html.escape(x) for x in (version or "", status or "") if x)
    deps = ", ".join(html.escape(i) for i in imports) or "-"
    count = "-" if clauses is None else str(clauses)
    return (
        f"<tr><td>{link}</td><td><code>{html.escape(spec_id)}</code></td>"
        f"<td>{meta}</td><td>{count}</td><td>{deps}</td></tr>"
    )


def published_specs(output_dir: Path) -> list[str]:
    """Spec ids with a docs site published under `output_dir` (their manifest records the
    docs target), sorted; folders that are not spec outputs are ignored."""
    out: list[str] = []
    if not output_dir.is_dir():
        return out
    for entry in sorted(output_dir.iterdir(), key=lambda p: p.name):
        if entry.name.startswith(".") or entry.is_symlink() or not entry.is_dir():
            continue
        m = read_manifest(entry)
        if m is not None and m.spec == entry.name and "docs" in m.targets:
            out.append(entry.name)
    return out


def _published_meta(
    spec_dir: Path,
) -> tuple[str, str | None, str | None, int | None, list[str]]:
    """Title, version, status, clause count and imports of a spec known only from its
    published output: the ir-json target's `ir.json` when published, else the manifest."""
    m = read_manifest(spec_dir)
    version = m.spec_version if m else None
    try:
        ir = json.loads((spec_dir / "ir-json" / "ir.json").read_text(encoding="utf-8"))
        return (
            str(ir["title"]),
            ir.get("version"),
            ir.get("status"),
            len(ir.get("clauses", [])),
            [str(i) for i in ir.get("imports", [])],
        )
    except (OSError, ValueError, KeyError, TypeError):
        return spec_dir.name, version, None, None, []


def write_workspace_index(workspace: Workspace, output_dir: Path) -> Path:
    """Write `output/index.html` atomically (call it after the per-spec builds)."""
    output_dir.mkdir(parents=True, exist_ok=True)
    path = output_dir / INDEX
    tmp = path.with_name(f".{INDEX}.tmp-{os.getpid()}")
    with os.fdopen(create_new(tmp), "w", encoding="utf-8") as fh:  # never through a symlink
        fh.write(workspace_index_html(workspace, output_dir))
    os.replace(tmp, path)
    return path
