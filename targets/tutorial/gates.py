"""The tutorial's gates, one function per id. Each reads the published tutorial (`readback`)
and compares it with the IR; none computes what the tutorial should say in its place."""

from __future__ import annotations

from specloom.findings import Finding, Severity
from specloom.model import Level, Spec

from ..values import Case
from .compile import project_files
from .languages import Language
from .lesson import MUST_LEVELS, Lesson
from .readback import ReadStep, ReadTutorial


class Truth:
    """What the IR says each item of the tutorial must carry, worked out here from the spec
    and its structured examples (never taken from the generator's plan)."""

    def __init__(self, spec: Spec, cases: list[Case]) -> None:
        errors = {e.name: e for e in spec.errors}
        self.op_clauses: dict[str, list[str]] = {}
        for op in spec.operations:
            ids = list(op.clauses)
            for name in op.errors:
                ids += errors[name].clauses if name in errors else []
            self.op_clauses[op.name] = list(dict.fromkeys(ids))
        self.op_cases = {
            op.name: [c.name for c in cases if c.op.name == op.name] for op in spec.operations
        }
        carried = {cid for ids in self.op_clauses.values() for cid in ids}
        named = [cid for item in spec.interface_items() for cid in item.clauses]
        self.data_clauses = [cid for cid in dict.fromkeys(named) if cid not in carried]
        self.must_cases = {
            c.id: [case.name for case in cases if case.clause == c.id]
            for c in spec.clauses
            if c.level in MUST_LEVELS
        }


def _error(
    rule: str, message: str, file: str, line: int | None, clause: str | None = None
) -> Finding:
    return Finding(
        rule=rule, severity=Severity.ERROR, message=message, file=file, line=line, clause=clause
    )


def compiles(lang: Language, read: ReadTutorial, shown: str) -> list[Finding]:
    """TUT001 (TypeScript), TUT002 (Rust), TUT009 (Python): the language's code blocks, as
    the project files they name, compile (type-check) against freshly generated stubs."""
    return lang.compile(project_files(read.blocks, lang.fence), shown)


def must_in_steps(spec: Spec, read: ReadTutorial, shown: str) -> list[Finding]:
    """TUT003: every MUST / MUST NOT clause an interface item names is listed by some step."""
    listed = {cid for s in read.steps for cid, _ in s.clauses}
    named = {cid for item in spec.interface_items() for cid in item.clauses}
    out = []
    for c in spec.clauses:
        if c.id in named and c.level in MUST_LEVELS and c.id not in listed:
            out.append(
                _error(
                    "TUT003",
                    f"MUST clause {c.id} is realised by an interface item but no step of the "
                    'published tutorial lists it under "Clauses to satisfy"',
                    shown,
                    None,
                    c.id,
                )
            )
    return out


def blocks_checked(langs: list[Language], read: ReadTutorial, shown: str) -> list[Finding]:
    """TUT004: every code block is checked: a `sh` block (the set-up, run in a test) or a block
    of a tutorial language that names the project file it is (`// file: <path>`), so the
    compile gates place it; nothing is shown that no gate reads."""
    fences = {lang.fence: lang for lang in langs}
    out = []
    for b in read.blocks:
        if b.lang == "sh":
            continue
        lang = fences.get(b.lang)
        if lang is None:
            message = f"a code block in `{b.lang or 'no language'}`, which no gate compiles"
            out.append(_error("TUT004", message, shown, b.line))
        elif b.path is None:
            message = f"a {lang.title} code block that names no file (`{lang.file_mark}<path>`)"
            out.append(_error("TUT004", message, shown, b.line))
    return out


def _step_problems(
    spec: Spec, step: ReadStep, want_ids: list[str], want_cases: list[str] | None
) -> list[str]:
    out: list[str] = []
    got = [cid for cid, _ in step.clauses]
    for cid in sorted(set(want_ids) - set(got)):
        out.append(f"does not list its clause {cid}")
    for cid in sorted(set(got) - set(want_ids)):
        out.append(f"lists {cid}, which is not one of its clauses")
    for cid, level in step.clauses:
        clause = spec.clause(cid)
        if clause is None or cid not in want_ids:
            continue
        want = clause.level.value if clause.level is not Level.NONE else None
        if level != want:
            out.append(f"states {cid} as {level or 'no level'}, the spec says {want or 'none'}")
    if want_cases is not None:
        if step.cases is None:
            out.append('has no "Conformance cases" line')
        elif step.cases != want_cases:
            out.append(
                f"lists the cases {', '.join(step.cases) or 'none'}; the suite's cases calling it "
                f"are {', '.join(want_cases) or 'none'}"
            )
    return out


def steps_match(
    spec: Spec, truth: Truth, langs: list[Language], read: ReadTutorial, shown: str
) -> list[Finding]:
    """TUT006: one step per operation, each listing exactly its clauses (its own and its
    errors', at their level) and its conformance cases, and holding, per language, a code
    block that calls it; the data types step lists exactly the clauses no operation carries."""
    out: list[Finding] = []
    by_op: dict[str | None, list[ReadStep]] = {}
    for s in read.steps:
        by_op.setdefault(s.op, []).append(s)
    for op_name in sorted(n for n in by_op if n is not None and n not in truth.op_clauses):
        for s in by_op[op_name]:
            message = f"step for `{op_name}`, which is no operation"
            out.append(_error("TUT006", message, shown, s.line))
    for op in spec.operations:
        found = by_op.get(op.name, [])
        if len(found) != 1:
            out.append(
                _error(
                    "TUT006",
                    f"the operation `{op.name}` has {len(found)} steps in the tutorial "
                    "(one expected)",
                    shown,
                    found[1].line if len(found) > 1 else None,
                )
            )
            continue
        read_step = found[0]
        want = truth.op_clauses[op.name]
        for problem in _step_problems(spec, read_step, want, truth.op_cases[op.name]):
            out.append(_error("TUT006", f"step `{op.name}` {problem}", shown, read_step.line))
        for lang in langs:
            member = lang.member(op)
            calls = [
                b
                for b in read_step.blocks
                if b.lang == lang.fence and any(f".{member}(" in line for line in b.lines)
            ]
            if not calls:
                out.append(
                    _error(
                        "TUT006",
                        f"step `{op.name}` has no {lang.title} code block calling `{member}`",
                        shown,
                        read_step.line,
                    )
                )
    data = by_op.get(None, [])
    if truth.data_clauses and not data:
        message = "no data types step lists " + ", ".join(truth.data_clauses)
        out.append(_error("TUT006", message, shown, None))
    for s in data:
        for problem in _step_problems(spec, s, truth.data_clauses, None):
            out.append(_error("TUT006", f"the data types step {problem}", shown, s.line))
    return out


def must_table(spec: Spec, truth: Truth, read: ReadTutorial, shown: str) -> list[Finding]:
    """TUT007: the MUST table has a row per MUST / MUST NOT clause, at its level, listing
    exactly the conformance cases of that clause's examples."""
    out: list[Finding] = []
    for cid, want in truth.must_cases.items():
        clause = spec.clause(cid)
        assert clause is not None
        got = read.must.get(cid)
        if got is None:
            out.append(_error("TUT007", f"the MUST table has no row for {cid}", shown, None, cid))
            continue
        level, cases, line = got
        if level != clause.level.value:
            message = f"the MUST table states {cid} as {level}, the spec says {clause.level.value}"
            out.append(_error("TUT007", message, shown, line, cid))
        if cases != want:
            message = (
                f"the MUST table lists the cases {', '.join(cases) or 'none'} for {cid}; its "
                f"examples' cases are {', '.join(want) or 'none'}"
            )
            out.append(_error("TUT007", message, shown, line, cid))
    for cid in sorted(set(read.must) - set(truth.must_cases)):
        message = f"the MUST table lists {cid}, which is no MUST clause"
        out.append(_error("TUT007", message, shown, read.must[cid][2], cid))
    return out


def languages_complete(
    spec: Spec, lesson: Lesson, langs: list[Language], read: ReadTutorial, shown: str
) -> list[Finding]:
    """TUT008: per language, a set-up section whose shell block builds the stubs; with
    operations, the project's factory and test module files, and an implement-it section
    listing every operation."""
    out: list[Finding] = []
    for lang in langs:
        sec = read.setup.get(lang.name)
        sh = [b for b in (sec.blocks if sec else []) if b.lang == "sh"]
        if not any(any(line.startswith("specloom build ") for line in b.lines) for b in sh):
            out.append(
                _error(
                    "TUT008",
                    f"no {lang.title} set-up section with the `specloom build` commands",
                    shown,
                    sec.line if sec else None,
                )
            )
        if not spec.operations:
            continue
        paths = {b.path for b in (sec.blocks if sec else [])}
        for f in (lang.factory(lesson), lang.test_module()):
            if f.path not in paths:
                out.append(
                    _error(
                        "TUT008",
                        f"the {lang.title} set-up does not show the file `{f.path}` "
                        f"(a code block starting `{lang.file_mark}{f.path}`)",
                        shown,
                        sec.line if sec else None,
                    )
                )
        impl = read.implement.get(lang.name)
        listed = impl[1] if impl else []
        order = [s.op for s in read.steps if s.op is not None]
        want = [lang.member(op) for name in order for op in spec.operations if op.name == name]
        if sorted(listed) != sorted(lang.member(op) for op in spec.operations) or listed != want:
            out.append(
                _error(
                    "TUT008",
                    f"the {lang.title} implement-it section lists {', '.join(listed) or 'nothing'};"
                    " every operation is due, in the order of the steps",
                    shown,
                    impl[0].line if impl else None,
                )
            )
    return out
