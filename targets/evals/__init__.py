"""The built-in `evals` target: eval cases (JSONL, promptfoo) from the spec's GOOD/BAD examples."""

from .target import EvalsConfig, EvalsTarget

__all__ = ["EvalsConfig", "EvalsTarget"]
