"""`specloom clarify PATH [--write]`: ambiguous clauses as questions, optionally marked."""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from specloom.errors import SpecloomError

if TYPE_CHECKING:
    from specloom.llm.clarify import Question
    from specloom.model import Spec, Workspace

log = logging.getLogger("specloom.llm")


class ClarifyFormat(StrEnum):
    """Output format of `specloom clarify`."""

    text = "text"
    json = "json"


class ClarifyBackend(StrEnum):
    """Where rewrites come from: none (`template`) or the configured model (`openai`)."""

    template = "template"
    openai = "openai"


def _under(file: str, root: Path) -> bool:
    try:
        Path(file).resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def run_clarify(
    path: Path, *, write: bool, backend: ClarifyBackend | None, fmt: ClarifyFormat
) -> str:
    """Questions for the spec(s) at `path`, rendered; with `write`, markers go into the files."""
    from specloom.check.lint import lint_workspace
    from specloom.config import load_config
    from specloom.llm.clarify import insert_markers, questions_from_findings, write_atomic
    from specloom.parse import load_workspace

    cfg = load_config(path)
    ws = load_workspace(path)
    ts_int64 = str(cfg.targets.get("typescript", {}).get("int64", "number"))
    findings = lint_workspace(ws, cfg.lint, ts_int64=ts_int64)
    root = path if path.is_dir() else path.parent
    questions = [q for q in questions_from_findings(findings) if _under(q.file, root)]

    use_llm = backend is ClarifyBackend.openai or (backend is None and "model" in cfg.llm)
    usage_line = ""
    if use_llm and questions:
        from specloom.llm.client import LlmAuthError

        try:
            usage_line = _suggest(ws, cfg.llm, cfg.root, questions)
        except LlmAuthError as exc:
            if backend is ClarifyBackend.openai:
                raise
            # the model comes from config, not from the command line: degrade, and say so
            usage_line = f"LLM rewrites skipped: {exc.message} ({exc.hint})"

    notes: list[str] = []
    if write:
        by_file: dict[str, list[Question]] = defaultdict(list)
        for q in questions:
            by_file[q.file].append(q)
        for file in sorted(by_file):
            p = Path(file)
            original = p.read_text(encoding="utf-8")
            result = insert_markers(original, by_file[file])
            if result.text != original:
                try:
                    write_atomic(p, result.text)
                except OSError as exc:
                    raise SpecloomError(
                        f"cannot write the markers: {exc.strerror}",
                        file=file,
                        hint="make the spec file and its folder writable, or run without --write",
                    ) from None
            notes.append(
                f"{file}: {len(result.written)} question(s) marked"
                + (f", {len(result.skipped)} skipped" if result.skipped else "")
            )

    if fmt is ClarifyFormat.json:
        return json.dumps([q.as_dict() for q in questions], indent=2)
    out: list[str] = []
    for q in questions:
        out.append(f"{q.file}:{q.line}: {q.clause or '-'}: {q.question}")
        if q.suggestion:
            out.append(f"    suggested rewrite: {q.suggestion}")
    clauses = {(q.file, q.clause) for q in questions}
    out.append(
        f"{len(questions)} question(s) in {len(clauses)} clause(s)"
        if questions
        else "no ambiguous or underspecified clauses found"
    )
    out += notes
    if usage_line:
        out.append(usage_line)
    return "\n".join(out)


def _suggest(
    ws: Workspace, llm_table: dict[str, Any], root: Path, questions: list[Question]
) -> str:
    """Attach an LLM rewrite to the questions of each clause; returns a usage summary."""
    from specloom.llm.clarify import Rewrite, rewrite_messages
    from specloom.llm.client import LlmAuthError, LlmError
    from specloom.llm.session import session_for
    from specloom.target import BuildContext

    ctx = BuildContext(
        workspace=ws,
        output_dir=root / "output",
        cache_dir=root / ".specloom-cache",
        backend="openai",
        settings={"llm": llm_table},
    )
    session = session_for(ctx)
    spec_of_file: dict[str, Spec] = {}
    for spec in ws.specs.values():
        spec_of_file[str(Path(spec.path).resolve())] = spec
        for ef in spec.example_files:
            spec_of_file[str(Path(ef.path).resolve())] = spec
    groups: dict[tuple[str, str], list[Question]] = defaultdict(list)
    for q in questions:
        if q.clause:
            groups[(str(Path(q.file).resolve()), q.clause)].append(q)
    for (file, clause_id), qs in sorted(groups.items()):
        owner = spec_of_file.get(file)
        if owner is None or owner.clause(clause_id) is None:
            continue
        messages = rewrite_messages(owner, clause_id, [q.question for q in qs])
        try:
            answer = session.client.structured(messages, Rewrite, target="clarify")
        except LlmAuthError:
            raise
        except LlmError as exc:
            log.warning("no rewrite for clause %s: %s", clause_id, exc.message)
            continue
        for q in qs:
            q.suggestion = " ".join(answer.rewrite.split())
    u = session.ledger.for_target("clarify")
    return (
        f"LLM ({session.config.model}): {u.requests} request(s), {u.cache_hits} cache hit(s), "
        f"{u.prompt_tokens + u.completion_tokens} tokens, ~${u.cost_usd:.4f}"
    )


def register(app: typer.Typer) -> None:
    """Add the `clarify` command."""

    @app.command("clarify")
    def clarify(
        path: Path = typer.Argument(..., help="A spec file, a spec folder or a folder of specs."),
        write: bool = typer.Option(
            False, "--write", help="Insert [NEEDS CLARIFICATION: ...] markers into the spec."
        ),
        backend: ClarifyBackend | None = typer.Option(
            None,
            "--backend",
            help="openai: add LLM-suggested rewrites; template: lint questions only. "
            "Default: openai when \\[tool.specloom.llm] sets a model.",
        ),
        fmt: ClarifyFormat = typer.Option(ClarifyFormat.text, "--format", help="text or json."),
    ) -> None:
        """List ambiguous or underspecified clauses as questions (from the lint rules)."""
        if not path.exists():
            raise SpecloomError(
                f"no such spec file or folder: {path}", hint="pass a spec file or folder"
            )
        typer.echo(run_clarify(path, write=write, backend=backend, fmt=fmt))
