"""The Python walk-through: a project that installs the generated packages with pip, a
factory module checked by mypy --strict, and the generated pytest suite."""

from __future__ import annotations

import re
from typing import ClassVar

from specloom.findings import Finding
from specloom.model import Operation, TypeRef

from ...python import signatures as sig
from ...python.conformance import USER, bound_name, factory_variable, literal, qualified_type
from ...python.naming import (
    py_field_name,
    py_method_name,
    py_module_name,
    py_param_name,
    py_string,
    py_type_name,
)
from ...values import CallStep
from ..lesson import Lesson, OperationStep
from . import Language, SourceFile
from .typescript import _comment, spec_folder


class PythonLesson(Language):
    """`my-<spec>`: a project whose `tests/test_conformance.py` runs the installed suite."""

    name: ClassVar[str] = "python"
    title: ClassVar[str] = "Python"
    fence: ClassVar[str] = "python"
    rule: ClassVar[str] = "TUT009"
    file_mark: ClassVar[str] = "# file: "

    def package(self) -> str:
        """The user's package: `my_billing`."""
        return self.project().replace("-", "_")

    def module(self, spec_id: str | None = None) -> str:
        return py_module_name(spec_id or self.spec.id)

    def setup(self) -> str:
        specs = [*self.imports(), self.spec.id]
        root, pkg = self.project(), self.package()
        folders = " ".join(spec_folder(self.spec, s) for s in specs)
        return "\n".join(
            [
                f"specloom build {folders} --target python",
                "python -m pip install "
                + " ".join(f"output/{s}/python" for s in specs)
                + " pytest mypy",
                f"mkdir -p {root}/{pkg}/examples {root}/tests",
                f"cd {root}",
                f"touch {pkg}/__init__.py {pkg}/examples/__init__.py",
            ]
        )

    def _imports(self, code: str) -> list[str]:
        """`import <module>` for every package and standard module the code names."""
        out = ["from __future__ import annotations", ""]
        std = [m for m in ("datetime", "uuid") if re.search(rf"\b{m}\.", code)]
        out += [f"import {m}" for m in std]
        if std:
            out.append("")
        for s in [*self.imports(), self.spec.id]:
            if re.search(rf"\b{self.module(s)}\.", code):
                out.append(f"import {self.module(s)}")
        return out

    def _module(self, doc: str, body: list[str]) -> str:
        code = "\n".join(body)
        return "\n".join([sig.docstring(doc, "").rstrip("\n"), *self._imports(code), "", code])

    def factory(self, lesson: Lesson) -> SourceFile:
        cls = py_type_name(self.spec.id)
        service = f"{self.module()}.{sig.service_name(self.spec)}"
        body = [
            "",
            f"class {cls}:",
            f'    """Your {self.spec.id} service: keep its state in attributes of the instance."""',
        ]
        for op in self.spec.operations:
            params = ", ".join(["self", *_params(op, self.spec.id)])
            ret = qualified_type(op.returns, self.spec.id, USER) if op.returns else "None"
            name = py_method_name(op.name)
            body += [
                "",
                f"    def {name}({params}) -> {ret}:",
                f"        raise NotImplementedError({py_string(name + ' is not implemented yet')})",
            ]
        body += [
            "",
            "",
            f"def make_service() -> {service}:",
            '    """The factory: the conformance suite calls it once per case."""',
            f"    return {cls}()",
        ]
        doc = (
            f"The {self.spec.id} service: implement every method of {sig.service_name(self.spec)}."
        )
        return SourceFile(f"{self.package()}/service.py", self._module(doc, body))

    def test_module(self) -> SourceFile:
        variable = factory_variable(self.spec.id)
        code = "\n".join(
            [
                '"""Runs the generated conformance suite against this project\'s factory."""',
                "",
                "import os",
                "",
                f'os.environ.setdefault("{variable}", "{self.package()}.service:make_service")',
                "",
                f"from {self.module()}.tests.conformance import *  # noqa: E402, F403",
            ]
        )
        return SourceFile("tests/test_conformance.py", code)

    def values(self, lesson: Lesson) -> SourceFile:
        body = [
            f"{py_field_name(td.name)}: {qualified_type(_named(td.name), self.spec.id, USER)} "
            f"= {literal(value, USER)}"
            for td, value in lesson.data_values
        ]
        doc = "A sample value of each data type, built with the models' constructors."
        return SourceFile(f"{self.package()}/examples/data_types.py", self._module(doc, body))

    def member(self, op: Operation) -> str:
        return py_method_name(op.name)

    def _call(self, call: CallStep) -> str:
        args = ", ".join(literal(v, USER) for _, v in call.args)
        return f"svc.{py_method_name(call.op.name)}({args})"

    def call(self, step: OperationStep) -> SourceFile:
        walk = step.walk
        where = (
            f'as the example "{_comment(walk.title)}" does (case `{walk.case}`)'
            if walk.case
            else "with sample arguments (no example calls it)"
        )
        body: list[str] = []
        *given, last = walk.calls
        for call in given:
            text = self._call(call)
            if call.bind is not None:
                body.append(f"{bound_name(call.bind)} = {text}")
            elif call.error is not None:
                cls = f"{self.module()}.{py_type_name(call.error.name)}"
                body += ["try:", f"    {text}", f"except {cls}:", "    pass"]
            else:
                body.append(text)
        text = self._call(last)
        got = f"result = {text}" if last.op.returns is not None else text
        shown = "print(result)" if last.op.returns is not None else 'print("done")'
        errors = {e.name: e for e in self.spec.errors}
        handled = [errors[n] for n in step.op.errors if n in errors]
        if not handled:
            body += [got, shown]
        else:
            body += ["try:", f"    {got}"]
            for err in handled:
                ids = ", ".join(err.clauses)
                body += [
                    f"except {self.module()}.{py_type_name(err.name)}:",
                    f"    # {err.name}{f' ({ids})' if ids else ''}: {_comment(err.doc)}",
                    f"    print({py_string('refused: ' + err.name)})",
                ]
            body += ["else:", f"    {shown}"]
        service = f"{self.module()}.{sig.service_name(self.spec)}"
        lines = [
            "",
            f"def example(svc: {service}) -> None:",
            sig.docstring(f"`{step.op.name}`, called {where}.", "    ").rstrip("\n"),
            *(f"    {line}" for line in body),
        ]
        if "_present(" in "\n".join(lines):
            lines = [
                "",
                "def _present(value: T | None) -> T:",
                "    assert value is not None",
                "    return value",
                *lines,
            ]
            lines = ["", "from typing import TypeVar", "", 'T = TypeVar("T")', *lines]
        doc = f"Calling {step.op.name}."
        return SourceFile(
            f"{self.package()}/examples/{_file_stem(step.op.name)}.py", self._module(doc, lines)
        )

    def run_cases(self) -> str:
        return f"python -m mypy --strict {self.package()} tests && python -m pytest -v tests"

    def passing_line(self, case: str) -> str:
        name = re.sub(r"[^A-Za-z0-9_]", "_", case)
        return f"tests/test_conformance.py::test_{name} PASSED"

    def where_it_plugs_in(self) -> str:
        return (
            f"Your code is `{self.package()}/service.py`: a class with the methods of "
            f"`{self.module()}.{sig.service_name(self.spec)}` (a `typing.Protocol`: mypy "
            "checks the class against it where `make_service()` returns it) and the factory "
            "`make_service()`. The one test module `tests/test_conformance.py` names that "
            f"factory in `{factory_variable(self.spec.id)}` and imports the suite installed "
            f"with the package (`{self.module()}.tests.conformance`), which calls the factory "
            "once per case: every case runs its steps on a fresh service. Reinstalling the "
            "regenerated package never touches your project."
        )

    def compile(self, files: dict[str, list[tuple[int, str]]], tutorial: str) -> list[Finding]:
        from ..compile import compile_python

        assert self.ctx is not None
        return compile_python(self.ctx, self.spec, files, tutorial, self.rule)


def _params(op: Operation, owner: str) -> list[str]:
    """`name: T`, with `= None` where this and every later parameter is optional (as the
    Protocol declares them)."""
    out: list[str] = []
    trailing = True
    for p in reversed(op.params):
        trailing = trailing and p.type.optional
        text = f"{py_param_name(p.name)}: {qualified_type(p.type, owner, USER)}"
        out.append(text + (" = None" if trailing else ""))
    return list(reversed(out))


def _named(name: str) -> TypeRef:
    return TypeRef(kind="named", name=name, text=name)


def _file_stem(op: str) -> str:
    return "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in op) or "operation"
