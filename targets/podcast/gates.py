"""The podcast gates: script coverage, real audio (decodes, audible, plausible length), timing."""

from __future__ import annotations

import json
import math
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from specloom.findings import Finding, Severity
from specloom.model import Spec
from specloom.tools import ToolLookup, missing_hint

from .builder import FALLBACK_DATE
from .forms import SpokenLine, expected_lines, first_difference, script_md_lines, vtt_cues
from .script import Episode, script_problems
from .script_gates import script_findings
from .vtt import cue_times

SILENCE_DBFS = -50.0
"""A chapter whose RMS level is below this is silent."""
MIN_WPM, MAX_WPM = 90.0, 260.0
"""Speaking rates that bound the plausible duration of a script."""
TIME_TOLERANCE_S = 0.25
"""Chapters and cues may end this far past the decoded audio (MP3 frame rounding)."""
CHAPTER_END_TOLERANCE_S = 0.5
"""The last chapter ends this close to the decoded audio's end (either way)."""
DECODE_RATE = 22050
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
REQUIRED_TAGS = {"TIT2": "title", "TALB": "show", "TRCK": "episode", "TDRC": "date"}


def _f(
    rule: str,
    message: str,
    file: str | None = None,
    severity: Severity = Severity.ERROR,
    clause: str | None = None,
    line: int | None = None,
) -> Finding:
    return Finding(
        rule=rule, severity=severity, message=message, file=file, line=line, clause=clause
    )


@dataclass
class Decoded:
    """The MP3 decoded by ffmpeg to mono 16-bit PCM."""

    pcm: bytes
    errors: str

    @property
    def duration(self) -> float:
        return len(self.pcm) / (2 * DECODE_RATE)

    def rms_dbfs(self, start: float, end: float) -> float:
        """RMS level of [start, end) seconds in dBFS (-inf for digital silence)."""
        a = int(start * DECODE_RATE) * 2
        b = min(int(end * DECODE_RATE) * 2, len(self.pcm))
        if b <= a:
            return float("-inf")
        from pydub import AudioSegment  # pydub carries audioop / audioop-lts

        rms = AudioSegment(
            data=self.pcm[a:b], sample_width=2, frame_rate=DECODE_RATE, channels=1
        ).rms
        if rms <= 0:
            return float("-inf")
        return 20 * math.log10(rms / 32768)


def decode(
    mp3: Path, tools: ToolLookup | None = None, workdir: Path | None = None
) -> Decoded | None:
    """Decode with ffmpeg (None when ffmpeg is not installed).

    ffmpeg writes the PCM to a file in a temporary folder under `workdir` (the build's cache
    folder; the system's temporary folder when None), read back in one go: reading 14 MB
    (a five-minute episode) through a pipe costs the gate's thread ten times the CPU."""
    found = (tools or ToolLookup()).find("ffmpeg")
    if found is None:
        return None
    if workdir is not None:
        workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="specloom-decode-", dir=workdir) as tmp:
        out = Path(tmp) / "episode.pcm"
        proc = subprocess.run(
            [
                str(found.path),
                "-nostdin",
                "-hide_banner",
                "-loglevel",
                "error",
                "-i",
                str(mp3),
                "-f",
                "s16le",
                "-ac",
                "1",
                "-ar",
                str(DECODE_RATE),
                str(out),
            ],
            capture_output=True,
            check=False,
        )
        try:
            pcm = out.read_bytes()
        except OSError:
            pcm = b""
    errors = proc.stderr.decode(errors="replace").strip()
    if proc.returncode != 0 and not errors:
        errors = f"ffmpeg exited with {proc.returncode}"
    return Decoded(pcm, errors)


def duration_range(episode: Episode) -> tuple[float, float]:
    """Seconds an honest reading of this script can take: word count at 260..90 wpm + pauses."""
    words = episode.word_count()
    lines = sum(len(s.lines) for s in episode.segments)
    fixed = 0.2 * lines + 0.8 * len(episode.segments) + 2.0
    return words * 60 / MAX_WPM + fixed * 0.5, words * 60 / MIN_WPM + fixed * 2 + 10


class PodcastGates:
    """Runs every gate over a published (or staged) podcast folder."""

    def __init__(
        self,
        spec: Spec,
        root: Path,
        tools: ToolLookup | None = None,
        workdir: Path | None = None,
    ) -> None:
        self.spec = spec
        self.root = root
        self.tools = tools
        self.workdir = workdir
        """Where the decoded audio is written for a moment (see `decode`)."""
        self.findings: list[Finding] = []

    def add(self, *args: Any, **kwargs: Any) -> None:
        self.findings.append(_f(*args, **kwargs))

    def run(self) -> list[Finding]:
        """All findings; errors block publication."""
        episode = self.script()
        decoded = self.audio(episode)
        if episode is not None and decoded is not None:
            self.loudness(episode, decoded)
        duration = decoded.duration if decoded is not None and decoded.pcm else None
        self.timing(duration)
        if episode is not None:
            self.forms(episode, duration)
        self.feed(episode)
        return self.findings

    def script(self) -> Episode | None:
        """POD001 well-formed, POD002 every MUST clause said, POD013 nothing unspeakable,
        POD014 each segment's clauses."""
        path = self.root / "script.json"
        try:
            episode = Episode.model_validate_json(path.read_bytes())
        except (OSError, ValidationError) as exc:
            self.add(
                "POD001",
                f"script.json is missing or malformed: {exc}".splitlines()[0],
                "script.json",
            )
            return None
        for problem in script_problems(episode, self.spec):
            self.add("POD001", f"malformed script: {problem}", "script.json")
        if episode.date == FALLBACK_DATE:
            self.add(
                "POD010",
                f"the episode is dated {FALLBACK_DATE}: set `date:` in the "
                "spec's front matter or `date` in [tool.specloom.targets.podcast]",
                self.spec.path,
                Severity.INFO,
            )
        self.findings += script_findings(episode, self.spec)
        return episode

    def forms(self, episode: Episode, duration: float | None) -> None:
        """POD011 script.md, POD012 transcript.vtt and POD006 chapters.json agree with
        script.json: same lines in the same order, one contiguous chapter per segment."""
        try:
            md = script_md_lines((self.root / "script.md").read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            self.add("POD011", f"script.md is missing or unreadable: {exc}", "script.md")
        else:
            diff = first_difference(expected_lines(episode, by_title=True), md)
            if diff:
                self.add("POD011", f"script.md differs from script.json: {diff}", "script.md")
        try:
            cues = vtt_cues((self.root / "transcript.vtt").read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            self.add("POD012", f"transcript.vtt is missing or malformed: {exc}", "transcript.vtt")
        else:
            got = [SpokenLine(c.segment, c.speaker, c.text, c.clauses) for c in cues]
            diff = first_difference(expected_lines(episode), got)
            if diff:
                self.add(
                    "POD012", f"transcript.vtt differs from script.json: {diff}", "transcript.vtt"
                )
        chapters = self._chapters()
        titles = [(t, tuple(c)) for _, _, t, c in chapters]
        want = [(seg.title, tuple(seg.clause_ids())) for seg in episode.segments]
        if chapters and titles != want:
            self.add(
                "POD006",
                f"chapters.json has {len(chapters)} chapters, script.json {len(want)} segments; "
                "they must match one to one (title and clauses, in order)",
                "chapters.json",
            )
        prev = 0.0
        for n, (start, end, title, _) in enumerate(chapters, 1):
            if abs(start - prev) > 0.001:
                self.add(
                    "POD006",
                    f"chapter {n} ({title!r}) starts at {start:.3f} s, the previous one ends at "
                    f"{prev:.3f} s: chapters must be contiguous",
                    "chapters.json",
                )
                break
            prev = end
        if chapters and duration is not None and abs(prev - duration) > CHAPTER_END_TOLERANCE_S:
            self.add(
                "POD006",
                f"the last chapter ends at {prev:.2f} s, the audio at {duration:.2f} s "
                f"(more than {CHAPTER_END_TOLERANCE_S} s apart)",
                "chapters.json",
            )

    def audio(self, episode: Episode | None) -> Decoded | None:
        """POD003 the MP3 decodes, POD005 plausible duration, POD008 tags present."""
        mp3 = self.root / "episode.mp3"
        if not mp3.is_file():
            self.add("POD003", "episode.mp3 is missing", "episode.mp3")
            return None
        decoded = decode(mp3, self.tools, self.workdir)
        if decoded is None:
            self.add(
                "POD003",
                "skipped: ffmpeg is not installed, so the MP3 was not decoded and these "
                "checks did not run: decoding (POD003), audible chapters (POD004), duration "
                "(POD005), chapters and cues within the audio (POD006, POD007); "
                f"{missing_hint('ffmpeg')}",
                "episode.mp3",
                Severity.WARNING,
            )
        else:
            if decoded.errors or decoded.duration < 1.0:
                why = decoded.errors.splitlines()[0] if decoded.errors else "no audio"
                self.add(
                    "POD003",
                    f"episode.mp3 does not decode cleanly ({mp3.stat().st_size} bytes, "
                    f"{decoded.duration:.2f} s decoded): {why}",
                    "episode.mp3",
                )
            if episode is not None and decoded.duration >= 1.0:
                lo, hi = duration_range(episode)
                if not lo <= decoded.duration <= hi:
                    self.add(
                        "POD005",
                        f"episode.mp3 lasts {decoded.duration:.1f} s; "
                        f"{episode.word_count()} words should take {lo:.0f}-{hi:.0f} s",
                        "episode.mp3",
                    )
        self.tags(mp3, episode)
        return decoded

    def tags(self, mp3: Path, episode: Episode | None) -> None:
        """POD008: ID3 title, show, episode and date present (and equal to the script's)."""
        import mutagen.id3
        from mutagen import MutagenError

        id3: Any = mutagen.id3  # untyped
        try:
            tags = id3.ID3(str(mp3))
        except MutagenError as exc:
            self.add("POD008", f"episode.mp3 has no ID3 tags: {exc}", "episode.mp3")
            return
        want = {}
        if episode is not None:
            want = {
                "TIT2": episode.title,
                "TALB": episode.show,
                "TRCK": str(episode.number),
                "TDRC": episode.date,
            }
        for frame, label in REQUIRED_TAGS.items():
            value = str(tags[frame].text[0]) if frame in tags and tags[frame].text else ""
            if not value:
                self.add("POD008", f"episode.mp3 has no {label} tag ({frame})", "episode.mp3")
            elif frame in want and value != want[frame]:
                self.add(
                    "POD008",
                    f"episode.mp3 {label} tag is {value!r}, the script says {want[frame]!r}",
                    "episode.mp3",
                )

    def loudness(self, episode: Episode, decoded: Decoded) -> None:
        """POD004: every chapter is audible (RMS above SILENCE_DBFS)."""
        for start, end, title, _ in self._chapters():
            level = decoded.rms_dbfs(start, end)
            if level < SILENCE_DBFS:
                shown = "silence" if level == float("-inf") else f"{level:.1f} dBFS"
                self.add(
                    "POD004",
                    f"chapter {title!r} ({start:.1f}-{end:.1f} s) is silent: "
                    f"{shown} (threshold {SILENCE_DBFS} dBFS)",
                    "episode.mp3",
                )

    def _chapters(self) -> list[tuple[float, float, str, list[str]]]:
        try:
            data = json.loads((self.root / "chapters.json").read_text(encoding="utf-8"))
            return [
                (
                    float(c["startTime"]),
                    float(c.get("endTime", c["startTime"])),
                    str(c.get("title", "")),
                    list(c.get("clauses", [])),
                )
                for c in data["chapters"]
            ]
        except (OSError, ValueError, KeyError, TypeError):
            return []

    def timing(self, duration: float | None) -> None:
        """POD006 chapters and POD007 VTT cues: monotonic, ending within the audio."""
        chapters = self._chapters()
        if not chapters:
            self.add("POD006", "chapters.json is missing, malformed or empty", "chapters.json")
        self._monotonic(
            "POD006", "chapter", "chapters.json", [(s, e) for s, e, _, _ in chapters], duration
        )
        try:
            cues = cue_times((self.root / "transcript.vtt").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            self.add("POD007", f"transcript.vtt is missing or malformed: {exc}", "transcript.vtt")
            return
        if not cues:
            self.add("POD007", "transcript.vtt has no cues", "transcript.vtt")
        self._monotonic(
            "POD007", "cue", "transcript.vtt", [(s / 1000, e / 1000) for s, e in cues], duration
        )

    def _monotonic(
        self,
        rule: str,
        what: str,
        file: str,
        spans: list[tuple[float, float]],
        duration: float | None,
    ) -> None:
        prev_end = 0.0
        for n, (start, end) in enumerate(spans, 1):
            if end < start or start < prev_end - 1e-6:
                self.add(rule, f"{what} {n} ({start:.3f}-{end:.3f} s) is not in order", file)
                return
            prev_end = end
        if spans and duration is not None and prev_end > duration + TIME_TOLERANCE_S:
            self.add(
                rule,
                f"the last {what} ends at {prev_end:.2f} s, after the audio "
                f"({duration:.2f} s): the MP3 is truncated or the timing is wrong",
                file,
            )

    def feed(self, episode: Episode | None) -> None:
        """POD009: feed.xml is RSS with one item, this spec's episode: the MP3's byte size,
        the episode's title, number and guid, links to its chapters and transcript, and the
        tags podcast apps require; POD015: says when its URLs are relative (local use only)."""
        path = self.root / "feed.xml"
        try:
            root = ET.parse(path).getroot()
        except (OSError, ET.ParseError) as exc:
            self.add("POD009", f"feed.xml is missing or not XML: {exc}", "feed.xml")
            return
        items = root.findall("./channel/item")
        if root.tag != "rss" or len(items) != 1:
            self.add("POD009", f"feed.xml has no RSS item for {self.spec.id}", "feed.xml")
            return
        item, channel = items[0], root.find("channel")
        enc = item.find("enclosure")
        url = enc.get("url", "") if enc is not None else ""
        if enc is None or not _links(url, self.spec.id, "episode.mp3"):
            self.add("POD009", f"feed.xml has no RSS item for {self.spec.id}", "feed.xml")
            return
        problems = []
        mp3 = self.root / "episode.mp3"
        size = mp3.stat().st_size if mp3.is_file() else None
        if size is None or enc.get("length") != str(size):
            problems.append(f"enclosure length is not the MP3's {size} bytes")
        for tag, where in (
            ("image", channel),
            ("category", channel),
            ("explicit", channel),
            ("duration", item),
        ):
            if where is None or where.find(f"{{{ITUNES}}}{tag}") is None:
                problems.append(f"lacks itunes:{tag} (podcast apps require it)")
        if episode is not None:
            title = item.findtext("title") or ""
            if not title.startswith(episode.title):
                problems.append(f"title {title!r} is not the episode's {episode.title!r}")
            if (item.findtext(f"{{{ITUNES}}}episode") or "") != str(episode.number):
                problems.append(f"itunes:episode is not {episode.number}")
            guid = f"specloom:{episode.spec}:{episode.version or 'unversioned'}"
            if (item.findtext("guid") or "") != guid:
                problems.append(f"guid is not {guid}")
        links = [url]
        for tag, name in (("chapters", "chapters.json"), ("transcript", "transcript.vtt")):
            link = item.find(f"{{{PODCAST_NS}}}{tag}")
            href = link.get("url", "") if link is not None else ""
            links.append(href)
            if not _links(href, self.spec.id, name):
                problems.append(f"podcast:{tag} does not link {name}")
        for problem in problems:
            self.add("POD009", f"feed.xml item for {self.spec.id}: {problem}", "feed.xml")
        image = channel.find(f"{{{ITUNES}}}image") if channel is not None else None
        if image is not None:
            links.append(image.get("href", ""))
        relative = [u for u in links if not u.startswith(("https://", "http://"))]
        if relative:
            self.add(
                "POD015",
                "feed.xml is for local use only: its URLs are relative ("
                + ", ".join(relative)
                + "), which podcast apps do not resolve; set [tool.specloom.targets.podcast] "
                "feed_base_url to publish absolute URLs",
                "feed.xml",
                severity=Severity.INFO,
            )


def _links(url: str, spec_id: str, name: str) -> bool:
    """`url` names this spec's file: `<base>/<spec>/podcast/<name>`, or `<name>` beside the
    feed (relative, local use)."""
    return url == name or url.endswith(f"/{spec_id}/podcast/{name}")


def run_gates(
    spec: Spec, root: Path, tools: ToolLookup | None = None, workdir: Path | None = None
) -> list[Finding]:
    """Every podcast gate over the folder `root` (`workdir`: see `decode`)."""
    return PodcastGates(spec, root, tools, workdir).run()
