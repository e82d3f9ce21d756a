"""The podcast target's typed config: `[tool.specloom.targets.podcast]`."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from specloom.target import TargetConfig


class VoiceConfig(TargetConfig):
    """One host's voice, per backend (each backend reads only its own keys)."""

    espeak_voice: str = "en-us+m3"
    """espeak-ng voice name with variant (`espeak-ng --voices` lists them)."""
    pitch: int = 40
    """espeak-ng pitch, 0-99."""
    speed: int = 165
    """espeak-ng speed in words per minute."""
    openai_voice: str = "alloy"
    """Voice of the OpenAI speech API."""
    piper_speaker: int | None = None
    """Speaker id inside a multi-speaker piper model."""


def _host_a_voice() -> VoiceConfig:
    return VoiceConfig(espeak_voice="en-us+m3", pitch=38, speed=165, openai_voice="alloy")


def _host_b_voice() -> VoiceConfig:
    return VoiceConfig(espeak_voice="en-gb-x-rp+f3", pitch=68, speed=178, openai_voice="verse")


class PodcastConfig(TargetConfig):
    """Script, voices, audio and feed settings of the podcast target."""

    show: str = "specloom"
    """Show name: the ID3 album tag and the RSS channel title."""
    host_a: str = "Alex"
    """Name of the host who explains."""
    host_b: str = "Sam"
    """Name of the host who asks the newcomer's questions."""
    voice_a: VoiceConfig = Field(default_factory=_host_a_voice)
    """Voice of host A (the explainer)."""
    voice_b: VoiceConfig = Field(default_factory=_host_b_voice)
    """Voice of host B (the newcomer)."""
    date: str | None = None
    """Episode date (YYYY-MM-DD) when the spec's front matter has no `date`; never "now"."""
    max_detail_clauses: int = Field(default=3, ge=0, le=20)
    """MUST/SHOULD clauses walked through in full per segment; the rest are summarised by id."""
    max_spoken_recommendations: int = Field(default=3, ge=0, le=200)
    """SHOULD clauses said per segment after the detailed ones (every MUST is always said);
    the others are counted and listed by id."""
    max_sentence_words: int = Field(default=32, ge=8, le=200)
    """Cap on the words read from one clause or section text."""
    tts: Literal["espeak", "piper", "openai"] = "espeak"
    """TTS backend: espeak-ng (offline default), piper (optional extra) or the OpenAI API."""
    piper_model: str | None = None
    """Path to a piper voice model (`.onnx`), required when tts = "piper"."""
    openai_tts_model: str = "gpt-4o-mini-tts"
    """Model of the OpenAI speech API (base_url and key come from [tool.specloom.llm])."""
    bitrate: str = "64k"
    """MP3 bitrate (mono)."""
    encoder_quality: int = Field(default=7, ge=0, le=9)
    """LAME's algorithm quality, 0 (best, slowest) to 9 (fastest): 7 encodes the two
    synthetic voices at the bitrate above in about half the CPU of LAME's default 3."""
    sample_rate: int = 22050
    """Sample rate of the assembled episode (espeak-ng's native rate)."""
    target_dbfs: float = Field(default=-18.0, ge=-40.0, le=-6.0)
    """Loudness target: every line's RMS level is normalised to this, in dBFS."""
    peak_dbfs: float = Field(default=-1.5, ge=-12.0, le=0.0)
    """Peak ceiling after normalisation, in dBFS."""
    feed_base_url: str | None = None
    """Absolute URL of the output folder for feed.xml enclosures; relative links when unset."""
