"""Counters live in a dict of the instance; a fresh instance per conformance test."""

from __future__ import annotations

import counters


class Counters:
    def __init__(self) -> None:
        self.counters: dict[str, counters.Counter] = {}
        self.next_id = 1

    def create_counter(self, name: str) -> counters.Counter:
        if len(self.counters) >= counters.MAX_COUNTERS:
            raise counters.TooManyCounters()
        counter = counters.Counter(id=f"ctr_{self.next_id}", name=name, value=0)
        self.next_id += 1
        self.counters[counter.id] = counter
        return counter

    def increment(self, id: str, by: int) -> counters.Counter:
        counter = self.find(id)
        if by < 1:
            raise counters.InvalidStep()
        changed = counter.model_copy(update={"value": counter.value + by})
        self.counters[id] = changed
        return changed

    def read_counter(self, id: str) -> counters.Counter:
        return self.find(id)

    def find(self, id: str) -> counters.Counter:
        if id not in self.counters:
            raise counters.UnknownCounter()
        return self.counters[id]


def make_service() -> counters.CountersService:
    return Counters()
