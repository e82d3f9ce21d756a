"""On-disk cache of LLM answers, keyed by sha256 of (model, messages, schema, temperature)."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

CACHE_FORMAT = 1
"""Bump when the entry layout changes: old entries are then simply missed."""

Message = dict[str, Any]


def request_key(
    model: str,
    messages: Sequence[Message],
    schema: type[BaseModel],
    temperature: float | None = None,
) -> str:
    """The cache key: everything that shapes the answer, never the API key or the URL."""
    payload = {
        "format": CACHE_FORMAT,
        "model": model,
        "messages": list(messages),
        "schema_name": schema.__name__,
        "schema": schema.model_json_schema(),
        "temperature": temperature,
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CachedAnswer:
    """A validated answer: the model's JSON content and the tokens it cost when first asked."""

    content: str
    prompt_tokens: int
    completion_tokens: int


class ResponseCache:
    """Entries live at `<root>/<key[:2]>/<key>.json`; writes are atomic (temp file + rename)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> CachedAnswer | None:
        """The stored answer, or None (also for an unreadable or foreign entry)."""
        path = self._path(key)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
            return None
        content = data.get("content")
        if not isinstance(content, str):
            return None
        return CachedAnswer(
            content, int(data.get("prompt_tokens", 0)), int(data.get("completion_tokens", 0))
        )

    def put(self, key: str, model: str, answer: CachedAnswer) -> None:
        """Store an answer atomically; a concurrent writer of the same key is harmless."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        entry = {
            "format": CACHE_FORMAT,
            "model": model,
            "content": answer.content,
            "prompt_tokens": answer.prompt_tokens,
            "completion_tokens": answer.completion_tokens,
        }
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(entry, fh, sort_keys=True, ensure_ascii=False)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
