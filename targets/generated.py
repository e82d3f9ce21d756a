"""Generated files computed once per spec object on a target instance."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from specloom.model import Spec
from specloom.target import GeneratedFile


def generated_once(
    target: Any, spec: Spec, generate: Callable[[Spec], list[GeneratedFile]]
) -> list[GeneratedFile]:
    """`generate(spec)`, kept on `target` by the spec object (held, so its id is not reused):
    a job generates a target, then its gates need the same files again (the check files
    the spec gives, the crates and packages of its imports)."""
    cache: dict[int, tuple[Spec, list[GeneratedFile]]] = target.__dict__.setdefault(
        "_generated_once", {}
    )
    hit = cache.get(id(spec))
    if hit is None or hit[0] is not spec:
        hit = cache[id(spec)] = (spec, generate(spec))
    return list(hit[1])
