"""Semantic versions as the front matter accepts them, with semver 2.0.0 precedence."""

from __future__ import annotations

from typing import NamedTuple

from specloom.parse.frontmatter import SEMVER


class SemVer(NamedTuple):
    """MAJOR.MINOR.PATCH plus pre-release identifiers (build metadata is ignored)."""

    major: int
    minor: int
    patch: int
    pre: tuple[str, ...] = ()

    @property
    def core(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.patch)

    def precedence(self) -> tuple[object, ...]:
        """A sort key in semver 2.0.0 order: `1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-beta <
        1.0.0-rc.1 < 1.0.0`; numeric identifiers sort below alphanumeric ones."""
        ids = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in self.pre)
        return (self.core, 0 if self.pre else 1, ids)

    def __str__(self) -> str:
        core = f"{self.major}.{self.minor}.{self.patch}"
        return core + (f"-{'.'.join(self.pre)}" if self.pre else "")


def parse_semver(text: str | None) -> SemVer | None:
    """`1.2.3`, `v1.2.3`, `2.0.0-rc.1+build.5` with the front matter's SEMVER; else None."""
    if text is None:
        return None
    m = SEMVER.match(str(text).strip().removeprefix("v"))
    if m is None:
        return None
    pre = tuple(m.group(4).split(".")) if m.group(4) else ()
    return SemVer(int(m.group(1)), int(m.group(2)), int(m.group(3)), pre)
