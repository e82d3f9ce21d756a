"""The `rust` target: a Cargo crate of types, an error enum, a service trait and tests."""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

import jinja2
from pydantic import Field, model_validator

from specloom.errors import ConfigError
from specloom.findings import Finding
from specloom.model import InterfaceItem, Spec
from specloom.naming import rust_field_name, rust_string, rust_type_name, rust_variant_name
from specloom.target import GeneratedFile, Target, TargetConfig

from ..clausedocs import item_doc_text
from ..fixtures import FixtureBuilder
from ..generated import generated_once
from ..templating import md_line, template_environment
from ..values import ValueBuilder
from . import signatures as sig
from .conformance import RustLiterals, case_fn, fn_names
from .shared_values import SharedLiterals

TEMPLATES = Path(__file__).parent / "templates"

LEVELS = {
    "MUST": "Must",
    "MUST NOT": "MustNot",
    "SHOULD": "Should",
    "SHOULD NOT": "ShouldNot",
    "MAY": "May",
    "NONE": "NoKeyword",
}


class RustSpecConfig(TargetConfig):
    """`[tool.specloom.targets.rust.specs.<spec id>]`: what one spec overrides."""

    serde: bool | None = None
    """serde derives for this spec's crate (None: the target-wide `serde`)."""


class RustConfig(TargetConfig):
    """`[tool.specloom.targets.rust]`."""

    serde: bool = False
    """Generate serde derives behind an optional `serde` feature (checked by RS004). Off by
    default: the crate then holds no serde code and declares no registry dependency."""
    specs: dict[str, RustSpecConfig] = Field(default_factory=dict)
    """Per-spec overrides, keyed by spec id (`[tool.specloom.targets.rust.specs.billing]`)."""

    @model_validator(mode="before")
    @classmethod
    def _retired(cls, data: Any) -> Any:
        if isinstance(data, dict) and "check_serde" in data:
            raise ValueError(
                "check_serde was retired: serde derives are now opt-in and always checked "
                "when on; remove check_serde and set serde = true to generate them"
            )
        return data

    def serde_for(self, spec_id: str) -> bool:
        """Whether the crate of `spec_id` carries serde derives."""
        own = self.specs.get(spec_id)
        return self.serde if own is None or own.serde is None else own.serde


def toml_str(value: object) -> str:
    """A one-line TOML basic string, ASCII only (`\\uXXXX` / `\\UXXXXXXXX` escapes).

    Control characters are dropped, not escaped: cargo hands Cargo.toml metadata to rustc in
    environment variables (CARGO_PKG_DESCRIPTION...), and a NUL there makes exec fail.
    """
    out = ['"']
    for ch in " ".join(str(value).split()):
        o = ord(ch)
        if unicodedata.category(ch) == "Cc":
            continue
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0x20 <= o < 0x7F:
            out.append(ch)
        elif o > 0xFFFF:
            out.append(f"\\U{o:08X}")
        else:
            out.append(f"\\u{o:04X}")
    out.append('"')
    return "".join(out)


@cache
def environment() -> jinja2.Environment:
    """One cached environment: StrictUndefined, escaping by named filters."""
    return template_environment(
        TEMPLATES, {"rust_str": rust_string, "toml_str": toml_str, "md_line": md_line}
    )


def _render(template: str, **data: Any) -> str:
    return environment().get_template(template).render(**data)


def _indent(text: str, n: int = 4) -> str:
    pad = " " * n
    return "".join(pad + line if line else line for line in text.splitlines(keepends=True))


def recursion_limit(spec: Spec) -> int:
    """A `recursion_limit` for long chains of inline references (0: the default 128 is enough).

    The longest inline chain is at most the number of types; drop checking needs a few
    levels of recursion per link.
    """
    need = 4 * len(spec.types) + 64
    return need if need > 128 else 0


class RustTarget(Target):
    """A Cargo crate per spec, checked with `cargo check`/`cargo test --no-run` offline."""

    name: ClassVar[str] = "rust"
    version: ClassVar[str] = "2"
    """2: lib.rs re-exports the crates of imported specs (`billing::common::Money`)."""
    config_model: ClassVar[type[TargetConfig]] = RustConfig
    description: ClassVar[str] = "a Cargo crate: types, Error enum, service trait, conformance"
    gate_ids: ClassVar[tuple[str, ...]] = ("RS001", "RS002", "RS003", "RS004", "RS005", "RS006")

    def serde(self, spec: Spec) -> bool:
        """Whether this spec's crate carries serde derives; every import then needs them too."""
        assert isinstance(self.config, RustConfig)
        on = self.config.serde_for(spec.id)
        if on:
            off = [i for i in sorted(spec.imports) if not self.config.serde_for(i)]
            if off:
                raise ConfigError(
                    f"the rust target has serde = true for {spec.id} but not for its "
                    f"import{'s' if len(off) > 1 else ''} {', '.join(off)}: its serde feature "
                    "needs theirs",
                    file=spec.path,
                    hint="set [tool.specloom.targets.rust] serde = true, or serde = true in "
                    + " and ".join(f"[tool.specloom.targets.rust.specs.{i}]" for i in off),
                )
        return on

    def item_doc(self, spec: Spec, item: InterfaceItem, indent: str = "") -> str:
        """The doc comment of an item: its doc, the text of each clause it names, the ids."""
        return sig.doc_comment(item_doc_text(spec, item, "`{cid}`"), item.clauses, indent)

    def generate(self, spec: Spec) -> list[GeneratedFile]:
        """Cargo.toml, src/*.rs, tests/conformance.rs and README.md.

        Computed once per spec object on this instance: the gates read the spec's own check
        files (and the imported specs' files) again after the job generated them."""
        return generated_once(self, spec, self._generate)

    def _generate(self, spec: Spec) -> list[GeneratedFile]:
        crate = sig.crate_name(spec.id)
        serde = self.serde(spec)
        header = (
            f"// Generated by specloom from the spec {spec.id}"
            f"{' ' + spec.version if spec.version else ''}. "
            "Do not edit: the next build replaces this file."
        )
        files: dict[str, str] = {}
        deps = [
            {
                "key": sig.crate_name(i),
                "package": sig.package_name(i),
                "path": f"../../{i}/rust",
            }
            for i in sorted(spec.imports)
        ]
        files["Cargo.toml"] = _render(
            "Cargo.toml.jinja",
            spec_id=spec.id,
            package=sig.package_name(spec.id),
            version=spec.version or "0.0.0",
            description=spec.title,
            crate=crate,
            deps=deps,
            serde=serde,
        )
        has_tests = bool(spec.operations)
        crate_doc = sig.doc_comment(
            f"{spec.title}: Rust stubs generated by specloom from the spec `{spec.id}`.", []
        ).replace("///", "//!")
        files["src/lib.rs"] = _render(
            "lib.rs.jinja",
            header=header,
            crate_doc=crate_doc,
            has_tests=has_tests,
            recursion_limit=recursion_limit(spec),
            reexports=[sig.crate_name(i) for i in sorted(spec.imports)],
        )
        files["src/types.rs"] = _render(
            "types.rs.jinja",
            header=header,
            types=[
                {
                    "doc": self.item_doc(spec, td),
                    "signature": sig.type_signature(spec, td, docs=True, serde=serde),
                }
                for td in spec.types
            ],
        )
        errors = []
        for e in spec.errors:
            variant = rust_variant_name(e.name)
            message = f"{e.name}: {' '.join((e.doc or '').split())}".rstrip(": ")
            errors.append(
                {
                    "doc": self.item_doc(spec, e, "    "),
                    "signature": _indent(sig.error_signature(spec, e, docs=True)),
                    "pattern": f"{variant} {{ .. }}" if e.fields else variant,
                    "message": rust_string(message),
                }
            )
        files["src/api.rs"] = _render(
            "api.rs.jinja",
            header=header,
            serde=serde,
            errors=errors,
            operations=[
                {
                    "doc": self.item_doc(spec, op, "    "),
                    "signature": sig.operation_signature(spec, op),
                }
                for op in spec.operations
            ],
            service=sig.service_name(spec),
            service_doc=sig.doc_comment(
                f"The operations of the spec {spec.title}; implement it for your service.", []
            ),
            constants=[
                {"doc": self.item_doc(spec, c), "signature": sig.constant_signature(spec, c)}
                for c in spec.constants
            ],
        )
        files["src/clauses.rs"] = _render(
            "clauses.rs.jinja",
            header=header,
            clauses=[
                {"id": c.id, "level": LEVELS[c.level.value], "title": c.title, "text": c.text}
                for c in spec.clauses
            ],
        )
        n_cases = 0
        if has_tests:
            cases = ValueBuilder(spec, self.ctx.workspace).cases()
            n_cases = len(cases)
            specs = dict(self.ctx.workspace.specs)
            specs[spec.id] = spec
            lits = RustLiterals(spec, specs)
            names = fn_names(cases)
            files["src/conformance.rs"] = _render(
                "conformance.rs.jinja",
                header=header,
                crate=crate,
                functions=[case_fn(lits, c, n) for c, n in zip(cases, names, strict=True)],
                names=names,
            )
            files["tests/conformance.rs"] = _render(
                "conformance_test.rs.jinja",
                header=header,
                crate=crate,
                service=sig.service_name(spec),
                stubs=[self._stub(op) for op in spec.operations],
            )
        files["tests/fixtures.rs"] = self._fixtures(spec, header, crate)
        files["README.md"] = _render(
            "README.md.jinja",
            package=sig.package_name(spec.id),
            spec_title=spec.title,
            spec_id=spec.id,
            version=spec.version or "",
            service=sig.service_name(spec),
            crate=crate,
            has_tests=has_tests,
            n_cases=n_cases,
            serde=serde,
        )
        return [GeneratedFile(p, files[p].encode("utf-8")) for p in sorted(files)]

    def _fixtures(self, spec: Spec, header: str, crate: str) -> str:
        """tests/fixtures.rs: a value of every type and the derives of every type, each
        value in a function of its own and each nested minimal value written once."""
        specs = dict(self.ctx.workspace.specs)
        specs[spec.id] = spec
        builder = FixtureBuilder(spec, self.ctx.workspace)
        fixtures = builder.fixtures()
        calls = builder.calls()
        errors = builder.errors()
        lits = SharedLiterals(spec, specs, builder.canonical)

        def lit(v: Any, t: Any) -> str:
            return lits.top(v, ref=t)

        return _render(
            "fixtures.rs.jinja",
            header=header,
            crate=crate,
            recursion_limit=recursion_limit(spec),
            fixtures=[
                {"name": f.name, "type": sig.rust_type(f.type), "value": lit(f.value, f.type)}
                for f in fixtures
            ],
            service=sig.service_name(spec),
            calls=[
                {
                    "name": rust_field_name(c.op.name).removeprefix("r#"),
                    "method": rust_field_name(c.op.name),
                    "args": [lit(v, p.type) for p, v in c.args],
                    "returns": sig.rust_type(c.op.returns) if c.op.returns is not None else "()",
                }
                for c in calls
            ],
            errors=[
                {
                    "name": rust_field_name(e.error.name).removeprefix("r#"),
                    "value": "Error::"
                    + rust_variant_name(e.error.name)
                    + (
                        " { "
                        + ", ".join(
                            f"{rust_field_name(f.name)}: {lit(v, f.type)}" for f, v in e.fields
                        )
                        + " }"
                        if e.fields
                        else ""
                    ),
                }
                for e in errors
            ],
            shared=lits.shared(),
            records=[rust_type_name(t.name) for t in spec.types if t.kind == "record"],
            enums=[rust_type_name(t.name) for t in spec.types if t.kind == "enum"],
        )

    @staticmethod
    def _stub(op: Any) -> str:
        params = "".join(f", _: {sig.rust_type(p.type)}" for p in op.params)
        ret = sig.rust_type(op.returns) if op.returns is not None else "()"
        name = rust_field_name(op.name)
        return (
            f"fn {name}(&mut self{params}) -> Result<{ret}, Error> "
            f'{{ unimplemented!("{{}}", {rust_string(op.name)}) }}'
        )

    def verify(self, spec: Spec, root: Path) -> list[Finding]:
        """RS001 cargo check, RS002 per-item clauses, RS003 the conformance suite compiles,
        RS004 the serde feature (off unless serde is on), RS005 the typed fixtures and derives
        compile, RS006 constant values."""
        from .gates import run_gates

        return run_gates(self, spec, root)

    def covered_clauses(self, spec: Spec, root: Path) -> set[str]:
        """Clause ids carried by a generated item's `/// Clauses:` line (read from the files;
        the CLAUSES catalogue lists every clause and traces none)."""
        from .gates import covered

        return covered(spec, root)
