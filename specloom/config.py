"""Project configuration: `[tool.specloom]` in the nearest pyproject.toml (or specloom.toml)."""

from __future__ import annotations

import difflib
import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from specloom.configfile import find_config_file as find_config_file  # (re-exported)
from specloom.errors import ConfigError

M = TypeVar("M", bound=BaseModel)


def validated_table(model: type[M], data: Any, table: str, hint: str) -> M:
    """`data` (a raw TOML table) validated as `model`; the first problem as a ConfigError
    naming `[table] key` (exit 2), never a pydantic traceback."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"[{table}] {where}: {first['msg']}", hint=hint) from None


class LintConfig(BaseModel):
    """`[tool.specloom.lint]`: which rules run and how severe they are."""

    model_config = ConfigDict(extra="forbid")

    enable: list[str] = Field(default_factory=list)
    """Rule ids to turn on that are off by default."""
    disable: list[str] = Field(default_factory=list)
    """Rule ids to turn off."""
    severity: dict[str, str] = Field(default_factory=dict)
    """Per-rule severity override: {"SL001": "error"}."""
    targets: list[str] | None = None
    """Targets whose lint hooks apply (`typescript`, `rust`...); default: the targets a
    build without `--target` runs. `specloom build` sets it to the targets it builds."""
    ts_int64: str = "number"
    """Not a lint key: copied by `load_config` from `[tool.specloom.targets.typescript]
    int64`, so every caller of the check (lint, build, flows) applies the same policy."""
    target_settings: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """Not a lint key: `[tool.specloom.targets]`, copied by `load_config`, so a target's lint
    hook judges the spec with the settings its build will use (the podcast's
    `max_sentence_words`...)."""


class Config(BaseModel):
    """The whole `[tool.specloom]` table; sections owned by one feature stay raw dicts here.

    Unknown keys are errors (a typo like `spces` must not be ignored): a new setting is a
    new field here, with its docstring.
    """

    model_config = ConfigDict(extra="forbid")

    specs: str = "specs"
    """The workspace folder, relative to the config file."""
    output: str = "output"
    """The output root, relative to the config file."""
    backend: str = "template"
    """Generation backend when `specloom build` gets no `--backend`: template or openai."""
    strict_gates: bool = False
    """Strict gates (as `build --strict` / `verify --strict`): a gate that could not run (a
    tool missing) is an error, so nothing unchecked is published and verify exits 1."""
    read_outside: list[str] = Field(default_factory=list)
    """Folders outside the workspace that specs may read (symlinked specs or examples),
    relative to the config file. Empty: specloom reads only inside the workspace."""
    lint: LintConfig = Field(default_factory=LintConfig)
    targets: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """Per-target config tables, validated by each target's `config_model`."""
    llm: dict[str, Any] = Field(default_factory=dict)
    """`[tool.specloom.llm]`: base_url, model, ... (validated by specloom.llm)."""
    evals: dict[str, Any] = Field(default_factory=dict)
    """`[tool.specloom.evals]`: `specloom eval` settings (validated by specloom.evals)."""
    tools: dict[str, str] = Field(default_factory=dict)
    """`[tool.specloom.tools]`: tool name -> executable path (relative to the config file),
    tried after PATH and the project's node_modules/.bin (specloom.tools)."""
    root: Path = Path(".")
    """Folder holding the config file (not a TOML key; filled in by `load_config`)."""

    def settings(self) -> dict[str, Any]:
        """The table as a build hands it to targets (`BuildContext.settings`): JSON values,
        plus the project folder under `root` for tool lookup (specloom.tools)."""
        data = self.model_dump(mode="json", exclude={"root"})
        data["root"] = str(Path(self.root).resolve())
        return data


def load_config(start: Path | None = None) -> Config:
    """Read the config nearest to `start` (default: the current folder); defaults if none."""
    path = find_config_file(start or Path.cwd())
    if path is None:
        return Config(root=Path.cwd())
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"invalid TOML: {exc}", file=str(path), hint="fix the TOML syntax"
        ) from None
    table = data if path.name == "specloom.toml" else data.get("tool", {}).get("specloom", {})
    if isinstance(table, dict) and "root" in table:
        raise ConfigError(
            "[tool.specloom] root: unknown key (the project folder is where the config file is)",
            file=str(path),
            line=key_line(path, "root"),
            hint="remove the key `root`",
        )
    try:
        cfg = Config.model_validate(table)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = [str(p) for p in first["loc"]]
        where = ".".join(loc)
        if first["type"] == "extra_forbidden":
            raise ConfigError(
                f"[tool.specloom] {where}: unknown key",
                file=str(path),
                line=key_line(path, loc[-1]),
                hint=unknown_key_hint(loc[-1], valid_keys(loc[:-1])),
            ) from None
        raise ConfigError(
            f"[tool.specloom] {where}: {first['msg']}",
            file=str(path),
            line=key_line(path, loc[-1]) if loc else None,
            hint="see README, section Configuration",
        ) from None
    cfg.root = path.parent
    cfg.lint.ts_int64 = str(cfg.targets.get("typescript", {}).get("int64", "number"))
    cfg.lint.target_settings = cfg.targets
    return cfg


def valid_keys(section: list[str]) -> list[str]:
    """The keys allowed in `[tool.specloom]` (section []) or one of its typed sub-tables."""
    model: type[BaseModel] = Config
    if section == ["lint"]:
        model = LintConfig
    elif section:
        return []
    hidden = {"root", "ts_int64", "target_settings"}
    return sorted(k for k in model.model_fields if k not in hidden)


def unknown_key_hint(key: str, valid: list[str]) -> str:
    """`did you mean ...?` with the closest valid key, else the list of valid keys."""
    close = difflib.get_close_matches(key, valid, n=1, cutoff=0.6)
    if close:
        return f"did you mean `{close[0]}`? (valid keys: {', '.join(valid)})"
    return f"remove it; valid keys: {', '.join(valid) or '(none)'}"


def key_line(path: Path, key: str) -> int | None:
    """The first line of the config file that sets `key` (for file:line in messages)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for n, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped.startswith((f"{key} ", f"{key}=", f'"{key}"')) or stripped.endswith(
            (f".{key}]", f"[{key}]")
        ):
            return n
    return None
