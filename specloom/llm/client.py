"""The one place that talks to an OpenAI-compatible service: structured chat and speech."""

from __future__ import annotations

import email.utils
import logging
import re
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from specloom.docs_url import doc_url
from specloom.errors import BuildError
from specloom.llm.cache import CachedAnswer, Message, ResponseCache, request_key
from specloom.llm.config import LlmConfig
from specloom.llm.usage import UsageLedger

if TYPE_CHECKING:
    import openai


def openai_module() -> Any:
    """The `openai` package, or a clear error naming the extra that installs it."""
    try:
        import openai
    except ModuleNotFoundError:
        raise BuildError(
            "the openai backend needs the openai package, which is not installed",
            hint="pip install 'specloom[llm]', or use the template backend",
        ) from None
    return openai


log = logging.getLogger("specloom.llm")

T = TypeVar("T", bound=BaseModel)

_KEY_PATTERN = re.compile(r"\b(sk-[A-Za-z0-9_*\-]{4,}|Bearer\s+\S+)")


class PlainAnswer(BaseModel):
    """A plain-text answer (no response format); also the cache-key marker for text requests."""

    text: str


class LlmError(BuildError):
    """The LLM could not give a usable answer; callers fall back or fail as configured."""


class LlmAuthError(LlmError):
    """Missing or rejected credentials (never retried)."""


class LlmRefusal(LlmError):
    """The model refused to answer (never retried: the same request would be refused again)."""


class LlmBadOutput(LlmError):
    """The model's answer is not valid JSON for the schema, or was cut off, after all retries."""


class LlmUnavailable(LlmError):
    """Timeouts, rate limits or server errors persisted through every retry."""


def redact(text: str, secrets: Sequence[str]) -> str:
    """`text` with every secret and anything shaped like an API key or bearer token masked."""
    for s in secrets:
        if s:
            text = text.replace(s, "***")
    return _KEY_PATTERN.sub("***", text)


def _retry_after(exc: Exception) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date), when the server sent one."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    value = headers.get("retry-after")
    if not isinstance(value, str) or not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def check_credentials(config: LlmConfig) -> None:
    """LlmAuthError when no request could be sent: no API key and no local base_url."""
    if config.key() is None and config.base_url is None:
        raise LlmAuthError(
            f"no API key: {config.api_key_env} is not set",
            hint=f"export {config.api_key_env}=... or set base_url to a "
            "local OpenAI-compatible server (see " + doc_url("llm.md") + ")",
        )


class LlmClient:
    """Structured outputs over `chat.completions.parse`, with our own backoff and the cache.

    The openai client's own `max_retries` is 0: we retry here so that every attempt is
    counted in the usage report, the backoff is bounded by our config, malformed answers
    are retried like transient errors, and a test can observe each attempt on the wire.
    """

    def __init__(
        self,
        config: LlmConfig,
        ledger: UsageLedger,
        cache: ResponseCache | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config
        self.ledger = ledger
        self.cache = cache if config.cache else None
        self._sleep = sleep
        self._openai: openai.OpenAI | None = None

    def __getstate__(self) -> dict[str, Any]:
        # The HTTP client holds sockets and locks; a pickled copy (a Dask worker) makes its own.
        state = self.__dict__.copy()
        state["_openai"] = None
        return state

    # -- the openai client ------------------------------------------------------------
    def _client(self) -> openai.OpenAI:
        if self._openai is None:
            openai = openai_module()  # lazily: `specloom lint` must never import openai

            check_credentials(self.config)
            # local servers (Ollama, vLLM, LM Studio) ignore the key
            key = self.config.key() or "no-key"
            self._openai = openai.OpenAI(
                api_key=key,
                base_url=self.config.base_url,
                timeout=self.config.timeout,
                max_retries=0,
            )
        return self._openai

    def _redact(self, text: str) -> str:
        return redact(text, self.config.secrets())

    def _delay(self, attempt: int, exc: Exception | None) -> float:
        delay: float = self.config.backoff_base * 2.0**attempt
        hinted = _retry_after(exc) if exc is not None else None
        if hinted is not None:
            delay = max(delay, hinted)
        return min(delay, self.config.backoff_max)

    # -- structured chat --------------------------------------------------------------
    def structured(self, messages: Sequence[Message], schema: type[T], *, target: str) -> T:
        """The model's answer to `messages`, parsed into `schema`; cached; usage to `target`."""
        parsed = self._chat(messages, schema, target)
        assert isinstance(parsed, schema)
        return parsed

    def text(self, messages: Sequence[Message], *, target: str) -> str:
        """The model's plain-text answer to `messages` (no response format); cached the same way.

        An empty answer is retried like malformed output; a refusal raises LlmRefusal.
        """
        answer = self._chat(messages, None, target)
        assert isinstance(answer, PlainAnswer)
        return answer.text

    def _chat(
        self, messages: Sequence[Message], schema: type[BaseModel] | None, target: str
    ) -> BaseModel:
        openai = openai_module()

        cfg = self.config
        key = request_key(cfg.model, messages, schema or PlainAnswer, cfg.temperature)
        if self.cache is not None and not cfg.refresh:
            hit = self.cache.get(key)
            if hit is not None:
                parsed: BaseModel | None
                if schema is None:
                    parsed = PlainAnswer(text=hit.content) if hit.content else None
                else:
                    try:
                        parsed = schema.model_validate_json(hit.content)
                    except ValidationError:
                        parsed = None
                if parsed is not None:
                    self.ledger.record_cache_hit(target)
                    return parsed

        last: Exception | None = None
        last_kind = "error"
        for attempt in range(cfg.max_retries + 1):
            if attempt:
                delay = self._delay(attempt - 1, last)
                log.warning(
                    "LLM request for %s failed (%s); retry %d/%d in %.2fs",
                    target,
                    self._redact(str(last)),
                    attempt,
                    cfg.max_retries,
                    delay,
                )
                self._sleep(delay)
            self.ledger.record_attempt(target)
            try:
                temperature = cfg.temperature if cfg.temperature is not None else openai.omit
                completion: Any
                if schema is None:
                    completion = self._client().chat.completions.create(
                        model=cfg.model,
                        messages=list(messages),  # type: ignore[arg-type]
                        temperature=temperature,
                    )
                else:
                    completion = self._client().chat.completions.parse(
                        model=cfg.model,
                        messages=list(messages),  # type: ignore[arg-type]
                        response_format=schema,
                        temperature=temperature,
                    )
            except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
                raise LlmAuthError(
                    f"the server rejected the credentials ({exc.status_code}): "
                    f"{self._redact(exc.message)}",
                    hint=f"check {cfg.api_key_env} and base_url",
                ) from None
            except openai.RateLimitError as exc:
                last, last_kind = exc, "rate limited (429)"
                continue
            except openai.InternalServerError as exc:
                last, last_kind = exc, f"server error ({exc.status_code})"
                continue
            except openai.APIStatusError as exc:
                if exc.status_code >= 500:
                    last, last_kind = exc, f"server error ({exc.status_code})"
                    continue
                raise LlmError(
                    f"the server refused the request ({exc.status_code}): "
                    f"{self._redact(exc.message)}",
                    hint="check the model name and that the server supports structured "
                    "outputs (response_format json_schema); see " + doc_url("llm.md"),
                ) from None
            except openai.APITimeoutError as exc:
                last, last_kind = exc, f"timed out after {cfg.timeout:g}s"
                continue
            except openai.APIConnectionError as exc:
                last, last_kind = exc, "connection failed"
                continue
            except (openai.LengthFinishReasonError, openai.ContentFilterFinishReasonError) as exc:
                self._record_usage(target, getattr(exc, "completion", None))
                last, last_kind = exc, "answer cut off or filtered"
                continue
            except ValidationError as exc:
                last, last_kind = exc, "malformed JSON for the schema"
                continue
            except (AttributeError, TypeError, KeyError) as exc:
                # a 200 that is not a chat completion: a proxy page, or a base_url that
                # points at the server's root instead of its OpenAI-compatible API
                raise LlmError(
                    f"the server's answer is not an OpenAI chat completion ({type(exc).__name__})",
                    hint=f"check base_url ({cfg.base_url or 'default'}): it usually ends in /v1",
                ) from None

            self._record_usage(target, completion)
            message = completion.choices[0].message if completion.choices else None
            if message is None:
                last, last_kind = LlmBadOutput("no choices in the answer"), "empty answer"
                continue
            if message.refusal:
                raise LlmRefusal(
                    f"the model refused: {self._redact(message.refusal)}",
                    hint="rephrase the spec text, or use the template backend",
                )
            if schema is None:
                if not message.content or not message.content.strip():
                    last, last_kind = LlmBadOutput("empty content"), "malformed (empty) answer"
                    continue
                if completion.choices[0].finish_reason == "length":
                    last, last_kind = LlmBadOutput("cut off"), "answer cut off or filtered"
                    continue
                parsed = PlainAnswer(text=message.content)
            else:
                parsed = message.parsed
            if parsed is None or message.content is None:
                last, last_kind = LlmBadOutput("empty content"), "malformed JSON for the schema"
                continue
            if self.cache is not None:
                usage = completion.usage
                self.cache.put(
                    key,
                    cfg.model,
                    CachedAnswer(
                        message.content,
                        usage.prompt_tokens if usage else 0,
                        usage.completion_tokens if usage else 0,
                    ),
                )
            return parsed

        cls: type[LlmError] = (
            LlmBadOutput if last_kind.startswith(("malformed", "answer cut")) else LlmUnavailable
        )
        raise cls(
            f"LLM request for {target} failed after {cfg.max_retries + 1} attempts: {last_kind}"
            + (f" ({self._redact(str(last))})" if last is not None else ""),
            hint="raise [tool.specloom.llm] timeout or max_retries, check the server, "
            "or build with --backend template",
        )

    def _record_usage(self, target: str, completion: Any) -> None:
        usage = getattr(completion, "usage", None)
        if usage is not None:
            self.ledger.record_request(
                target, self.config.model, usage.prompt_tokens, usage.completion_tokens
            )

    # -- speech -----------------------------------------------------------------------
    def speech(
        self,
        text: str,
        *,
        voice: str,
        target: str,
        model: str = "gpt-4o-mini-tts",
        response_format: str = "wav",
    ) -> bytes:
        """Audio bytes for `text` from `/audio/speech`, with the same timeout and backoff."""
        openai = openai_module()

        last: Exception | None = None
        for attempt in range(self.config.max_retries + 1):
            if attempt:
                self._sleep(self._delay(attempt - 1, last))
            self.ledger.record_attempt(target)
            try:
                response = self._client().audio.speech.create(
                    input=text,
                    model=model,
                    voice=voice,
                    response_format=response_format,  # type: ignore[arg-type]
                )
            except (openai.AuthenticationError, openai.PermissionDeniedError) as exc:
                raise LlmAuthError(
                    f"the server rejected the credentials ({exc.status_code})",
                    hint=f"check {self.config.api_key_env} and base_url",
                ) from None
            except (openai.RateLimitError, openai.APITimeoutError, openai.APIConnectionError) as e:
                last = e
                continue
            except openai.APIStatusError as exc:
                if exc.status_code >= 500:
                    last = exc
                    continue
                raise LlmError(
                    f"speech request refused ({exc.status_code}): {self._redact(exc.message)}",
                    hint="check the TTS model and voice names",
                ) from None
            return bytes(response.content)
        raise LlmUnavailable(
            f"speech request for {target} failed after {self.config.max_retries + 1} attempts"
            + (f": {self._redact(str(last))}" if last is not None else ""),
            hint="check the server, or use the espeak TTS engine",
        )
