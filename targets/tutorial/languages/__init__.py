"""The languages of the tutorial: each a small pluggable unit.

A language gives the tutorial its set-up commands, the files of the user's project (the
factory module and the test module), a renderer for the call of one operation, the
implement-it commands and what passing cases look like, and a compiler for its code blocks.
Add one by subclassing `Language` and listing it in `LANGUAGES` (or `languages()`'s caller).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from specloom.findings import Finding
from specloom.model import Operation, Spec, Workspace
from specloom.target import BuildContext

from ..lesson import Lesson, OperationStep

FILE_MARK = "// file: "
"""First line of every code block that is a file of the user's project."""


@dataclass(frozen=True)
class SourceFile:
    """One file of the user's project as the tutorial shows it."""

    path: str
    code: str
    """Without the `// file:` line (the template adds it)."""


class Language(ABC):
    """One language of the walk-through."""

    name: ClassVar[str]
    """Its id in anchors and config: `typescript`."""
    title: ClassVar[str]
    """As shown: `TypeScript`."""
    fence: ClassVar[str]
    """The code fence's info string: `ts`."""
    rule: ClassVar[str]
    """The gate id of its compile check: `TUT001`."""
    file_mark: ClassVar[str] = FILE_MARK
    """The comment starting a code block that is a project file (`# file: ` in Python)."""

    def __init__(self, spec: Spec, workspace: Workspace | None, ctx: BuildContext | None) -> None:
        self.spec = spec
        self.workspace = workspace
        self.ctx = ctx

    def project(self) -> str:
        """The folder of the user's project: `my-billing`."""
        return f"my-{self.spec.id.lower().replace('_', '-')}"

    def imports(self) -> list[str]:
        """The imported specs, dependencies first."""
        if self.workspace is None or self.spec.id not in self.workspace.specs:
            return list(self.spec.imports)
        return list(self.workspace.dependencies(self.spec.id))

    @abstractmethod
    def setup(self) -> str:
        """Shell commands, run from the workspace root, that create the user's project."""

    @abstractmethod
    def factory(self, lesson: Lesson) -> SourceFile:
        """The module the user implements, with every operation still to do."""

    @abstractmethod
    def test_module(self) -> SourceFile:
        """The one test module that hands the factory to the generated suite."""

    @abstractmethod
    def call(self, step: OperationStep) -> SourceFile:
        """A module that calls the step's operation the way its example does."""

    @abstractmethod
    def values(self, lesson: Lesson) -> SourceFile:
        """A module holding a sample value of each type of `lesson.data_values`."""

    @abstractmethod
    def member(self, op: Operation) -> str:
        """The operation's name in this language: `createInvoice`."""

    @abstractmethod
    def run_cases(self) -> str:
        """The command (in the project folder) that compiles and runs the conformance suite."""

    @abstractmethod
    def passing_line(self, case: str) -> str:
        """What the suite prints for a case that passes: `ok 3 - bil1_1: ...`."""

    @abstractmethod
    def where_it_plugs_in(self) -> str:
        """One paragraph: where the user's implementation meets the suite."""

    @abstractmethod
    def compile(self, files: dict[str, list[tuple[int, str]]], tutorial: str) -> list[Finding]:
        """Compile the tutorial's files (path -> [(tutorial line, text)]) against the stubs."""


def language_classes() -> list[type[Language]]:
    """The languages of the tutorial here, in the order they are shown. Python only where
    the python target is installed (its `python` extra): a core install leaves that target
    out, and its tutorial must not carry code no gate here can check. What this returns is
    part of the tutorial's (and the docs site's) input hash: installing the extra rebuilds
    them."""
    from ...python import PythonTarget
    from .python import PythonLesson
    from .rust import RustLesson
    from .typescript import TypeScriptLesson

    classes: list[type[Language]] = [TypeScriptLesson, RustLesson]
    if not PythonTarget.missing_modules():
        classes.append(PythonLesson)
    return classes


def languages(spec: Spec, workspace: Workspace | None, ctx: BuildContext | None) -> list[Language]:
    """Every language of the tutorial, in the order they are shown."""
    return [cls(spec, workspace, ctx) for cls in language_classes()]
