"""Podcast benchmarks: script time, TTS real-time factor per backend, one-line-edit rebuild.

Run from the repository root: `.venv/bin/python bench/bench_podcast.py [--spec PATH]...`.
Default specs: specs/billing (with its workspace) and the Model Spec corpus. For each spec:
- script: build the template script (best of 5);
- rtf: synthesise every line with an empty cache, assemble and encode the MP3; prints the
  seconds of work per second of audio (real-time factor) for each backend that is
  available: espeak-ng always, piper when `PIPER_MODEL` names a voice model and piper-tts
  is installed, openai when `OPENAI_API_KEY` (and optionally OPENAI_BASE_URL) is set;
- edit: change one word of one clause and rebuild with the warm cache (lines re-synthesised
  and wall time).
Everything is written under a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MODEL_SPEC = REPO.parent / "shared" / "corpus" / "model_spec"

from specloom.targets.podcast import PodcastTarget  # noqa: E402
from specloom.targets.podcast.config import PodcastConfig  # noqa: E402

from specloom.errors import SpecloomError  # noqa: E402
from specloom.model import Workspace  # noqa: E402
from specloom.parse import load_workspace  # noqa: E402
from specloom.target import BuildContext  # noqa: E402


def target(ws: Workspace, cache: Path, **config: object) -> PodcastTarget:
    ctx = BuildContext(
        workspace=ws, output_dir=cache.parent / "out", cache_dir=cache, settings={"llm": {}}
    )
    return PodcastTarget(ctx, PodcastConfig.model_validate(config))


def backends() -> list[tuple[str, dict[str, object]]]:
    """(name, config) of each backend to measure; unavailable ones are reported as skipped."""
    out: list[tuple[str, dict[str, object]]] = [("espeak", {"tts": "espeak"})]
    out.append(("piper", {"tts": "piper", "piper_model": os.environ.get("PIPER_MODEL")}))
    out.append(("openai", {"tts": "openai"}))
    return out


def measure(ws_path: Path, spec_id: str | None, tmp: Path) -> None:
    ws = load_workspace(ws_path)
    sid = spec_id or ws.order[-1]
    spec = ws.specs[sid]
    t = target(ws, tmp / "cache-script")
    best = min(_timed(lambda: t.build_template_script(spec)) for _ in range(5))
    episode = t.build_template_script(spec)
    lines = sum(len(s.lines) for s in episode.segments)
    print(
        f"\n== {sid}: {len(spec.clauses)} clauses -> {len(episode.segments)} segments, "
        f"{lines} lines, {episode.word_count()} words"
    )
    print(f"script (template)      {best * 1000:8.1f} ms")
    for name, cfg in backends():
        if name == "openai" and not os.environ.get("OPENAI_API_KEY"):
            print(f"rtf {name:<18} skipped: OPENAI_API_KEY is not set")
            continue
        cache = tmp / f"cache-{name}-{sid}"
        try:
            tb = target(ws, cache, **cfg)
            t0, c0 = time.perf_counter(), cpu()
            files = {f.path: f.data for f in tb.generate(spec)}
            work, work_cpu = time.perf_counter() - t0, cpu() - c0
        except SpecloomError as exc:
            print(f"rtf {name:<18} skipped: {exc.message}")
            continue
        audio = json.loads(files["chapters.json"])["duration"]
        print(
            f"rtf {name:<18} {work:6.2f} s wall, {work_cpu:.2f} s CPU for {audio:.1f} s of "
            f"audio (RTF {work / audio:.4f} wall, {work_cpu / audio:.4f} CPU; "
            f"{tb.tts.calls} lines synthesised, "
            f"MP3 {len(files['episode.mp3']) / 1e6:.2f} MB)"
        )
        if name == "espeak":
            rebuild(ws_path, sid, cache, tmp)


def rebuild(ws_path: Path, sid: str, cache: Path, tmp: Path) -> None:
    """Edit one clause's wording and rebuild with the warm line cache."""
    copy = tmp / f"edit-{sid}" / ws_path.name
    shutil.copytree(ws_path, copy)
    ws = load_workspace(copy)
    spec = ws.specs[sid]
    first = next(
        c for c in spec.clauses if c.kind == "statement" and " must " in f" {c.text.lower()} "
    )
    path = Path(first.pos.file)
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    lines[first.pos.line - 1] = lines[first.pos.line - 1].replace(" must ", " must always ", 1)
    lines[first.pos.line - 1] = lines[first.pos.line - 1].replace(" MUST ", " MUST always ", 1)
    path.write_text("".join(lines), encoding="utf-8")
    ws = load_workspace(copy)
    tb = target(ws, cache)
    t0, c0 = time.perf_counter(), cpu()
    tb.generate(ws.specs[sid])
    took, took_cpu = time.perf_counter() - t0, cpu() - c0
    print(
        f"edit one clause ({first.id}) {took:6.2f} s wall, {took_cpu:.2f} s CPU, "
        f"{tb.tts.calls} line(s) re-synthesised"
    )


def cpu() -> float:
    """CPU seconds of this process and its finished children (espeak-ng, ffmpeg)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _timed(fn: object) -> float:
    t0 = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--spec",
        action="append",
        type=Path,
        help="a workspace folder (its last spec in order is measured)",
    )
    args = parser.parse_args()
    paths = args.spec or [REPO / "specs", MODEL_SPEC]
    with tempfile.TemporaryDirectory(prefix="specloom-bench-podcast-") as tmp:
        for p in paths:
            measure(p, None, Path(tmp))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
