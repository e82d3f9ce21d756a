"""LLM settings: `[tool.specloom.llm]` overlaid by the OPENAI_* environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr, ValidationError

from specloom.docs_url import doc_url
from specloom.errors import ConfigError

DEFAULT_MODEL = "gpt-4o-mini"


class Price(BaseModel):
    """US dollars per million tokens for one model."""

    model_config = ConfigDict(extra="forbid")

    input: float = 0.0
    """Price of one million prompt tokens."""
    output: float = 0.0
    """Price of one million completion tokens."""


DEFAULT_PRICES: dict[str, Price] = {
    "gpt-4o-mini": Price(input=0.15, output=0.60),
    "gpt-4o": Price(input=2.50, output=10.00),
    "gpt-4.1-mini": Price(input=0.40, output=1.60),
    "gpt-4.1": Price(input=2.00, output=8.00),
}
"""Published list prices at the time of writing; override them in `[tool.specloom.llm.prices]`."""


class GraderConfig(BaseModel):
    """`[tool.specloom.llm.grader]`: who grades artifacts against clauses, and how strictly."""

    model_config = ConfigDict(extra="forbid")

    mode: Literal["auto", "rules", "llm"] = "auto"
    """`rules` always; `llm` always (needs a model); `auto`: the LLM with `--backend openai`."""
    thresholds: dict[str, int] = Field(
        default_factory=lambda: {
            "MUST": 4,
            "MUST NOT": 4,
            "SHOULD": 3,
            "SHOULD NOT": 3,
            "MAY": 2,
            "NONE": 2,
        }
    )
    """Lowest passing score (1-5) per clause level; MUST is the strictest."""
    severity: Literal["error", "warning", "info"] = "warning"
    """Severity of the finding for a grade below its threshold (`error` blocks publication)."""
    excerpt_lines: int = 12
    """Lines of context taken on each side of the clause id in the artifact."""
    llm_levels: list[str] = Field(
        default_factory=lambda: ["MUST", "MUST NOT", "SHOULD", "SHOULD NOT", "MAY", "NONE"]
    )
    """Clause levels the LLM grades (others keep the rules grade), to bound the cost."""
    concurrency: int = 4
    """LLM grading requests in flight at once."""


class LlmConfig(BaseModel):
    """Everything the LLM layer needs. The API key is a SecretStr and never serialised."""

    model_config = ConfigDict(extra="forbid")

    model: str = DEFAULT_MODEL
    """Chat model used for prose, grading and clarify rewrites."""
    base_url: str | None = None
    """OpenAI-compatible endpoint, e.g. `http://localhost:11434/v1` (Ollama); None: OpenAI."""
    api_key: SecretStr | None = Field(default=None, exclude=True, repr=False)
    """Read from the environment only (`api_key_env`), never from pyproject."""
    api_key_env: str = "OPENAI_API_KEY"
    """Name of the environment variable holding the key."""
    timeout: float = 60.0
    """Seconds for one HTTP request (connect, read, write)."""
    max_retries: int = 4
    """Our own retries after the first attempt (429, 5xx, timeouts, malformed output)."""
    backoff_base: float = 1.0
    """First backoff delay in seconds; doubles on every retry."""
    backoff_max: float = 30.0
    """Upper bound of one backoff delay (also caps a server's Retry-After)."""
    temperature: float | None = 0.2
    """Sampling temperature sent with every request; None leaves the server default."""
    cache: bool = True
    """Cache responses on disk by (model, messages, schema)."""
    refresh: bool = False
    """Ask the model again and overwrite cached answers (nightly regeneration);
    also set by SPECLOOM_LLM_REFRESH=1."""
    gate_retries: int = 2
    """Extra attempts for LLM prose whose output fails a target gate (findings fed back)."""
    on_failure: Literal["fallback", "fail"] = "fallback"
    """After the last failed attempt: fall back to the template output (warning) or fail."""
    prices: dict[str, Price] = Field(default_factory=lambda: dict(DEFAULT_PRICES))
    """US dollars per million tokens, by model; unknown models cost 0 (reported as unpriced)."""
    grader: GraderConfig = Field(default_factory=GraderConfig)
    _model_set: bool = PrivateAttr(default=False)

    @property
    def model_set(self) -> bool:
        """True when a model was chosen explicitly (config or OPENAI_MODEL), not defaulted."""
        return self._model_set

    def key(self) -> str | None:
        """The API key's value, for the client constructor only."""
        return self.api_key.get_secret_value() if self.api_key else None

    def secrets(self) -> list[str]:
        """Every secret value a message could leak (for redaction)."""
        value = self.key()
        return [value] if value else []


def load_llm_config(
    table: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None
) -> LlmConfig:
    """Validate `[tool.specloom.llm]` and overlay OPENAI_BASE_URL, OPENAI_MODEL and the key."""
    env = os.environ if env is None else env
    data = dict(table or {})
    for forbidden in ("api_key", "key"):
        if forbidden in data:
            raise ConfigError(
                f"[tool.specloom.llm] {forbidden}: API keys do not belong in config files",
                hint="remove it and set OPENAI_API_KEY in the environment instead",
            )
    try:
        cfg = LlmConfig.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(
            f"[tool.specloom.llm] {where}: {first['msg']}",
            hint="see " + doc_url("llm.md", "configuration"),
        ) from None
    cfg._model_set = "model" in data
    if "prices" in data:  # the user's table extends the built-in one
        cfg.prices = {**DEFAULT_PRICES, **cfg.prices}
    if env.get("OPENAI_BASE_URL"):
        cfg.base_url = env["OPENAI_BASE_URL"]
    if env.get("OPENAI_MODEL"):
        cfg.model = env["OPENAI_MODEL"]
        cfg._model_set = True
    if env.get("SPECLOOM_LLM_REFRESH", "").lower() in ("1", "true", "yes"):
        cfg.refresh = True
    key = env.get(cfg.api_key_env)
    if key:
        cfg.api_key = SecretStr(key)
    return cfg


def llm_config_from_settings(settings: Mapping[str, Any]) -> LlmConfig:
    """The LLM config from the whole `[tool.specloom]` table (BuildContext.settings)."""
    table = settings.get("llm") or {}
    if not isinstance(table, Mapping):
        raise ConfigError("[tool.specloom.llm] must be a table", hint="see " + doc_url("llm.md"))
    return load_llm_config(table)
