"""The podcast target end to end: real espeak-ng audio, measured; gates that must fail do."""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydub import AudioSegment
from specloom.targets.podcast import PodcastTarget
from specloom.targets.podcast.assemble import encode_mp3
from specloom.targets.podcast.config import PodcastConfig
from specloom.targets.podcast.script import Episode
from specloom.targets.podcast.tts import EspeakBackend, OpenAiSpeechBackend

from specloom.errors import ConfigError, ToolMissingError
from specloom.findings import Finding, Severity
from specloom.model import Level, Spec, Workspace
from specloom.parse import load_workspace
from specloom.target import BuildContext, GeneratedFile


@dataclass
class Build:
    target: PodcastTarget
    spec: Spec
    root: Path
    files: dict[str, bytes]


def make_target(ws: Workspace, cache: Path, **config: Any) -> PodcastTarget:
    ctx = BuildContext(
        workspace=ws,
        output_dir=cache.parent / "out",
        cache_dir=cache,
        settings=config.pop("settings", {}),
    )
    return PodcastTarget(ctx, PodcastConfig(**config))


def write(files: list[GeneratedFile], root: Path) -> dict[str, bytes]:
    root.mkdir(parents=True, exist_ok=True)
    for f in files:
        (root / f.path).write_bytes(f.data)
    return {f.path: f.data for f in files}


def build(ws: Workspace, spec_id: str, base: Path, cache: Path | None = None) -> Build:
    target = make_target(ws, cache or base / "cache")
    spec = ws.specs[spec_id]
    root = base / spec_id / "podcast"
    return Build(target, spec, root, write(target.generate(spec), root))


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR]


def ffprobe_duration(path: Path) -> float:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(out.strip())


@pytest.fixture(scope="module")
def workspace(specs_dir: Path) -> Workspace:
    return load_workspace(specs_dir)


@pytest.fixture(scope="module")
def billing(workspace: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Build:
    return build(workspace, "billing", tmp_path_factory.mktemp("billing"))


# -- the billing episode, measured ---------------------------------------------------


def test_billing_episode_passes_every_gate(billing: Build) -> None:
    assert sorted(billing.files) == [
        "chapters.json",
        "cover.png",
        "episode.mp3",
        "feed.xml",
        "script.json",
        "script.md",
        "transcript.vtt",
    ]
    findings = billing.target.verify(billing.spec, billing.root)
    # billing dates its release in the front matter: no POD010 (undated episode) finding;
    # no feed_base_url: the report says the feed is for local use only (POD015, info)
    assert [(f.rule, f.severity) for f in findings] == [("POD015", Severity.INFO)]


def test_common_episode_passes_every_gate(workspace: Workspace, tmp_path: Path) -> None:
    """The other example spec (billing is above): an episode in every CI run."""
    common = build(workspace, "common", tmp_path)
    assert errors(common.target.verify(common.spec, common.root)) == []
    assert ffprobe_duration(common.root / "episode.mp3") > 30


def test_script_covers_every_must_clause_and_has_both_hosts(billing: Build) -> None:
    episode = Episode.model_validate_json(billing.files["script.json"])
    musts = {c.id for c in billing.spec.clauses if c.level in (Level.MUST, Level.MUST_NOT)}
    assert musts and musts <= episode.clause_ids()
    kinds = [s.kind for s in episode.segments]
    assert kinds == ["intro", "section", "section", "section", "section", "recap", "outro"]
    speakers = {line.speaker for s in episode.segments for line in s.lines}
    assert speakers == {"a", "b"}
    md = billing.files["script.md"].decode()
    assert "**Alex:**" in md and "**Sam:**" in md and "`bil1`" in md


def test_the_explainer_explains_and_the_newcomer_asks(billing: Build) -> None:
    episode = Episode.model_validate_json(billing.files["script.json"])
    roles = {h.id: h.role for h in episode.hosts}
    assert sorted(roles.values()) == ["explainer", "newcomer"]
    lines = [(s, line) for s in episode.segments for line in s.lines]
    asked = [line.text for _, line in lines if roles[line.speaker] == "newcomer"]
    # most of the newcomer's turns are questions, and each section opens with one
    assert sum(t.rstrip().endswith("?") for t in asked) >= 0.75 * len(asked)
    for seg in episode.segments:
        if seg.kind == "section":
            assert roles[seg.lines[0].speaker] == "newcomer" and seg.lines[0].text.endswith("?")
    # the rules themselves are read by the explainer
    musts = {c.id for c in billing.spec.clauses if c.level in (Level.MUST, Level.MUST_NOT)}
    readers = {roles[line.speaker] for _, line in lines if musts & set(line.clauses)}
    assert readers == {"explainer"}


def test_mp3_duration_tags_and_loudness_are_real(billing: Build) -> None:
    mp3 = billing.root / "episode.mp3"
    chapters = json.loads(billing.files["chapters.json"])
    duration = ffprobe_duration(mp3)
    # about 650 words of two espeak voices (its seven stateful examples are walked through
    # step by step, POD016): about five minutes
    assert 120 < duration < 360
    assert abs(duration - chapters["duration"]) < 0.2
    from mutagen.mp3 import MP3

    tags = MP3(str(mp3)).tags
    assert tags is not None
    assert str(tags["TIT2"]) == "Billing service"
    assert str(tags["TALB"]) == "specloom"
    assert str(tags["TRCK"]) == "2"  # common is episode 1 in workspace order
    assert str(tags["TDRC"]) == "2026-11-20"  # billing's front-matter `date:`
    # ID3 chapters (CHAP under a CTOC) repeat chapters.json for players that read only ID3
    chaps = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [(c.start_time, c.end_time, str(c.sub_frames["TIT2"])) for c in chaps] == [
        (round(c["startTime"] * 1000), round(c["endTime"] * 1000), c["title"])
        for c in chapters["chapters"]
    ]
    assert tags.getall("CTOC")[0].child_element_ids == [c.element_id for c in chaps]
    audio = AudioSegment.from_file(str(mp3), format="mp3")
    for ch in chapters["chapters"]:
        part = audio[int(ch["startTime"] * 1000) : int(ch["endTime"] * 1000)]
        assert part.dBFS > -30, ch["title"]
    assert -24 < audio.dBFS < -14  # the -18 dBFS per-line target, with pauses in between
    assert audio.max_dBFS <= -0.5


def test_loudness_meets_the_documented_target(billing: Build) -> None:
    """EBU R128 integrated loudness near -19 LUFS (mono spoken word), true peak below -1 dBFS."""
    proc = subprocess.run(
        [
            "ffmpeg",
            "-nostdin",
            "-hide_banner",
            "-i",
            str(billing.root / "episode.mp3"),
            "-af",
            "ebur128=peak=true",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    summary = proc.stderr[proc.stderr.rindex("Summary:") :]
    lufs = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))  # type: ignore[union-attr]
    peak = float(re.search(r"Peak:\s+(-?[\d.]+) dBFS", summary).group(1))  # type: ignore[union-attr]
    assert -21.0 <= lufs <= -17.0
    assert peak <= -1.0


def test_chapters_and_vtt_are_monotonic_and_within_the_audio(billing: Build) -> None:
    chapters = json.loads(billing.files["chapters.json"])["chapters"]
    assert [c["title"] for c in chapters][:2] == ["Introduction", "Invoices"]
    assert chapters[0]["startTime"] == 0
    for a, b in itertools.pairwise(chapters):
        assert a["endTime"] == b["startTime"] > a["startTime"]
    assert "bil1" in chapters[1]["clauses"]
    vtt = billing.files["transcript.vtt"].decode()
    assert vtt.startswith("WEBVTT")
    stamps = re.findall(r"(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})", vtt)
    ms = [
        (
            ((int(a) * 60 + int(b)) * 60 + int(c)) * 1000 + int(d),
            ((int(e) * 60 + int(f)) * 60 + int(g)) * 1000 + int(h),
        )
        for a, b, c, d, e, f, g, h in stamps
    ]
    assert len(ms) == sum(
        len(s["lines"]) for s in json.loads(billing.files["script.json"])["segments"]
    )
    assert all(s < e for s, e in ms)
    assert all(e1 <= s2 for (_, e1), (s2, _) in itertools.pairwise(ms))
    assert ms[-1][1] / 1000 <= chapters[-1]["endTime"]
    assert "<v Alex>" in vtt and "<v Sam>" in vtt


def test_feed_has_the_tags_podcast_apps_need(billing: Build) -> None:
    root = ET.fromstring(billing.files["feed.xml"])
    it = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
    (item,) = root.findall("./channel/item")
    enc = item.find("enclosure")
    assert enc is not None
    assert enc.get("url") == "episode.mp3"  # no feed_base_url: local use only (POD015)
    assert enc.get("length") == str(len(billing.files["episode.mp3"]))
    channel = root.find("channel")
    assert channel is not None
    assert channel.find(f"{it}image").get("href") == "cover.png"  # type: ignore[union-attr]
    assert channel.find(f"{it}category").get("text") == "Technology"  # type: ignore[union-attr]
    assert channel.find(f"{it}explicit").text == "false"  # type: ignore[union-attr]
    h, m, s = (int(x) for x in item.findtext(f"{it}duration", "").split(":"))
    chapters = json.loads(billing.files["chapters.json"])["chapters"]
    assert abs(h * 3600 + m * 60 + s - chapters[-1]["endTime"]) <= 1
    assert billing.files["cover.png"].startswith(b"\x89PNG\r\n\x1a\n")
    rules = {f.rule: f for f in billing.target.verify(billing.spec, billing.root)}
    assert rules["POD015"].severity == "info" and "local use only" in rules["POD015"].message


def test_feed_escapes_and_uses_the_base_url(workspace: Any, tmp_path: Path) -> None:
    from specloom.targets.podcast.config import PodcastConfig
    from specloom.targets.podcast.feed import feed_xml

    spec = workspace.specs["billing"].model_copy(update={"title": 'Bills & <"quotes">'})
    cfg = PodcastConfig(feed_base_url="https://example.org/specs/", show="A & B")
    root = ET.fromstring(feed_xml(spec, 123, 61_500, workspace, cfg))
    item = root.find("./channel/item")
    assert item is not None
    assert item.findtext("title") == 'Bills & <"quotes"> (version 1.3.0)'
    assert root.findtext("./channel/title") == 'A & B: Bills & <"quotes">'
    enc = item.find("enclosure")
    assert enc is not None
    assert enc.get("url") == "https://example.org/specs/billing/podcast/episode.mp3"
    assert item.findtext("{http://www.itunes.com/dtds/podcast-1.0.dtd}duration") == "0:01:02"


def median_pitch_hz(path: Path) -> float:
    """Median fundamental frequency of the 25 loudest 40 ms frames (autocorrelation)."""
    rate, n = 11025, 441
    samples = AudioSegment.from_wav(str(path)).set_frame_rate(rate).get_array_of_samples()
    frames = [samples[i : i + n] for i in range(0, len(samples) - n, n)]
    loud = sorted(frames, key=lambda f: -sum(v * v for v in f))[:25]
    pitches = []
    for f in loud:
        corr = {
            lag: sum(f[i] * f[i + lag] for i in range(n - lag)) / (n - lag)
            for lag in range(20, 160)
        }  # 69..551 Hz
        top = max(corr.values())
        lag = next(
            k
            for k in range(21, 159)
            if corr[k] >= 0.85 * top and corr[k] >= corr[k - 1] and corr[k] >= corr[k + 1]
        )
        pitches.append(rate / lag)
    return sorted(pitches)[len(pitches) // 2]


def test_the_two_voices_are_clearly_different(tmp_path: Path) -> None:
    cfg = PodcastConfig()
    backend = EspeakBackend()
    text = "An invoice must contain at least one line item."
    backend.synthesize(text, cfg.voice_a, tmp_path / "a.wav")
    backend.synthesize(text, cfg.voice_b, tmp_path / "b.wav")
    a, b = (AudioSegment.from_wav(str(tmp_path / n)) for n in ("a.wav", "b.wav"))
    assert abs(a.duration_seconds - b.duration_seconds) > 0.1  # different speeds
    pitch_a, pitch_b = median_pitch_hz(tmp_path / "a.wav"), median_pitch_hz(tmp_path / "b.wav")
    assert 70 < pitch_a < 150 < 1.6 * pitch_a < pitch_b < 400, (pitch_a, pitch_b)


# -- determinism and the line cache ----------------------------------------------------


@pytest.mark.slow
def test_output_is_byte_identical_with_a_fresh_cache(
    billing: Build, workspace: Workspace, tmp_path: Path
) -> None:
    again = build(workspace, "billing", tmp_path)
    assert again.target.tts.calls > 0  # really synthesised again, not read from the cache
    assert again.files == billing.files


def _edited_workspace(specs_dir: Path, tmp: Path, old: str, new: str) -> Workspace:
    copy = tmp / "specs"
    shutil.copytree(specs_dir, copy)
    path = copy / "billing" / "spec.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return load_workspace(copy)


def _spoken(files: dict[str, bytes]) -> set[tuple[str, str]]:
    episode = Episode.model_validate_json(files["script.json"])
    return {(line.speaker, line.text) for s in episode.segments for line in s.lines}


def test_one_clause_edit_resynthesises_only_the_changed_lines(
    billing: Build, workspace: Workspace, specs_dir: Path, tmp_path: Path
) -> None:
    cache = billing.target.ctx.cache_dir  # holds every line of the billing episode
    first = billing
    assert first.target.tts.calls == len(_spoken(first.files))  # built with an empty cache
    edited = _edited_workspace(
        specs_dir, tmp_path, "share a single currency", "share one and the same currency"
    )
    second = build(edited, "billing", tmp_path / "two", cache)
    changed = _spoken(second.files) - _spoken(first.files)
    assert len(changed) == 1
    assert second.target.tts.calls == 1
    assert second.files["episode.mp3"] != first.files["episode.mp3"]


def test_interface_only_edit_does_not_change_the_input_hash(
    billing: Build, workspace: Workspace, specs_dir: Path, tmp_path: Path
) -> None:
    before = billing.target.input_hash(workspace.specs["billing"])
    iface = _edited_workspace(
        specs_dir, tmp_path / "i", "doc: One billed product or service.", "doc: One billed product."
    )
    t = make_target(iface, tmp_path / "cache")
    assert t.input_hash(iface.specs["billing"]) == before
    clause = _edited_workspace(
        specs_dir, tmp_path / "c", "share a single currency", "share one currency"
    )
    t = make_target(clause, tmp_path / "cache")
    assert t.input_hash(clause.specs["billing"]) != before


# -- gates that must fail --------------------------------------------------------------


def _copy(billing: Build, tmp_path: Path) -> Path:
    root = tmp_path / "podcast"
    shutil.copytree(billing.root, root)
    return root


def test_gate_rejects_a_silent_episode(billing: Build, tmp_path: Path) -> None:
    root = _copy(billing, tmp_path)
    episode = Episode.model_validate_json(billing.files["script.json"])
    seconds = json.loads(billing.files["chapters.json"])["duration"]
    cfg = PodcastConfig()
    silent = b"\x00\x00" * int(seconds * cfg.sample_rate)
    mp3 = encode_mp3(silent, cfg, episode)
    (root / "episode.mp3").write_bytes(mp3)
    size = len(billing.files["episode.mp3"])  # the feed is resealed to the new size
    _edit_text(root, "feed.xml", f'length="{size}"', f'length="{len(mp3)}"')
    found = errors(billing.target.verify(billing.spec, root))
    assert {f.rule for f in found} == {"POD004"}
    assert len(found) == len(episode.segments)
    assert "silent" in found[0].message


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b'length="', b'length="9'),
        (b"<itunes:duration>", b"<itunes:durationx>"),
        (b'<itunes:image href="cover.png" />', b""),
    ],
)
def test_gate_rejects_a_feed_apps_cannot_use(
    billing: Build, tmp_path: Path, old: bytes, new: bytes
) -> None:
    root = _copy(billing, tmp_path)
    feed = billing.files["feed.xml"]
    assert old in feed
    fixed = feed.replace(old, new).replace(b"</itunes:duration>", b"</itunes:durationx>")
    if b"durationx" not in new:
        fixed = feed.replace(old, new)
    (root / "feed.xml").write_bytes(fixed)
    rules = {f.rule for f in errors(billing.target.verify(billing.spec, root))}
    assert rules == {"POD009"}


@pytest.mark.parametrize("cut", [0, 1, 100])
def test_gate_rejects_a_truncated_mp3(billing: Build, tmp_path: Path, cut: int) -> None:
    root = _copy(billing, tmp_path)
    data = billing.files["episode.mp3"]
    (root / "episode.mp3").write_bytes(data[: len(data) * 2 // 5 + cut])
    rules = {f.rule for f in errors(billing.target.verify(billing.spec, root))}
    assert {"POD005", "POD006", "POD007"} <= rules


def test_gate_rejects_a_260_byte_mp3(billing: Build, tmp_path: Path) -> None:
    root = _copy(billing, tmp_path)
    (root / "episode.mp3").write_bytes(billing.files["episode.mp3"][:260])
    found = errors(billing.target.verify(billing.spec, root))
    assert "POD003" in {f.rule for f in found}


def test_gate_rejects_a_script_missing_a_must_clause(billing: Build, tmp_path: Path) -> None:
    root = _copy(billing, tmp_path)
    data = json.loads(billing.files["script.json"])
    for seg in data["segments"]:
        for line in seg["lines"]:
            line["clauses"] = [c for c in line["clauses"] if c != "bil1"]
    (root / "script.json").write_text(json.dumps(data), encoding="utf-8")
    found = errors(billing.target.verify(billing.spec, root))
    # the other forms now disagree with the edited script.json too (POD011/012/014/006)
    assert [(f.rule, f.clause) for f in found if f.rule == "POD002"] == [("POD002", "bil1")]
    assert found[0].file == billing.spec.clause("bil1").pos.file  # type: ignore[union-attr]
    assert found[0].line == billing.spec.clause("bil1").pos.line  # type: ignore[union-attr]


def test_gate_rejects_missing_tags(billing: Build, tmp_path: Path) -> None:
    root = _copy(billing, tmp_path)
    from mutagen.id3 import ID3

    tags = ID3(str(root / "episode.mp3"))
    tags.delall("TDRC")
    tags.save()
    found = errors(billing.target.verify(billing.spec, root))
    assert [f.rule for f in found] == ["POD008"]
    assert "date" in found[0].message


# -- every form agrees with script.json, and MUST clauses are said ------------------------


def _edit_text(root: Path, name: str, old: str, new: str) -> None:
    text = (root / name).read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    (root / name).write_text(text.replace(old, new, 1), encoding="utf-8")


def _edit_script(root: Path, change: Any) -> None:
    data = json.loads((root / "script.json").read_text(encoding="utf-8"))
    change(data)
    (root / "script.json").write_text(json.dumps(data), encoding="utf-8")


def _rules(billing: Build, root: Path) -> set[str]:
    return {f.rule for f in errors(billing.target.verify(billing.spec, root))}


def test_feed_without_this_specs_item_or_not_xml_fails_pod009(
    billing: Build, tmp_path: Path
) -> None:
    root = _copy(billing, tmp_path)
    _edit_text(root, "feed.xml", 'url="episode.mp3"', 'url="other.mp3"')
    assert _rules(billing, root) == {"POD009"}
    (root / "feed.xml").write_text("<rss><channel>", encoding="utf-8")
    assert _rules(billing, root) == {"POD009"}
    size = len(billing.files["episode.mp3"])
    for old, new in [
        (f'length="{size}"', f'length="{size - 1}"'),
        ("<title>Billing service", "<title>Invoices"),
        ("<itunes:episode>2<", "<itunes:episode>3<"),
        ('url="transcript.vtt"', 'url="script.md"'),
    ]:
        (root / "feed.xml").write_bytes(billing.files["feed.xml"])
        _edit_text(root, "feed.xml", old, new)
        found = errors(billing.target.verify(billing.spec, root))
        assert [f.rule for f in found] == ["POD009"], (old, found)


def test_script_md_out_of_step_fails_pod011(billing: Build, tmp_path: Path) -> None:
    root = _copy(billing, tmp_path)
    _edit_text(root, "script.md", "must contain at least one line item", "should contain items")
    found = errors(billing.target.verify(billing.spec, root))
    assert [f.rule for f in found] == ["POD011"]
    assert "text is" in found[0].message and "line" in found[0].message
    (root / "script.md").write_text(
        billing.files["script.md"].decode().replace("[`bil1`]", "[`bil2`]", 1), encoding="utf-8"
    )
    assert _rules(billing, root) == {"POD011"}


def test_vtt_cue_out_of_step_fails_pod012(billing: Build, tmp_path: Path) -> None:
    root = _copy(billing, tmp_path)
    _edit_text(root, "transcript.vtt", "<v Sam>", "<v Alex>")
    found = errors(billing.target.verify(billing.spec, root))
    assert [f.rule for f in found] == ["POD012"]
    assert "speaker" in found[0].message


def test_chapters_must_match_segments_and_end_with_the_audio(
    billing: Build, tmp_path: Path
) -> None:
    root = _copy(billing, tmp_path)
    doc = json.loads(billing.files["chapters.json"])
    merged = dict(doc, chapters=[dict(doc["chapters"][0], endTime=doc["chapters"][1]["endTime"])])
    merged["chapters"] += doc["chapters"][2:]
    (root / "chapters.json").write_text(json.dumps(merged), encoding="utf-8")
    assert _rules(billing, root) == {"POD006"}
    early = json.loads(billing.files["chapters.json"])
    early["chapters"][-1]["endTime"] -= 2.0  # still in order, but ends before the audio
    (root / "chapters.json").write_text(json.dumps(early), encoding="utf-8")
    found = errors(billing.target.verify(billing.spec, root))
    assert [f.rule for f in found] == ["POD006"] and "0.5 s" in found[0].message
    gap = json.loads(billing.files["chapters.json"])
    gap["chapters"][2]["startTime"] += 0.5
    (root / "chapters.json").write_text(json.dumps(gap), encoding="utf-8")
    assert "contiguous" in errors(billing.target.verify(billing.spec, root))[0].message


def test_a_must_clause_labelled_but_not_said_fails_pod002(billing: Build, tmp_path: Path) -> None:
    root = _copy(billing, tmp_path)

    def unsay(data: dict[str, Any]) -> None:
        for seg in data["segments"]:
            for line in seg["lines"]:
                if "bil1" in line["clauses"]:
                    line["text"] = "That one is in the show notes."

    _edit_script(root, unsay)
    found = [f for f in errors(billing.target.verify(billing.spec, root)) if f.rule == "POD002"]
    assert [f.clause for f in found] == ["bil1"]
    assert "never said" in found[0].message and "none says must" in found[0].message


def test_unspeakable_text_fails_pod013(billing: Build, tmp_path: Path) -> None:
    for text in ["See https://example.com/x.", "Ids match ^inv_[a-z]+$ here.", "Call `f()`."]:
        root = _copy(billing, tmp_path / str(len(text)))

        def add(data: dict[str, Any], text: str = text) -> None:
            data["segments"][0]["lines"][0]["text"] += " " + text

        _edit_script(root, add)
        assert "POD013" in _rules(billing, root), text


def test_a_clause_on_the_wrong_segment_fails_pod014(billing: Build, tmp_path: Path) -> None:
    root = _copy(billing, tmp_path)

    def move(data: dict[str, Any]) -> None:
        data["segments"][0]["lines"][0]["clauses"].append("bil9")  # bil9 belongs to issuing

    _edit_script(root, move)
    found = [f for f in errors(billing.target.verify(billing.spec, root)) if f.rule == "POD014"]
    assert len(found) == 1 and "'intro'" in found[0].message and "bil9" in found[0].message


def test_long_sections_still_say_every_must_clause(workspace: Workspace) -> None:
    from specloom.targets.podcast.builder import build_episode
    from specloom.targets.podcast.script_gates import script_findings

    spec = workspace.specs["billing"]
    episode = build_episode(spec, PodcastConfig(max_detail_clauses=0), workspace.order)
    assert script_findings(episode, spec) == []  # nothing detailed, every MUST still said
    said = [line for seg in episode.segments for line in seg.lines if "bil4" in line.clauses]
    assert said[0].text == "The quantity of a line must be at least one."


# -- missing engines are clear errors ---------------------------------------------------


def test_missing_espeak_names_the_debian_package(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    target = make_target(workspace, tmp_path / "cache")
    with pytest.raises(ToolMissingError) as info:
        target.generate(workspace.specs["billing"])
    assert "apt-get install espeak-ng" in str(info.value)
    assert not (tmp_path / "cache" / "tts").exists()


def test_missing_ffmpeg_names_the_debian_package(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    espeak = shutil.which("espeak-ng")
    assert espeak is not None
    os.symlink(espeak, bin_dir / "espeak-ng")
    monkeypatch.setenv("PATH", str(bin_dir))
    target = make_target(workspace, tmp_path / "cache")
    with pytest.raises(ToolMissingError, match="apt-get install ffmpeg"):
        target.generate(workspace.specs["common"])


def test_piper_without_the_extra_or_model_is_a_clear_error(
    workspace: Workspace, tmp_path: Path
) -> None:
    import importlib.util

    target = make_target(workspace, tmp_path / "cache", tts="piper", piper_model="voice.onnx")
    if importlib.util.find_spec("piper") is None:  # the default install: GPL extra absent
        with pytest.raises(ToolMissingError, match=re.escape("pip install 'specloom[piper]'")) as e:
            target.generate(workspace.specs["common"])
        assert "piper_model" in str(e.value)
    else:
        with pytest.raises(ConfigError, match="piper_model"):
            target.generate(workspace.specs["common"])


# -- the OpenAI speech backend over real HTTP (fake server) -----------------------------


def test_openai_backend_against_a_local_server(
    workspace: Workspace, tmp_path: Path, fake_openai: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    target = make_target(
        workspace,
        tmp_path / "cache",
        tts="openai",
        settings={"llm": {"base_url": fake_openai.base_url}},
    )
    spec = workspace.specs["common"]
    files = write(target.generate(spec), tmp_path / "common" / "podcast")
    speech = [r for r in fake_openai.requests if r.path.endswith("/audio/speech")]
    assert len(speech) == target.tts.calls == len(_spoken(files)) > 0
    assert {r.body["voice"] for r in speech} == {"alloy", "verse"}
    usage = target.ctx.llm.usage_report()  # the build's shared LLM session counted them
    assert usage["targets"]["podcast"]["requests"] == len(speech)
    assert errors(target.verify(spec, tmp_path / "common" / "podcast")) == []


def test_openai_backend_chunks_long_text(
    tmp_path: Path, fake_openai: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_openai.seconds_per_char = 0.002  # keep the fake's tones short
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    ctx = BuildContext(
        workspace=Workspace(root="."),
        output_dir=tmp_path / "out",
        cache_dir=tmp_path / "cache",
        settings={"llm": {"base_url": fake_openai.base_url}},
    )
    backend = OpenAiSpeechBackend.from_context(ctx, PodcastConfig())
    text = "This is a sentence of some length for the speech API. " * 180  # ~9,900 chars
    backend.synthesize(text, PodcastConfig().voice_a, tmp_path / "long.wav")
    inputs = [r.body["input"] for r in fake_openai.requests if r.path.endswith("/audio/speech")]
    assert len(inputs) == 3 and all(len(i) <= 4096 for i in inputs)
    seconds = AudioSegment.from_wav(str(tmp_path / "long.wav")).duration_seconds
    assert abs(seconds - len(text) * 0.002) < 1.0  # the three pieces, joined


# -- the Model Spec: a long episode, chunked ---------------------------------------------


@pytest.mark.slow
def test_model_spec_episode(model_spec_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    import time

    ws = load_workspace(model_spec_dir)
    spec_id = ws.order[0]
    base = tmp_path_factory.mktemp("model_spec")
    started = time.perf_counter()
    result = build(ws, spec_id, base)
    elapsed = time.perf_counter() - started
    assert errors(result.target.verify(result.spec, result.root)) == []
    episode = Episode.model_validate_json(result.files["script.json"])
    musts = [c.id for c in result.spec.clauses if c.level in (Level.MUST, Level.MUST_NOT)]
    assert len(musts) > 20 and set(musts) <= episode.clause_ids()
    # every MUST and SHOULD clause is said (POD002), so a long section is no longer two lines
    duration = ffprobe_duration(result.root / "episode.mp3")
    print(f"model spec episode: {episode.word_count()} words, {duration:.0f} s")
    assert 5 * 60 < duration < 60 * 60
    assert elapsed < 60


# -- the LLM script backend (fake OpenAI server over real HTTP) --------------------------


def _llm_target(ws: Workspace, tmp_path: Path, fake_openai: Any) -> PodcastTarget:
    ctx = BuildContext(
        workspace=ws,
        output_dir=tmp_path / "out",
        cache_dir=tmp_path / "cache",
        backend="openai",
        settings={"llm": {"base_url": fake_openai.base_url}},
    )
    return PodcastTarget(ctx, PodcastConfig())


def test_llm_script_is_used_when_it_passes_the_gates(
    workspace: Workspace, tmp_path: Path, fake_openai: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    target = _llm_target(workspace, tmp_path, fake_openai)
    spec = workspace.specs["common"]
    draft = json.loads(target.build_template_script(spec).model_dump_json())
    draft["segments"][0]["lines"][0]["text"] = "Hello and welcome, this is the rewritten intro."
    fake_openai.script(fake_openai.ok(draft))
    episode = target.build_script(spec)
    assert episode.segments[0].lines[0].text == "Hello and welcome, this is the rewritten intro."


def test_malformed_llm_script_falls_back_to_the_template(
    workspace: Workspace, tmp_path: Path, fake_openai: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    target = _llm_target(workspace, tmp_path, fake_openai)
    spec = workspace.specs["common"]
    template = target.build_template_script(spec)
    bad = json.loads(template.model_dump_json())
    bad["segments"] = bad["segments"][:1]  # intro only: the Podcastfy 260-byte-MP3 case
    bad["segments"][0]["lines"][0]["text"] = ""
    fake_openai.script(*[fake_openai.ok(bad)] * 3)
    episode = target.build_script(spec)
    assert episode == template
    assert len(fake_openai.chat_requests()) == 3  # asked again twice with the reasons
    feedback = fake_openai.chat_requests()[1].body["messages"][-1]["content"]
    assert "empty text" in feedback and "no recap segment" in feedback


def test_episode_date_comes_from_the_front_matter(specs_dir: Path, tmp_path: Path) -> None:
    ws = _edited_workspace(specs_dir, tmp_path, "date: 2026-11-20\n", "date: 2026-01-31\n")
    common = tmp_path / "specs" / "common" / "spec.md"  # an undated spec
    common.write_text(common.read_text().replace("date: 2026-11-02\n", ""), encoding="utf-8")
    ws = load_workspace(tmp_path / "specs")
    target = make_target(ws, tmp_path / "cache")
    assert target.build_template_script(ws.specs["billing"]).date == "2026-01-31"
    assert target.build_template_script(ws.specs["common"]).date == "1970-01-01"
    dated = make_target(ws, tmp_path / "cache", date="2025-12-01")
    assert dated.build_template_script(ws.specs["common"]).date == "2025-12-01"


def test_gates_without_ffmpeg_are_skipped_not_passed(
    billing: Build, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no ffmpeg on PATH
    findings = billing.target.verify(billing.spec, billing.root)
    skipped = [f for f in findings if f.rule == "POD003"]
    assert len(skipped) == 1 and skipped[0].severity is Severity.WARNING
    assert "skipped" in skipped[0].message and "ffmpeg" in skipped[0].message
    for rule in ("POD004", "POD005", "POD006", "POD007"):  # each check it could not run
        assert rule in skipped[0].message
    assert errors(findings) == []
