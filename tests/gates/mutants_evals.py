"""Mutants of the evals target (gates EVL001-EVL007), on the billing spec's two cases
(`invoices-1`: an inline comparison; `bil6-1`: a GOOD and a BAD reply in bil6.md)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import yaml
from harness import Mutant, MutationContext

from specloom.evals.case import ChatMessage
from specloom.model import Spec, TranscriptMessage


def _patch_cases(change: Callable[[Any], None]) -> Callable[[MutationContext], None]:
    """Patch the target's `build_cases` so the generated CaseSet is changed by `change`."""

    def mutate(ctx: MutationContext) -> None:
        from specloom.targets.evals import target

        real = target.build_cases

        def build_cases(spec: Spec, roles: Any) -> Any:
            found = real(spec, roles)
            change(found)
            return found

        ctx.monkeypatch.setattr(target, "build_cases", build_cases)

    return mutate


def _drop_last_case(found: Any) -> None:
    found.cases.pop()


def _drop_bad_references(found: Any) -> None:
    for case in found.cases:
        case.bad = []


def _squash_whitespace(ctx: MutationContext) -> None:
    """A generator that 'cleans' message text: the model would see other input."""
    from specloom.targets.evals import cases

    real = cases.chat_messages

    def chat_messages(history: list[TranscriptMessage], roles: Any) -> Any:
        out = real(history, roles)
        if isinstance(out, list):
            return [
                ChatMessage(role=m.role, content=" ".join(m.content.split()).lower()) for m in out
            ]
        return out

    ctx.monkeypatch.setattr(cases, "chat_messages", chat_messages)


def _promptfoo_loses_a_test(ctx: MutationContext) -> None:
    from specloom.targets.evals import target

    real = target.promptfoo_config

    def promptfoo_config(*args: Any) -> dict[str, Any]:
        config = real(*args)
        config["tests"] = config["tests"][:-1]
        return config

    ctx.monkeypatch.setattr(target, "promptfoo_config", promptfoo_config)


def _edit_line(change: Callable[[dict[str, Any]], None]) -> Callable[[MutationContext], None]:
    def mutate(ctx: MutationContext) -> None:
        path = ctx.root / "cases.jsonl"
        lines = path.read_text(encoding="utf-8").splitlines()
        data = json.loads(lines[-1])
        change(data)
        lines[-1] = json.dumps(data, sort_keys=True, separators=(",", ":"))
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    return mutate


def _weaken_level(data: dict[str, Any]) -> None:
    data["clause"]["level"] = "MAY"


def _drop_rubric(data: dict[str, Any]) -> None:
    del data["rubric"]


def _swap_good_and_bad(data: dict[str, Any]) -> None:
    data["good"], data["bad"] = data["bad"], data["good"]


def _loosen_schema(ctx: MutationContext) -> None:
    path = ctx.root / "case.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["required"] = ["id"]
    path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _edit_promptfoo(change: Callable[[dict[str, Any]], None]) -> Callable[[MutationContext], None]:
    def mutate(ctx: MutationContext) -> None:
        path = ctx.root / "promptfooconfig.yaml"
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(config)
        path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")

    return mutate


def _soften_rubric(config: dict[str, Any]) -> None:
    config["tests"][0]["assert"][0]["value"] = "Be helpful."


def _break_providers(config: dict[str, Any]) -> None:
    config["providers"] = 7


MUTANTS: list[Mutant] = [
    Mutant(
        id="evals-published-promptfoo-metadata-weakened",
        target="evals",
        gate="EVL006",
        kind="published",
        mutate=_edit_promptfoo(lambda c: c["tests"][0]["metadata"].update(level="SHOULD")),
        why="promptfoo reports a MUST case as SHOULD (its results are filtered by level)",
    ),
    Mutant(
        id="evals-published-promptfoo-sends-last-message-only",
        target="evals",
        gate="EVL006",
        kind="published",
        mutate=_edit_promptfoo(
            lambda c: c["prompts"][0].update(raw="{{ messages | last | dump }}")
        ),
        why="a promptfoo prompt that drops the conversation before the graded turn",
    ),
    Mutant(
        id="evals-generator-drops-last-case",
        target="evals",
        gate="EVL003",
        kind="generator",
        mutate=_patch_cases(_drop_last_case),
        why="a clause with a GOOD/BAD reply silently left without a case",
    ),
    Mutant(
        id="evals-generator-drops-bad-references",
        target="evals",
        gate="EVL005",
        kind="generator",
        mutate=_patch_cases(_drop_bad_references),
        why="references lost: the grader cannot tell what to avoid",
    ),
    Mutant(
        id="evals-generator-rewrites-message-text",
        target="evals",
        gate="EVL005",
        kind="generator",
        mutate=_squash_whitespace,
        why="input messages that are not the spec's transcript",
    ),
    Mutant(
        id="evals-generator-promptfoo-loses-a-test",
        target="evals",
        gate="EVL006",
        kind="generator",
        mutate=_promptfoo_loses_a_test,
        why="the promptfoo suite and the JSONL suite drift apart",
    ),
    Mutant(
        id="evals-published-weakens-clause-level",
        target="evals",
        gate="EVL004",
        kind="published",
        mutate=_edit_line(_weaken_level),
        why="a case that grades a MUST clause as a MAY",
    ),
    Mutant(
        id="evals-published-line-without-rubric",
        target="evals",
        gate="EVL002",
        kind="published",
        mutate=_edit_line(_drop_rubric),
        why="a line that does not validate against the schema",
    ),
    Mutant(
        id="evals-published-swaps-good-and-bad",
        target="evals",
        gate="EVL005",
        kind="published",
        mutate=_edit_line(_swap_good_and_bad),
        why="references with the wrong verdict",
    ),
    Mutant(
        id="evals-published-loosens-schema",
        target="evals",
        gate="EVL001",
        kind="published",
        mutate=_loosen_schema,
        why="a schema that no longer requires what runners read",
    ),
    Mutant(
        id="evals-published-promptfoo-rubric-softened",
        target="evals",
        gate="EVL006",
        kind="published",
        mutate=_edit_promptfoo(_soften_rubric),
        why="a promptfoo assertion that no longer carries the clause",
    ),
    Mutant(
        id="evals-published-promptfoo-invalid-config",
        target="evals",
        gate="EVL007",
        kind="published",
        mutate=_edit_promptfoo(_break_providers),
        why="a config promptfoo itself refuses (same tests, broken providers)",
    ),
]
