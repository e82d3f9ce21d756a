"""specloom: compile one specification into verified artifacts."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # Lazy: importlib.metadata costs ~0.1 s at start-up, and `specloom lint` has a 1 s budget.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("specloom")
        except PackageNotFoundError:  # a source tree without an install
            return "0.0.0"
    raise AttributeError(f"module 'specloom' has no attribute {name!r}")
