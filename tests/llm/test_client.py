"""The LLM client over real HTTP against the local fake OpenAI server."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
import time
import wave
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from specloom.llm.cache import ResponseCache, request_key
from specloom.llm.client import (
    LlmAuthError,
    LlmBadOutput,
    LlmClient,
    LlmError,
    LlmRefusal,
    LlmUnavailable,
    redact,
)
from specloom.llm.config import load_llm_config
from specloom.llm.usage import UsageLedger

FAKE_KEY = "sk-specloom-FAKE-KEY-0123456789abcdef"


class Verdict(BaseModel):
    score: int
    rationale: str


MESSAGES = [
    {"role": "system", "content": "You grade artifacts."},
    {"role": "user", "content": "Clause bil1: an invoice MUST contain one line item."},
]


def make_client(server: Any, tmp_path: Path, **overrides: Any) -> LlmClient:
    table = {
        "model": "gpt-4o-mini",
        "timeout": 2.0,
        "max_retries": 2,
        "backoff_base": 0.01,
        "backoff_max": 0.05,
        **overrides,
    }
    cfg = load_llm_config(
        table, env={"OPENAI_API_KEY": FAKE_KEY, "OPENAI_BASE_URL": server.base_url}
    )
    return LlmClient(cfg, UsageLedger(cfg.prices), ResponseCache(tmp_path / "cache"))


def test_structured_answer_then_cache_hit_makes_no_request(
    fake_openai: Any, tmp_path: Path
) -> None:
    fake_openai.script(fake_openai.ok({"score": 5, "rationale": "complete"}))
    client = make_client(fake_openai, tmp_path)
    first = client.structured(MESSAGES, Verdict, target="docs")
    assert first == Verdict(score=5, rationale="complete")
    req = fake_openai.chat_requests()[0]
    assert req.headers["authorization"] == f"Bearer {FAKE_KEY}"
    assert req.body["response_format"]["type"] == "json_schema"
    assert req.body["response_format"]["json_schema"]["name"] == "Verdict"
    assert req.body["messages"] == MESSAGES

    # a new client (a new build) on the same cache folder: zero requests
    again = make_client(fake_openai, tmp_path)
    assert again.structured(MESSAGES, Verdict, target="docs") == first
    assert len(fake_openai.chat_requests()) == 1
    usage = again.ledger.for_target("docs")
    assert (usage.requests, usage.cache_hits, usage.prompt_tokens) == (0, 1, 0)

    first_usage = client.ledger.for_target("docs")
    assert first_usage.requests == 1 and first_usage.prompt_tokens > 0
    assert first_usage.cost_usd > 0


def test_cache_key_changes_with_model_messages_and_schema() -> None:
    class Other(BaseModel):
        score: int

    base = request_key("m", MESSAGES, Verdict)
    assert base == request_key("m", [dict(m) for m in MESSAGES], Verdict)
    assert base != request_key("m2", MESSAGES, Verdict)
    assert base != request_key("m", MESSAGES[:1], Verdict)
    assert base != request_key("m", MESSAGES, Other)


@pytest.mark.parametrize("code", [429, 500, 503])
def test_retries_transient_status_then_succeeds(
    fake_openai: Any, tmp_path: Path, code: int
) -> None:
    fake_openai.script(fake_openai.status(code), fake_openai.ok({"score": 3, "rationale": "ok"}))
    slept: list[float] = []
    client = make_client(fake_openai, tmp_path)
    client._sleep = slept.append
    assert client.structured(MESSAGES, Verdict, target="t").score == 3
    assert len(fake_openai.chat_requests()) == 2
    assert client.ledger.for_target("t").requests == 2
    assert slept == [0.01]


def test_backoff_is_exponential_and_honours_retry_after(fake_openai: Any, tmp_path: Path) -> None:
    fake_openai.script(
        fake_openai.status(429),
        fake_openai.status(500),
        fake_openai.status(429, retry_after=0.04),
        fake_openai.ok({"score": 2, "rationale": "thin"}),
    )
    slept: list[float] = []
    client = make_client(fake_openai, tmp_path, max_retries=3, backoff_base=0.001, backoff_max=1)
    client._sleep = slept.append
    assert client.structured(MESSAGES, Verdict, target="t").score == 2
    assert slept == [0.001, 0.002, 0.04]


def test_retries_exhausted_is_a_clear_error(fake_openai: Any, tmp_path: Path) -> None:
    fake_openai.script(*[fake_openai.status(500)] * 3)
    client = make_client(fake_openai, tmp_path)
    with pytest.raises(LlmUnavailable, match=r"after 3 attempts: server error \(500\)") as exc:
        client.structured(MESSAGES, Verdict, target="t")
    assert exc.value.hint and "--backend template" in exc.value.hint
    assert len(fake_openai.chat_requests()) == 3


def test_malformed_json_is_retried_then_reported(fake_openai: Any, tmp_path: Path) -> None:
    fake_openai.script(fake_openai.malformed(), fake_openai.ok({"score": 4, "rationale": "ok"}))
    client = make_client(fake_openai, tmp_path)
    assert client.structured(MESSAGES, Verdict, target="t").score == 4

    fake_openai.script(*[fake_openai.malformed('{"score": "many"}')] * 3)
    other = [{"role": "user", "content": "another question"}]
    with pytest.raises(LlmBadOutput, match="malformed JSON"):
        client.structured(other, Verdict, target="t")
    # nothing bad was cached: the next try asks the server again
    fake_openai.script(fake_openai.ok({"score": 1, "rationale": "fine"}))
    assert client.structured(other, Verdict, target="t").score == 1


def test_truncated_answer_is_bad_output(fake_openai: Any, tmp_path: Path) -> None:
    fake_openai.script(*[fake_openai.truncated()] * 3)
    client = make_client(fake_openai, tmp_path)
    with pytest.raises(LlmBadOutput, match="cut off"):
        client.structured(MESSAGES, Verdict, target="t")


def test_timeout_is_retried_then_fails_in_bounded_time(fake_openai: Any, tmp_path: Path) -> None:
    fake_openai.script(fake_openai.delay(1.5), fake_openai.delay(1.5))
    client = make_client(fake_openai, tmp_path, timeout=0.3, max_retries=1)
    start = time.monotonic()
    with pytest.raises(LlmUnavailable, match=r"timed out after 0.3s"):
        client.structured(MESSAGES, Verdict, target="t")
    assert time.monotonic() - start < 1.5
    assert client.ledger.for_target("t").requests == 2


def test_timeout_then_success(fake_openai: Any, tmp_path: Path) -> None:
    fake_openai.script(fake_openai.delay(1.0), fake_openai.ok({"score": 5, "rationale": "x"}))
    client = make_client(fake_openai, tmp_path, timeout=0.3, max_retries=1)
    assert client.structured(MESSAGES, Verdict, target="t").score == 5


def test_refusal_is_not_retried_and_not_cached(fake_openai: Any, tmp_path: Path) -> None:
    fake_openai.script(fake_openai.refusal("I can't grade that."))
    client = make_client(fake_openai, tmp_path)
    with pytest.raises(LlmRefusal, match="the model refused: I can't grade that"):
        client.structured(MESSAGES, Verdict, target="t")
    assert len(fake_openai.chat_requests()) == 1
    assert client.structured(MESSAGES, Verdict, target="t").rationale == "sample text"
    assert len(fake_openai.chat_requests()) == 2


def test_bad_request_is_not_retried(fake_openai: Any, tmp_path: Path) -> None:
    fake_openai.script(fake_openai.status(400, message="response_format is not supported"))
    client = make_client(fake_openai, tmp_path)
    with pytest.raises(LlmError, match="refused the request \\(400\\)") as exc:
        client.structured(MESSAGES, Verdict, target="t")
    assert exc.value.hint and "json_schema" in exc.value.hint
    assert len(fake_openai.chat_requests()) == 1


def test_rejected_key_is_redacted_everywhere(
    fake_openai: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake_openai.script(
        fake_openai.status(500, message="upstream saw key {auth}"),
        fake_openai.status(401, message="Incorrect API key provided: {auth}"),
    )
    client = make_client(fake_openai, tmp_path)
    with pytest.raises(LlmAuthError) as exc:
        client.structured(MESSAGES, Verdict, target="t")
    assert "Incorrect API key provided: ***" in str(exc.value)
    assert FAKE_KEY not in str(exc.value)
    assert FAKE_KEY[:12] not in caplog.text
    assert "retry 1/2" in caplog.text


def test_no_key_and_no_base_url_names_the_fix(tmp_path: Path) -> None:
    cfg = load_llm_config({}, env={})
    client = LlmClient(cfg, UsageLedger(cfg.prices))
    with pytest.raises(LlmAuthError, match="OPENAI_API_KEY is not set") as exc:
        client.structured(MESSAGES, Verdict, target="t")
    assert exc.value.hint and "export OPENAI_API_KEY" in exc.value.hint


def test_local_server_needs_no_key(fake_openai: Any, tmp_path: Path) -> None:
    cfg = load_llm_config({"base_url": fake_openai.base_url}, env={})
    client = LlmClient(cfg, UsageLedger(cfg.prices))
    assert client.structured(MESSAGES, Verdict, target="t").score == 3


def test_speech_returns_real_audio(fake_openai: Any, tmp_path: Path) -> None:
    client = make_client(fake_openai, tmp_path)
    data = client.speech("Hello from the billing spec.", voice="alloy", target="podcast")
    with wave.open(io.BytesIO(data)) as w:
        seconds = w.getnframes() / w.getframerate()
    assert seconds == pytest.approx(28 * 0.05, abs=0.01)
    mp3 = client.speech("Hi", voice="alloy", target="podcast", response_format="mp3")
    assert mp3[:3] == b"ID3" or mp3[0] == 0xFF


def test_speech_retries_then_fails_clearly(fake_openai: Any, tmp_path: Path) -> None:
    fake_openai.script_speech(fake_openai.status(429), fake_openai.status(503))
    client = make_client(fake_openai, tmp_path)
    assert client.speech("Hello.", voice="alloy", target="podcast")[:4] == b"RIFF"
    assert client.ledger.for_target("podcast").requests == 3
    fake_openai.script_speech(*[fake_openai.status(500)] * 3)
    with pytest.raises(LlmUnavailable, match="speech request for podcast failed after 3"):
        client.speech("Hello.", voice="alloy", target="podcast")
    fake_openai.script_speech(fake_openai.status(401))
    with pytest.raises(LlmAuthError):
        client.speech("Hello.", voice="alloy", target="podcast")


def test_redact_masks_keys_and_bearer_tokens() -> None:
    text = "key sk-abc123XYZ and Bearer tok.en and my-secret"
    assert redact(text, ["my-secret"]) == "key *** and *** and ***"


def test_importing_the_llm_layer_does_not_import_openai() -> None:
    code = (
        "import sys\n"
        "import specloom.llm.client, specloom.llm.session\n"
        "import specloom.llm.prose, specloom.llm.grader\n"
        "assert 'openai' not in sys.modules, 'openai imported eagerly'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_refresh_asks_again_and_overwrites_the_cache(fake_openai: Any, tmp_path: Path) -> None:
    fake_openai.script(
        fake_openai.ok({"score": 2, "rationale": "old"}),
        fake_openai.ok({"score": 5, "rationale": "new"}),
    )
    assert make_client(fake_openai, tmp_path).structured(MESSAGES, Verdict, target="t").score == 2
    fresh = make_client(fake_openai, tmp_path, refresh=True)
    assert fresh.structured(MESSAGES, Verdict, target="t").score == 5
    assert make_client(fake_openai, tmp_path).structured(MESSAGES, Verdict, target="t").score == 5
    assert len(fake_openai.chat_requests()) == 2
    env = {"SPECLOOM_LLM_REFRESH": "1"}
    assert load_llm_config({}, env=env).refresh


@pytest.mark.parametrize(
    ("body", "ctype"),
    [("<html>proxy login</html>", "text/html"), ('{"hello": 1}', "application/json")],
)
def test_an_answer_that_is_not_a_completion_names_the_fix(
    fake_openai: Any, tmp_path: Path, body: str, ctype: str
) -> None:
    fake_openai.script(fake_openai.raw(body, ctype))
    client = make_client(fake_openai, tmp_path)
    with pytest.raises(LlmError, match="not an OpenAI chat completion") as exc:
        client.structured(MESSAGES, Verdict, target="t")
    assert exc.value.hint and "/v1" in exc.value.hint


class WithDefault(BaseModel):
    intro: str = ""


def llm_schemas() -> list[type[BaseModel]]:
    """Every schema specloom sends as a structured-output request."""
    from specloom.llm.clarify import Rewrite
    from specloom.llm.grader import LlmVerdict
    from targets.docs.overview import Overview
    from targets.podcast.script import Episode
    from targets.tutorial.narrative import Narrative

    return [Narrative, Episode, Overview, LlmVerdict, Rewrite]


def test_strict_servers_reject_a_schema_with_a_default(fake_openai: Any, tmp_path: Path) -> None:
    client = make_client(fake_openai, tmp_path, max_retries=0)
    with pytest.raises(LlmError, match="'default' is not permitted in strict mode"):
        client.structured(MESSAGES, WithDefault, target="t")


@pytest.mark.parametrize("schema", llm_schemas(), ids=lambda s: s.__name__)
def test_every_llm_schema_is_accepted_by_a_strict_server(
    schema: type[BaseModel], fake_openai: Any, tmp_path: Path
) -> None:
    client = make_client(fake_openai, tmp_path, max_retries=0)
    assert isinstance(client.structured(MESSAGES, schema, target="t"), schema)
    [request] = fake_openai.chat_requests()
    assert request.body["response_format"]["json_schema"]["strict"] is True
