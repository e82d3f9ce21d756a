"""One LLM session per build: config, cache, client and usage ledger, hung on the BuildContext."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from specloom.llm.cache import ResponseCache
from specloom.llm.client import LlmClient
from specloom.llm.config import LlmConfig, llm_config_from_settings
from specloom.llm.usage import UsageLedger
from specloom.target import BuildContext

_lock = threading.Lock()


class LlmSession:
    """What a build shares across targets: one client, one cache folder, one ledger."""

    def __init__(self, config: LlmConfig, cache_dir: Path) -> None:
        self.config = config
        self.ledger = UsageLedger(config.prices)
        self.cache = ResponseCache(cache_dir / "llm")
        self.client = LlmClient(config, self.ledger, self.cache)

    def usage_report(self) -> dict[str, Any]:
        """Tokens, requests, cache hits and estimated cost per target (for report.json)."""
        report = self.ledger.report()
        report["model"] = self.config.model
        return report


def session_for(ctx: BuildContext) -> LlmSession:
    """The build's session, made on first use from `ctx.settings["llm"]` and the environment."""
    with _lock:
        if not isinstance(ctx.llm, LlmSession):
            ctx.llm = LlmSession(llm_config_from_settings(ctx.settings), ctx.cache_dir)
        return ctx.llm


def llm_enabled(ctx: BuildContext) -> bool:
    """True when the build asked for the LLM backend (`--backend openai`)."""
    return ctx.backend == "openai"


def usage_report(ctx: BuildContext) -> dict[str, Any] | None:
    """The session's usage report, or None when no LLM session was opened in this build."""
    return ctx.llm.usage_report() if isinstance(ctx.llm, LlmSession) else None
