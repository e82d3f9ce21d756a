"""The `python` target: an installable package of pydantic models, a service Protocol,
exceptions, constants, clauses and a pytest conformance suite."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, ClassVar, Literal

import jinja2

from specloom.findings import Finding
from specloom.model import InterfaceItem, Spec, TypeDef
from specloom.target import GeneratedFile, Target, TargetConfig

from ..clausedocs import item_doc_text
from ..templating import md_line, template_environment
from ..values import ValueBuilder
from . import conformance as conf
from . import signatures as sig
from .naming import (
    py_const_name,
    py_distribution_name,
    py_module_name,
    py_string,
    py_type_name,
)

TEMPLATES = Path(__file__).parent / "templates"
PYDANTIC = "pydantic>=2.11,<3"
"""The models' one runtime dependency (2.11 brought `validate_by_name`/`serialize_by_alias`)."""
NO_CLAUSES = "-"
EAGER_RECORDS = 40
"""Up to this many records, models.py builds every model's validator at import (leaves
first); above it, `defer_build=True`: pydantic builds a cycle of model references
recursively (about 15 frames a model) and once per model, so a spec of 1,000 records would
take minutes to import and exceed the recursion limit."""


class PythonConfig(TargetConfig):
    """`[tool.specloom.targets.python]`."""

    style: Literal["sync", "async"] = "sync"
    """Service methods as plain `def` (sync) or `async def` (async)."""


def toml_str(text: object) -> str:
    """A TOML basic string: `\\` and `"` escaped, non-printable characters dropped (TOML
    forbids control characters; JSON's surrogate-pair escapes are not valid TOML)."""
    clean = "".join(ch for ch in str(text) if ch.isprintable())
    return '"' + clean.replace("\\", "\\\\").replace('"', '\\"') + '"'


@cache
def environment() -> jinja2.Environment:
    """One cached environment: StrictUndefined, escaping by named filters."""
    return template_environment(
        TEMPLATES, {"py_str": py_string, "toml_str": toml_str, "md_line": md_line}
    )


def _render(template: str, **data: Any) -> str:
    return environment().get_template(template).render(**data)


def clause_line(clauses: list[str]) -> str:
    """The last line of every generated item's docstring: the ids of exactly its clauses."""
    return "Clauses: " + (", ".join(clauses) if clauses else NO_CLAUSES)


def item_docstring(spec: Spec, item: InterfaceItem, indent: str) -> str:
    """An item's docstring: its doc, the text of each clause it names, then `Clauses: ...`."""
    text = item_doc_text(spec, item)
    body = (text + "\n\n" if text else "") + clause_line(item.clauses)
    return sig.docstring(body, indent)


def model_config(deferred: bool) -> str:
    """Every model's config, written in its class body (the pydantic mypy plugin reads only a
    literal `ConfigDict(...)` there): immutable, unknown keys refused, Python or wire names
    accepted, wire names written, `bytes` as base64 in JSON; above EAGER_RECORDS records each
    model builds its validator on first use."""
    defer = " defer_build=True," if deferred else ""
    return (
        "    model_config = ConfigDict(\n"
        '        frozen=True, extra="forbid", validate_by_name=True, validate_by_alias=True,\n'
        '        serialize_by_alias=True, protected_namespaces=(), ser_json_bytes="base64",\n'
        f'        val_json_bytes="base64",{defer}\n'
        "    )\n\n"
    )


def _alias_order(aliases: list[TypeDef]) -> list[TypeDef]:
    """Aliases after the local aliases they name (records and enums all come first)."""
    by_name = {a.name: a for a in aliases}
    done: list[TypeDef] = []
    seen: set[str] = set()

    def visit(a: TypeDef, stack: frozenset[str]) -> None:
        if a.name in seen or a.name in stack:
            return
        refs = [v.type for v in a.variants] if a.kind == "union" else [a.alias]
        for ref in (n for r in refs if r is not None for n in _named(r)):
            if ref in by_name:
                visit(by_name[ref], stack | {a.name})
        seen.add(a.name)
        done.append(a)

    for a in aliases:
        visit(a, frozenset())
    return done


def _named(ref: Any) -> list[str]:
    out = [ref.name] if ref.kind == "named" and ref.spec is None else []
    for arg in ref.args:
        out += _named(arg)
    return out


def _std_imports(code: str) -> list[str]:
    out = []
    if "_dt." in code:
        out.append("import datetime as _dt")
    if "_uuid." in code:
        out.append("import uuid as _uuid")
    return out


class PythonTarget(Target):
    """A pip-installable package per spec, checked with `mypy --strict`; imported specs are
    dependencies, not copies."""

    name: ClassVar[str] = "python"
    version: ClassVar[str] = "1"
    config_model: ClassVar[type[TargetConfig]] = PythonConfig
    description: ClassVar[str] = "a Python package: pydantic models, Protocol, errors, pytest suite"
    extra: ClassVar[str | None] = "python"
    requires: ClassVar[tuple[str, ...]] = ("mypy", "pytest")
    """What the gates run (PY001 mypy, PY003 imports the suite): without the `python` extra
    the target is left out of a default build with the pip line, like docs and podcast. A
    gate that still finds one missing (verify in another environment) reports not run."""
    gate_ids: ClassVar[tuple[str, ...]] = ("PY001", "PY002", "PY003", "PY004", "PY005")

    @property
    def style(self) -> Literal["sync", "async"]:
        assert isinstance(self.config, PythonConfig)
        return self.config.style

    # -- generate -------------------------------------------------------------------
    def generate(self, spec: Spec) -> list[GeneratedFile]:
        """pyproject.toml, README.md, src/<module>/{__init__,models,api,clauses}.py, py.typed
        and src/<module>/tests/conformance.py."""
        module = py_module_name(spec.id)
        base = f"src/{module}"
        version = spec.version or "0.0.0"
        header_text = (
            f"Generated by specloom from the spec {spec.id} {version}. "
            "Do not edit: the next build replaces this file."
        )
        header = "# " + " ".join(header_text.split())
        imports = [(py_module_name(i), sig.module_alias(i)) for i in sorted(spec.imports)]
        title = " ".join(spec.title.split())
        files: dict[str, str] = {}
        files[f"{base}/models.py"] = self._models(spec, header, imports, title)
        files[f"{base}/api.py"] = self._api(spec, header, imports, title)
        files[f"{base}/clauses.py"] = _render(
            "clauses.py.jinja",
            header=header,
            module_doc=sig.docstring(f"The clauses of the spec {title}.", ""),
            clauses=[
                {
                    "id": py_string(c.id),
                    "level": py_string(c.level.value),
                    "title": py_string(c.title),
                    "text": py_string(c.text),
                }
                for c in spec.clauses
            ],
        )
        files[f"{base}/__init__.py"] = self._init(spec, header, title)
        files[f"{base}/py.typed"] = ""
        cases = ValueBuilder(spec, self.ctx.workspace).cases() if spec.operations else []
        has_tests = bool(spec.operations)
        variable = conf.factory_variable(spec.id)
        if has_tests:
            files[f"{base}/tests/__init__.py"] = (
                f'{header}\n"""The conformance suite of {module}: see conformance.py."""\n'
            )
            files[f"{base}/tests/conformance.py"] = self._suite(spec, header, cases, variable)
        deps = [PYDANTIC] + [
            _dependency(
                i, self.ctx.workspace.specs[i].version if i in self.ctx.workspace.specs else None
            )
            for i in sorted(spec.imports)
        ]
        files["pyproject.toml"] = _render(
            "pyproject.toml.jinja",
            header_text=header_text,
            dist=py_distribution_name(spec.id),
            version=version,
            description=title,
            dependencies=deps,
            module=module,
            has_tests=has_tests,
        )
        files["README.md"] = _render(
            "README.md.jinja",
            dist=py_distribution_name(spec.id),
            spec_title=spec.title,
            spec_id=spec.id,
            version=spec.version or "",
            module=module,
            service=sig.service_name(spec),
            error_base=sig.error_base_name(spec),
            style=self.style,
            has_tests=has_tests,
            n_cases=len(cases),
            variable=variable,
            dep_paths=[f"output/{i}/python" for i in self.ctx.workspace.dependencies(spec.id)]
            if spec.id in self.ctx.workspace.specs
            else [f"output/{i}/python" for i in sorted(spec.imports)],
            own_path=f"output/{spec.id}/python",
        )
        return [GeneratedFile(p, files[p].encode("utf-8")) for p in sorted(files)]

    def _models(self, spec: Spec, header: str, imports: list[tuple[str, str]], title: str) -> str:
        deferred = sum(1 for t in spec.types if t.kind == "record") > EAGER_RECORDS
        # unions are aliases too: evaluated when the module runs, after the classes they name
        ordered = [t for t in spec.types if t.kind not in ("alias", "union")] + _alias_order(
            [t for t in spec.types if t.kind in ("alias", "union")]
        )
        types = []
        for td in ordered:
            code = sig.type_signature(spec, td)
            doc = item_docstring(spec, td, "" if td.kind in ("alias", "union") else "    ")
            if td.kind in ("alias", "union"):
                code = f"{code}\n{doc}".rstrip("\n")
            else:
                head, _, body = code.partition("\n")
                config = model_config(deferred) if td.kind == "record" else ""
                code = f"{head}\n{doc}\n{config}{body}".rstrip("\n")
            types.append({"code": code})
        body = "\n".join(t["code"] for t in types)
        pydantic_names = ["BaseModel"] if "(BaseModel)" in body else []
        pydantic_names = sorted(
            {"ConfigDict", *pydantic_names, *(["Field"] if "Field(" in body else [])}
        )
        std = _std_imports(body)
        typing_imports = []
        if "(StrEnum)" in body:
            typing_imports.append("from enum import StrEnum")
        typing_names = [n for n in ("Annotated", "Literal") if f"{n}[" in body]
        if ": TypeAlias" in body:
            typing_names.append("TypeAlias")
        if typing_names:
            typing_imports.append(f"from typing import {', '.join(typing_names)}")
        return _render(
            "models.py.jinja",
            header=header,
            module_doc=sig.docstring(f"The types of the spec {title}.", ""),
            std_imports=std,
            typing_imports=typing_imports,
            pydantic_names=pydantic_names,
            imports=[(m, a) for m, a in imports if f"{a}." in body],
            types=types,
            records=[py_type_name(t.name) for t in reversed(spec.types) if t.kind == "record"]
            + [
                sig.variant_class_name(t, v.tag or "")
                for t in spec.types
                if t.tag
                for v in t.variants
            ],
            deferred=deferred,
        )

    def _api(self, spec: Spec, header: str, imports: list[tuple[str, str]], title: str) -> str:
        errors = []
        for e in spec.errors:
            head, _, rest = sig.error_signature(spec, e).partition("\n")
            doc = item_docstring(spec, e, "    ")
            if rest.strip() == "pass":
                errors.append(f"{head}\n{doc}".rstrip("\n"))
            else:
                errors.append(f"{head}\n{doc}\n{rest}".rstrip("\n"))
        operations = [
            {
                "signature_head": sig.operation_signature(spec, op, self.style).removesuffix(
                    " ..."
                ),
                "doc": item_docstring(spec, op, "        "),
            }
            for op in spec.operations
        ]
        constants = [
            {"signature": sig.constant_signature(spec, c), "doc": item_docstring(spec, c, "")}
            for c in spec.constants
        ]
        code = "\n".join(
            [*errors, *(o["signature_head"] for o in operations)]
            + [c["signature"] for c in constants]
        )
        return _render(
            "api.py.jinja",
            header=header,
            module_doc=sig.docstring(
                f"Errors, the service protocol and the constants of the spec {title}.", ""
            ),
            std_imports=_std_imports(code),
            imports=[(m, a) for m, a in imports if f"{a}." in code],
            type_names=sorted({py_type_name(t.name) for t in spec.types}),
            error_base=sig.error_base_name(spec),
            error_base_doc=sig.docstring(
                f"Base of every error of the spec {spec.id}: catch it to catch them all.", "    "
            ),
            errors=errors,
            service=sig.service_name(spec),
            service_doc=sig.docstring(
                f"The operations of the spec {title}: implement every method.", "    "
            ),
            operations=operations,
            constants=constants,
        )

    def _init(self, spec: Spec, header: str, title: str) -> str:
        api_names = [sig.error_base_name(spec)] + [py_type_name(e.name) for e in spec.errors]
        if spec.operations:
            api_names.append(sig.service_name(spec))
        api_names += [py_const_name(c.name) for c in spec.constants]
        model_names = []
        for t in spec.types:  # a tagged union's variant models come with it
            model_names += [sig.variant_class_name(t, v.tag or "") for v in t.variants if t.tag]
            model_names.append(py_type_name(t.name))
        return _render(
            "__init__.py.jinja",
            header=header,
            module_doc=sig.docstring(
                f"{title} {spec.version or ''}".strip()
                + ": models, service protocol, errors, constants and clauses, generated by"
                " specloom.",
                "",
            ),
            api_names=api_names,
            model_names=model_names,
            all_names=sorted([*api_names, *model_names, "CLAUSES", "Clause"]),
        )

    def _suite(self, spec: Spec, header: str, cases: list[Any], variable: str) -> str:
        module = py_module_name(spec.id)
        owners = sorted({spec.id, *self.ctx.workspace.dependencies(spec.id), *spec.imports})
        cases_code = conf.render_cases(spec, cases, self.style)
        std = _std_imports(cases_code)
        if self.style == "async":
            std.insert(0, "import asyncio")
        if "math.isnan" in cases_code:
            std.append("import math")
        imports = [(py_module_name(i), sig.module_alias(i)) for i in owners]
        return _render(
            "conformance.py.jinja",
            header=header,
            spec_id=spec.id,
            variable=variable,
            service=sig.service_name(spec),
            module=module,
            own=sig.module_alias(spec.id),
            std_imports=sorted(std),
            imports=[(m, a) for m, a in imports if f"{a}." in cases_code or m == module],
            cases=cases_code,
        )

    # -- verify ---------------------------------------------------------------------
    def verify(self, spec: Spec, root: Path) -> list[Finding]:
        """PY001 mypy --strict, PY002 per-item clause ids, PY003 import + example values,
        PY004 the CLAUSES catalogue."""
        from .gates import run_gates

        return run_gates(self.ctx, spec, root, self.generate_dependency)

    def generate_dependency(self, spec_id: str) -> list[GeneratedFile]:
        """The package of an imported spec, as this build would publish it."""
        return self.generate(self.ctx.workspace.specs[spec_id])

    def covered_clauses(self, spec: Spec, root: Path) -> set[str]:
        """Clause ids carried by the docstrings of the generated items (read from the files;
        the CLAUSES catalogue lists every clause and traces none)."""
        from .gates import covered

        return covered(spec, root)


def _dependency(spec_id: str, version: str | None) -> str:
    dist = py_distribution_name(spec_id)
    if not version:
        return dist
    major = version.split(".")[0]
    if major.isdigit():
        return f"{dist}>={version},<{int(major) + 1}"
    return f"{dist}=={version}"
