"""The TypeScript walk-through: an npm package beside the generated stubs, node:test suite."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import ClassVar

from specloom.findings import Finding
from specloom.naming import json_string, ts_member_name, ts_property_key, ts_type_name

from ...typescript import signatures as sig
from ...typescript.conformance import bound_name, literal
from ...values import Value
from ..lesson import Lesson, OperationStep
from . import Language, SourceFile

TS_VERSION = "7.0.2"
"""The compiler the user's project installs (the one the gates use, scripts/setup.sh)."""
TYPES_NODE = "22"


class TypeScriptLesson(Language):
    """`my-<spec>`: a package depending on copies of the generated packages."""

    name: ClassVar[str] = "typescript"
    title: ClassVar[str] = "TypeScript"
    fence: ClassVar[str] = "ts"
    rule: ClassVar[str] = "TUT001"

    @property
    def int64(self) -> str:
        if self.ctx is None:
            return "number"
        from ...typescript import TypeScriptTarget

        return TypeScriptTarget(self.ctx).int64

    def package(self, spec_id: str) -> str:
        return sig.package_name(spec_id)

    def setup(self) -> str:
        specs = [*self.imports(), self.spec.id]
        root = self.project()
        folders = " ".join(spec_folder(self.spec, s) for s in specs)
        deps = ",\n".join(
            f'    {json_string(self.package(s))}: "file:vendor/{s}/typescript"' for s in specs
        )
        lines = [
            f"specloom build {folders} --target typescript",
            "mkdir -p " + " ".join(f"{root}/vendor/{s}" for s in specs) + f" {root}/src/examples",
        ]
        lines += [f"cp -RL output/{s}/typescript {root}/vendor/{s}/" for s in specs]
        lines += [
            f"cd {root}",
            "cat > package.json <<'EOF'",
            "{",
            f'  "name": "{root}",',
            '  "private": true,',
            '  "type": "module",',
            '  "dependencies": {',
            deps,
            "  },",
            '  "devDependencies": {',
            f'    "@types/node": "{TYPES_NODE}",',
            f'    "typescript": "{TS_VERSION}"',
            "  }",
            "}",
            "EOF",
            "cat > tsconfig.json <<'EOF'",
            '{"compilerOptions": {"target": "es2022", "lib": ["es2022"], "module": "nodenext",',
            '  "moduleResolution": "nodenext", "strict": true, "rootDir": "src", "outDir": "dist",',
            '  "types": ["node"]}, "include": ["src"]}',
            "EOF",
            "npm install --no-audit --no-fund",
        ]
        for s in specs:
            lines.append(f"npx tsc -p vendor/{s}/typescript/tsconfig.json")
        if self.spec.operations:
            lines.append(f"npx tsc -p vendor/{self.spec.id}/typescript/tsconfig.test.json")
        return "\n".join(lines)

    def _type_imports(self) -> list[str]:
        pkg = self.package(self.spec.id)
        names = sorted({ts_type_name(t.name) for t in self.spec.types})
        if self.spec.operations:
            names = sorted({*names, sig.service_name(self.spec)})
        out = [f"import type {{ {', '.join(names)} }} from {json_string(pkg)};"] if names else []
        out += [
            f"import type * as {sig.namespace_name(i)} from {json_string(self.package(i))};"
            for i in self.imports()
            if i in self.spec.imports
        ]
        return out

    def factory(self, lesson: Lesson) -> SourceFile:
        service = sig.service_name(self.spec)
        cls = ts_type_name(self.spec.id)
        lines = [*self._type_imports(), ""]
        lines.append(f"/** Your {self.spec.id} service: keep its state in fields of the class. */")
        lines.append(f"class {cls} implements {service} {{")
        methods = []
        for op in self.spec.operations:
            head = sig.operation_signature(self.spec, op, int64=self.int64).rstrip(";")
            member = ts_member_name(op.name)
            methods.append(
                f"  async {head} {{\n"
                f"    throw new Error({json_string(member + ' is not implemented yet')});\n  }}"
            )
        lines.append("\n\n".join(methods))
        lines += [
            "}",
            "",
            "/** The factory: the conformance suite calls it once per case (a fresh service). */",
            f"export function createService(): {service} {{",
            f"  return new {cls}();",
            "}",
        ]
        return SourceFile("src/service.ts", "\n".join(lines))

    def test_module(self) -> SourceFile:
        pkg = self.package(self.spec.id)
        code = (
            f"import {{ runConformance }} from {json_string(pkg + '/conformance')};\n"
            'import { createService } from "./service.js";\n\n'
            "runConformance(createService);"
        )
        return SourceFile("src/conformance.test.ts", code)

    def values(self, lesson: Lesson) -> SourceFile:
        lines = [*self._type_imports(), ""]
        for td, value in lesson.data_values:
            name = ts_member_name(td.name)
            lines.append(
                f"export const {name}: {ts_type_name(td.name)} = {literal(value, self.int64)};"
            )
        return SourceFile("src/examples/data-types.ts", "\n".join(lines))

    def member(self, step: OperationStep) -> str:
        return ts_member_name(step.op.name)

    def call(self, step: OperationStep) -> SourceFile:
        pkg = self.package(self.spec.id)
        walk = step.walk
        where = (
            f'as the example "{_comment(walk.title)}" does (case `{walk.case}`)'
            if walk.case
            else "with sample arguments (no example calls it)"
        )
        body: list[str] = []
        *given, last = walk.calls
        for call in given:
            text = self._call_text(call.op.name, [v for _, v in call.args])
            if call.bind is not None:
                body.append(f"const {bound_name(call.bind)} = await {text};")
            elif call.error is not None:
                body.append(f"await {text}.catch(() => undefined); // fails with {call.error.name}")
            else:
                body.append(f"await {text};")
        text = self._call_text(last.op.name, [v for _, v in last.args])
        got = f"const result = await {text};" if last.op.returns is not None else f"await {text};"
        shown = "console.log(result);" if last.op.returns is not None else 'console.log("done");'
        errors = {e.name: e for e in self.spec.errors}
        handled = [errors[n] for n in step.op.errors if n in errors]
        if not handled:
            body += [got, shown]
        else:
            body += ["try {", f"  {got}", f"  {shown}", "} catch (e) {"]
            for n, err in enumerate(handled):
                keyword = "if" if n == 0 else "} else if"
                cls = ts_type_name(err.name)
                body.append(f"  {keyword} (e instanceof api.{cls}) {{")
                ids = ", ".join(err.clauses)
                body.append(f"    // {err.name}{f' ({ids})' if ids else ''}: {_comment(err.doc)}")
                body.append(f"    console.error({json_string('refused: ' + err.name)});")
            body += ["  } else {", "    throw e;", "  }", "}"]
        code = "\n".join(
            [
                f"import * as api from {json_string(pkg)};",
                "",
                f"/** `{step.op.name}`, called {where}. */",
                f"export async function example(svc: api.{sig.service_name(self.spec)}): "
                "Promise<void> {",
                *(f"  {line}" for line in body),
                "}",
            ]
        )
        return SourceFile(f"src/examples/{_file_stem(step.op.name)}.ts", code)

    def _call_text(self, op: str, values: list[Value]) -> str:
        args = ", ".join(literal(v, self.int64) for v in values)
        key = ts_member_name(op)
        member = f".{key}" if ts_property_key(key) == key else f"[{json_string(key)}]"
        return f"svc{member}({args})"

    def run_cases(self) -> str:
        return "npx tsc -p . && node --test dist/conformance.test.js"

    def passing_line(self, case: str) -> str:
        return f"ok N - {case}: ..."

    def where_it_plugs_in(self) -> str:
        return (
            "Your code is `src/service.ts`: a class implementing "
            f"`{sig.service_name(self.spec)}` and the factory `createService()`. The one test "
            "module `src/conformance.test.ts` hands that factory to `runConformance` from "
            f"`{self.package(self.spec.id)}/conformance`, which calls it once per case: every "
            "case runs its steps on a fresh service. Regenerating the stubs never touches "
            "`src/`."
        )

    def compile(self, files: dict[str, list[tuple[int, str]]], tutorial: str) -> list[Finding]:
        from ..compile import compile_typescript

        assert self.ctx is not None
        return compile_typescript(self.ctx, self.spec, files, tutorial, self.rule)


def spec_folder(spec: object, spec_id: str) -> str:
    """`specs/<id>`: the spec folder as the user's workspace names it."""
    path = getattr(spec, "path", "") or ""
    root = PurePosixPath(path).parent.parent.name if path else ""
    return f"{root or 'specs'}/{spec_id}"


def _file_stem(op: str) -> str:
    return "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in op) or "operation"


def _comment(text: str | None) -> str:
    """Text safe inside a `//` or `/** */` comment, on one line."""
    return " ".join((text or "").replace("*/", "* /").split())
