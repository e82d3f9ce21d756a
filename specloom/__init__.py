"""specloom: compile one specification into verified artifacts."""

from __future__ import annotations

from specloom._version import __version__

__all__ = ["__version__"]
