"""kill -9 at random points of real builds (two specs, two targets, two jobs at once):
after every kill, `verify` passes: the manifest is true to what is published."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from specloom.config import Config
from specloom.pipeline.faults import ENV_FILE, ENV_POINT
from specloom.pipeline.registry import register_target, unregister_target
from specloom.pipeline.verify import run_verify
from specloom.target import GeneratedFile, Target

STAMP_PLUGIN = '''
import os
from specloom.findings import Finding, Severity
from specloom.target import GeneratedFile, Target

class Stamp(Target):
    """Twenty files naming the spec and the build round; its gate reads every file."""
    name = "stamp"
    def generate(self, spec):
        stamp = os.environ.get("ROUND", "0")
        return [GeneratedFile(f"part-{i:02}.txt", f"{spec.title}\\nround {stamp}\\n".encode())
                for i in range(20)]
    def verify(self, spec, root):
        files = sorted(root.glob("part-*.txt"))
        out = [] if len(files) == 20 else [Finding(rule="STAMP001", severity=Severity.ERROR,
                                                     message=f"{len(files)} parts, not 20")]
        for p in files:
            if p.read_text().split("\\n")[0] != spec.title:
                out.append(Finding(rule="STAMP002", severity=Severity.ERROR,
                                   message="a part names another spec", file=p.name))
        return out
'''

DRIVER = """
import json, sys
from pathlib import Path
from specloom.config import Config
from specloom.model import Workspace
from specloom.pipeline.build import BuildRequest, run_build
from specloom.pipeline.runner_local import make_local_executor

ws = Workspace.model_validate_json(Path(sys.argv[1]).read_text())
out = Path(sys.argv[2])
req = BuildRequest(output=out, cache_dir=out.parent / "cache", targets=["ir-json", "stamp"],
                   force=True)
result = run_build(req, make_local_executor(2), workspace=ws, config=Config(root=out.parent))
sys.exit(result.exit_code)
"""


def _site(root: Path) -> Path:
    site = root / "site"
    info = site / "stampplug-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: stampplug\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[specloom.targets]\nstamp = stampplug:Stamp\n")
    (site / "stampplug.py").write_text(STAMP_PLUGIN)
    return site


class Stamp(Target):
    """The same target in this process, for `verify` (it reads what the child wrote)."""

    name = "stamp"

    def generate(self, spec: Any) -> list[GeneratedFile]:
        raise AssertionError("verify never generates")

    def verify(self, spec: Any, root: Path) -> list[Any]:
        from specloom.findings import Finding, Severity

        files = sorted(root.glob("part-*.txt"))
        out = (
            []
            if len(files) == 20
            else [Finding(rule="STAMP001", severity=Severity.ERROR, message="parts")]
        )
        return out + [
            Finding(rule="STAMP002", severity=Severity.ERROR, message=p.name)
            for p in files
            if p.read_text().split("\n")[0] != spec.title
        ]


@pytest.mark.slow
def test_verify_passes_after_kill_9_at_random_points(tmp_path: Path, ir: Any) -> None:
    ws = ir.workspace(
        ir.spec("common", {"cmn1": "Money MUST be minor units."}),
        ir.spec("billing", {"bil1": "An invoice MUST have a line."}, imports=["common"]),
    )
    ws_file = tmp_path / "ws.json"
    ws_file.write_text(ws.model_dump_json(by_alias=True))
    output = tmp_path / "output"
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(_site(tmp_path)), os.environ.get("PYTHONPATH", "")]),
    )
    command = [sys.executable, "-c", DRIVER, str(ws_file), str(output)]

    def verify() -> list[str]:
        rows = run_verify([], output, None, workspace=ws, config=Config(root=tmp_path))
        assert {(r.spec, r.target) for r in rows} == {
            (s, t) for s in ("common", "billing") for t in ("ir-json", "stamp")
        }
        return [
            f"{r.spec}/{r.target}: {r.status} {[f.rule for f in r.findings]}"
            for r in rows
            if r.status != "ok"
        ]

    register_target(Stamp)
    try:
        t0 = time.monotonic()
        first = subprocess.run(
            command, env={**env, "ROUND": "0"}, capture_output=True, text=True, timeout=300
        )
        assert first.returncode == 0, first.stderr
        whole = time.monotonic() - t0
        assert verify() == []
        rng = random.Random()
        seed = rng.randrange(1 << 30)
        rng.seed(seed)
        # Rounds go on until 10 builds were killed while running (at most 40 rounds): how
        # long a build takes depends on the machine's load, so a round that finished before
        # its kill shortens the window the next kill time is drawn from.
        killed = n = 0
        while killed < 10 and n < 40:
            n += 1
            started = time.monotonic()
            proc = subprocess.Popen(
                command,
                env={**env, "ROUND": str(n)},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            time.sleep(rng.uniform(0.2, whole))
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
                killed += 1
            else:
                whole = max(0.3, min(whole, time.monotonic() - started) * 0.8)
            proc.communicate()
            assert verify() == [], f"round {n}, seed {seed}"
        assert killed >= 10, f"only {killed} of {n} builds were still running when killed"
        # the protocol's worst point, held on purpose: recorded, not yet swapped
        hold_file = tmp_path / "held"
        proc = subprocess.Popen(
            command,
            env={**env, "ROUND": "99", ENV_POINT: "recorded", ENV_FILE: str(hold_file)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 120
        while not hold_file.exists():
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate()

        def folders() -> tuple[dict[str, str], dict[str, str]]:
            recorded: dict[str, str] = {}
            for sid in ("common", "billing"):
                manifest = json.loads((output / sid / "manifest.json").read_text())
                recorded |= {f"{sid}/{t}": r["folder"] for t, r in manifest["targets"].items()}
            return recorded, {k: os.readlink(output / k) for k in recorded}

        recorded, linked = folders()
        assert recorded != linked  # a record names a folder the symlink does not show yet
        rows = run_verify([], output, None, workspace=ws, config=Config(root=tmp_path))
        assert all(r.status == "ok" for r in rows), rows
        assert any(f.rule == "VER003" for r in rows for f in r.findings)
        recorded, linked = folders()
        assert recorded == linked
    finally:
        unregister_target("stamp")
