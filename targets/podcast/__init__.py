"""The podcast target: a two-voice script and real audio, gated.

The target class loads on first use (PEP 562), so `specloom lint` can import this
package's lint hook (`lint.py`: the script builder and checks) without the target,
Jinja2 or pydub.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .target import PodcastTarget

__all__ = ["PodcastTarget"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module(f"{__name__}.target"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
