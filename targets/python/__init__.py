"""The python target: a typed package per spec, gated by mypy --strict.

The target class loads on first use (PEP 562), so `specloom lint` can import this
package's cheap lint hook (`lint.py`) without the generator, Jinja2 and its templates.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .target import PythonConfig, PythonTarget

__all__ = ["PythonConfig", "PythonTarget"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module(f"{__name__}.target"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
