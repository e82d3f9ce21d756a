"""The podcast target: a two-voice script and real audio, gated."""

from .target import PodcastTarget

__all__ = ["PodcastTarget"]
