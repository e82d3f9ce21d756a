"""Project configuration: `[tool.specloom]` in the nearest pyproject.toml (or specloom.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from specloom.errors import ConfigError


class LintConfig(BaseModel):
    """`[tool.specloom.lint]`: which rules run and how severe they are."""

    model_config = ConfigDict(extra="forbid")

    enable: list[str] = Field(default_factory=list)
    """Rule ids to turn on that are off by default."""
    disable: list[str] = Field(default_factory=list)
    """Rule ids to turn off."""
    severity: dict[str, str] = Field(default_factory=dict)
    """Per-rule severity override: {"SL001": "error"}."""
    ts_int64: str = "number"
    """Not a lint key: copied by `load_config` from `[tool.specloom.targets.typescript]
    int64`, so every caller of the check (lint, build, flows) applies the same policy."""


class Config(BaseModel):
    """The whole `[tool.specloom]` table; sections owned by one feature stay raw dicts here."""

    model_config = ConfigDict(extra="allow")

    specs: str = "specs"
    """The workspace folder, relative to the config file."""
    output: str = "output"
    """The output root, relative to the config file."""
    backend: str = "template"
    """Generation backend when `specloom build` gets no `--backend`: template or openai."""
    strict_gates: bool = False
    """Strict gates (as `build --strict` / `verify --strict`): a gate that could not run (a
    tool missing) is an error, so nothing unchecked is published and verify exits 1."""
    lint: LintConfig = Field(default_factory=LintConfig)
    targets: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """Per-target config tables, validated by each target's `config_model`."""
    llm: dict[str, Any] = Field(default_factory=dict)
    """`[tool.specloom.llm]`: base_url, model, ... (validated by specloom.llm)."""
    root: Path = Path(".")
    """Folder holding the config file (not a TOML key; filled in by `load_config`)."""


def find_config_file(start: Path) -> Path | None:
    """The nearest pyproject.toml with a [tool.specloom] table, or specloom.toml, upwards."""
    cur = start.resolve()
    if cur.is_file():
        cur = cur.parent
    for d in [cur, *cur.parents]:
        st = d / "specloom.toml"
        if st.is_file():
            return st
        pp = d / "pyproject.toml"
        if pp.is_file():
            try:
                data = tomllib.loads(pp.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError):
                continue
            if "specloom" in data.get("tool", {}):
                return pp
    return None


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
    try:
        cfg = Config.model_validate(table)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(
            f"[tool.specloom] {where}: {first['msg']}",
            file=str(path),
            hint="see README, section Configuration",
        ) from None
    cfg.root = path.parent
    cfg.lint.ts_int64 = str(cfg.targets.get("typescript", {}).get("int64", "number"))
    return cfg
