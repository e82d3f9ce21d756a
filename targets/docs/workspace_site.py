"""The workspace-wide entry page `output/index.html`: one link per spec's docs site."""

from __future__ import annotations

import html
import os
from pathlib import Path

from specloom.model import Workspace

INDEX = "index.html"


def workspace_index_html(workspace: Workspace, output_dir: Path) -> str:
    """The page linking every spec of the workspace (dependencies first)."""
    rows = []
    for spec_id in workspace.order or sorted(workspace.specs):
        spec = workspace.specs[spec_id]
        site = output_dir / spec_id / "docs" / "site" / "index.html"
        name = html.escape(spec.title)
        link = (
            f'<a href="{html.escape(spec_id)}/docs/site/index.html">{name}</a>'
            if site.is_file()
            else f"{name} <em>(docs not built)</em>"
        )
        meta = " ".join(html.escape(x) for x in (spec.version or "", spec.status or "") if x)
        imports = ", ".join(html.escape(i) for i in spec.imports) or "-"
        rows.append(
            f"<tr><td>{link}</td><td><code>{html.escape(spec_id)}</code></td>"
            f"<td>{meta}</td><td>{len(spec.clauses)}</td><td>{imports}</td></tr>"
        )
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
<p>Every spec of the workspace, dependencies first. Each link opens that spec's site.</p>
<table>
<thead><tr><th>Spec</th><th>Id</th><th>Version</th><th>Clauses</th><th>Imports</th></tr></thead>
<tbody>
{body}
</tbody>
</table>
</body>
</html>
"""


def write_workspace_index(workspace: Workspace, output_dir: Path) -> Path:
    """Write `output/index.html` atomically (call it after the per-spec builds)."""
    output_dir.mkdir(parents=True, exist_ok=True)
    path = output_dir / INDEX
    tmp = path.with_name(f".{INDEX}.tmp-{os.getpid()}")
    tmp.write_text(workspace_index_html(workspace, output_dir), encoding="utf-8")
    os.replace(tmp, path)
    return path
