"""A real HTTP server on 127.0.0.1 speaking the OpenAI wire protocol, with scripted behaviours.

Endpoints: POST /v1/chat/completions (structured output through `response_format`
json_schema) and POST /v1/audio/speech (a real WAV or MP3 tone, longer for longer text).

Behaviours are queued with `server.script(...)` and consumed one per chat request; with the
queue empty every request gets `ok` content from `server.responder` (default: a minimal
instance of the requested JSON schema).
"""

from __future__ import annotations

import io
import json
import math
import shutil
import struct
import subprocess
import threading
import time
import wave
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Behaviour:
    """One scripted answer: `ok`, `status`, `malformed`, `delay`, `refusal` or `truncated`."""

    kind: str
    content: Any = None
    """`ok`: the JSON content (a str is sent as is, anything else is JSON-encoded)."""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    text: str = ""


def ok(content: Any = None) -> Behaviour:
    return Behaviour("ok", content=content)


def status(code: int, retry_after: float | None = None, message: str = "") -> Behaviour:
    """An error answer; `{auth}` in `message` is replaced by the request's Authorization value
    (OpenAI echoes part of a wrong key back, which is what redaction must survive)."""
    headers = {"retry-after": f"{retry_after:g}"} if retry_after is not None else {}
    return Behaviour("status", status=code, headers=headers, text=message)


def malformed(text: str = '{"score": 4, "rationale": "cut') -> Behaviour:
    return Behaviour("malformed", text=text)


def delay(seconds: float, content: Any = None) -> Behaviour:
    return Behaviour("delay", seconds=seconds, content=content)


def refusal(text: str = "I'm sorry, I can't help with that.") -> Behaviour:
    return Behaviour("refusal", text=text)


def truncated() -> Behaviour:
    return Behaviour("truncated")


def raw(body: str, content_type: str = "text/html") -> Behaviour:
    """A 200 answer that is not an OpenAI response at all (a proxy's page, say)."""
    return Behaviour("raw", text=body, headers={"content-type": content_type})


@dataclass
class Recorded:
    """One request as the server saw it."""

    path: str
    headers: dict[str, str]
    body: Any


def sample_from_schema(schema: dict[str, Any], root: dict[str, Any] | None = None) -> Any:
    """A small valid instance of a JSON schema (objects, arrays, scalars, enums, refs)."""
    root = root or schema
    if "$ref" in schema:
        name = schema["$ref"].split("/")[-1]
        return sample_from_schema(root.get("$defs", {})[name], root)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    for combo in ("anyOf", "oneOf", "allOf"):
        if combo in schema:
            options = [o for o in schema[combo] if o.get("type") != "null"] or schema[combo]
            return sample_from_schema(options[0], root)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        props = schema.get("properties", {})
        return {k: sample_from_schema(v, root) for k, v in props.items()}
    if kind == "array":
        n = max(1, int(schema.get("minItems", 1)))
        return [sample_from_schema(schema.get("items", {}), root) for _ in range(n)]
    if kind == "integer":
        return int(schema.get("maximum", schema.get("minimum", 3)))
    if kind == "number":
        return float(schema.get("minimum", 1.0))
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return "sample text"


def tone_wav(seconds: float, rate: int = 16000, freq: float = 440.0) -> bytes:
    """A mono 16-bit sine tone at half amplitude."""
    frames = int(seconds * rate)
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(
            b"".join(
                struct.pack("<h", int(16000 * math.sin(2 * math.pi * freq * i / rate)))
                for i in range(frames)
            )
        )
    return buf.getvalue()


def to_mp3(wav: bytes) -> bytes:
    """The WAV encoded as MP3 with ffmpeg."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise RuntimeError("ffmpeg is not installed")
    out = subprocess.run(
        [ffmpeg, "-loglevel", "error", "-f", "wav", "-i", "pipe:0", "-f", "mp3", "pipe:1"],
        input=wav,
        capture_output=True,
        check=True,
    )
    return out.stdout


class FakeOpenAI:
    """Start with `with FakeOpenAI() as server:`; `server.base_url` ends in `/v1`."""

    seconds_per_char = 0.05
    """Speech length: 20 characters a second, at least 0.3 s."""

    # Behaviour constructors, reachable from the fixture object alone.
    ok = staticmethod(ok)
    status = staticmethod(status)
    malformed = staticmethod(malformed)
    delay = staticmethod(delay)
    refusal = staticmethod(refusal)
    truncated = staticmethod(truncated)
    raw = staticmethod(raw)

    def serve_models(self, models: dict[str, Callable[[dict[str, Any]], Any]]) -> None:
        """See the module function `serve_models`."""
        serve_models(self, models)

    def __init__(self) -> None:
        self.queue: deque[Behaviour] = deque()
        self.speech_queue: deque[Behaviour] = deque()
        self.requests: list[Recorded] = []
        self.in_flight = 0
        self.max_in_flight = 0
        """The most chat requests the server was answering at once."""
        self.responder: Callable[[dict[str, Any]], Any] = self._default_content
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    # -- lifecycle ----------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    # -- scripting ----------------------------------------------------------------------
    def script(self, *behaviours: Behaviour) -> None:
        """Queue behaviours, consumed one per chat-completions request."""
        with self._lock:
            self.queue.extend(behaviours)

    def script_speech(self, *behaviours: Behaviour) -> None:
        """Queue `status` or `delay` behaviours for speech requests (others answer audio)."""
        with self._lock:
            self.speech_queue.extend(behaviours)

    def chat_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    @staticmethod
    def strict_schema_problem(body: dict[str, Any]) -> str | None:
        """Why a strict `json_schema` response format is rejected, as vLLM and some other
        OpenAI-compatible servers do: a `default` anywhere in the schema."""
        fmt = body.get("response_format") or {}
        spec = fmt.get("json_schema") or {}
        if not spec.get("strict"):
            return None

        def defaults(node: Any, path: str) -> list[str]:
            if isinstance(node, list):
                return [p for i, v in enumerate(node) for p in defaults(v, f"{path}/{i}")]
            if not isinstance(node, dict):
                return []
            found = [path] if "default" in node else []
            for key, value in node.items():
                if key in ("properties", "$defs"):  # keys here are names, not keywords
                    for name, sub in value.items():
                        found += defaults(sub, f"{path}/{key}/{name}")
                else:
                    found += defaults(value, f"{path}/{key}")
            return found

        where = defaults(spec.get("schema") or {}, "")
        if not where:
            return None
        return (
            f"Invalid schema for response_format '{spec.get('name')}': 'default' is not "
            f"permitted in strict mode (at {', '.join(where)})"
        )

    @staticmethod
    def _default_content(body: dict[str, Any]) -> Any:
        fmt = body.get("response_format") or {}
        schema = (fmt.get("json_schema") or {}).get("schema")
        return sample_from_schema(schema) if schema else "hello"

    # -- the handler --------------------------------------------------------------------
    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # one small answer must not wait for an ACK

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

            def _send(self, code: int, payload: bytes, ctype: str, headers: dict[str, str]) -> None:
                try:
                    self.send_response(code)
                    self.send_header("content-type", ctype)
                    self.send_header("content-length", str(len(payload)))
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            def _json(self, code: int, obj: Any, headers: dict[str, str] | None = None) -> None:
                self._send(code, json.dumps(obj).encode(), "application/json", headers or {})

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {"_raw": raw.decode("utf-8", "replace")}
                with server._lock:
                    server.requests.append(
                        Recorded(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                    )
                if self.path.endswith("/chat/completions"):
                    with server._lock:
                        server.in_flight += 1
                        server.max_in_flight = max(server.max_in_flight, server.in_flight)
                    try:
                        self._chat(body)
                    finally:
                        with server._lock:
                            server.in_flight -= 1
                elif self.path.endswith("/audio/speech"):
                    self._speech(body)
                else:
                    self._json(404, {"error": {"message": "not found", "type": "invalid"}})

            def _chat(self, body: dict[str, Any]) -> None:
                problem = server.strict_schema_problem(body)
                if problem is not None:
                    error = {"message": problem, "type": "invalid_request_error"}
                    self._json(400, {"error": error})
                    return
                with server._lock:
                    b = server.queue.popleft() if server.queue else Behaviour("ok")
                if b.kind == "status":
                    kind = "rate_limit_exceeded" if b.status == 429 else "server_error"
                    auth = self.headers.get("authorization", "").removeprefix("Bearer ")
                    text = (b.text or f"scripted {b.status}").replace("{auth}", auth)
                    self._json(
                        b.status,
                        {"error": {"message": text, "type": kind, "code": kind}},
                        b.headers,
                    )
                    return
                if b.kind == "raw":
                    self._send(200, b.text.encode(), b.headers["content-type"], {})
                    return
                if b.kind == "delay":
                    time.sleep(b.seconds)
                message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": None}
                finish = "stop"
                if b.kind == "malformed":
                    message["content"] = b.text
                elif b.kind == "refusal":
                    message["refusal"] = b.text
                elif b.kind == "truncated":
                    message["content"] = '{"text": "and then'
                    finish = "length"
                else:
                    content = b.content if b.content is not None else server.responder(body)
                    message["content"] = (
                        content if isinstance(content, str) else json.dumps(content)
                    )
                prompt = len(json.dumps(body.get("messages", []))) // 4 + 1
                completion = len(message["content"] or message["refusal"] or "") // 4 + 1
                self._json(
                    200,
                    {
                        "id": "chatcmpl-fake",
                        "object": "chat.completion",
                        "created": 0,
                        "model": body.get("model", "fake"),
                        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                        "usage": {
                            "prompt_tokens": prompt,
                            "completion_tokens": completion,
                            "total_tokens": prompt + completion,
                        },
                    },
                )

            def _speech(self, body: dict[str, Any]) -> None:
                with server._lock:
                    b = server.speech_queue.popleft() if server.speech_queue else Behaviour("ok")
                if b.kind == "status":
                    self._json(b.status, {"error": {"message": f"scripted {b.status}"}}, b.headers)
                    return
                if b.kind == "delay":
                    time.sleep(b.seconds)
                text = str(body.get("input", ""))
                wav = tone_wav(max(0.3, len(text) * server.seconds_per_char))
                fmt = body.get("response_format", "mp3")
                if fmt == "mp3":
                    self._send(200, to_mp3(wav), "audio/mpeg", {})
                else:
                    self._send(200, wav, "audio/wav", {})

        return Handler


def serve_models(server: FakeOpenAI, models: dict[str, Callable[[dict[str, Any]], Any]]) -> None:
    """Answer each unscripted chat request with the function registered for its `model`: a
    model under test and a grader model behind one server. An unknown model gets the default
    answer (a sample of the requested schema, or "hello")."""
    fallback = server._default_content

    def respond(body: dict[str, Any]) -> Any:
        handler = models.get(str(body.get("model")))
        return handler(body) if handler is not None else fallback(body)

    server.responder = respond


def last_user_text(body: dict[str, Any]) -> str:
    """The content of the request's last user message ("" when there is none)."""
    for m in reversed(body.get("messages", [])):
        if m.get("role") == "user":
            return str(m.get("content", ""))
    return ""
