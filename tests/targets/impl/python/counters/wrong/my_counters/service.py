"""A deliberately wrong implementation: one counter too many is accepted, a step of zero is
applied, and every counter shares one value."""

from __future__ import annotations

import counters


class Counters:
    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.value = 0

    def create_counter(self, name: str) -> counters.Counter:
        if len(self.names) > counters.MAX_COUNTERS:
            raise counters.TooManyCounters()
        id = f"ctr_{len(self.names) + 1}"
        self.names[id] = name
        return counters.Counter(id=id, name=name, value=self.value)

    def increment(self, id: str, by: int) -> counters.Counter:
        self.value += by
        return self.read_counter(id)

    def read_counter(self, id: str) -> counters.Counter:
        if id not in self.names:
            raise counters.UnknownCounter()
        return counters.Counter(id=id, name=self.names[id], value=self.value)


def make_service() -> counters.CountersService:
    return Counters()
