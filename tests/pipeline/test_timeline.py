"""The build's timeline in `--format json`: every step of the build process and every step of
every job, with start, end and the CPU of the thread that ran it."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from specloom.cli.entry import main as entry_main
from specloom.pipeline.timeline import Laps, Timeline


def build(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    try:
        entry_main(["build", *argv, "--format", "json"])
    except SystemExit as exc:
        assert not exc.code
    doc: dict[str, Any] = json.loads(capsys.readouterr().out)
    return doc


def test_a_build_reports_its_steps_and_each_jobs_steps_in_order(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = build(capsys, "-t", "ir-json", "-t", "jsonschema")
    tl = doc["timeline"]
    spans = tl["spans"]
    names = [s["name"] for s in spans]
    assert [s["start"] for s in spans] == sorted(s["start"] for s in spans)
    for s in spans:
        assert 0 <= s["start"] <= s["end"] and s["cpu"] >= 0, s
    own = [n for n in names if "/" not in n.split(" ")[0]]
    assert own == [
        "start-up",
        "config",
        "stamp: fingerprint",
        "parse",
        "targets: import",
        "check",
        "plan",
        "record and report",
        "stamp: record",
    ]
    jobs = {f"{t['spec']}/{t['target']}" for t in doc["targets"]}
    assert len(jobs) == 6  # three specs, two targets
    for job in jobs:
        steps = [n.split(" ", 1)[1] for n in names if n.split(" ")[0] == job]
        assert steps == ["generate", "verify", "grade", "publish"], job
    by_name = {s["name"]: s for s in spans}
    first_job = min(s["start"] for s in spans if "/" in s["name"].split(" ")[0])
    last_job = max(s["end"] for s in spans if "/" in s["name"].split(" ")[0])
    assert by_name["plan"]["end"] <= first_job + 0.001
    assert by_name["record and report"]["start"] >= last_job - 0.001
    assert by_name["start-up"]["start"] == 0  # the zero is the process's start (the CLI's)
    assert tl["cpu"]["process"] > 0 and tl["cpu"]["subprocesses"] >= 0


def test_a_no_op_build_from_the_stamp_has_no_timeline(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build(capsys, "-t", "ir-json")
    again = build(capsys, "-t", "ir-json")
    assert {t["status"] for t in again["targets"]} == {"skipped"}
    assert "timeline" not in again  # answered before anything ran


def test_steps_measure_the_cpu_of_their_own_thread() -> None:
    tl = Timeline()
    stop = threading.Event()

    def busy() -> None:  # another thread burning CPU is not this step's
        while not stop.is_set():
            sum(range(1000))

    other = threading.Thread(target=busy)
    other.start()
    try:
        with tl.step("sleeping"):
            time.sleep(0.3)
    finally:
        stop.set()
        other.join()
    spans: list[tuple[str, float, float, float]] = []
    laps = Laps(spans)
    deadline = time.thread_time() + 0.05
    while time.thread_time() < deadline:
        pass
    laps.lap("spinning")
    (sleeping,) = tl.as_dict()["spans"]
    assert sleeping["name"] == "sleeping" and sleeping["end"] - sleeping["start"] >= 0.29
    assert sleeping["cpu"] < 0.05
    assert spans[0][0] == "spinning" and spans[0][3] >= 0.05


def test_a_job_starts_after_the_same_target_of_the_specs_it_imports(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """billing imports common: billing's JSON Schema and OpenAPI gates resolve `$ref`s into
    common's published documents, so with three workers free (no other reason to wait)
    billing's jobs still start only after common's same target is published. Without the
    ordering, a first build could fail JS001/OA001 on a `$ref` not yet published."""
    doc = build(capsys, "-t", "jsonschema", "-t", "openapi", "-j", "4")
    assert {t["status"] for t in doc["targets"]} == {"built"}, doc["targets"]
    spans = {s["name"]: s for s in doc["timeline"]["spans"]}
    for target in ("jsonschema", "openapi"):
        published = spans[f"common/{target} publish"]["end"]
        assert spans[f"billing/{target} generate"]["start"] >= published - 0.001, target
