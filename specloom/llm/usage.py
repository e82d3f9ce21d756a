"""Token usage and estimated cost, per target, for the build report."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from specloom.findings import Finding
from specloom.llm.config import Price


@dataclass
class TargetUsage:
    """What one target spent: requests sent, cache hits, tokens and estimated dollars."""

    requests: int = 0
    """HTTP requests that reached the server (retries included)."""
    cache_hits: int = 0
    """Answers served from the on-disk cache (no request, no cost)."""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    unpriced_models: set[str] = field(default_factory=set)
    """Models with no entry in the price table (their tokens count, their cost is 0)."""
    findings: list[Finding] = field(default_factory=list)
    """Warnings raised by the LLM layer for this target (fallbacks to the template output)."""

    def as_dict(self) -> dict[str, Any]:
        """A JSON-able summary with a stable key order."""
        return {
            "requests": self.requests,
            "cache_hits": self.cache_hits,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens,
            "estimated_cost_usd": round(self.cost_usd, 6),
            "unpriced_models": sorted(self.unpriced_models),
            "findings": [f.as_dict() for f in self.findings],
        }


def estimate_cost(
    model: str, prompt_tokens: int, completion_tokens: int, prices: dict[str, Price]
) -> float | None:
    """Dollars for these tokens, or None when the model has no price."""
    price = prices.get(model)
    if price is None:
        return None
    return (prompt_tokens * price.input + completion_tokens * price.output) / 1_000_000


class UsageLedger:
    """Thread-safe accumulator of usage by target name (one per build session)."""

    def __init__(self, prices: dict[str, Price]) -> None:
        self._prices = prices
        self._lock = threading.Lock()
        self._by_target: dict[str, TargetUsage] = {}

    def __getstate__(self) -> dict[str, Any]:
        # Locks do not pickle; a copy sent to another process gets a fresh one.
        with self._lock:
            state = self.__dict__.copy()
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def _get(self, target: str) -> TargetUsage:
        return self._by_target.setdefault(target, TargetUsage())

    def record_request(
        self, target: str, model: str, prompt_tokens: int, completion_tokens: int
    ) -> None:
        """Count one answered request and its tokens."""
        with self._lock:
            u = self._get(target)
            u.prompt_tokens += prompt_tokens
            u.completion_tokens += completion_tokens
            cost = estimate_cost(model, prompt_tokens, completion_tokens, self._prices)
            if cost is None:
                u.unpriced_models.add(model)
            else:
                u.cost_usd += cost

    def record_attempt(self, target: str) -> None:
        """Count one HTTP request sent, whatever its outcome."""
        with self._lock:
            self._get(target).requests += 1

    def record_cache_hit(self, target: str) -> None:
        """Count one answer served from the cache."""
        with self._lock:
            self._get(target).cache_hits += 1

    def record_finding(self, target: str, finding: Finding) -> None:
        """Keep a warning of the LLM layer for the report."""
        with self._lock:
            self._get(target).findings.append(finding)

    def for_target(self, target: str) -> TargetUsage:
        """A copy of one target's usage (zeros when it made no call)."""
        with self._lock:
            u = self._by_target.get(target, TargetUsage())
            return TargetUsage(
                u.requests,
                u.cache_hits,
                u.prompt_tokens,
                u.completion_tokens,
                u.cost_usd,
                set(u.unpriced_models),
                list(u.findings),
            )

    def report(self) -> dict[str, Any]:
        """`{"targets": {name: usage}, "total": usage}` for report.json, names sorted."""
        with self._lock:
            names = sorted(self._by_target)
        targets = {n: self.for_target(n) for n in names}
        total = TargetUsage()
        for u in targets.values():
            total.requests += u.requests
            total.cache_hits += u.cache_hits
            total.prompt_tokens += u.prompt_tokens
            total.completion_tokens += u.completion_tokens
            total.cost_usd += u.cost_usd
            total.unpriced_models |= u.unpriced_models
        return {
            "targets": {n: u.as_dict() for n, u in targets.items()},
            "total": {k: v for k, v in total.as_dict().items() if k != "findings"},
        }
