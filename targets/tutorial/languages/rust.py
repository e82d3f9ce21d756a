"""The Rust walk-through: a crate with path dependencies on copies of the generated crates."""

from __future__ import annotations

from typing import ClassVar

from specloom.findings import Finding
from specloom.naming import rust_field_name, rust_string, rust_type_name, rust_variant_name

from ...rust import signatures as sig
from ...rust.conformance import RustLiterals, bound_name
from ...values import CallStep
from ..lesson import Lesson, OperationStep
from . import Language, SourceFile
from .typescript import _comment, spec_folder


class RustLesson(Language):
    """`my-<spec>`: a crate whose `tests/conformance.rs` runs the generated suite."""

    name: ClassVar[str] = "rust"
    title: ClassVar[str] = "Rust"
    fence: ClassVar[str] = "rust"
    rule: ClassVar[str] = "TUT002"

    def crate(self) -> str:
        """The user's library name: `my_billing`."""
        return self.project().replace("-", "_")

    def struct(self) -> str:
        return "My" + rust_type_name(self.spec.id)

    def lits(self) -> RustLiterals:
        specs = dict(self.workspace.specs) if self.workspace is not None else {}
        specs[self.spec.id] = self.spec
        return RustLiterals(self.spec, specs)

    def setup(self) -> str:
        specs = [*self.imports(), self.spec.id]
        root = self.project()
        folders = " ".join(spec_folder(self.spec, s) for s in specs)
        lines = [
            f"specloom build {folders} --target rust",
            "mkdir -p "
            + " ".join(f"{root}/vendor/{s}" for s in specs)
            + f" {root}/src/examples {root}/tests",
        ]
        lines += [f"cp -RL output/{s}/rust {root}/vendor/{s}/" for s in specs]
        lines += [
            f"cd {root}",
            "cat > Cargo.toml <<'EOF'",
            "[package]",
            f'name = "{root}"',
            'version = "0.1.0"',
            'edition = "2021"',
            "publish = false",
            "",
            "[dependencies]",
        ]
        lines += [
            f'{sig.crate_name(s)} = {{ package = "{sig.package_name(s)}", '
            f'path = "vendor/{s}/rust" }}'
            for s in specs
        ]
        lines += ["", "[workspace]", "EOF"]
        return "\n".join(lines)

    def factory(self, lesson: Lesson) -> SourceFile:
        crate = sig.crate_name(self.spec.id)
        lines = [
            "#![allow(unused_variables)]",
            f"use {crate}::*;",
            "",
            f"/// Your {self.spec.id} service: keep its state in fields of the struct.",
            "#[derive(Default)]",
            f"pub struct {self.struct()} {{}}",
            "",
            f"impl {sig.service_name(self.spec)} for {self.struct()} {{",
        ]
        methods = []
        for op in self.spec.operations:
            head = sig.operation_signature(self.spec, op).rstrip(";")
            methods.append(f"    {head} {{\n        todo!({rust_string(op.name)})\n    }}")
        lines.append("\n\n".join(methods))
        lines += [
            "}",
            "",
            "/// The calls of the tutorial's steps, one module per operation.",
            "pub mod examples {",
            *(f"    pub mod {module_name(s.op.name)};" for s in lesson.steps),
            *(["    pub mod data_types;"] if lesson.data_values else []),
            "}",
        ]
        return SourceFile("src/lib.rs", "\n".join(lines))

    def test_module(self) -> SourceFile:
        crate = sig.crate_name(self.spec.id)
        return SourceFile(
            "tests/conformance.rs",
            f"{crate}::conformance_tests!({self.crate()}::{self.struct()}::default());",
        )

    def values(self, lesson: Lesson) -> SourceFile:
        lits = self.lits()
        lines = [f"use {sig.crate_name(self.spec.id)}::*;", ""]
        for td, value in lesson.data_values:
            fn = module_name(td.name)
            lines += [
                f"/// A value of `{td.name}`.",
                f"pub fn {fn}() -> {rust_type_name(td.name)} {{",
                f"    {lits.lit(value)}",
                "}",
            ]
        path = "src/examples/data_types.rs" if self.spec.operations else "src/lib.rs"
        return SourceFile(path, "\n".join(lines))

    def member(self, step: OperationStep) -> str:
        return rust_field_name(step.op.name)

    def _call(self, lits: RustLiterals, call: CallStep) -> str:
        args = ", ".join(
            lits.lit(v, optional=p.type.optional)
            for (_, v), p in zip(call.args, call.op.params, strict=True)
        )
        return f"svc.{rust_field_name(call.op.name)}({args})"

    def call(self, step: OperationStep) -> SourceFile:
        lits = self.lits()
        walk = step.walk
        where = (
            f'as the example "{_comment(walk.title)}" does (case `{walk.case}`)'
            if walk.case
            else "with sample arguments (no example calls it)"
        )
        body: list[str] = []
        *given, last = walk.calls
        for call in given:
            text = self._call(lits, call)
            if call.bind is not None:
                body.append(f"let {bound_name(call.bind)} = {text}?;")
            elif call.error is not None:
                body.append(f"let _ = {text}; // fails with {call.error.name}")
            else:
                body.append(f"{text}?;")
        body.append(f"match {self._call(lits, last)} {{")
        body.append('    Ok(value) => println!("{value:?}"),')
        errors = {e.name: e for e in self.spec.errors}
        for name in step.op.errors:
            err = errors.get(name)
            if err is None:
                continue
            variant = rust_variant_name(err.name)
            pat = f"Error::{variant} {{ .. }}" if err.fields else f"Error::{variant}"
            ids = ", ".join(err.clauses)
            body.append(f"    // {err.name}{f' ({ids})' if ids else ''}: {_comment(err.doc)}")
            body.append(f"    Err({pat}) => eprintln!({rust_string('refused: ' + err.name)}),")
        if step.op.errors:
            body.append("    Err(other) => return Err(other),")
        else:
            body.append("    Err(error) => return Err(error),")
        body += ["}", "Ok(())"]
        code = "\n".join(
            [
                f"use {sig.crate_name(self.spec.id)}::*;",
                "",
                f"/// `{step.op.name}`, called {where}.",
                f"pub fn example(svc: &mut impl {sig.service_name(self.spec)}) "
                "-> Result<(), Error> {",
                *(f"    {line}" for line in body),
                "}",
            ]
        )
        return SourceFile(f"src/examples/{module_name(step.op.name)}.rs", code)

    def run_cases(self) -> str:
        return "cargo test --offline --test conformance"

    def passing_line(self, case: str) -> str:
        return f"test {case} ... ok"

    def where_it_plugs_in(self) -> str:
        return (
            f"Your code is `src/lib.rs`: the struct `{self.struct()}` (with `Default`) and its "
            f"`impl {sig.service_name(self.spec)}`. The one test file `tests/conformance.rs` "
            f"expands `{sig.crate_name(self.spec.id)}::conformance_tests!` with an expression "
            "that builds a fresh service; it is evaluated once per case, so every case runs its "
            "steps on a new value. Regenerating the stubs never touches `src/` or `tests/`."
        )

    def compile(self, files: dict[str, list[tuple[int, str]]], tutorial: str) -> list[Finding]:
        from ..compile import compile_rust

        assert self.ctx is not None
        return compile_rust(self.ctx, self.spec, files, tutorial, self.rule, self.project())


def module_name(op: str) -> str:
    """A module (and file) name for an operation: its snake name without a raw prefix."""
    name = rust_field_name(op)
    return name[2:] + "_op" if name.startswith("r#") else name
