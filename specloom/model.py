"""The intermediate representation (IR): one typed model of a parsed spec, read by every target."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Node(BaseModel):
    """Base of every IR node: frozen-ish, strict about unknown keys, JSON-serialisable."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class SourcePos(Node):
    """Where a node came from: a path (as given to the parser, POSIX style) and a 1-based line."""

    file: str
    line: int


class Level(StrEnum):
    """Normative strength of a clause, from RFC 2119/8174 keywords (strongest one wins)."""

    MUST = "MUST"
    MUST_NOT = "MUST NOT"
    SHOULD = "SHOULD"
    SHOULD_NOT = "SHOULD NOT"
    MAY = "MAY"
    NONE = "NONE"

    @property
    def rank(self) -> int:
        """Higher is stronger; used to pick the strongest keyword of a clause."""
        return {
            "MUST": 5,
            "MUST NOT": 5,
            "SHOULD": 3,
            "SHOULD NOT": 3,
            "MAY": 1,
            "NONE": 0,
        }[self.value]


class CrossRef(Node):
    """A link inside the spec: `[?](#id)`, `[text](#id)` or `[text](other.md#id)`."""

    target: str
    """The anchor (clause or section id) the link points at."""
    spec_file: str | None = None
    """The other file named before `#` (e.g. `common.md`), None for a local link."""
    text: str | None = None
    """The link text; None for the auto-titled form `[?](#id)`."""
    pos: SourcePos


class TranscriptMessage(Node):
    """One message of an `xml` transcript (`<user>...</user>`), with its GOOD/BAD verdict."""

    role: str
    text: str
    verdict: Literal["GOOD", "BAD", "OK"] | None = None
    note: str | None = None
    """The words after the verdict: `<!-- BAD: executes suspicious instructions -->`."""
    attrs: dict[str, str] = Field(default_factory=dict)
    """The opening tag's attributes as written: `<assistant recipient="python">`."""
    comparison: int | None = None
    """0-based index of the `<comparison>` holding the message (alternatives of one turn)."""
    pos: SourcePos
    """The line of the message's opening tag."""


class Transcript(Node):
    """A fenced `xml` conversation, Model Spec style, possibly with a `<comparison>`."""

    messages: list[TranscriptMessage] = Field(default_factory=list)
    raw: str
    pos: SourcePos


class Step(Node):
    """One `given` step of a structured example: a call run before the example's own call.

    Strings of the form `$name` or `$name.field[0].sub` in `with` and `expect` refer to the
    result an earlier step bound with `as:` (`specloom.references` reads them).
    """

    call: str
    with_: dict[str, Any] = Field(default_factory=dict, alias="with")
    as_: str | None = Field(default=None, alias="as")
    """The name the step's result is bound to, for later `$name` references."""
    checks: bool = False
    """True when the step has an `expect` (its result is then checked, subset match)."""
    expect: Any = None
    """The expected result when `checks` is set and no error is expected."""
    expect_error: str | None = None
    """The error name from `expect: {error: Name}`."""
    pos: SourcePos


class StructuredExample(Node):
    """A `specloom-example` block: call an operation with arguments, expect a value or an error.

    `given` steps run first, in order, on the same fresh service instance.
    """

    given: list[Step] = Field(default_factory=list)
    call: str
    with_: dict[str, Any] = Field(default_factory=dict, alias="with")
    expect: Any = None
    """The expected return value, or None when `expect_error` is set."""
    expect_error: str | None = None
    """The error name from `expect: {error: Name}`."""
    pos: SourcePos


class Example(Node):
    """One `**Example**:` item, inline in the spec or in `examples/<id>.md`."""

    title: str
    clause: str | None = None
    """The clause the example belongs to (eval id for example files, enclosing section inline)."""
    source: Literal["inline", "file"]
    body: str = ""
    """Markdown between the title and the next example (prose around the blocks)."""
    transcript: Transcript | None = None
    structured: StructuredExample | None = None
    pos: SourcePos


class ExampleFile(Node):
    """`examples/<id>.md`: the examples of the clause tagged `[^id]`."""

    id: str
    path: str
    examples: list[Example] = Field(default_factory=list)
    pos: SourcePos


class Admonition(Node):
    """`!!! kind "Title"` followed by an indented body."""

    kind: str
    title: str | None = None
    text: str
    pos: SourcePos


class Clause(Node):
    """A normative unit: a heading with an id (section clause) or a sentence tagged `[^id]`."""

    id: str
    kind: Literal["section", "statement"]
    title: str
    """Heading text for a section clause; the first words of the sentence for a statement."""
    text: str
    """The sentence (statement), or the section's own prose before its first sub-heading."""
    level: Level = Level.NONE
    keywords: list[str] = Field(default_factory=list)
    """Every normative keyword found in `text`, as written (`MUST`, `should`...)."""
    authority: str | None = None
    """`authority=` from the heading, inherited by the statements under it."""
    section: str | None = None
    """Id of the enclosing section (for a section clause: its parent section)."""
    attrs: dict[str, str] = Field(default_factory=dict)
    refs: list[CrossRef] = Field(default_factory=list)
    pos: SourcePos


class Section(Node):
    """A heading and the Markdown under it up to the next heading of any depth."""

    id: str
    """Explicit `{#id}` or, without one, a slug of the title (then `explicit_id` is False)."""
    explicit_id: bool
    title: str
    depth: int
    """Heading depth: 1 for `#`, 2 for `##`..."""
    parent: str | None = None
    attrs: dict[str, str] = Field(default_factory=dict)
    body: str = ""
    """The section's own Markdown source (not its sub-sections), heading line excluded."""
    body_line: int = 0
    """Line of the first body line in the source file."""
    admonitions: list[Admonition] = Field(default_factory=list)
    pos: SourcePos


class TypeRef(Node):
    """A parsed type expression: `string`, `list<T>`, `map<string,T>`, `T?`, `common.Money`."""

    kind: Literal["primitive", "list", "map", "named"]
    name: str
    """Primitive name (`int64`), `list`, `map`, or the referenced type's name (`Money`)."""
    spec: str | None = None
    """For a qualified name (`common.Money`): the imported spec's id."""
    args: list[TypeRef] = Field(default_factory=list)
    """Element type for `list`, [key, value] for `map`."""
    optional: bool = False
    """`T?`: the value may be absent (a field left out, a parameter not passed)."""
    nullable: bool = False
    """`nullable<T>`: the value is present but may be `null` (distinct from optional)."""
    text: str
    """The expression as written."""


PRIMITIVES: frozenset[str] = frozenset(
    {"string", "int32", "int64", "float64", "bool", "bytes", "date", "datetime", "uuid"}
)


class FieldDef(Node):
    """A record field or an operation parameter."""

    name: str
    type: TypeRef
    doc: str | None = None
    pos: SourcePos


class EnumVariant(Node):
    """One value of an enum."""

    name: str
    doc: str | None = None
    pos: SourcePos
    """The line of the value's name in the `specloom` block."""


class InterfaceItem(Node):
    """Common part of every item in a `specloom` block."""

    name: str
    doc: str | None = None
    clauses: list[str] = Field(default_factory=list)
    section: str | None = None
    """Id of the section whose `specloom` block defines the item."""
    pos: SourcePos


class UnionVariant(Node):
    """One variant of a union: its type and, in a tagged union, the tag value naming it."""

    tag: str | None = None
    """The discriminator value (`card`); None in an untagged union."""
    type: TypeRef
    pos: SourcePos


class TypeDef(InterfaceItem):
    """A record (`fields`), an enum (`values`), an alias (`alias`) or a union (`union`)."""

    kind: Literal["record", "enum", "alias", "union"]
    fields: list[FieldDef] = Field(default_factory=list)
    values: list[EnumVariant] = Field(default_factory=list)
    alias: TypeRef | None = None
    variants: list[UnionVariant] = Field(default_factory=list)
    """The variants of a union, in source order."""
    tag: str | None = None
    """A tagged union's discriminator field (`kind`); None for an untagged union."""


HTTP_METHODS: tuple[str, ...] = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
Placement = Literal["path", "query", "header", "body"]


class HttpBinding(Node):
    """`http: {method, path, params}` of an operation: how it is called over HTTP."""

    method: str
    """Upper case (`GET`); lint (SL116) checks it is one of HTTP_METHODS."""
    path: str
    """`/links/{code}`: each `{name}` is a parameter placed in the path."""
    params: dict[str, str] = Field(default_factory=dict)
    """Placements given explicitly (`token: header`); see `Operation.placement`."""
    body: str | None = None
    """The parameter whose value is the whole JSON body (`body: pet`, as google.api.http's
    `body: "pet"`); None: the body parameters are the fields of one JSON object."""
    pos: SourcePos


class Operation(InterfaceItem):
    """A callable: parameters, a return type (None: returns nothing) and the errors it raises."""

    params: list[FieldDef] = Field(default_factory=list)
    returns: TypeRef | None = None
    errors: list[str] = Field(default_factory=list)
    http: HttpBinding | None = None
    """The HTTP binding as written; None: `POST /<operation name>` with a JSON body."""

    def binding(self) -> tuple[str, str]:
        """(method, path) of the operation, the default when it has no `http`."""
        if self.http is None:
            return "POST", "/" + self.name
        return self.http.method, self.http.path

    def placement(self, param: str) -> str:
        """Where a parameter travels: named in the path -> `path`; given in `http.params`
        -> that; otherwise `query` for GET, HEAD, DELETE and OPTIONS, else `body`."""
        method, path = self.binding()
        if "{" + param + "}" in path:
            return "path"
        if self.http is not None and param in self.http.params:
            return self.http.params[param]
        return "query" if method in ("GET", "HEAD", "DELETE", "OPTIONS") else "body"

    def whole_body(self) -> str | None:
        """The parameter that is the whole JSON body (`http.body`), or None."""
        return self.http.body if self.http is not None else None


_STATUS_WORDS = [
    (re.compile(r"not.?found|missing|unknown", re.I), "404"),
    (re.compile(r"conflict|already|duplicate|exists", re.I), "409"),
    (re.compile(r"unauthori[sz]ed|unauthenticated", re.I), "401"),
    (re.compile(r"forbidden|denied|permission", re.I), "403"),
    (re.compile(r"rate|too.?many|quota", re.I), "429"),
]
"""Error name -> HTTP status when the error gives no `status` (docs/spec-format.md)."""

ERROR_STATUS = re.compile(r"[45]\d\d|[45]XX|default")
"""What an error's `status` may be (SL117): a 4xx/5xx code, a range, or `default`."""


class ErrorDef(InterfaceItem):
    """A named error an operation can raise, with optional payload fields."""

    fields: list[FieldDef] = Field(default_factory=list)
    status: str | None = None
    """The HTTP status it is answered with as written (`404`, `4XX`, `default`); None: the
    naming rule (`http_status`). Lint (SL117) checks it is a 4xx/5xx status."""

    def http_status(self) -> str:
        """`status` when given, else from the name: the first of not found/missing/unknown
        404, conflict/already/duplicate/exists 409, unauthorized/unauthenticated 401,
        forbidden/denied/permission 403, rate/too many/quota 429; anything else 400."""
        if self.status is not None:
            return self.status
        return next((code for pat, code in _STATUS_WORDS if pat.search(self.name)), "400")


class Constant(InterfaceItem):
    """A named value with a type."""

    type: TypeRef
    value: Any


class Spec(Node):
    """One parsed specification: metadata, sections, clauses, interface, examples."""

    id: str
    title: str
    version: str | None = None
    status: str | None = None
    owners: list[str] = Field(default_factory=list)
    imports: list[str] = Field(default_factory=list)
    authority: list[str] = Field(default_factory=list)
    """Authority levels, highest first (front matter `authority`), e.g. [root, system, ...]."""
    strict: bool = False
    """Front matter `strict: true`: lowercase normative words are lint findings."""
    meta: dict[str, Any] = Field(default_factory=dict)
    """Front-matter keys specloom does not interpret, kept as written."""
    path: str
    """The spec's Markdown file."""
    examples_dir: str | None = None
    hash: str
    """sha256 over the spec file and its examples files (hex)."""
    sections: list[Section] = Field(default_factory=list)
    clauses: list[Clause] = Field(default_factory=list)
    types: list[TypeDef] = Field(default_factory=list)
    operations: list[Operation] = Field(default_factory=list)
    errors: list[ErrorDef] = Field(default_factory=list)
    constants: list[Constant] = Field(default_factory=list)
    examples: list[Example] = Field(default_factory=list)
    """Inline examples (in the spec file) and the examples of every examples file."""
    example_files: list[ExampleFile] = Field(default_factory=list)
    refs: list[CrossRef] = Field(default_factory=list)
    """Every cross reference in the spec, clause or not."""

    def clause(self, clause_id: str) -> Clause | None:
        """The clause with this id, or None."""
        for c in self.clauses:
            if c.id == clause_id:
                return c
        return None

    def interface_items(self) -> list[InterfaceItem]:
        """Types, operations, errors and constants, in that order."""
        return [*self.types, *self.operations, *self.errors, *self.constants]

    def anchors(self) -> set[str]:
        """Every id a cross reference may point at: section ids and clause ids."""
        return {s.id for s in self.sections} | {c.id for c in self.clauses}


class Workspace(Node):
    """A folder of specs with their imports resolved; `order` lists ids dependencies first."""

    root: str
    specs: dict[str, Spec] = Field(default_factory=dict)
    order: list[str] = Field(default_factory=list)

    def spec(self, spec_id: str) -> Spec:
        """The spec with this id (KeyError when absent)."""
        return self.specs[spec_id]

    def dependencies(self, spec_id: str) -> list[str]:
        """Ids of the specs `spec_id` imports, directly or transitively, dependencies first."""
        found: set[str] = set()
        frontier = list(self.specs[spec_id].imports) if spec_id in self.specs else []
        while frontier:
            cur = frontier.pop()
            if cur in found or cur not in self.specs:
                continue
            found.add(cur)
            frontier += self.specs[cur].imports
        return [i for i in self.order if i in found] + sorted(found - set(self.order))

    def dependents(self, spec_id: str) -> set[str]:
        """Ids of the specs that import `spec_id`, directly or transitively."""
        out: set[str] = set()
        frontier = [spec_id]
        while frontier:
            cur = frontier.pop()
            for s in self.specs.values():
                if cur in s.imports and s.id not in out:
                    out.add(s.id)
                    frontier.append(s.id)
        return out
