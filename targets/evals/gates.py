"""The evals target's gates: each reads the published files, item by item, against the IR.

One function per gate id (docs/gates.md has the table):
EVL001 the published schema is specloom's case schema;
EVL002 every line of cases.jsonl validates against the published schema, ids unique;
EVL003 every clause with a GOOD/BAD assistant reply has a case; coverage.json agrees;
EVL004 each case's clause equals the IR clause;
EVL005 each case's messages and references equal the IR transcript;
EVL006 promptfooconfig.yaml parses and holds the same cases;
EVL007 promptfoo's own `validate` accepts the config (when promptfoo is installed).
"""

from __future__ import annotations

import html
import json
import os
import subprocess
import tempfile
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import yaml

from specloom.evals.case import EvalCase, case_schema
from specloom.findings import Finding, Severity, not_run, turned_off
from specloom.model import Spec, TranscriptMessage
from specloom.tools import ToolLookup, missing_hint

CASES = "cases.jsonl"
SCHEMA = "case.schema.json"
COVERAGE = "coverage.json"
PROMPTFOO = "promptfooconfig.yaml"

_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _error(
    rule: str, message: str, file: str, line: int | None = None, clause: str | None = None
) -> Finding:
    return Finding(
        rule=rule, severity=Severity.ERROR, message=message, file=file, line=line, clause=clause
    )


def read_cases(root: Path) -> tuple[list[tuple[int, Any]], list[Finding]]:
    """(line number, parsed JSON) for every non-empty line of cases.jsonl; JSON errors."""
    path = root / CASES
    if not path.is_file():
        return [], [_error("EVL002", f"{CASES} is missing", CASES)]
    rows: list[tuple[int, Any]] = []
    problems: list[Finding] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append((n, json.loads(line)))
        except ValueError as exc:
            problems.append(_error("EVL002", f"line is not JSON: {exc}", CASES, n))
    return rows, problems


def gate_schema(root: Path) -> list[Finding]:
    """EVL001: case.schema.json is present, JSON, and equals the schema specloom defines."""
    path = root / SCHEMA
    try:
        published = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [_error("EVL001", f"{SCHEMA} is missing", SCHEMA)]
    except ValueError as exc:
        return [_error("EVL001", f"{SCHEMA} is not JSON: {exc}", SCHEMA)]
    if published != case_schema():
        return [
            _error(
                "EVL001",
                f"{SCHEMA} differs from specloom's eval case schema (format "
                "specloom-eval-case/1); regenerate it with specloom build --force -t evals",
                SCHEMA,
            )
        ]
    return []


def gate_lines(root: Path, rows: list[tuple[int, Any]]) -> list[Finding]:
    """EVL002: each line validates against the *published* schema; case ids are unique."""
    try:
        import jsonschema
    except ImportError:
        return [
            not_run(
                "EVL002",
                f"jsonschema is not installed; the lines of {CASES} were not validated "
                f"against {SCHEMA}",
                file=CASES,
                fix="pip install 'specloom[evals]'",
            )
        ]
    try:
        schema = json.loads((root / SCHEMA).read_text(encoding="utf-8"))
        validator = jsonschema.Draft202012Validator(schema)
    except (OSError, ValueError, jsonschema.SchemaError) as exc:
        return [_error("EVL002", f"{SCHEMA} is not a usable JSON Schema: {exc}", SCHEMA)]
    out: list[Finding] = []
    seen: dict[str, int] = {}
    for n, data in rows:
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
        if errors:
            first = errors[0]
            where = "/".join(str(p) for p in first.absolute_path) or "(the line)"
            out.append(
                _error(
                    "EVL002",
                    f"does not validate against {SCHEMA} at {where}: {first.message}",
                    CASES,
                    n,
                )
            )
            continue
        cid = str(data["id"])
        if cid in seen:
            out.append(_error("EVL002", f"case id {cid!r} repeats line {seen[cid]}", CASES, n))
        seen.setdefault(cid, n)
    return out


def _parse(rows: list[tuple[int, Any]]) -> list[tuple[int, EvalCase]]:
    parsed = []
    for n, data in rows:
        try:
            parsed.append((n, EvalCase.model_validate(data)))
        except ValueError:
            continue  # reported by EVL002
    return parsed


CHAT_ROLES = frozenset({"system", "developer", "user", "assistant", "tool"})


def _sendable(prior: list[TranscriptMessage], roles: Mapping[str, str]) -> bool:
    """True when the messages before a graded reply can be sent to a chat API: at least one,
    every role mapped to a chat role, every tool message right after an assistant one."""
    mapped = [roles.get(m.role) for m in prior]
    if not mapped or any(r not in CHAT_ROLES for r in mapped):
        return False
    return all(r != "tool" or (i and mapped[i - 1] == "assistant") for i, r in enumerate(mapped))


def expected_clauses(spec: Spec, roles: Mapping[str, str]) -> dict[str, int]:
    """Clause id -> the line of its first GOOD/BAD assistant reply that can be sent (there is
    input before it, in chat roles), straight from the IR."""
    known = {c.id for c in spec.clauses}
    out: dict[str, int] = {}
    for ex in spec.examples:
        if ex.clause not in known or ex.transcript is None or ex.clause in out:
            continue
        messages = ex.transcript.messages
        for i, m in enumerate(messages):
            if m.verdict not in ("GOOD", "BAD") or roles.get(m.role) != "assistant":
                continue
            prior = [
                o for o in messages[:i] if m.comparison is None or o.comparison != m.comparison
            ]
            if _sendable(prior, roles):
                out[ex.clause] = m.pos.line
                break
    return out


def gate_coverage(
    spec: Spec, root: Path, cases: list[tuple[int, EvalCase]], roles: Mapping[str, str]
) -> list[Finding]:
    """EVL003: per clause, a case exists; coverage.json lists exactly what the JSONL carries."""
    out: list[Finding] = []
    carried: dict[str, list[str]] = {}
    for _, c in cases:
        carried.setdefault(c.clause.id, []).append(c.id)
    for cid, line in expected_clauses(spec, roles).items():
        if cid not in carried:
            out.append(
                _error(
                    "EVL003",
                    f"clause {cid} has a GOOD/BAD assistant reply (line {line}) but no case "
                    f"in {CASES}",
                    CASES,
                    clause=cid,
                )
            )
    try:
        cov = json.loads((root / COVERAGE).read_text(encoding="utf-8"))
        listed = {e["clause"]: list(e["cases"]) for e in cov["clauses"]}
        not_eval = {e["clause"]: str(e["reason"]) for e in cov["not_evaluable"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [*out, _error("EVL003", f"{COVERAGE} is missing or malformed: {exc}", COVERAGE)]
    differ = sorted(k for k in listed.keys() | carried.keys() if listed.get(k) != carried.get(k))
    if differ:
        out.append(
            _error(
                "EVL003",
                f"{COVERAGE} does not list the cases {CASES} carries for {', '.join(differ[:5])}",
                COVERAGE,
            )
        )
    for clause in spec.clauses:
        if clause.kind == "statement" and clause.id not in carried and not not_eval.get(clause.id):
            out.append(
                _error(
                    "EVL003",
                    f"clause {clause.id} has no case and {COVERAGE} gives no reason why",
                    COVERAGE,
                    clause=clause.id,
                )
            )
    return out


def gate_clauses(spec: Spec, cases: list[tuple[int, EvalCase]]) -> list[Finding]:
    """EVL004: each case's clause (id, kind, level, authority, text, section) is the IR's."""
    out: list[Finding] = []
    titles = {s.id: s.title for s in spec.sections}
    for n, case in cases:
        ref = case.clause
        ir = spec.clause(ref.id)
        if ir is None:
            out.append(
                _error("EVL004", f"case {case.id}: no clause {ref.id!r} in the spec", CASES, n)
            )
            continue
        want = (
            ir.kind,
            ir.level.value,
            ir.authority,
            ir.text,
            ir.section,
            titles.get(ir.section or ""),
        )
        got = (ref.kind, ref.level, ref.authority, ref.text, ref.section, ref.section_title)
        if want != got:
            fields = [
                k
                for k, a, b in zip(
                    ("kind", "level", "authority", "text", "section", "section_title"),
                    want,
                    got,
                    strict=True,
                )
                if a != b
            ]
            out.append(
                _error(
                    "EVL004",
                    f"case {case.id}: clause {ref.id} differs from the spec in {', '.join(fields)}",
                    CASES,
                    n,
                    ref.id,
                )
            )
        elif ir.text.strip() not in case.rubric.text:
            out.append(
                _error(
                    "EVL004",
                    f"case {case.id}: the rubric does not quote clause {ref.id}",
                    CASES,
                    n,
                    ref.id,
                )
            )
    return out


_Indexed = tuple[str | None, TranscriptMessage, list[TranscriptMessage]]


def _transcript_messages(spec: Spec) -> dict[tuple[str, int], _Indexed]:
    """(file, line) -> (the example's clause, the message, its whole transcript)."""
    out: dict[tuple[str, int], _Indexed] = {}
    for ex in spec.examples:
        if ex.transcript is not None:
            for m in ex.transcript.messages:
                out[(m.pos.file, m.pos.line)] = (ex.clause, m, ex.transcript.messages)
    return out


def _message_problems(
    case: EvalCase, index: dict[tuple[str, int], _Indexed], roles: Mapping[str, str]
) -> list[str]:
    src = case.source
    problems: list[str] = []
    if len(src.message_lines) != len(case.messages):
        problems.append(f"{len(case.messages)} messages but {len(src.message_lines)} source lines")
    for i, (msg, line) in enumerate(zip(case.messages, src.message_lines, strict=False)):
        found = index.get((src.file, line))
        if found is None:
            problems.append(f"message {i + 1}: no transcript message at {src.file}:{line}")
            continue
        clause, ir, _ = found
        if clause != case.clause.id:
            problems.append(f"message {i + 1} comes from an example of clause {clause}")
        if roles.get(ir.role) != msg.role:
            problems.append(f"message {i + 1}: role {msg.role!r}, the transcript has <{ir.role}>")
        if msg.content != html.unescape(ir.text):
            problems.append(f"message {i + 1}: content differs from the transcript at line {line}")
        if msg.role == "tool":
            prev = case.messages[i - 1] if i else None
            ids = {t.id for t in (prev.tool_calls or [])} if prev else set()
            if msg.tool_call_id not in ids:
                problems.append(
                    f"message {i + 1}: tool_call_id {msg.tool_call_id!r} answers no call"
                )
    turn = index.get((src.file, src.turn_line))
    if turn is None:
        return [*problems, f"no graded reply at {src.file}:{src.turn_line}"]
    _, first, transcript = turn
    group = (
        [first]
        if first.comparison is None
        else [m for m in transcript if m.comparison == first.comparison]
    )
    graded = [m for m in group if m.verdict in ("GOOD", "BAD") and roles.get(m.role) == "assistant"]
    for verdict, refs in (("GOOD", case.good), ("BAD", case.bad)):
        want = sorted(
            (m.pos.line, html.unescape(m.text), m.note) for m in graded if m.verdict == verdict
        )
        got = sorted((r.line, r.content, r.note) for r in refs)
        if want != got:
            problems.append(
                f"the {verdict} references differ from the transcript's {verdict} replies"
            )
    return problems


def gate_messages(
    spec: Spec, cases: list[tuple[int, EvalCase]], roles: Mapping[str, str]
) -> list[Finding]:
    """EVL005: each input message and each reference is the IR transcript's, in role and text;
    the references are every GOOD/BAD alternative of the turn; tool calls are paired."""
    index = _transcript_messages(spec)
    out: list[Finding] = []
    for n, case in cases:
        problems = _message_problems(case, index, roles)
        if problems:
            message = f"case {case.id}: " + "; ".join(problems[:3])
            out.append(_error("EVL005", message, CASES, n, case.clause.id))
    return out


WHOLE_TRANSCRIPT = "{{ messages | dump }}"
"""The promptfoo prompt that sends a test's `messages` variable as the conversation, whole."""


def gate_promptfoo(root: Path, cases: list[tuple[int, EvalCase]]) -> list[Finding]:
    """EVL006: the promptfoo config parses and lists the same cases, in order, each with the
    case's messages and its rubric as an `llm-rubric` assertion."""
    path = root / PROMPTFOO
    try:
        config = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except FileNotFoundError:
        return [_error("EVL006", f"{PROMPTFOO} is missing", PROMPTFOO)]
    except yaml.YAMLError as exc:
        return [_error("EVL006", f"{PROMPTFOO} is not YAML: {exc}", PROMPTFOO)]
    tests = config.get("tests") if isinstance(config, dict) else None
    if not isinstance(tests, list):
        return [_error("EVL006", f"{PROMPTFOO} has no `tests` list", PROMPTFOO)]
    ids = [t.get("description") if isinstance(t, dict) else None for t in tests]
    want = [c.id for _, c in cases]
    if ids != want:
        missing = [i for i in want if i not in ids]
        extra = [i for i in ids if i not in want]
        return [
            _error(
                "EVL006",
                f"{PROMPTFOO} lists other cases than {CASES} (missing {missing[:5]}, extra "
                f"{extra[:5]}, or another order)",
                PROMPTFOO,
            )
        ]
    out: list[Finding] = []
    prompts = config.get("prompts")
    raws = [p.get("raw") if isinstance(p, dict) else p for p in prompts or []]
    if raws != [WHOLE_TRANSCRIPT]:
        out.append(
            _error(
                "EVL006",
                f"{PROMPTFOO} prompts are {raws!r}: the one prompt must send each case's whole "
                f"message list ({WHOLE_TRANSCRIPT!r}), or the model answers another conversation",
                PROMPTFOO,
            )
        )
    for test, (_, case) in zip(tests, cases, strict=True):
        meta = test.get("metadata") or {}
        want_meta = {
            "case_id": case.id,
            "clause": case.clause.id,
            "level": case.clause.level,
            "authority": case.clause.authority or "",
        }
        got_meta = {k: meta.get(k) for k in want_meta}
        if got_meta != want_meta:
            out.append(
                _error(
                    "EVL006",
                    f"test {case.id}: metadata {got_meta} is not the case's {want_meta}",
                    PROMPTFOO,
                    clause=case.clause.id,
                )
            )
        messages = [m.model_dump(mode="json", exclude_none=True) for m in case.messages]
        vars_ = test.get("vars") or {}
        asserts = test.get("assert") or []
        rubric = [
            a.get("value") for a in asserts if isinstance(a, dict) and a.get("type") == "llm-rubric"
        ]
        if vars_.get("messages") != messages:
            out.append(
                _error(
                    "EVL006",
                    f"test {case.id}: messages differ from {CASES}",
                    PROMPTFOO,
                    clause=case.clause.id,
                )
            )
        if rubric != [case.rubric.text]:
            out.append(
                _error(
                    "EVL006",
                    f"test {case.id}: its llm-rubric is not the case's rubric",
                    PROMPTFOO,
                    clause=case.clause.id,
                )
            )
    return out


def find_promptfoo(tools: ToolLookup | None = None) -> Path | None:
    """`promptfoo` on PATH, in the project's node_modules/.bin or as configured
    (specloom.tools); the repository's set-up links it into .venv/tools/node_modules/.bin."""
    found = (tools or ToolLookup()).find("promptfoo")
    return found.path if found else None


STUB_DEFAULTS = ("promptfooconfig.yaml", "redteam.yaml")
"""Default configs promptfoo looks for in its working folder at every start, whatever the
command: absent, it tries every extension of each, and for `.ts`/`.cts` it starts the tsx
loader (a second thread and esbuild, about 0.2 s of CPU). `validate -c <file>` discards
them, so the scratch folder it runs in holds these two, empty of cases."""
STUB_TEXT = "# read by promptfoo at start-up, ignored by validate -c\nproviders: []\n"


NOISE = (
    "Node.js 20 support",
    "ExperimentalWarning",
    "--trace-warnings",
    # pointers to promptfoo's log files, in the scratch folder that is gone by then
    "See logs for more",
    "Error log: ",
    "Debug log: ",
)
"""Lines of promptfoo's output that a finding leaves out."""


def gate_promptfoo_validate(
    root: Path, enabled: bool, tools: ToolLookup | None = None, timeout: float = 120.0
) -> list[Finding]:
    """EVL007: `promptfoo validate config -c <published promptfooconfig.yaml>` exits 0. It
    runs in a scratch folder (its database, logs and the stub defaults), never in the
    published one; the config's relative references resolve from its own folder."""
    if not enabled:
        return [turned_off("EVL007", "promptfoo validation (validate_with_promptfoo = false)")]
    exe = find_promptfoo(tools)
    if exe is None:
        return [
            not_run(
                "EVL007",
                f"promptfoo is not installed; {PROMPTFOO} was not checked by promptfoo itself",
                file=PROMPTFOO,
                fix=missing_hint("promptfoo") + " (promptfoo@0.121.20 is the last release "
                "that runs on Node 20)",
            )
        ]
    config = (root / PROMPTFOO).resolve()
    with tempfile.TemporaryDirectory(prefix="specloom-promptfoo-") as home:
        for name in STUB_DEFAULTS:
            Path(home, name).write_text(STUB_TEXT, encoding="utf-8")
        env = {
            **os.environ,
            "PROMPTFOO_DISABLE_TELEMETRY": "1",
            "PROMPTFOO_DISABLE_UPDATE": "1",
            "PROMPTFOO_CONFIG_DIR": home,  # its logs and database stay out of $HOME
            "NODE_NO_WARNINGS": "1",
        }
        try:
            proc = subprocess.run(
                [str(exe), "validate", "config", "-c", str(config)],
                cwd=home,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return [_error("EVL007", f"promptfoo validate timed out after {timeout:g}s", PROMPTFOO)]
    if proc.returncode != 0:
        out = (proc.stdout + proc.stderr).replace(str(config.parent) + os.sep, "")
        lines = out.replace(home, "<scratch>").strip().splitlines()
        kept = [s.strip() for s in lines if s.strip() and not any(n in s for n in NOISE)]
        detail = " | ".join(kept)[:600]
        return [_error("EVL007", f"promptfoo validate rejected the config: {detail}", PROMPTFOO)]
    return []


def run_gates(
    spec: Spec,
    root: Path,
    roles: Mapping[str, str],
    validate: bool,
    tools: ToolLookup | None = None,
) -> list[Finding]:
    """Every gate, findings in id order; promptfoo (EVL007, a Node process) runs on a thread
    of its own while EVL001-EVL006 read the files."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        by_promptfoo = pool.submit(gate_promptfoo_validate, root, validate, tools)
        rows, findings = read_cases(root)
        findings = [*gate_schema(root), *findings, *gate_lines(root, rows)]
        cases = _parse(rows)
        findings += gate_coverage(spec, root, cases, roles)
        findings += gate_clauses(spec, cases)
        findings += gate_messages(spec, cases, roles)
        findings += gate_promptfoo(root, cases)
        findings += by_promptfoo.result()
    return findings
