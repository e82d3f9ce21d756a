"""The mutation harness: seed a defect, then prove that the gate that guards it fires.

A mutant is one realistic defect and the gate id that must catch it. Two kinds:

- `generator`: `mutate(ctx)` patches generator code, a filter or a template through
  `ctx.monkeypatch`; the harness runs a forced build of that spec and target and asserts exit
  1, that the named gate fired, and that the published output did not change.
- `published`: `mutate(ctx)` edits the files under `ctx.root` (the published version folder);
  the harness rewrites the manifest's hashes AND renames the version folder to the new digest
  (so drift and integrity checks see nothing), runs `verify`, and asserts exit 1 and that the
  named gate fired.

The example workspace (`specs/`) is built once per session and target; each mutant works on
a copy of that output. See docs/gates.md, "Adding a mutant".
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pytest

from specloom.config import Config, LintConfig
from specloom.findings import Finding, Severity
from specloom.pipeline.build import BuildRequest, BuildResult, run_build
from specloom.pipeline.manifest import hash_tree, read_manifest, write_manifest
from specloom.pipeline.publish import current_folder, version_folder_name
from specloom.pipeline.runner_local import make_local_executor
from specloom.pipeline.verify import VerifyRow, run_verify


@dataclass
class MutationContext:
    """What a mutant may touch."""

    monkeypatch: pytest.MonkeyPatch
    """Generator mutants: patch a generator function, a filter or a template with it."""
    root: Path
    """The published version folder of the target (published mutants edit files here)."""


@dataclass(frozen=True)
class Mutant:
    """One seeded defect and the gate that must catch it."""

    id: str
    """Unique, kebab-case, e.g. "ts-drop-see-on-operation"."""
    target: str
    gate: str
    """The gate id that must fire, e.g. "TS002"."""
    kind: Literal["generator", "published"]
    mutate: Callable[[MutationContext], None]
    spec: str = "billing"
    """The spec of the example workspace (specs/) it applies to."""
    why: str = ""
    """The defect class it stands for, one line."""
    reseal: bool = True
    """Published mutants: rewrite the manifest and rename the folder after the edit (the
    default: only a content gate may notice). False for mutants of the pipeline's own
    integrity and drift checks, which edit the output tree and the manifest themselves."""


@dataclass
class Outcome:
    """What happened to a mutant: the exit code and every finding reported."""

    exit_code: int
    findings: list[Finding] = field(default_factory=list)

    def fired(self, gate: str) -> bool:
        return any(f.rule == gate and f.severity is Severity.ERROR for f in self.findings)

    def describe(self) -> str:
        return "\n".join(
            f"  {f.rule} {f.severity} {f.location()}: {f.message}" for f in self.findings
        )


class Baseline:
    """The example workspace, built once per session and target (strict gates), as a template
    that each mutant copies."""

    def __init__(self, root: Path, specs: Path) -> None:
        self.root = root
        self.specs = root / "specs"
        shutil.copytree(specs, self.specs)
        self.output = root / "output"
        self.cache = root / ".specloom-cache"  # where `verify` looks too (config root)
        self.built: dict[str, BuildResult] = {}

    def config(self) -> Config:
        # an absolute feed base: a clean podcast has no "local use only" notice (POD015).
        # The podcast lint hook (SL301/SL302) runs the script builder at check time, so a
        # patched builder would be stopped as a spec error before its gates run: the suite
        # tests the gates, so those rules are off here (tests/targets/test_lint_hooks.py
        # tests them).
        return Config(
            root=self.root,
            targets={"podcast": {"feed_base_url": "https://example.com/specs"}},
            lint=LintConfig(disable=["SL301", "SL302"]),
        )

    def build(self, target: str) -> BuildResult:
        """Build `target` for every spec of the workspace (once per session)."""
        if target not in self.built:
            result = run_build(
                BuildRequest(
                    paths=[self.specs],
                    output=self.output,
                    cache_dir=self.cache,
                    targets=[target],
                    strict=True,
                ),
                make_local_executor(1),
                config=self.config(),
            )
            problems = [
                (r.spec, r.target, r.status, r.reason, [g.as_dict() for g in r.gates])
                for r in result.rows
                if r.status != "built"
            ]
            assert not problems, f"the clean build of {target} failed: {problems}"
            self.built[target] = result
        return self.built[target]

    def copy(self, dest: Path) -> tuple[Path, Path]:
        """A copy of the output tree (symlinks kept) and a cache folder for one mutant.

        The cache is fresh (a patched generator must not poison the shared TTS/LLM caches)
        except the rust target's stable crate folders (`<cache>/rust`), which are shared:
        files are synced into them before every check, and rebuilding them would cost each
        Rust mutant a cold compile; and the tsc runs kept by their bytes
        (`<cache>/typescript`), shared on purpose: every TypeScript and tutorial mutant then
        runs against a warm cache of the clean build, which proves that the reuse never
        hides a defect (a mutant's changed bytes are another key)."""
        out = dest / "output"
        shutil.copytree(self.output, out, symlinks=True)
        cache = dest / "cache"
        cache.mkdir()
        for name in ("rust", "typescript"):
            shared = self.cache / name
            shared.mkdir(parents=True, exist_ok=True)
            (cache / name).symlink_to(shared, target_is_directory=True)
        return out, cache


def published_folder(output: Path, spec: str, target: str) -> Path:
    folder = current_folder(output / spec, target)
    assert folder is not None, f"{spec}/{target} is not published under {output}"
    return output / spec / folder


def snapshot(output: Path, spec: str, target: str) -> tuple[str | None, dict[str, str]]:
    """The published version folder name and its file hashes."""
    folder = current_folder(output / spec, target)
    files = hash_tree(output / spec / folder) if folder else {}
    return folder, files


def reseal(output: Path, spec: str, target: str) -> str:
    """After a published mutant: rename the version folder to the digest of its files, swap
    the symlink and rewrite the manifest's record, so only a content gate can notice."""
    spec_dir = output / spec
    old = current_folder(spec_dir, target)
    assert old is not None
    files = hash_tree(spec_dir / old)
    new = version_folder_name(target, files)
    assert new != old, "the mutant changed nothing in the published files"
    os.rename(spec_dir / old, spec_dir / new)
    link = spec_dir / target
    tmp = spec_dir / f".mutant-link-{os.getpid()}"
    os.symlink(new, tmp)
    os.replace(tmp, link)
    manifest = read_manifest(spec_dir)
    assert manifest is not None
    rec = manifest.targets[target]
    manifest.targets[target] = rec.model_copy(update={"folder": new, "files": files})
    write_manifest(spec_dir, manifest)
    return new


def verify_rows(base: Baseline, output: Path, target: str, spec: str) -> list[VerifyRow]:
    rows = run_verify([base.specs], output, [target], config=base.config(), strict_gates=True)
    return [r for r in rows if r.spec == spec]


def run_mutant(
    mutant: Mutant, base: Baseline, tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> Outcome:
    """Apply the mutant to a copy of the clean output and report what the pipeline said."""
    base.build(mutant.target)
    output, cache = base.copy(tmp)
    root = published_folder(output, mutant.spec, mutant.target)
    ctx = MutationContext(monkeypatch=monkeypatch, root=root)
    if mutant.kind == "published":
        mutant.mutate(ctx)
        if mutant.reseal:
            reseal(output, mutant.spec, mutant.target)
        rows = verify_rows(base, output, mutant.target, mutant.spec)
        findings = [f for r in rows for f in r.findings]
        leaked = [f for f in findings if f.rule.startswith(("DRIFT", "INT"))]
        assert not mutant.reseal or not leaked, (
            "the harness did not reseal the output:\n" + "\n".join(f.message for f in leaked)
        )
        return Outcome(1 if any(r.status != "ok" for r in rows) else 0, findings)
    before = snapshot(output, mutant.spec, mutant.target)
    with monkeypatch.context() as patch:
        ctx.monkeypatch = patch
        mutant.mutate(ctx)
        result = run_build(
            BuildRequest(
                paths=[base.specs],
                output=output,
                cache_dir=cache,
                targets=[mutant.target],
                force=True,
                strict=True,
                only_specs={mutant.spec},
            ),
            make_local_executor(1),
            config=base.config(),
        )
    after = snapshot(output, mutant.spec, mutant.target)
    assert after == before, "a failed build changed the published output"
    rows = [r for r in result.rows if r.spec == mutant.spec and r.target == mutant.target]
    return Outcome(result.exit_code, [g for r in rows for g in r.gates])
