"""A build's timeline: when each step and job ran (wall clock) and the CPU its thread used."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Span:
    """One step: its name, start and end (seconds since the epoch, `time.time()`, so that a
    job run in another process on the same machine lines up) and the CPU seconds of the
    thread that ran it (`time.thread_time()`: its Python work, not its subprocesses)."""

    name: str
    start: float
    end: float
    cpu: float


@contextmanager
def measured(spans: list[Span], name: str) -> Iterator[None]:
    """Append the span of the `with` body to `spans` (also when it raises)."""
    start, cpu = time.time(), time.thread_time()
    try:
        yield
    finally:
        spans.append(Span(name, start, time.time(), time.thread_time() - cpu))


@dataclass
class Timeline:
    """The spans of one build, from `zero` (the process start when the CLI knows it, else
    the start of `run_build`), with the process's own and its children's CPU at the end."""

    zero: float = field(default_factory=time.time)
    spans: list[Span] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Record the `with` body as the span `name`."""
        mine: list[Span] = []
        with measured(mine, name):
            yield
        self.add(*mine)

    def add(self, *spans: Span) -> None:
        with self._lock:
            self.spans.extend(spans)

    def as_dict(self) -> dict[str, Any]:
        """`{"spans": [{name, start, end, cpu}...], "cpu": {...}}`, times in seconds from
        `zero`, spans in order of start; `cpu`: user + system seconds so far of this process
        (every thread) and of its finished subprocesses (0 where the platform has no count)."""
        t = os.times()
        with self._lock:
            spans = sorted(self.spans, key=lambda s: (s.start, s.name))
        return {
            "spans": [
                {
                    "name": s.name,
                    "start": round(s.start - self.zero, 3),
                    "end": round(s.end - self.zero, 3),
                    "cpu": round(s.cpu, 3),
                }
                for s in spans
            ],
            "cpu": {
                "process": round(t.user + t.system, 3),
                "subprocesses": round(t.children_user + t.children_system, 3),
            },
        }


class Laps:
    """Consecutive steps of one thread, for a job (which may run in another process):
    `lap(name)` ends the step begun at the previous lap (or at creation)."""

    def __init__(self, out: list[tuple[str, float, float, float]]) -> None:
        self.out = out
        self.start, self.cpu = time.time(), time.thread_time()

    def lap(self, name: str) -> None:
        now, cpu = time.time(), time.thread_time()
        self.out.append((name, self.start, now, cpu - self.cpu))
        self.start, self.cpu = now, cpu
