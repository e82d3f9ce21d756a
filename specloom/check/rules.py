"""The rule registry: every lint, type-check and conflict rule with its id, severity and docs."""

from __future__ import annotations

from dataclasses import dataclass

from specloom.docs_url import doc_url
from specloom.findings import Finding, Severity
from specloom.model import SourcePos

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass(frozen=True)
class Rule:
    """One rule: stable id, default severity, one-line summary and how to fix what it finds."""

    id: str
    name: str
    severity: Severity
    summary: str
    fix: str
    default_enabled: bool = True

    @property
    def help_uri(self) -> str:
        """The rule's anchor in the published docs/lint-rules.md (an absolute URL: a SARIF
        viewer opens it from wherever the report is read)."""
        return doc_url("lint-rules.md", self.id.lower())


_RULES = [
    # -- SL0xx: lint (spec text and traceability) -------------------------------------
    Rule(
        "SL001",
        "vague-word",
        W,
        "A clause uses a vague word (fast, appropriate, some...).",
        "Replace the word with a measurable statement (a number, a limit, a named list).",
    ),
    Rule(
        "SL002",
        "lowercase-keyword",
        W,
        "A strict spec uses a normative keyword in lowercase (must, should, may).",
        "Write the keyword in capitals if it is normative, or rephrase the sentence.",
    ),
    Rule(
        "SL003",
        "no-keyword",
        W,
        "A clause has no normative keyword (MUST, SHOULD, MAY...).",
        "Add the keyword that states how binding the clause is, or drop the clause id.",
    ),
    Rule(
        "SL004",
        "placeholder",
        W,
        "The spec contains a placeholder (TODO, TBD, FIXME, ???).",
        "Write the missing text, or track the open point outside the spec.",
    ),
    Rule(
        "SL005",
        "needs-clarification",
        E,
        "The spec contains an open `[NEEDS CLARIFICATION: ...]` marker.",
        "Answer the question and replace the marker with the decided text.",
    ),
    Rule(
        "SL006",
        "duplicate-id",
        E,
        "Two clauses or two headings share one id.",
        "Rename one of them: ids are anchors and eval tags and must be unique in a spec.",
    ),
    Rule(
        "SL007",
        "dangling-ref",
        E,
        "A cross reference points at a missing id or spec.",
        "Point the link at an existing heading id or clause id, or add the missing id.",
    ),
    Rule(
        "SL008",
        "eval-without-examples",
        W,
        "An eval tag `[^id]` has no `examples/<id>.md` file.",
        "Write `examples/<id>.md` with at least one example, or remove the tag.",
    ),
    Rule(
        "SL009",
        "orphan-examples-file",
        W,
        "An examples file belongs to no clause tag.",
        "Tag the sentence it illustrates with `[^<id>]`, or delete or rename the file.",
    ),
    Rule(
        "SL010",
        "unknown-clause",
        E,
        "An interface item names a clause that does not exist.",
        "Fix the id in `clauses: [...]` or add the clause it should realise.",
    ),
    Rule(
        "SL011",
        "uncovered-must",
        W,
        "A MUST clause is covered by nothing (no interface item names it, no example).",
        "Name the clause in an interface item's `clauses:` or give it an example.",
    ),
    Rule(
        "SL012",
        "bad-example-call",
        E,
        "A structured example calls an unknown operation or parameter, gives a value of the"
        " wrong type (enum member, int range, date, record field...), or expects an error the"
        " operation does not declare.",
        "Make the example's `call`, `with` and `expect` match the operation in the spec.",
    ),
    Rule(
        "SL013",
        "unknown-authority",
        E,
        "A heading's `authority=` level is not in the spec's front-matter `authority` list.",
        "Add the level to `authority:` in the front matter or fix its spelling.",
    ),
    Rule(
        "SL014",
        "implicit-heading-id",
        INFO,
        "A heading has no explicit `{#id}`.",
        "Add `{#id}` so the anchor stays stable when the title changes.",
        default_enabled=False,
    ),
    # -- SL1xx: type check ------------------------------------------------------------
    Rule(
        "SL015",
        "confusable-id",
        E,
        "Two ids or names differ only by confusable Unicode characters (look-alike letters,"
        " invisible characters, compatibility forms).",
        "Use plain ASCII letters and digits in ids and names, or make the two clearly different.",
    ),
    Rule(
        "SL016",
        "local-file-link",
        W,
        "A link points at a local file that is not a spec of the workspace (an image, a PDF, a"
        " text file): no target publishes it, so the docs show only the link's text.",
        "Link to a URL (`https://...`) where the file is published, or to a spec's `.md` file;"
        " or describe the file in words.",
    ),
    Rule(
        "SL101",
        "unknown-type",
        E,
        "A type reference names a type that does not exist.",
        "Define the type, fix its name, or import the spec that defines it.",
    ),
    Rule(
        "SL102",
        "duplicate-name",
        E,
        "Two interface items (or two fields of one item) share a name.",
        "Rename one of them.",
    ),
    Rule(
        "SL103",
        "import-cycle",
        E,
        "Specs import each other in a cycle.",
        "Move the shared definitions into a spec both import.",
    ),
    Rule(
        "SL104",
        "unknown-import",
        E,
        "A spec imports a spec that is not in the workspace.",
        "Add the spec to the workspace folder or remove it from `imports`.",
    ),
    Rule(
        "SL105",
        "name-collision",
        E,
        "Two names (or two spec ids) become the same identifier in TypeScript, Rust or Python"
        " (`fooBar`, `foo_bar`).",
        "Rename one of them so the converted names differ.",
    ),
    Rule(
        "SL106",
        "reserved-word",
        W,
        "A name is a reserved word or built-in name in TypeScript, Rust or Python.",
        "The targets escape it (`type_`, `r#type`, `class_`); rename it for cleaner code.",
    ),
    Rule(
        "SL107",
        "unbounded-recursion",
        E,
        "A record contains itself through required, non-list fields only (infinite size).",
        "Make one field on the cycle optional (`T?`) or a list (`list<T>`).",
    ),
    Rule(
        "SL108",
        "int64-precision",
        INFO,
        "An int64 value is a TypeScript `number`: exact only up to 2^53 - 1.",
        'Stay below 2^53 - 1 or set `[tool.specloom.targets.typescript] int64 = "bigint"`.',
    ),
    Rule(
        "SL109",
        "int64-constant-overflow",
        E,
        "An int64 constant exceeds 2^53 - 1 and cannot be a TypeScript `number`.",
        'Set `[tool.specloom.targets.typescript] int64 = "bigint"` or use a smaller value.',
    ),
    Rule(
        "SL110",
        "unknown-error",
        E,
        "An operation raises an error that is not defined.",
        "Define the error under `errors:` or fix its name.",
    ),
    Rule(
        "SL111",
        "bad-constant",
        E,
        "A constant's value does not match its declared type.",
        "Change the value or the type so they agree.",
    ),
    Rule(
        "SL112",
        "generated-name-collision",
        E,
        "A type, error, constant or enum becomes a name the target's generated code already"
        " declares (`SvcService`, `SvcError` in spec `svc`).",
        "Rename the item; the message names what the target declares under that name.",
    ),
    Rule(
        "SL113",
        "union-variant",
        E,
        "A union has fewer than two variants, an optional or nullable variant, or (tagged) a"
        " variant that is not a record or declares the tag field.",
        "Fix the variant list; the message says which variant and why.",
    ),
    Rule(
        "SL114",
        "union-tag",
        E,
        "A tagged union's variant has no tag value, or two variants share one tag.",
        "Give every variant its own tag value.",
    ),
    Rule(
        "SL115",
        "ambiguous-union",
        E,
        "Two variants of an untagged union accept the same JSON value.",
        "Add a `tag`, drop a variant, or make the records' required fields differ.",
    ),
    Rule(
        "SL116",
        "http-binding",
        E,
        "An operation's `http` binding is malformed: a path parameter that is not a parameter"
        " or not a scalar, a bad method or placement, or two operations on one route.",
        "Fix the binding; the message names the parameter or route.",
    ),
    Rule(
        "SL117",
        "error-status",
        E,
        "An error's `status` is not an HTTP error status: a 4xx or 5xx code, `4XX`, `5XX` or"
        " `default`.",
        "Write the status the error is answered with (`status: 404`), or leave it out to"
        " take the naming rule.",
    ),
    # -- SL2xx: cross-spec conflicts --------------------------------------------------
    Rule(
        "SL201",
        "conflicting-type",
        E,
        "Two specs define the same type name differently.",
        "Define the type once and import it, or rename one of them.",
    ),
    Rule(
        "SL202",
        "conflicting-constant",
        E,
        "Two specs define the same constant differently.",
        "Define the constant once and import it, or rename one of them.",
    ),
    Rule(
        "SL203",
        "contradiction",
        E,
        "A MUST and a MUST NOT state the same thing of one subject.",
        "Decide which rule holds and delete or narrow the other.",
    ),
    Rule(
        "SL204",
        "authority-override",
        E,
        "A lower-authority clause contradicts a higher-authority one.",
        "Remove the lower-authority clause or make it consistent with the higher one.",
    ),
    Rule(
        "SL205",
        "redefined-import",
        E,
        "A clause id or a type is defined both in a spec and in a spec it imports.",
        "Use the imported definition (`<spec>.<Type>`) or give the clause or type its own name.",
    ),
    # -- SL3xx: target rules (lint hooks of docs, tutorial and podcast) ---------------
    Rule(
        "SL301",
        "podcast-unspeakable",
        E,
        "Spec text the podcast would read aloud is code, a pattern, a URL or a call.",
        "Put it in backticks (code spans are not read aloud) or say it in words.",
    ),
    Rule(
        "SL302",
        "podcast-cannot-say",
        E,
        "A MUST clause the podcast cannot say: too long for one spoken line, or cut before half"
        " its words.",
        "Split the sentence into shorter ones, each with its own tag.",
    ),
]

RULES: dict[str, Rule] = {r.id: r for r in _RULES}
"""Every rule by id, in id order."""


def rule(rule_id: str) -> Rule:
    """The rule with this id (KeyError for an unknown id: a programming error)."""
    return RULES[rule_id]


def finding(
    rule_id: str,
    message: str,
    pos: SourcePos | None = None,
    clause: str | None = None,
    *,
    file: str | None = None,
    line: int | None = None,
) -> Finding:
    """A Finding of `rule_id` at its default severity, placed at `pos` (or file/line)."""
    return Finding(
        rule=rule_id,
        severity=RULES[rule_id].severity,
        message=message,
        file=pos.file if pos else file,
        line=pos.line if pos else line,
        clause=clause,
    )
