"""The tutorial target: a step-by-step implementation guide whose code blocks compile."""

from .target import TutorialConfig, TutorialTarget

__all__ = ["TutorialConfig", "TutorialTarget"]
