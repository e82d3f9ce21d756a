"""Planning: which (spec, target) pairs are stale, and the jobs that rebuild them."""

from __future__ import annotations

import hashlib
import importlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from specloom import __version__
from specloom.errors import ConfigError
from specloom.findings import Finding
from specloom.model import Workspace
from specloom.pipeline.manifest import Manifest, hash_tree
from specloom.pipeline.publish import current_folder
from specloom.target import BuildContext, Target


@dataclass(frozen=True)
class Job:
    """Everything one worker needs to build one target of one spec (picklable for Dask)."""

    spec_id: str
    target: str
    input_hash: str
    workspace: Workspace
    output_dir: Path
    cache_dir: Path
    backend: str = "template"
    settings: dict[str, Any] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    strict: bool = False
    """Strict gates: a gate that could not run is an error (nothing is published)."""


@dataclass
class JobResult:
    """What building one target produced: built (published) or failed (nothing published)."""

    spec_id: str
    target: str
    status: Literal["built", "failed"]
    input_hash: str
    target_version: str = ""
    folder: str | None = None
    files: dict[str, str] = field(default_factory=dict)
    gates: list[Finding] = field(default_factory=list)
    covered: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    llm_usage: dict[str, Any] | None = None
    """Tokens, requests, cache hits and estimated cost, when the target used an LLM."""
    grades: list[dict[str, Any]] = field(default_factory=list)
    """The grader's per-clause scores (specloom.llm.grader.Grade as JSON)."""


@dataclass
class PlanEntry:
    """The plan for one (spec, target): run it (stale) or skip it (fresh), and why."""

    spec_id: str
    target: str
    action: Literal["run", "skip", "blocked"]
    reason: str
    job: Job | None = None


def code_digest(cls: type[Target]) -> str:
    """sha256 of the files a target is made of: its whole package folder (generator code and
    templates) for a built-in target or a target defined in a package's `__init__.py`, else
    its module file plus the `templates/` folder beside it. Built-in targets also count the
    helpers they share (`targets/*.py`, `specloom/naming.py`). `__pycache__` and hidden
    files are left out. Read on every build, so an edited template or generator reruns the
    target without a `version` bump."""
    module = sys.modules.get(cls.__module__)
    file = getattr(module, "__file__", None)
    if not file:
        return ""
    path = Path(file)
    root = path.parent
    package = getattr(module, "__package__", "") or ""
    built_in = package.startswith("specloom.targets.")
    whole = built_in or path.name == "__init__.py"
    found = root.rglob("*") if whole else [path, *(root / "templates").rglob("*")]
    entries: list[tuple[str, Path]] = [(f.relative_to(root).as_posix(), f) for f in found]
    if built_in:
        entries += [(f"shared/{f.name}", f) for f in _shared_helpers()]
    digest = hashlib.sha256()
    for label, f in sorted(entries):
        if not f.is_file() or any(
            p == "__pycache__" or p.startswith(".") for p in label.split("/")
        ):
            continue
        digest.update(label.encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.hexdigest()


def _shared_helpers() -> list[Path]:
    """The modules built-in targets share: `targets/*.py` and `specloom/naming.py`."""
    targets, naming = (importlib.import_module(m) for m in ("specloom.targets", "specloom.naming"))
    return [*sorted(Path(targets.__file__ or "").parent.glob("*.py")), Path(naming.__file__ or "")]


def job_input_hash(target: Target, spec_id: str, code: str) -> str:
    """The hash that decides staleness: the target's own input hash (name, version, config,
    IR slice) plus the digest of its code and templates."""
    spec = target.ctx.workspace.specs[spec_id]
    return hashlib.sha256(f"{target.input_hash(spec)}:{code}".encode()).hexdigest()


def make_target(
    cls: type[Target],
    workspace: Workspace,
    output_dir: Path,
    cache_dir: Path,
    backend: str,
    settings: dict[str, Any],
    raw_config: dict[str, Any],
) -> Target:
    """Instantiate a target with its validated config."""
    try:
        config = cls.config_model.model_validate(raw_config)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(
            f"[tool.specloom.targets.{cls.name}] {where}: {first['msg']}",
            hint=f"see the {cls.name} target's documentation for its options",
        ) from None
    ctx = BuildContext(
        workspace=workspace,
        output_dir=output_dir,
        cache_dir=cache_dir,
        backend=backend,
        settings=settings,
    )
    return cls(ctx, config)


def is_fresh(
    manifest: Manifest | None, spec_dir: Path, target: Target, input_hash: str
) -> tuple[bool, str]:
    """Whether the published target matches these inputs and is intact; and why not."""
    if manifest is None:
        return False, "never built"
    if manifest.specloom_version != __version__:
        return False, f"specloom {manifest.specloom_version} -> {__version__}"
    rec = manifest.targets.get(target.name)
    if rec is None:
        return False, "never built"
    if rec.target_version != target.version:
        return False, f"target version {rec.target_version} -> {target.version}"
    if rec.input_hash != input_hash:
        return False, "inputs changed"
    if rec.backend != target.ctx.backend:
        return False, f"backend {rec.backend} -> {target.ctx.backend}"
    if current_folder(spec_dir, target.name) != rec.folder:
        return False, "published folder missing or not from this manifest"
    if hash_tree(spec_dir / rec.folder) != rec.files:
        return False, "published files differ from the manifest"
    return True, "up to date"
