"""Fixtures of the pipeline tests: small IR workspaces built in Python, and build helpers."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from specloom.config import Config
from specloom.model import Clause, Level, SourcePos, Spec, Workspace
from specloom.pipeline.build import BuildRequest, BuildResult, run_build
from specloom.pipeline.runner_local import make_local_executor


def make_spec(spec_id: str, clauses: dict[str, str], imports: list[str] | None = None) -> Spec:
    """A spec with one statement clause per (id, text)."""
    path = f"specs/{spec_id}/spec.md"
    cl = [
        Clause(
            id=cid,
            kind="statement",
            title=text[:20],
            text=text,
            level=Level.MUST,
            keywords=["MUST"],
            pos=SourcePos(file=path, line=i + 3),
        )
        for i, (cid, text) in enumerate(sorted(clauses.items()))
    ]
    digest = hashlib.sha256(repr(sorted(clauses.items())).encode()).hexdigest()
    return Spec(
        id=spec_id,
        title=spec_id.title(),
        version="1.0.0",
        path=path,
        hash=digest,
        imports=imports or [],
        clauses=cl,
    )


def make_workspace(*specs: Spec) -> Workspace:
    """A workspace of these specs, in the given (dependency-first) order."""
    return Workspace(root="specs", specs={s.id: s for s in specs}, order=[s.id for s in specs])


class IrFactory:
    """The IR helpers, as a fixture (test modules cannot import conftest under importlib)."""

    spec = staticmethod(make_spec)
    workspace = staticmethod(make_workspace)


@pytest.fixture
def ir() -> IrFactory:
    return IrFactory()


@pytest.fixture
def small_ws() -> Workspace:
    """common (two clauses) and billing (imports common)."""
    return make_workspace(
        make_spec("common", {"cmn1": "Money MUST be minor units.", "cmn2": "Codes MUST be ISO."}),
        make_spec("billing", {"bil1": "An invoice MUST have a line."}, imports=["common"]),
    )


Builder = Callable[..., BuildResult]


@pytest.fixture
def build_ir(tmp_path: Path) -> Builder:
    """Build a Python-made workspace into tmp_path/output with the local runner."""

    def run(ws: Workspace, **kw: object) -> BuildResult:
        targets = kw.pop("targets", ["ir-json"])
        req = BuildRequest(
            output=tmp_path / "output", cache_dir=tmp_path / "cache", targets=targets, **kw
        )  # type: ignore[arg-type]
        return run_build(req, make_local_executor(2), workspace=ws, config=Config(root=tmp_path))

    return run


DRIVER = """
import json, sys
from pathlib import Path
from specloom.config import Config
from specloom.errors import SpecloomError
from specloom.model import Workspace
from specloom.pipeline.build import BuildRequest, run_build
from specloom.pipeline.runner_local import make_local_executor

ws = Workspace.model_validate_json(Path(sys.argv[1]).read_text())
args = json.loads(sys.argv[2])
out = Path(args["output"])
req = BuildRequest(output=out, cache_dir=out.parent / "cache",
                   targets=args.get("targets", ["ir-json"]),
                   wait=args.get("wait", True), force=args.get("force", False))
try:
    result = run_build(req, make_local_executor(1), workspace=ws, config=Config(root=out.parent))
except SpecloomError as exc:
    print(str(exc), file=sys.stderr)
    sys.exit(getattr(exc, "exit_code", 2))
print(json.dumps(result.as_dict()))
sys.exit(result.exit_code)
"""


MANY_PLUGIN = """
from specloom.target import GeneratedFile, Target

class Many(Target):
    name = "many"
    def generate(self, spec):
        return [GeneratedFile(f"part-{i}.txt", f"{spec.title} {i}\\n".encode()) for i in range(10)]
    def verify(self, spec, root):
        return []
"""


class SubprocessBuild:
    """Runs the real pipeline on a Python-made workspace in a child process."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.output = root / "output"
        self.n = 0

    def plugin_site(self) -> Path:
        """A site folder with a real distribution whose entry point adds the target `many`
        (ten files, so a build held in `generate` has half of them staged)."""
        site = self.root / "site"
        if not site.is_dir():
            info = site / "manyplug-0.1.dist-info"
            info.mkdir(parents=True)
            (info / "METADATA").write_text("Metadata-Version: 2.1\nName: manyplug\nVersion: 0.1\n")
            (info / "entry_points.txt").write_text("[specloom.targets]\nmany = manyplug:Many\n")
            (site / "manyplug.py").write_text(MANY_PLUGIN)
        return site

    def command(self, ws: Workspace, **args: object) -> list[str]:
        self.n += 1
        ws_file = self.root / f"ws-{self.n}.json"
        ws_file.write_text(ws.model_dump_json(by_alias=True))
        payload = json.dumps({"output": str(self.output), **args})
        return [sys.executable, "-c", DRIVER, str(ws_file), payload]

    def env(self, hold: str | None = None, seconds: float = 60) -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(self.plugin_site()), env.get("PYTHONPATH", "")])
        if hold:
            env["SPECLOOM_TEST_HOLD"] = hold
            env["SPECLOOM_TEST_HOLD_FILE"] = str(self.root / f"held-{hold}")
            env["SPECLOOM_TEST_HOLD_SECONDS"] = str(seconds)
        return env

    def run(self, ws: Workspace, **args: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(ws, **args),
            capture_output=True,
            text=True,
            env=self.env(),
            timeout=120,
            check=False,
        )

    def start_held(
        self, ws: Workspace, hold: str, seconds: float = 60, **args: object
    ) -> subprocess.Popen[str]:
        """Start a build that pauses at `hold`; returns once it got there."""
        marker = self.root / f"held-{hold}"
        marker.unlink(missing_ok=True)
        proc = subprocess.Popen(
            self.command(ws, **args),
            env=self.env(hold, seconds),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while not marker.exists():
            if proc.poll() is not None:
                raise AssertionError(f"build ended before {hold}: {proc.communicate()}")
            if time.monotonic() > deadline:
                proc.kill()
                raise AssertionError(f"build never reached {hold}")
            time.sleep(0.02)
        return proc


@pytest.fixture
def subbuild(tmp_path: Path) -> SubprocessBuild:
    return SubprocessBuild(tmp_path)
