"""The target interface: a name, a typed config, a pure `generate` and a `verify` gate."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from specloom.findings import Finding
from specloom.model import Spec, Workspace
from specloom.tools import ToolLookup


class TargetConfig(BaseModel):
    """Base of every target's config (`[tool.specloom.targets.<name>]`)."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class GeneratedFile:
    """One output file: a POSIX path relative to the target's output folder, and its bytes."""

    path: str
    data: bytes

    def __post_init__(self) -> None:
        p = PurePosixPath(self.path)
        if p.is_absolute() or ".." in p.parts or not p.parts or "\\" in self.path:
            raise ValueError(f"generated path escapes the target folder: {self.path!r}")


@dataclass
class BuildContext:
    """What a target may know about the build beyond the IR: where things live, which backend."""

    workspace: Workspace
    output_dir: Path
    """The output root (`output/` by default); published targets are `<output>/<spec>/<target>`."""
    cache_dir: Path
    """A persistent cache folder (LLM responses, synthesised audio); outside the output tree."""
    backend: str = "template"
    """`template` (offline, deterministic) or `openai`."""
    settings: dict[str, Any] = field(default_factory=dict)
    """The whole `[tool.specloom]` table, for targets that read shared settings (llm, ...)."""
    llm: Any = None
    """The build's LLM session (specloom.llm.session.LlmSession), made on first use."""
    mode: str = "build"
    """`build`: the gates run on freshly generated files in staging (a gate may add what
    its tool emits, like the TypeScript `dist/`); `verify`: on a copy of what is published,
    where everything must already be there."""
    reuse: bool = True
    """False under `--force`: a gate compiles everything again instead of reusing a result
    kept under `cache_dir` by the bytes it checked (it may still write such results)."""

    @property
    def tools(self) -> ToolLookup:
        """Where this build finds external tools (PATH, node_modules/.bin, config)."""
        return ToolLookup.from_settings(self.settings)


class Target(ABC):
    """A generator plus its gates. Subclasses set `name`, `version` and `config_model`."""

    name: ClassVar[str]
    version: ClassVar[str] = "1"
    """Generator and template version: bump it when the output for the same IR changes."""
    config_model: ClassVar[type[TargetConfig]] = TargetConfig
    description: ClassVar[str] = ""
    extra: ClassVar[str | None] = None
    """The pip extra that installs what this target imports (`docs` for
    `pip install 'specloom[docs]'`); None when the core install is enough."""
    requires: ClassVar[tuple[str, ...]] = ()
    """Top-level modules that must be importable for the target to run (`("mkdocs",
    "material")`). The registry checks them without importing them; a target imports them
    lazily, inside the functions that use them, never at module import."""

    @classmethod
    def missing_modules(cls) -> list[str]:
        """The modules of `requires` that are not installed (found without importing them)."""
        missing = []
        for mod in cls.requires:
            try:
                found = importlib.util.find_spec(mod) is not None
            except (ImportError, ValueError):  # a parent package missing or broken
                found = False
            if not found:
                missing.append(mod)
        return missing

    gate_ids: ClassVar[tuple[str, ...]] = ()
    """Every gate id `verify` runs (docs/gates.md has one row each); a declared gate with no
    error, not-run or off finding is listed as `passed` in the report."""
    not_graded: ClassVar[tuple[str, ...]] = ()
    """Folders (POSIX paths relative to the target's folder, ending in `/`) whose files are
    not the artifact's own text, such as a theme's copied assets: the grader takes no
    excerpts from them."""

    def __init__(self, ctx: BuildContext, config: TargetConfig | None = None) -> None:
        self.ctx = ctx
        self.config = config if config is not None else self.config_model()

    # -- what the target depends on -------------------------------------------------
    def ir_slice(self, spec: Spec) -> Any:
        """The JSON-able part of the IR this target reads; its hash decides staleness.

        The default is the whole spec plus the specs it imports. Targets that read less
        (the podcast ignores types, say) override it so unrelated edits do not rebuild them.
        """
        deps = {
            i: self.ctx.workspace.specs[i].model_dump(mode="json")
            for i in spec.imports
            if i in self.ctx.workspace.specs
        }
        return {"spec": spec.model_dump(mode="json"), "imports": deps}

    def external_inputs(self, spec: Spec) -> list[Path] | None:
        """Files outside the spec tree, the config and specloom's code that `ir_slice` or
        `input_hash` read (an eval run's report, a compiler's package). The no-op stamp
        hashes them, so a change to one makes the next build take the full check. None:
        the inputs cannot be pinned down now (a tool missing), so no stamp is recorded.

        A target that overrides `ir_slice` or `input_hash` must override this too (return
        `[]` when they read nothing outside): until it does, its inputs count as unknown
        (None), so a plugin that reads a file here and forgets to say so gets the full
        check on every build, never a stale "up to date"."""
        cls = type(self)
        if cls.ir_slice is not Target.ir_slice or cls.input_hash is not Target.input_hash:
            return None
        return []

    def input_hash(self, spec: Spec) -> str:
        """sha256 of (target name, version, config, IR slice)."""
        payload = {
            "target": self.name,
            "version": self.version,
            "config": self.config.model_dump(mode="json"),
            "slice": self.ir_slice(spec),
        }
        blob = json.dumps(payload, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()

    # -- the two hooks ----------------------------------------------------------------
    @abstractmethod
    def generate(self, spec: Spec) -> list[GeneratedFile]:
        """Produce the files (pure: no writing); SpecloomError for what cannot be expressed."""

    def build_artifact(self, spec: Spec, staging: Path) -> list[Finding]:
        """Turn the written files into the artifact, inside the staging folder (optional).

        The pipeline calls it at build time only, after `generate`'s files are written and
        before `verify`; error findings block publication. `specloom verify` never calls it,
        so the gates read what was published, not a rebuild (the docs target builds its
        site here). The default does nothing.
        """
        return []

    @abstractmethod
    def verify(self, spec: Spec, root: Path) -> list[Finding]:
        """Run the gates on the files under `root` (staged or published) and nothing else;
        error findings block publication."""

    def covered_clauses(self, spec: Spec, root: Path) -> set[str]:
        """Clause ids this artifact traces, read from its files (default: ids that occur as
        whole tokens in any text file: `bil1` is not found inside `bil12`). Targets whose
        files also list clauses they do not trace (a catalogue) override this."""
        ids = {c.id for c in spec.clauses}
        found: set[str] = set()
        for f in sorted(root.rglob("*")):
            if not f.is_file() or f.stat().st_size > 5_000_000:
                continue
            try:
                text = f.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue
            found |= {i for i in ids if i in text and _token(i).search(text)}
        return found


def _token(clause_id: str) -> re.Pattern[str]:
    """`clause_id` as a whole token: not inside a longer id or word (ids may hold `.`, `:`
    and `-` between word characters, so `bil1` is not in `bil12` or `bil1.2`, but is in
    `Clause bil1:` and `(bil1)`)."""
    return re.compile(rf"(?<!\w)(?<!\w[.:-]){re.escape(clause_id)}(?!\w)(?![.:-]\w)")
