"""Episode assembly with pydub: tones, pauses, loudness, MP3 export (ffmpeg) and ID3 tags."""

from __future__ import annotations

import functools
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from specloom.errors import ToolMissingError
from specloom.tools import ToolLookup

from .config import PodcastConfig
from .script import Episode

TURN_PAUSE_MS = 350
"""Silence when the other host starts speaking."""
SAME_SPEAKER_PAUSE_MS = 200
ENCODER_OVERSHOOT_DB = 1.0
"""Headroom below `peak_dbfs` for the samples: MP3 encoding and inter-sample peaks raise the
true peak above the PCM's sample peak (0.8 dB measured on the billing episode)."""
SEGMENT_PAUSE_MS = 800
"""Silence between segments (chapters)."""
TONE_DBFS = -24.0
SAMPLE_WIDTH = 2


@dataclass
class Cue:
    """One spoken line placed on the timeline (milliseconds)."""

    segment: str
    speaker: str
    text: str
    clauses: list[str]
    start_ms: int
    end_ms: int


@dataclass
class Timeline:
    """Where every segment and line sits in the assembled episode."""

    duration_ms: int = 0
    segments: list[tuple[str, int, int]] = field(default_factory=list)
    """(segment id, start ms, end ms), in play order, covering the whole episode."""
    cues: list[Cue] = field(default_factory=list)


def tone(frequencies: list[float], sample_rate: int) -> bytes:
    """A short generated chime (no third-party audio): one soft note per frequency."""
    return b"".join(_note(f, sample_rate) for f in frequencies)


@functools.lru_cache(maxsize=32)
def _note(frequency: float, sample_rate: int) -> bytes:
    """One note of a chime as mono 16-bit PCM (pydub's sine generator is a Python loop over
    the samples; the opening and closing chimes share their notes)."""
    from pydub.generators import Sine

    note = Sine(frequency, sample_rate=sample_rate, bit_depth=16).to_audio_segment(
        duration=260, volume=TONE_DBFS
    )
    faded = note.fade_in(20).fade_out(120)
    return bytes(faded.set_channels(1).set_sample_width(SAMPLE_WIDTH).raw_data)


def _silence(ms: int, sample_rate: int) -> bytes:
    return b"\x00" * (SAMPLE_WIDTH * (sample_rate * ms // 1000))


def _ms(nbytes: int, sample_rate: int) -> int:
    return nbytes * 1000 // (SAMPLE_WIDTH * sample_rate)


def assemble(
    episode: Episode, wavs: list[list[Path]], config: PodcastConfig
) -> tuple[bytes, Timeline]:
    """Raw mono 16-bit PCM of the whole episode and its timeline.

    Every line is brought to `target_dbfs` RMS (the two voices differ in level), then the
    whole episode is lowered if a peak would pass `peak_dbfs`.
    """
    from pydub import AudioSegment
    from pydub.utils import ratio_to_db

    sr = config.sample_rate
    parts: list[bytes] = []
    size = 0
    timeline = Timeline()

    def put(data: bytes) -> None:
        nonlocal size
        parts.append(data)
        size += len(data)

    put(tone([523.25, 659.25, 783.99], sr))
    put(_silence(300, sr))
    for s_index, (segment, seg_wavs) in enumerate(zip(episode.segments, wavs, strict=True)):
        seg_start = 0 if s_index == 0 else _ms(size, sr)
        previous: str | None = None
        for line, path in zip(segment.lines, seg_wavs, strict=True):
            if previous is not None:
                pause = SAME_SPEAKER_PAUSE_MS if line.speaker == previous else TURN_PAUSE_MS
                put(_silence(pause, sr))
            audio = AudioSegment.from_wav(str(path))
            audio = audio.set_channels(1).set_sample_width(SAMPLE_WIDTH).set_frame_rate(sr)
            rms = audio.rms  # (once: `audio.dBFS` would measure it again)
            if rms > 0:
                level = ratio_to_db(rms / audio.max_possible_amplitude)  # = audio.dBFS
                audio = audio.apply_gain(config.target_dbfs - level)
            start = _ms(size, sr)
            put(bytes(audio.raw_data))
            timeline.cues.append(
                Cue(segment.id, line.speaker, line.text, line.clauses, start, _ms(size, sr))
            )
            previous = line.speaker
        put(_silence(SEGMENT_PAUSE_MS, sr))
        timeline.segments.append((segment.id, seg_start, _ms(size, sr)))
    put(tone([783.99, 659.25, 523.25], sr))
    put(_silence(400, sr))
    pcm = b"".join(parts)
    whole = AudioSegment(data=pcm, sample_width=SAMPLE_WIDTH, frame_rate=sr, channels=1)
    ceiling = config.peak_dbfs - ENCODER_OVERSHOOT_DB
    if whole.max_dBFS > ceiling:
        whole = whole.apply_gain(ceiling - whole.max_dBFS)
        pcm = bytes(whole.raw_data)
    timeline.duration_ms = _ms(len(pcm), sr)
    last_id, last_start, _ = timeline.segments[-1]
    timeline.segments[-1] = (last_id, last_start, timeline.duration_ms)
    return pcm, timeline


def ffmpeg(tools: ToolLookup | None = None) -> str:
    """The ffmpeg executable, or a ToolMissingError naming the Debian package."""
    found = (tools or ToolLookup()).find("ffmpeg")
    if found is None:
        raise ToolMissingError(
            "ffmpeg is not installed: the podcast target encodes MP3 with it",
            hint="install the Debian package: sudo apt-get install ffmpeg "
            "(`specloom doctor` lists every tool)",
        )
    return str(found.path)


def encode_mp3(
    pcm: bytes,
    config: PodcastConfig,
    episode: Episode,
    timeline: Timeline | None = None,
    workdir: Path | None = None,
    tools: ToolLookup | None = None,
) -> bytes:
    """MP3 bytes with ID3v2.3 tags (and ID3 chapters from `timeline`); bit-exact ffmpeg
    flags so equal input gives equal bytes. The MP3 is written to a temporary folder under
    `workdir` (the build's cache folder) because its Xing header needs a seekable file."""
    if workdir is not None:
        workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="specloom-podcast-", dir=workdir) as tmp:
        out = Path(tmp) / "episode.mp3"
        cmd = [
            ffmpeg(tools),
            "-nostdin",
            "-hide_banner",
            "-loglevel",
            "error",
            "-f",
            "s16le",
            "-ar",
            str(config.sample_rate),
            "-ac",
            "1",
            "-i",
            "pipe:0",
            "-map_metadata",
            "-1",
            "-fflags",
            "+bitexact",
            "-flags:a",
            "+bitexact",
            "-codec:a",
            "libmp3lame",
            "-b:a",
            config.bitrate,
            "-compression_level",
            str(config.encoder_quality),
            "-id3v2_version",
            "0",
            "-write_xing",
            "1",
            "-f",
            "mp3",
            str(out),
        ]
        proc = subprocess.run(cmd, input=pcm, capture_output=True, check=False)
        if proc.returncode != 0:
            raise ToolMissingError(
                f"ffmpeg could not encode the episode: {proc.stderr.decode(errors='replace')}",
                hint="install ffmpeg with libmp3lame (Debian package ffmpeg)",
            )
        write_tags(out, episode, timeline)
        return out.read_bytes()


def write_tags(path: Path, episode: Episode, timeline: Timeline | None = None) -> None:
    """ID3 tags: title, show (album), episode (track), date, hosts (artist), genre, and one
    CHAP frame per segment under a CTOC (the ID3 chapter addendum) when a timeline is given.
    """
    import mutagen.id3

    id3: Any = mutagen.id3  # mutagen's frame classes are untyped
    tags = id3.ID3()
    for frame, value in (
        ("TIT2", episode.title),
        ("TALB", episode.show),
        ("TRCK", str(episode.number)),
        ("TDRC", episode.date),
        ("TPE1", " & ".join(h.name for h in episode.hosts)),
        ("TCON", "Podcast"),
    ):
        tags.add(getattr(id3, frame)(encoding=3, text=[value]))
    if timeline is not None:
        titles = {s.id: s.title for s in episode.segments}
        ids = [f"chp{n}" for n in range(len(timeline.segments))]
        tags.add(
            id3.CTOC(
                element_id="toc",
                flags=id3.CTOCFlags.TOP_LEVEL | id3.CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[id3.TIT2(encoding=3, text=["Chapters"])],
            )
        )
        for cid, (seg_id, start, end) in zip(ids, timeline.segments, strict=True):
            tags.add(
                id3.CHAP(
                    element_id=cid,
                    start_time=start,
                    end_time=end,
                    start_offset=0xFFFFFFFF,
                    end_offset=0xFFFFFFFF,
                    sub_frames=[id3.TIT2(encoding=3, text=[titles[seg_id]])],
                )
            )
    tags.save(str(path), v2_version=3, padding=lambda info: 0)
