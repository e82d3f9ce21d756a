"""Podcasting 2.0 JSON chapters: one chapter per segment, with the clause ids it covers."""

from __future__ import annotations

import json
from typing import Any

from .assemble import Timeline
from .script import Episode

CHAPTERS_VERSION = "1.2.0"


def chapters(episode: Episode, timeline: Timeline) -> dict[str, Any]:
    """The chapters document (times in seconds, millisecond precision).

    `clauses` is a specloom extension field; podcast apps ignore keys they do not know.
    """
    by_id = {s.id: s for s in episode.segments}
    items = []
    for seg_id, start, end in timeline.segments:
        seg = by_id[seg_id]
        items.append(
            {
                "startTime": start / 1000,
                "endTime": end / 1000,
                "title": seg.title,
                "clauses": seg.clause_ids(),
            }
        )
    return {
        "version": CHAPTERS_VERSION,
        "title": episode.title,
        "podcastName": episode.show,
        "fileName": "episode.mp3",
        "duration": timeline.duration_ms / 1000,
        "chapters": items,
    }


def chapters_json(episode: Episode, timeline: Timeline) -> bytes:
    """chapters.json bytes (stable key order, trailing newline)."""
    return (json.dumps(chapters(episode, timeline), indent=2, ensure_ascii=False) + "\n").encode()
