"""Golden scripts: the template script of each example spec and of the Model Spec."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
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
    specs_dir: Path, model_spec_dir: Path, repo_root: Path, tmp_path: Path, update_goldens: bool
) -> None:
    got = scripts(load_workspace(specs_dir), tmp_path)
    got |= scripts(load_workspace(model_spec_dir), tmp_path)
    golden = repo_root / "tests" / "golden" / "podcast"
    if update_goldens:
        golden.mkdir(parents=True, exist_ok=True)
        for old in golden.glob("*"):
            old.unlink()
        for name, data in got.items():
            (golden / name).write_bytes(data)
        return
    have = {p.name: p.read_bytes() for p in sorted(golden.glob("*")) if p.is_file()}
    problems: list[str] = []
    for name in sorted(set(got) | set(have)):
        if name not in have:
            problems.append(f"{name}: not in the goldens")
        elif name not in got:
            problems.append(f"{name}: no longer generated")
        elif got[name] != have[name]:
            diff = difflib.unified_diff(
                have[name].decode().splitlines(),
                got[name].decode().splitlines(),
                f"golden/podcast/{name}",
                f"generated/{name}",
                lineterm="",
            )
            problems.append("\n".join(diff))
    if problems:
        pytest.fail(
            "\n".join(problems) + "\n\nupdate with: .venv/bin/pytest "
            "tests/targets/podcast/test_golden.py --update-goldens"
        )
