"""PodcastTarget: a two-voice script, real audio, chapters, a transcript and a feed, gated."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

from specloom.findings import Finding
from specloom.model import Spec
from specloom.target import GeneratedFile, Target, TargetConfig

from .assemble import assemble, encode_mp3
from .builder import build_episode, episode_date, episode_number
from .chapters import chapters_json
from .config import PodcastConfig, VoiceConfig
from .feed import COVER, cover_png, feed_xml
from .gates import run_gates
from .render import script_md
from .script import Episode, validate_script
from .tts import LineCache, TtsBackend, make_backend
from .vtt import transcript_vtt


class PodcastTarget(Target):
    """`podcast`: script.json, script.md, episode.mp3, chapters.json, transcript.vtt, feed.xml."""

    name: ClassVar[str] = "podcast"
    version: ClassVar[str] = "2"
    """2: feed.xml by ElementTree with the podcast-app tags, one item; cover.png."""
    config_model: ClassVar[type[TargetConfig]] = PodcastConfig
    description: ClassVar[str] = "A two-host audio episode of the spec, with chapters and a feed."
    extra: ClassVar[str | None] = "podcast"
    requires: ClassVar[tuple[str, ...]] = ("pydub", "mutagen", "audioop")
    gate_ids: ClassVar[tuple[str, ...]] = tuple(f"POD{n:03d}" for n in range(1, 16) if n != 10)
    """POD010 (an undated episode) is information, not a gate; POD015 says a feed is for
    local use only (no feed_base_url)."""

    _tts: TtsBackend | None = None

    @property
    def cfg(self) -> PodcastConfig:
        assert isinstance(self.config, PodcastConfig)
        return self.config

    def external_inputs(self, spec: Spec) -> list[Path] | None:
        """The script and the feed come from the IR and the config: nothing outside."""
        return []

    def ir_slice(self, spec: Spec) -> Any:
        """What the audio depends on: the template script built from the IR, and the feed.

        The script is a pure function of the sections, clauses and examples the podcast
        reads (about 20 ms for the Model Spec), so an edit to the interface, to code blocks
        or one that only moves lines changes no spoken word and rebuilds nothing. The feed
        lists every spec of the workspace, so their titles, versions and dates count too.
        """
        ws = self.ctx.workspace
        order = ws.order or sorted(ws.specs)
        return {
            "backend": self.ctx.backend,
            "script": self.build_template_script(spec).model_dump(mode="json"),
            "feed": [
                {
                    "id": s.id,
                    "title": s.title,
                    "version": s.version,
                    "date": episode_date(s, self.cfg),
                    "number": episode_number(s, order),
                }
                for s in (ws.specs[i] for i in order if i in ws.specs)
            ],
        }

    @property
    def tts(self) -> TtsBackend:
        """The TTS backend, created on first use (its `calls` counts real syntheses)."""
        if self._tts is None:
            self._tts = make_backend(self.cfg, self.ctx)
        return self._tts

    def build_template_script(self, spec: Spec) -> Episode:
        """The deterministic template script."""
        order = self.ctx.workspace.order or sorted(self.ctx.workspace.specs)
        return build_episode(spec, self.cfg, order)

    def build_script(self, spec: Spec) -> Episode:
        """The template script, or with `--backend openai` the model's rewrite of it.

        The model's answer goes through the same script gates (POD001, POD002) before any
        audio is made; when no answer passes, the template script is used (LLM001 warning).
        """
        template = self.build_template_script(spec)
        if self.ctx.backend != "openai":
            return template
        from .llm import llm_episode

        return llm_episode(self.ctx, spec, template) or template

    def generate(self, spec: Spec) -> list[GeneratedFile]:
        """Script, then audio from it; a malformed script raises ScriptError before any TTS."""
        episode = validate_script(self.build_script(spec), spec, source=spec.path)
        return self.render_episode(spec, episode)

    def voice(self, episode: Episode, speaker: str) -> VoiceConfig:
        """Host A (explainer) gets voice_a, host B voice_b."""
        role = episode.host(speaker).role
        return self.cfg.voice_a if role == "explainer" else self.cfg.voice_b

    def render_episode(self, spec: Spec, episode: Episode) -> list[GeneratedFile]:
        """Every output file for an already validated episode."""
        cache = LineCache(self.ctx.cache_dir / "tts", self.tts)
        wavs = [
            [cache.wav(line.text, self.voice(episode, line.speaker)) for line in seg.lines]
            for seg in episode.segments
        ]
        pcm, timeline = assemble(episode, wavs, self.cfg)
        mp3 = encode_mp3(
            pcm, self.cfg, episode, timeline, self.ctx.cache_dir / "tmp", self.ctx.tools
        )
        script = episode.model_dump_json(indent=2) + "\n"
        return [
            GeneratedFile("script.json", script.encode()),
            GeneratedFile("script.md", script_md(episode)),
            GeneratedFile("episode.mp3", mp3),
            GeneratedFile("chapters.json", chapters_json(episode, timeline)),
            GeneratedFile("transcript.vtt", transcript_vtt(episode, timeline)),
            GeneratedFile(
                "feed.xml",
                feed_xml(spec, len(mp3), timeline.duration_ms, self.ctx.workspace, self.cfg),
            ),
            GeneratedFile(COVER, cover_png()),
        ]

    def verify(self, spec: Spec, root: Path) -> list[Finding]:
        """The gates (see targets/podcast/gates.py)."""
        return run_gates(spec, root, self.ctx.tools)

    def covered_clauses(self, spec: Spec, root: Path) -> set[str]:
        """Clause ids the script's lines name."""
        try:
            data = json.loads((root / "script.json").read_text(encoding="utf-8"))
            episode = Episode.model_validate(data)
        except (OSError, ValueError):
            return set()
        return episode.clause_ids() & {c.id for c in spec.clauses}
