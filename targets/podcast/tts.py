"""Text to speech behind one interface: espeak-ng (default), piper (optional), OpenAI speech."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import tempfile
import wave
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, ClassVar

from specloom.errors import ConfigError, ToolMissingError
from specloom.target import BuildContext
from specloom.tools import ToolLookup

from .config import PodcastConfig, VoiceConfig

OPENAI_INPUT_LIMIT = 4096
"""The speech API's maximum input length, in characters."""


class TtsBackend(ABC):
    """Synthesises one line of text into a mono WAV file; counts its calls."""

    name: ClassVar[str]

    def __init__(self) -> None:
        self.calls = 0
        """Lines actually synthesised (cache hits do not count)."""

    @abstractmethod
    def engine_version(self) -> str:
        """A string that changes whenever the same text could sound different."""

    @abstractmethod
    def voice_key(self, voice: VoiceConfig) -> dict[str, Any]:
        """The voice settings this backend reads (part of the cache key)."""

    @abstractmethod
    def _synthesize(self, text: str, voice: VoiceConfig, out: Path) -> None:
        """Write `text` spoken in `voice` to the WAV file `out`."""

    def synthesize(self, text: str, voice: VoiceConfig, out: Path) -> None:
        """Write `text` spoken in `voice` to the WAV file `out` (counted)."""
        self.calls += 1
        self._synthesize(text, voice, out)


class EspeakBackend(TtsBackend):
    """espeak-ng as a subprocess: offline, fast, deterministic."""

    name = "espeak"
    program = "espeak-ng"

    def __init__(self, tools: ToolLookup | None = None) -> None:
        super().__init__()
        found = (tools or ToolLookup()).find(self.program)
        if found is None:
            raise ToolMissingError(
                "espeak-ng is not installed: the podcast target's offline TTS needs it",
                hint="install the Debian package: sudo apt-get install espeak-ng "
                "(`specloom doctor` lists every tool)",
            )
        self.exe = str(found.path)
        self._version: str | None = None

    def engine_version(self) -> str:
        if self._version is None:
            out = subprocess.run(
                [self.exe, "--version"], capture_output=True, text=True, check=False
            ).stdout
            m = re.search(r"(\d+\.\d+(\.\d+)?)", out)
            self._version = m.group(1) if m else out.strip()
        return self._version

    def voice_key(self, voice: VoiceConfig) -> dict[str, Any]:
        return {"voice": voice.espeak_voice, "pitch": voice.pitch, "speed": voice.speed}

    def _synthesize(self, text: str, voice: VoiceConfig, out: Path) -> None:
        cmd = [
            self.exe,
            "-v",
            voice.espeak_voice,
            "-p",
            str(voice.pitch),
            "-s",
            str(voice.speed),
            "-w",
            str(out),
            "--stdin",
        ]
        proc = subprocess.run(cmd, input=text, capture_output=True, text=True, check=False)
        if proc.returncode != 0 or not out.is_file() or out.stat().st_size <= 44:
            raise ToolMissingError(
                f"espeak-ng failed on voice {voice.espeak_voice!r}: {proc.stderr.strip()}",
                hint="check voice_a/voice_b.espeak_voice in [tool.specloom.targets.podcast] "
                "(`espeak-ng --voices` lists them)",
            )


class PiperBackend(TtsBackend):
    """piper-tts (GPL-3.0, the optional extra `specloom[piper]`) with a local voice model."""

    name = "piper"

    def __init__(self, model_path: str | None) -> None:
        super().__init__()
        try:
            import piper  # type: ignore[import-not-found]  # optional extra
        except ImportError:
            raise ToolMissingError(
                "the piper TTS backend needs the optional package piper-tts",
                hint="pip install 'specloom[piper]' (GPL-3.0) and set piper_model = "
                '"path/to/voice.onnx" in [tool.specloom.targets.podcast], or set '
                'tts = "espeak" there',
            ) from None
        if not model_path or not Path(model_path).is_file():
            raise ConfigError(
                f"piper voice model not found: {model_path!r}",
                hint='set piper_model = "path/to/voice.onnx" in [tool.specloom.targets.podcast]',
            )
        self.model_path = Path(model_path)
        self._piper = piper
        self._voice: Any = None

    def engine_version(self) -> str:
        digest = hashlib.sha256(self.model_path.read_bytes()).hexdigest()[:16]
        return f"{getattr(self._piper, '__version__', '?')}:{digest}"

    def voice_key(self, voice: VoiceConfig) -> dict[str, Any]:
        return {"model": self.model_path.name, "speaker": voice.piper_speaker}

    def _synthesize(self, text: str, voice: VoiceConfig, out: Path) -> None:
        if self._voice is None:
            self._voice = self._piper.PiperVoice.load(str(self.model_path))
        with wave.open(str(out), "wb") as wav:
            if hasattr(self._voice, "synthesize_wav"):  # piper-tts >= 1.3
                self._voice.synthesize_wav(text, wav)
            else:
                self._voice.synthesize(text, wav, speaker_id=voice.piper_speaker)


def chunk_text(text: str, limit: int = OPENAI_INPUT_LIMIT) -> list[str]:
    """Split text at sentence, then word boundaries into pieces of at most `limit` characters."""
    pieces: list[str] = []
    current = ""
    for sentence in re.split(r"(?<=[.!?])\s+", text.strip()):
        while len(sentence) > limit:
            cut = sentence.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            if current:
                pieces.append(current)
                current = ""
            pieces.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        candidate = f"{current} {sentence}".strip() if current else sentence
        if len(candidate) > limit:
            pieces.append(current)
            current = sentence
        else:
            current = candidate
    if current:
        pieces.append(current)
    return [p for p in pieces if p]


class OpenAiSpeechBackend(TtsBackend):
    """The OpenAI speech API through the build's shared LLM client (retries, usage, redaction).

    `client` is a `specloom.llm.client.LlmClient` (its `speech` method); any
    OpenAI-compatible base_url from `[tool.specloom.llm]` works.
    """

    name = "openai"

    def __init__(self, client: Any, model: str, base_url: str | None = None) -> None:
        super().__init__()
        self.client = client
        self.model = model
        self.base_url = base_url

    @classmethod
    def from_context(cls, ctx: BuildContext, config: PodcastConfig) -> OpenAiSpeechBackend:
        """The backend on the build's LLM session (made on first use from the settings)."""
        from specloom.llm.session import session_for

        session = session_for(ctx)
        return cls(session.client, config.openai_tts_model, session.config.base_url)

    def engine_version(self) -> str:
        return f"{self.model}@{self.base_url or 'api.openai.com'}"

    def voice_key(self, voice: VoiceConfig) -> dict[str, Any]:
        return {"voice": voice.openai_voice, "model": self.model}

    def _synthesize(self, text: str, voice: VoiceConfig, out: Path) -> None:
        frames: list[bytes] = []
        params: Any = None
        for piece in chunk_text(text):
            data = self.client.speech(
                piece,
                voice=voice.openai_voice,
                target="podcast",
                model=self.model,
                response_format="wav",
            )
            try:
                with wave.open(io.BytesIO(data), "rb") as w:
                    params = params or w.getparams()
                    frames.append(w.readframes(w.getnframes()))
            except (wave.Error, EOFError) as exc:
                raise ToolMissingError(
                    f"the speech API did not return a WAV file ({len(data)} bytes): {exc}",
                    hint="check openai_tts_model in [tool.specloom.targets.podcast] and "
                    "base_url in [tool.specloom.llm]",
                ) from None
        if params is None:
            raise ToolMissingError("the speech API returned no audio", hint="check the model")
        with wave.open(str(out), "wb") as w:
            w.setparams(params)
            w.writeframes(b"".join(frames))


def make_backend(config: PodcastConfig, ctx: BuildContext) -> TtsBackend:
    """The configured backend; a missing engine is a ToolMissingError naming the fix."""
    if config.tts == "piper":
        return PiperBackend(config.piper_model)
    if config.tts == "openai":
        return OpenAiSpeechBackend.from_context(ctx, config)
    return EspeakBackend(ctx.tools)


class LineCache:
    """Synthesised lines on disk, keyed by sha256(text, voice, backend, engine version)."""

    def __init__(self, root: Path, backend: TtsBackend) -> None:
        self.root = root
        self.backend = backend

    def key(self, text: str, voice: VoiceConfig) -> str:
        """The cache key of one line."""
        blob = json.dumps(
            {
                "text": text,
                "voice": self.backend.voice_key(voice),
                "backend": self.backend.name,
                "engine": self.backend.engine_version(),
            },
            sort_keys=True,
        )
        return hashlib.sha256(blob.encode()).hexdigest()

    def wav(self, text: str, voice: VoiceConfig) -> Path:
        """The WAV of this line, synthesised only when not cached yet."""
        key = self.key(text, voice)
        path = self.root / key[:2] / f"{key}.wav"
        if path.is_file():
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        # a unique temporary name: targets of several specs synthesise in parallel threads
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{key[:8]}-", suffix=".wav")
        os.close(fd)
        tmp = Path(name)
        try:
            self.backend.synthesize(text, voice, tmp)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        return path
