"""`[tool.specloom.evals]`: who answers, who grades, where runs go, and the bars to pass."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from specloom.config import validated_table
from specloom.docs_url import doc_url
from specloom.errors import ConfigError


class EvalSettings(BaseModel):
    """Settings of `specloom eval`; command-line options override each key."""

    model_config = ConfigDict(extra="forbid")

    model: str | None = None
    """The model under test (`--model`)."""
    grader_model: str | None = None
    """The grader (`--grader-model`); default: `[tool.specloom.llm] model`."""
    base_url: str | None = None
    """Endpoint of the model under test; default: the LLM backend's (`OPENAI_BASE_URL`...)."""
    grader_base_url: str | None = None
    """Endpoint of the grader; default: the LLM backend's."""
    runs_dir: str = "evals-runs"
    """Where run folders go, relative to the project root (`--runs-dir`)."""
    concurrency: int = Field(default=4, ge=1, le=64)
    """Cases in flight at once (`--concurrency`)."""
    max_tokens: int | None = Field(default=None, ge=1)
    """Spend cap: no new case starts once the run's requests used this many tokens."""
    fail_under: dict[str, float] = Field(default_factory=lambda: {"MUST": 1.0, "MUST NOT": 1.0})
    """Lowest pass rate per clause level; below it `specloom eval` exits 1 (`--fail-under`
    sets MUST and MUST NOT)."""


def load_eval_settings(table: Mapping[str, Any] | None) -> EvalSettings:
    """Validate `[tool.specloom.evals]`; a clear ConfigError for a bad key."""
    data = dict(table or {})
    for forbidden in ("api_key", "key"):
        if forbidden in data:
            raise ConfigError(
                f"[tool.specloom.evals] {forbidden}: API keys do not belong in config files",
                hint="set OPENAI_API_KEY in the environment instead",
            )
    return validated_table(
        EvalSettings, data, "tool.specloom.evals", "see " + doc_url("targets-evals.md")
    )
