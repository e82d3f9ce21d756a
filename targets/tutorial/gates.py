"""The tutorial's gates, one function per id. Each reads the published tutorial (`readback`)
and compares it with the IR; none computes what the tutorial should say in its place."""

from __future__ import annotations

from specloom.findings import Finding, Severity, is_not_run
from specloom.model import Level, Spec

from .compile import project_files
from .languages import Language
from .lesson import MUST_LEVELS, Lesson
from .readback import ReadStep, ReadTutorial


def _error(
    rule: str, message: str, file: str, line: int | None, clause: str | None = None
) -> Finding:
    return Finding(
        rule=rule, severity=Severity.ERROR, message=message, file=file, line=line, clause=clause
    )


def compiles(lang: Language, read: ReadTutorial, shown: str) -> list[Finding]:
    """TUT001 (TypeScript), TUT002 (Rust): the language's code blocks, as the project files
    they name, compile against freshly generated stubs."""
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


def coverage(spec: Spec, read: ReadTutorial, compiled: dict[str, str]) -> Finding:
    """TUT004 (info): what the published steps list, and how each language's blocks fared."""
    listed = {cid for s in read.steps for cid, _ in s.clauses}
    known = [c for c in spec.clauses if c.id in listed]
    must = [c for c in spec.clauses if c.level in MUST_LEVELS]
    in_must = sum(c.id in listed for c in must)
    langs = ", ".join(f"{state} {title}" for title, state in compiled.items())
    return Finding(
        rule="TUT004",
        severity=Severity.INFO,
        message=f"tutorial coverage: {len(known)} of {len(spec.clauses)} clauses in steps "
        f"({in_must} of {len(must)} MUST); code blocks: {langs}",
    )


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
    spec: Spec, lesson: Lesson, langs: list[Language], read: ReadTutorial, shown: str
) -> list[Finding]:
    """TUT006: one step per operation, each listing exactly its clauses (at their level) and
    its conformance cases, and holding, per language, a code block that calls it; the data
    types step lists exactly the clauses no operation carries."""
    out: list[Finding] = []
    by_op: dict[str | None, list[ReadStep]] = {}
    for s in read.steps:
        by_op.setdefault(s.op, []).append(s)
    ops = {o.name for o in spec.operations}
    for op_name in sorted(n for n in by_op if n is not None and n not in ops):
        for s in by_op[op_name]:
            message = f"step for `{op_name}`, which is no operation"
            out.append(_error("TUT006", message, shown, s.line))
    for step in lesson.steps:
        found = by_op.get(step.op.name, [])
        if len(found) != 1:
            out.append(
                _error(
                    "TUT006",
                    f"the operation `{step.op.name}` has {len(found)} steps in the tutorial "
                    "(one expected)",
                    shown,
                    found[1].line if len(found) > 1 else None,
                )
            )
            continue
        read_step = found[0]
        want = [c.id for c in step.clauses]
        for problem in _step_problems(spec, read_step, want, step.cases):
            out.append(_error("TUT006", f"step `{step.op.name}` {problem}", shown, read_step.line))
        for lang in langs:
            member = lang.member(step)
            calls = [
                b
                for b in read_step.blocks
                if b.lang == lang.fence and any(f".{member}(" in line for line in b.lines)
            ]
            if not calls:
                out.append(
                    _error(
                        "TUT006",
                        f"step `{step.op.name}` has no {lang.title} code block calling `{member}`",
                        shown,
                        read_step.line,
                    )
                )
    data = by_op.get(None, [])
    want_data = [c.id for c in lesson.data_clauses]
    if want_data and not data:
        out.append(
            _error("TUT006", "no data types step lists " + ", ".join(want_data), shown, None)
        )
    for s in data:
        for problem in _step_problems(spec, s, want_data, None):
            out.append(_error("TUT006", f"the data types step {problem}", shown, s.line))
    return out


def must_table(spec: Spec, lesson: Lesson, read: ReadTutorial, shown: str) -> list[Finding]:
    """TUT007: the MUST table has a row per MUST / MUST NOT clause, at its level, listing
    exactly the conformance cases of that clause's examples."""
    out: list[Finding] = []
    for row in lesson.must:
        cid = row.clause.id
        got = read.must.get(cid)
        if got is None:
            out.append(_error("TUT007", f"the MUST table has no row for {cid}", shown, None, cid))
            continue
        level, cases, line = got
        if level != row.clause.level.value:
            out.append(
                _error(
                    "TUT007",
                    f"the MUST table states {cid} as {level}, the spec says "
                    f"{row.clause.level.value}",
                    shown,
                    line,
                    cid,
                )
            )
        if cases != row.cases:
            out.append(
                _error(
                    "TUT007",
                    f"the MUST table lists the cases {', '.join(cases) or 'none'} for {cid}; its "
                    f"examples' cases are {', '.join(row.cases) or 'none'}",
                    shown,
                    line,
                    cid,
                )
            )
    wanted = {r.clause.id for r in lesson.must}
    for cid in sorted(set(read.must) - wanted):
        out.append(
            _error(
                "TUT007",
                f"the MUST table lists {cid}, which is no MUST clause",
                shown,
                read.must[cid][2],
                cid,
            )
        )
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
        want = [lang.member(s) for s in lesson.steps]
        if listed != want:
            out.append(
                _error(
                    "TUT008",
                    f"the {lang.title} implement-it section lists {', '.join(listed) or 'nothing'};"
                    f" the operations in step order are {', '.join(want)}",
                    shown,
                    impl[0].line if impl else None,
                )
            )
    return out


def compile_state(blocks: int, found: list[Finding]) -> str:
    """How the summary reports one language's blocks: compiled, not run or failed."""
    if any(is_not_run(f) for f in found):
        return f"{blocks} NOT compiled (not run)"
    if any(f.severity is Severity.ERROR for f in found):
        return f"{blocks} failed to compile"
    return f"{blocks} compiled"
