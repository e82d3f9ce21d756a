"""Mutants of the podcast target (gates POD002, POD006, POD011-POD013, POD016): every form of the
episode is read back and compared with script.json and the spec."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from harness import Mutant, MutationContext


def _wrap(name: str, change: Callable[[bytes], bytes]) -> Callable[[MutationContext], None]:
    """Patch one renderer the target calls so its bytes come out changed."""

    def mutate(ctx: MutationContext) -> None:
        from specloom.targets.podcast import target

        real = getattr(target, name)

        def wrapped(*args: Any, **kwargs: Any) -> bytes:
            return change(real(*args, **kwargs))

        ctx.monkeypatch.setattr(target, name, wrapped)

    return mutate


def _drop_last_speaker_line(data: bytes) -> bytes:
    lines = data.decode().split("\n")
    last = max(i for i, ln in enumerate(lines) if ln.startswith("**"))
    return "\n".join(lines[:last] + lines[last + 1 :]).encode()


def _vtt_reword(data: bytes) -> bytes:
    return data.decode().replace("invoice", "receipt", 1).encode()


def _chapters_merged(data: bytes) -> bytes:
    doc = json.loads(data)
    first, second = doc["chapters"][0], doc["chapters"][1]
    doc["chapters"][0:2] = [{**first, "endTime": second["endTime"]}]
    return (json.dumps(doc, indent=2) + "\n").encode()


def _musts_by_id_only(ctx: MutationContext) -> None:
    from specloom.targets.podcast.builder import ScriptBuilder
    from specloom.targets.podcast.script import MUST_LEVELS

    real = ScriptBuilder.clause_text

    def clause_text(self: ScriptBuilder, clause: Any) -> str:
        if clause.level in MUST_LEVELS:
            return "This one is listed in the show notes."
        return real(self, clause)

    ctx.monkeypatch.setattr(ScriptBuilder, "clause_text", clause_text)


def _edit(name: str, change: Callable[[str], str]) -> Callable[[MutationContext], None]:
    def mutate(ctx: MutationContext) -> None:
        path = ctx.root / name
        before = path.read_text(encoding="utf-8")
        after = change(before)
        assert after != before, f"the mutant did not change {name}"
        path.write_text(after, encoding="utf-8")

    return mutate


def _script_json(change: Callable[[dict[str, Any]], None]) -> Callable[[MutationContext], None]:
    def mutate(ctx: MutationContext) -> None:
        path = ctx.root / "script.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")

    return mutate


def _unsay_bil1(data: dict[str, Any]) -> None:
    for seg in data["segments"]:
        for line in seg["lines"]:
            if "bil1" in line["clauses"]:
                line["text"] = "That rule is in the show notes."


def _read_a_url(data: dict[str, Any]) -> None:
    line = data["segments"][1]["lines"][1]
    line["text"] += " See https://example.com/spec#bil1 for the rest."


def _chapter_late(text: str) -> str:
    doc = json.loads(text)
    doc["chapters"][-1]["endTime"] += 3.0
    return json.dumps(doc, indent=2) + "\n"


def _feed_length_off_by_one(text: str) -> str:
    # this spec's item is the one with a real length (the others say 0, "unknown")
    return re.sub(r'length="([1-9]\d*)"', lambda m: f'length="{int(m.group(1)) + 1}"', text)


def _steps_unsaid(ctx: MutationContext) -> None:
    from specloom.targets.podcast.builder import ScriptBuilder

    ctx.monkeypatch.setattr(ScriptBuilder, "steps_spoken", lambda self, example: [])


def _skip_a_step(data: dict[str, Any]) -> None:
    for seg in data["segments"]:
        for line in seg["lines"]:
            if "cnt2" in line["clauses"] and " Then increment." in line["text"]:
                line["text"] = line["text"].replace(" Then increment.", "")
                return
    raise AssertionError("no spoken step of cnt2's example to drop")


def _names_read_raw(ctx: MutationContext) -> None:
    from specloom.targets.podcast import builder

    ctx.monkeypatch.setattr(builder, "spoken_id", lambda anchor: anchor)


MUTANTS: list[Mutant] = [
    Mutant(
        id="podcast-generator-given-steps-unsaid",
        target="podcast",
        gate="POD016",
        kind="generator",
        mutate=_steps_unsaid,
        spec="counters",
        why="a stateful example presented by its last call only: the set-up is never said",
    ),
    Mutant(
        id="podcast-published-given-step-dropped",
        target="podcast",
        gate="POD016",
        kind="published",
        mutate=_script_json(_skip_a_step),
        spec="counters",
        why="one `given` step of an example left out of the spoken walk-through",
    ),
    Mutant(
        id="podcast-generator-identifiers-read-raw",
        target="podcast",
        gate="POD013",
        kind="generator",
        mutate=_names_read_raw,
        why="operation names read out as written (create_invoice)",
    ),
    Mutant(
        id="podcast-generator-musts-only-listed",
        target="podcast",
        gate="POD002",
        kind="generator",
        mutate=_musts_by_id_only,
        why="MUST clauses labelled with their ids but never said",
    ),
    Mutant(
        id="podcast-generator-script-md-loses-a-line",
        target="podcast",
        gate="POD011",
        kind="generator",
        mutate=_wrap("script_md", _drop_last_speaker_line),
        why="the readable script out of step with the spoken one",
    ),
    Mutant(
        id="podcast-generator-vtt-reworded",
        target="podcast",
        gate="POD012",
        kind="generator",
        mutate=_wrap("transcript_vtt", _vtt_reword),
        why="a transcript whose words are not the ones spoken",
    ),
    Mutant(
        id="podcast-generator-chapters-merged",
        target="podcast",
        gate="POD006",
        kind="generator",
        mutate=_wrap("chapters_json", _chapters_merged),
        why="two segments under one chapter",
    ),
    Mutant(
        id="podcast-published-script-md-edited",
        target="podcast",
        gate="POD011",
        kind="published",
        mutate=_edit("script.md", lambda t: t.replace("invoice", "receipt", 1)),
        why="script.md edited after the build",
    ),
    Mutant(
        id="podcast-published-vtt-cue-edited",
        target="podcast",
        gate="POD012",
        kind="published",
        mutate=_edit("transcript.vtt", lambda t: t.replace("<v Sam>", "<v Alex>", 1)),
        why="a cue attributed to the other host",
    ),
    Mutant(
        id="podcast-published-last-chapter-past-the-audio",
        target="podcast",
        gate="POD006",
        kind="published",
        mutate=_edit("chapters.json", _chapter_late),
        why="chapters that do not end with the audio",
    ),
    Mutant(
        id="podcast-published-must-clause-unsaid",
        target="podcast",
        gate="POD002",
        kind="published",
        mutate=_script_json(_unsay_bil1),
        why="a MUST clause whose lines no longer say it",
    ),
    Mutant(
        id="podcast-published-feed-length-wrong",
        target="podcast",
        gate="POD009",
        kind="published",
        mutate=_edit("feed.xml", _feed_length_off_by_one),
        why="a feed enclosure whose length is not the MP3's",
    ),
    Mutant(
        id="podcast-published-url-read-aloud",
        target="podcast",
        gate="POD013",
        kind="published",
        mutate=_script_json(_read_a_url),
        why="a URL in a spoken line",
    ),
]
