"""Fixtures of the pipeline tests: small IR workspaces built in Python, and build helpers."""

from __future__ import annotations

import hashlib
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
