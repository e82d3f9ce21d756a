"""Planning: which (spec, target) pairs are stale, and the jobs that rebuild them."""

from __future__ import annotations

import dataclasses
import hashlib
import heapq
import importlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from specloom import __version__
from specloom.config import validated_table
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
    inputs: dict[str, str] = field(default_factory=dict)
    """`input_parts`: what `input_hash` is made of, recorded so a rebuild can say why."""
    strict: bool = False
    """Strict gates: a gate that could not run is an error (nothing is published)."""
    reuse: bool = True
    """False under `--force`: gates reuse nothing by bytes (`BuildContext.reuse`)."""
    after: tuple[tuple[str, str], ...] = ()
    """(spec, target) jobs of this build that must be published first: the same target of
    each spec this one imports (its gates read their published output, e.g. the `$ref`s of
    an OpenAPI or JSON Schema document into the imported spec's). Set by `with_order`."""

    @property
    def key(self) -> tuple[str, str]:
        return (self.spec_id, self.target)


def with_order(jobs: list[Job]) -> list[Job]:
    """`jobs` with `after` set, in an order that puts every job after those it waits for
    and otherwise keeps the given order (longest first)."""
    keys = {j.key for j in jobs}
    ordered: list[Job] = []
    for j in jobs:
        imports = j.workspace.specs[j.spec_id].imports
        after = tuple((imp, j.target) for imp in imports if (imp, j.target) in keys)
        ordered.append(dataclasses.replace(j, after=after))
    index = {j.key: i for i, j in enumerate(ordered)}
    waiting = {j.key: len(j.after) for j in ordered}
    dependents: dict[tuple[str, str], list[int]] = {}
    for i, j in enumerate(ordered):
        for d in j.after:
            dependents.setdefault(d, []).append(i)
    ready = [i for i, j in enumerate(ordered) if not j.after]
    heapq.heapify(ready)
    out: list[Job] = []
    while ready:  # imports are acyclic (SL103), so every job becomes ready
        job = ordered[heapq.heappop(ready)]
        out.append(job)
        for i in dependents.get(job.key, []):
            k = ordered[i].key
            waiting[k] -= 1
            if waiting[k] == 0:
                heapq.heappush(ready, index[k])
    return out


@dataclass
class JobResult:
    """What building one target produced: built (published) or failed (nothing published)."""

    spec_id: str
    target: str
    status: Literal["built", "failed"]
    input_hash: str
    inputs: dict[str, str] = field(default_factory=dict)
    """The labelled hashes `input_hash` is made of (recorded in the manifest)."""
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
    spans: list[tuple[str, float, float, float]] = field(default_factory=list)
    """(step, start, end, thread CPU seconds) of generate, verify, grade and publish, start
    and end by `time.time()`: the build's timeline (never the manifest: it varies per run)."""


@dataclass
class PlanEntry:
    """The plan for one (spec, target): run it (stale) or skip it (fresh), and why."""

    spec_id: str
    target: str
    action: Literal["run", "skip", "blocked"]
    reason: str
    job: Job | None = None


def code_files(cls: type[Target]) -> dict[str, str]:
    """sha256 per file a target is made of: its whole package folder (generator code and
    templates) for a built-in target or a target defined in a package's `__init__.py`, else
    its module file plus the `templates/` folder beside it. Built-in targets also count the
    helpers they share (`targets/*.py`, `specloom/naming.py`). `__pycache__` and hidden
    files are left out. Read on every build, so an edited template or generator reruns the
    target without a `version` bump, and the report names the file."""
    module = sys.modules.get(cls.__module__)
    file = getattr(module, "__file__", None)
    if not file:
        return {}
    path = Path(file)
    root = path.parent
    package = getattr(module, "__package__", "") or ""
    built_in = package.startswith("specloom.targets.")
    whole = built_in or path.name == "__init__.py"
    found = root.rglob("*") if whole else [path, *(root / "templates").rglob("*")]
    entries: list[tuple[str, Path]] = [(f.relative_to(root).as_posix(), f) for f in found]
    if built_in:
        entries += [(f"shared/{f.name}", f) for f in _shared_helpers()]
    out: dict[str, str] = {}
    for label, f in sorted(entries):
        if not f.is_file() or any(
            p == "__pycache__" or p.startswith(".") for p in label.split("/")
        ):
            continue
        out[label] = hashlib.sha256(f.read_bytes()).hexdigest()
    return out


def plugin_code_roots(cls: type[Target]) -> list[str]:
    """What `code_files` reads for a target that is not built in (a folder, or a module and
    its `templates/` folder); [] for a built-in target, whose files the no-op stamp hashes
    with the whole specloom package (specloom.pipeline.noop)."""
    module = sys.modules.get(cls.__module__)
    file = getattr(module, "__file__", None)
    package = getattr(module, "__package__", "") or ""
    if not file or package.startswith("specloom.targets."):
        return []
    path = Path(file).resolve()
    if path.name == "__init__.py":
        return [str(path.parent)]
    return [str(path), str(path.parent / "templates")]


def code_digest(cls: type[Target]) -> str:
    """One sha256 over `code_files(cls)`."""
    blob = json.dumps(code_files(cls), sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest()


def _shared_helpers() -> list[Path]:
    """The modules built-in targets share: `targets/*.py` and `specloom/naming.py`."""
    targets, naming = (importlib.import_module(m) for m in ("specloom.targets", "specloom.naming"))
    return [*sorted(Path(targets.__file__ or "").parent.glob("*.py")), Path(naming.__file__ or "")]


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def input_parts(target: Target, spec_id: str, code: dict[str, str]) -> dict[str, str]:
    """Every input of one (spec, target), each under a label a person can act on, with its
    hash: `spec <file>`, `import <id> (<file>)`, `config <target>.<key>`, `code <file>`,
    `target version`. A rebuild's reason lists the labels whose hash changed."""
    ws = target.ctx.workspace
    spec = ws.specs[spec_id]
    parts = {"target version": _digest(target.version)}
    for key, value in target.config.model_dump(mode="json").items():
        parts[f"config {target.name}.{key}"] = _digest(value)
    piece = target.ir_slice(spec)
    if isinstance(piece, dict) and set(piece) == {"spec", "imports"}:
        parts[f"spec {spec.path}"] = _digest(piece["spec"])
        for dep, data in sorted(piece["imports"].items()):
            where = ws.specs[dep].path if dep in ws.specs else "?"
            parts[f"import {dep} ({where})"] = _digest(data)
    elif isinstance(piece, dict):
        for key, data in piece.items():
            parts[f"spec {spec.path}: {key}"] = _digest(data)
    else:
        parts[f"spec {spec.path}"] = _digest(piece)
    for label, sha in code.items():
        parts[f"code {target.name}/{label}"] = sha
    return parts


def job_input_hash(target: Target, spec_id: str, code: str | dict[str, str]) -> str:
    """The hash that decides staleness: the hash of `input_parts` (name, version, config,
    IR slice, code and templates)."""
    files = code if isinstance(code, dict) else {"digest": code}
    return parts_hash(target.name, input_parts(target, spec_id, files))


def parts_hash(name: str, parts: dict[str, str]) -> str:
    """sha256 of a target name and its labelled input hashes."""
    return _digest({"target": name, "inputs": parts})


def changed_inputs(before: dict[str, str], now: dict[str, str], limit: int = 4) -> str:
    """`inputs changed: spec specs/billing/spec.md, config docs.theme` (added and removed
    inputs too; at most `limit` named, then `+N more`)."""
    if not before:
        return "inputs changed (the manifest predates per-input hashes)"
    names = [k for k in sorted(set(before) | set(now)) if before.get(k) != now.get(k)]
    if not names:
        return "inputs changed"
    grouped: dict[str, list[str]] = {}
    for k in names:  # `spec F: clauses`, `spec F: sections` -> `spec F (clauses, sections)`
        head, _, part = k.partition(": ")
        note = "new" if k not in before else "gone" if k not in now else ""
        grouped.setdefault(head, []).append(", ".join(x for x in (part, note) if x))
    shown = [
        f"{head} ({', '.join(p for p in parts if p)})" if any(parts) else head
        for head, parts in list(grouped.items())[:limit]
    ]
    more = f", +{len(grouped) - limit} more" if len(grouped) > limit else ""
    return "inputs changed: " + ", ".join(shown) + more


def make_target(
    cls: type[Target],
    workspace: Workspace,
    output_dir: Path,
    cache_dir: Path,
    backend: str,
    settings: dict[str, Any],
    raw_config: dict[str, Any],
    reuse: bool = True,
) -> Target:
    """Instantiate a target with its validated config."""
    config = validated_table(
        cls.config_model,
        raw_config,
        f"tool.specloom.targets.{cls.name}",
        f"see the {cls.name} target's documentation for its options",
    )
    ctx = BuildContext(
        workspace=workspace,
        output_dir=output_dir,
        cache_dir=cache_dir,
        backend=backend,
        settings=settings,
        reuse=reuse,
    )
    return cls(ctx, config)


def is_fresh(
    manifest: Manifest | None,
    spec_dir: Path,
    target: Target,
    input_hash: str,
    inputs: dict[str, str] | None = None,
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
        return False, changed_inputs(rec.inputs, inputs or {})
    if rec.backend != target.ctx.backend:
        return False, f"backend {rec.backend} -> {target.ctx.backend}"
    if current_folder(spec_dir, target.name) != rec.folder:
        return False, "published folder missing or not from this manifest"
    if hash_tree(spec_dir / rec.folder) != rec.files:
        return False, "published files differ from the manifest"
    return True, "up to date"
