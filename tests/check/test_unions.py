"""Unions, nullable and HTTP bindings: parse, type check (SL113-SL116) and example values."""

from __future__ import annotations

from pathlib import Path

import pytest
from specloom.targets.values import Null, RecordValue, UnionValue, ValueBuilder

from specloom.check.diff import diff_specs
from specloom.check.lint import lint_workspace
from specloom.check.values import call_problems
from specloom.config import LintConfig
from specloom.errors import SpecError
from specloom.findings import Finding
from specloom.model import Spec
from specloom.parse import load_workspace
from specloom.parse.typeexpr import TypeSyntaxError, parse_type

HEAD = """---
spec: s
title: S
---

# S {#s}

Everything here MUST hold[^c1].

```specloom
"""


def lint(tmp_path: Path, block: str, tail: str = "") -> list[Finding]:
    folder = tmp_path / "ws" / "s"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "spec.md").write_text(HEAD + block + "```\n" + tail, encoding="utf-8")
    return lint_workspace(load_workspace(tmp_path / "ws"), LintConfig())


def rules(found: list[Finding], *ids: str) -> list[tuple[str, int, str]]:
    return sorted((f.rule, f.line or 0, f.message) for f in found if f.rule in ids)


UNION_IDS = ("SL101", "SL113", "SL114", "SL115", "SL116")

# -- the type grammar ---------------------------------------------------------------------


def test_nullable_is_distinct_from_optional() -> None:
    t = parse_type("nullable<string>")
    assert (t.kind, t.name, t.nullable, t.optional) == ("primitive", "string", True, False)
    t = parse_type("nullable<list<Card>>?")
    assert (t.kind, t.nullable, t.optional, t.text) == ("list", True, True, "nullable<list<Card>>?")
    assert t.args[0].name == "Card" and not t.args[0].nullable
    t = parse_type("string?")
    assert (t.optional, t.nullable) == (True, False)
    t = parse_type("map<string, nullable<int32>>")
    assert t.args[1].nullable and not t.nullable


@pytest.mark.parametrize(
    "text",
    ["nullable", "nullable<string?>", "nullable<nullable<string>>", "map<nullable<string>,int32>"],
)
def test_bad_nullable_forms(text: str) -> None:
    with pytest.raises(TypeSyntaxError):
        parse_type(text)


# -- parse -------------------------------------------------------------------------------


def test_tagged_and_untagged_unions_parse(tmp_path: Path) -> None:
    lint(
        tmp_path,
        "types:\n"
        "  A: {fields: {x: int32}}\n"
        "  B: {fields: {y: string}}\n"
        "  U:\n"
        "    clauses: [c1]\n"
        "    tag: kind\n"
        "    union:\n"
        "      a: A\n"
        "      b: B\n"
        "  V:\n"
        "    union: [int32, string]\n",
    )
    spec = load_workspace(tmp_path / "ws").spec("s")
    u = next(t for t in spec.types if t.name == "U")
    assert (u.kind, u.tag, u.clauses) == ("union", "kind", ["c1"])
    assert [(v.tag, v.type.text, v.pos.line) for v in u.variants] == [
        ("a", "A", 18),
        ("b", "B", 19),
    ]
    v = next(t for t in spec.types if t.name == "V")
    assert (v.kind, v.tag, [x.type.text for x in v.variants]) == (
        "union",
        None,
        ["int32", "string"],
    )


@pytest.mark.parametrize(
    ("block", "needle"),
    [
        ("types:\n  U: {tag: k, union: [A, B]}\n", "maps tag values to record types"),
        ("types:\n  U: {union: {a: A}}\n", "without a `tag` is a list of types"),
        ("types:\n  U: {tag: k, fields: {a: string}}\n", "belongs to a union"),
        ("types:\n  U: {union: [A], alias: string}\n", "needs exactly one of"),
        ("operations:\n  go: {http: {method: GET}}\n", "has no `path`"),
        ("operations:\n  go: {http: {method: GET, path: /x, verb: 1}}\n", "unknown key 'verb'"),
    ],
)
def test_malformed_blocks_exit_with_file_and_line(tmp_path: Path, block: str, needle: str) -> None:
    with pytest.raises(SpecError) as exc:
        lint(tmp_path, block)
    assert needle in str(exc.value)
    assert exc.value.file is not None and exc.value.file.endswith("spec.md")
    assert exc.value.line is not None and exc.value.line >= 11


# -- type check --------------------------------------------------------------------------


def test_a_good_union_spec_has_no_union_findings(tmp_path: Path) -> None:
    found = lint(
        tmp_path,
        "types:\n"
        "  A: {fields: {x: int32}}\n"
        "  B: {fields: {y: string, z: string?}}\n"
        "  E1: {values: [a, b]}\n"
        "  E2: {values: [c]}\n"
        "  Tagged: {tag: kind, union: {a: A, b: B}}\n"
        "  Shapes: {union: [A, B, list<A>, bool]}\n"
        "  Names: {union: [E1, E2, int32]}\n"
        "  Tree: {fields: {kids: list<Node>}}\n"
        "  Node: {union: [Tree, string]}\n"
        "operations:\n"
        "  get: {params: {id: int64, q: list<E1>?}, returns: nullable<Tagged>,"
        " http: {method: GET, path: '/t/{id}'}}\n"
        "  put: {params: {id: int64, body: Tagged, token: string},"
        " http: {method: PUT, path: '/t/{id}', params: {token: header}}}\n"
        "  plain: {params: {x: Names}}\n",
    )
    assert rules(found, *UNION_IDS, "SL107") == []


def test_union_variant_rules(tmp_path: Path) -> None:
    found = lint(
        tmp_path,
        "types:\n"
        "  A: {fields: {kind: string, x: int32}}\n"  # line 12
        "  B: {fields: {y: string}}\n"
        "  E: {values: [a]}\n"
        "  One: {union: [A]}\n"  # 15
        "  Opt: {union: [A?, nullable<B>]}\n"  # 16
        "  T:\n"
        "    tag: kind\n"
        "    union:\n"
        "      a: A\n"  # 20: declares the tag field
        "      e: E\n"  # 21: an enum
        "      s: string\n"  # 22: a scalar
        "      m: Missing\n",  # 23: unknown (SL101 only)
    )
    got = rules(found, "SL113", "SL101")
    assert [(r, line) for r, line, _ in got] == [
        ("SL101", 23),
        ("SL113", 15),
        ("SL113", 16),
        ("SL113", 16),
        ("SL113", 20),
        ("SL113", 21),
        ("SL113", 22),
    ]
    msgs = " | ".join(m for _, _, m in got)
    assert "record A declares the field 'kind'" in msgs
    assert "is the enum E" in msgs and "'string'" in msgs and "1 variant(s)" in msgs


def test_union_tag_rules(tmp_path: Path) -> None:
    found = lint(
        tmp_path,
        "types:\n"
        "  A: {fields: {x: int32}}\n"
        "  B: {fields: {y: string}}\n"
        "  T:\n"
        "    tag: kind\n"
        "    union:\n"
        "      a: A\n"  # 17
        "      ~: B\n"  # 18: no tag value
        "      a: B\n",  # 19: duplicate tag
    )
    got = rules(found, "SL114")
    assert [(r, line) for r, line, _ in got] == [("SL114", 18), ("SL114", 19)]
    assert "has no tag value" in got[0][2] and "names two variants (A at line 17" in got[1][2]


@pytest.mark.parametrize(
    ("variants", "ambiguous"),
    [
        ("[int32, int64]", True),
        ("[int32, float64]", True),  # 3 is both
        ("[string, date]", True),
        ("[string, E1]", True),
        ("[E1, E2]", False),  # disjoint values
        ("[E1, E3]", True),  # share `a`
        ("[A, B]", False),  # each requires a field the other lacks
        ("[A, AB]", True),  # an AB value has every field A requires
        ('[A, "map<string,int32>"]', True),
        ("[list<A>, list<B>]", True),
        ("[bool, string, int32, list<A>, A]", False),
        ("[Alias, string]", True),  # aliases are followed
        ("[Inner, bool]", True),  # nested untagged union flattened (has bool)
    ],
)
def test_ambiguous_untagged_unions(tmp_path: Path, variants: str, ambiguous: bool) -> None:
    found = lint(
        tmp_path,
        "types:\n"
        "  A: {fields: {x: int32}}\n"
        "  B: {fields: {y: string}}\n"
        "  AB: {fields: {x: int32, y: string}}\n"
        "  E1: {values: [a, b]}\n"
        "  E2: {values: [c]}\n"
        "  E3: {values: [a, z]}\n"
        "  Alias: {alias: uuid}\n"
        "  Inner: {union: [bool, A]}\n"
        f"  U: {{union: {variants}}}\n",
    )
    got = [f for f in found if f.rule == "SL115" and "union U" in f.message]
    assert bool(got) is ambiguous, [f.message for f in got]


def test_http_binding_rules(tmp_path: Path) -> None:
    found = lint(
        tmp_path,
        "types:\n"
        "  R: {fields: {x: int32}}\n"
        "  Code: {alias: string}\n"
        "operations:\n"
        "  a: {params: {code: Code}, http: {method: GET, path: '/a/{code}'}}\n"  # 14 ok
        "  b: {params: {r: R}, http: {method: GET, path: '/b/{r}'}}\n"  # 15 record in path
        "  c: {params: {x: string?}, http: {method: GET, path: '/c/{x}'}}\n"  # 16 optional
        "  d: {params: {}, http: {method: FETCH, path: 'd/{nope}'}}\n"  # 17: 3 findings
        "  e: {params: {x: int32}, http: {method: POST, path: /e, params: {x: cookie, y: query}}}\n"
        "  f: {params: {x: int32}, http: {method: POST, path: /f, params: {x: path}}}\n"  # 19
        "  g: {params: {r: R}, http: {method: GET, path: /g, params: {r: body}}}\n"  # 20
        "  h: {params: {code: string}, http: {method: get, path: '/a/{other}'}}\n"  # 21 route
        "  i: {params: {r: R}}\n"  # default POST /i: fine
        "  j: {params: {}, http: {method: POST, path: /i}}\n"  # 23 same route as i
        "  k: {params: {r: R}, http: {method: DELETE, path: /k, params: {r: body}}}\n",  # fine
    )
    got = rules(found, "SL116")
    lines = [line for _, line, _ in got]
    assert lines == [16, 17, 18, 18, 18, 19, 19, 20, 21, 22, 22, 24], got
    msgs = " | ".join(m for _, _, m in got)
    for needle in (
        "path parameter r is R",
        "path parameter x is string?",
        "method 'FETCH' is not one of",
        "must start with `/`",
        "names {nope}, which is not a parameter",
        "placed in 'cookie'",
        "places 'y', which is not a parameter",
        "placed in the path, which does not name {x}",
        "GET has no body",
        "the route of operation a",
        "the route of operation i",
    ):
        assert needle in msgs, needle


def test_placement_defaults() -> None:
    from specloom.model import HttpBinding, Operation, SourcePos

    pos = SourcePos(file="f", line=1)
    op = Operation(name="go", pos=pos)
    assert op.binding() == ("POST", "/go") and op.placement("x") == "body"
    op = Operation(
        name="go",
        pos=pos,
        http=HttpBinding(method="GET", path="/g/{id}", params={"t": "header"}, pos=pos),
    )
    assert [op.placement(p) for p in ("id", "t", "q")] == ["path", "header", "query"]


# -- example values ----------------------------------------------------------------------

VALUES_BLOCK = (
    "types:\n"
    "  A: {fields: {x: int32, note: nullable<string>?}}\n"
    "  B: {fields: {y: string}}\n"
    "  T: {tag: kind, union: {a: A, b: B}}\n"
    "  U: {union: [int32, B]}\n"
    "operations:\n"
    "  go: {params: {t: T, u: U, n: nullable<int32>, o: int32?}, returns: nullable<T>}\n"
)


def test_example_values_of_unions_and_nullables(tmp_path: Path) -> None:
    lint(tmp_path, VALUES_BLOCK)
    ws = load_workspace(tmp_path / "ws")
    spec = ws.spec("s")

    def problems(with_: dict[str, object], expect: object = None) -> list[str]:
        return call_problems(spec, ws, "go", with_, expect=expect, expect_error=None)

    good = {"t": {"kind": "a", "x": 1, "note": None}, "u": 3, "n": None}
    assert problems(good) == []
    assert problems({**good, "u": {"y": "s"}}, {"kind": "b"}) == []
    assert problems({**good, "t": {"kind": "c", "x": 1}}) == [
        "with.t.kind: 'c' is not a tag of `T` (a, b)"
    ]
    assert problems({**good, "t": {"x": 1}})[0].startswith(
        "with.t: a `T` is a mapping with its tag"
    )
    assert problems({**good, "t": {"kind": "b", "x": 1}})[0] == (
        "with.t: the record `B` has no field `x`"
    )
    assert problems({**good, "u": "s"})[0].startswith("with.u: 's' is none of the variants of `U`")
    assert problems({"t": good["t"], "u": 1}) == ["with: no value for the required parameter `n`"]


def test_typed_values_keep_null_apart_from_absent(tmp_path: Path) -> None:
    tail = (
        "\n**Example**: one\n\n```specloom-example\ncall: go\n"
        "with: {t: {kind: a, x: 1, note: ~}, u: {y: s}, n: ~}\nexpect: {kind: b}\n```\n"
    )
    lint(tmp_path, VALUES_BLOCK, tail)
    ws = load_workspace(tmp_path / "ws")
    (case,) = ValueBuilder(ws.spec("s"), ws).cases()
    args = dict(case.args)
    t = args["t"]
    assert isinstance(t, UnionValue) and (t.index, t.label) == (0, "a")
    assert isinstance(t.value, RecordValue)
    assert dict(t.value.fields)["note"] == Null(explicit=True)
    u = args["u"]
    assert isinstance(u, UnionValue) and (u.index, u.label) == (1, "B")
    assert args["n"] == Null(explicit=True) and args["o"] == Null(explicit=False)
    assert isinstance(case.expect, UnionValue) and case.expect.label == "b"


# -- diff --------------------------------------------------------------------------------


def _spec(tmp_path: Path, name: str, block: str) -> Spec:
    folder = tmp_path / name / "s"
    folder.mkdir(parents=True)
    (folder / "spec.md").write_text(HEAD + block + "```\n", encoding="utf-8")
    return load_workspace(tmp_path / name).spec("s")


DIFF_BASE = (
    "types:\n"
    "  A: {fields: {x: int32}}\n"
    "  B: {fields: {y: string}}\n"
    "  C: {fields: {z: bool}}\n"
    "  T: {tag: kind, union: {a: A, b: B}}\n"
    "  R: {fields: {n: string}}\n"
    "operations:\n"
    "  go: {params: {id: string}, http: {method: GET, path: '/go/{id}'}}\n"
    "  put: {params: {a: A}, http: {method: PUT, path: /put}}\n"
)


@pytest.mark.parametrize(
    ("old", "new", "want"),
    [
        (
            "T: {tag: kind, union: {a: A, b: B}}",
            "T: {tag: kind, union: {a: A, b: B, c: C}}",
            [("added", "T.c", "minor")],
        ),
        (
            "T: {tag: kind, union: {a: A, b: B}}",
            "T: {tag: kind, union: {a: A}}",
            [("removed", "T.b", "breaking")],
        ),
        (
            "T: {tag: kind, union: {a: A, b: B}}",
            "T: {tag: kind, union: {a: A, b: C}}",
            [("changed", "T.b", "breaking")],
        ),
        (
            "T: {tag: kind, union: {a: A, b: B}}",
            "T: {tag: type, union: {a: A, b: B}}",
            [("changed", "T", "breaking")],
        ),
        (
            "R: {fields: {n: string}}",
            "R: {fields: {n: nullable<string>}}",
            [("changed", "R.n", "breaking")],
        ),
        ("path: '/go/{id}'", "path: '/v2/go/{id}'", [("changed", "go", "breaking")]),
        (
            "http: {method: GET, path: '/go/{id}'}",
            "http: {method: GET, path: /go}",
            [("changed", "go", "breaking")],
        ),  # id moves from the path to the query
        (
            "http: {method: PUT, path: /put}",
            "http: {method: PUT, path: /put, body: a}",
            [("changed", "put", "breaking")],
        ),  # {"a": {...}} on the wire becomes {...}
    ],
)
def test_diff_of_unions_nullable_and_bindings(
    tmp_path: Path, old: str, new: str, want: list[tuple[str, str, str]]
) -> None:
    assert old in DIFF_BASE
    a = _spec(tmp_path, "old", DIFF_BASE)
    b = _spec(tmp_path, "new", DIFF_BASE.replace(old, new))
    got = [(c.action, c.subject, c.impact) for c in diff_specs(a, b).changes if c.kind != "clause"]
    assert got == want


def test_whole_body_binding_rules(tmp_path: Path) -> None:
    found = lint(
        tmp_path,
        "types:\n"
        "  R: {fields: {x: int32}}\n"
        "operations:\n"
        "  a: {params: {r: R, id: string}, http: {method: PUT, path: '/a/{id}', body: r}}\n"  # ok
        "  b: {params: {r: R}, http: {method: POST, path: /b, body: nope}}\n"  # 15
        "  c: {params: {r: R}, http: {method: POST, path: /c, body: r, params: {r: query}}}\n"
        "  d: {params: {r: R, s: R}, http: {method: POST, path: /d, body: r}}\n"  # 17
        "  e: {params: {r: list<R>, t: string}, http: {method: POST, path: /e, body: r,"
        " params: {t: header}}}\n",  # 18 ok
    )
    got = rules(found, "SL116")
    assert [(line, m.split(": ", 1)[1]) for _, line, m in got] == [
        (15, "`http.body` names 'nope', which is not a parameter"),
        (16, "`http.body` names r, which is placed in the query: drop its placement or `body`"),
        (16, "query parameter r is R: use a scalar or a list of them"),
        (
            17,
            "parameter s is also in the body, whose whole value is r (`http.body`): place it "
            "in the query, a header or the path, or drop `body`",
        ),
    ], got
    ws = load_workspace(tmp_path / "ws")
    [a] = [o for o in ws.spec("s").operations if o.name == "a"]
    assert (a.whole_body(), a.placement("r"), a.placement("id")) == ("r", "body", "path")
