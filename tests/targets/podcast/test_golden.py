"""Golden scripts: the template script of each example spec and of the Model Spec."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from specloom.targets.podcast import PodcastTarget
from specloom.targets.podcast.render import script_md

from specloom.model import Workspace
from specloom.parse import load_workspace
from specloom.target import BuildContext


def scripts(ws: Workspace, tmp_path: Path) -> dict[str, bytes]:
    """`<spec>.script.json` and `<spec>.script.md` for every spec of the workspace."""
    target = PodcastTarget(BuildContext(workspace=ws, output_dir=tmp_path, cache_dir=tmp_path))
    out: dict[str, bytes] = {}
    for spec_id in sorted(ws.specs):
        episode = target.build_template_script(ws.specs[spec_id])
        out[f"{spec_id}.script.json"] = (episode.model_dump_json(indent=2) + "\n").encode()
        out[f"{spec_id}.script.md"] = script_md(episode)
    return out


def test_script_goldens(
    specs_dir: Path, model_spec_dir: Path, repo_root: Path, tmp_path: Path, golden_tree: Any
) -> None:
    got = scripts(load_workspace(specs_dir), tmp_path)
    got |= scripts(load_workspace(model_spec_dir), tmp_path)
    golden_tree.check(got, repo_root / "tests" / "golden" / "podcast")
