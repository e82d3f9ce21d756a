"""diff_specs: every change classed, and the front-matter version bump checked."""

from __future__ import annotations

from typing import Any

import pytest

from specloom.check.diff import Bump, diff_specs, parse_version, required_bump, version_bump
from specloom.model import EnumVariant, Level, TypeDef
from specloom.semver import SemVer


def base(ir: Any, version: str = "1.2.0", **over: Any) -> Any:
    kw: dict[str, Any] = dict(
        version=version,
        clauses=[
            ir.stmt("c1", "A thing MUST be blue."),
            ir.stmt("c2", "A thing SHOULD be round.", Level.SHOULD),
            ir.stmt("c3", "A thing MAY be big.", Level.MAY),
        ],
        types=[
            ir.record("Thing", {"id": "string", "size": "int32"}),
            TypeDef(
                name="Color",
                kind="enum",
                pos=ir.pos(3),
                values=[
                    EnumVariant(name="blue", pos=ir.pos(3)),
                    EnumVariant(name="red", pos=ir.pos(3)),
                ],
            ),
        ],
        operations=[ir.op("make", {"color": "Color"}, "Thing", errors=["Bad"])],
        errors=[ir.err("Bad")],
        constants=[ir.const("MAX", "int32", 10)],
    )
    kw.update(over)
    return ir.spec("s", **kw)


def changes(d: Any) -> list[tuple[str, str, str]]:
    return sorted((c.impact, c.kind, c.subject) for c in d.changes)


def test_identical_specs_need_no_bump(ir: Any) -> None:
    d = diff_specs(base(ir), base(ir))
    assert d.changes == [] and d.required is Bump.NONE and d.ok


def test_wording_is_patch(ir: Any) -> None:
    new = base(
        ir,
        "1.2.1",
        clauses=[
            ir.stmt("c1", "A thing MUST be painted blue."),
            ir.stmt("c2", "A thing SHOULD be round.", Level.SHOULD),
            ir.stmt("c3", "A thing MAY be big.", Level.MAY),
        ],
    )
    d = diff_specs(base(ir), new)
    assert changes(d) == [("patch", "clause", "c1")]
    assert d.required is Bump.PATCH and d.actual is Bump.PATCH and d.ok


def test_added_items_and_optional_fields_are_minor(ir: Any) -> None:
    new = base(
        ir,
        "1.3.0",
        clauses=[*base(ir).clauses, ir.stmt("c4", "A thing MUST have a name.")],
        types=[
            ir.record("Thing", {"id": "string", "size": "int32", "note": "string?"}),
            TypeDef(
                name="Color",
                kind="enum",
                pos=ir.pos(3),
                values=[
                    EnumVariant(name="blue", pos=ir.pos(3)),
                    EnumVariant(name="red", pos=ir.pos(3)),
                    EnumVariant(name="green", pos=ir.pos(3)),
                ],
            ),
        ],
        constants=[ir.const("MAX", "int32", 10), ir.const("MIN", "int32", 1)],
    )
    d = diff_specs(base(ir), new)
    assert changes(d) == [
        ("minor", "clause", "c4"),
        ("minor", "constant", "MIN"),
        ("minor", "type", "Color.green"),
        ("minor", "type", "Thing.note"),
    ]
    assert d.required is Bump.MINOR and d.ok


def test_breaking_changes(ir: Any) -> None:
    new = base(
        ir,
        "1.3.0",
        clauses=[
            ir.stmt("c1", "A thing MUST be blue."),
            ir.stmt("c2", "A thing MUST be round."),
        ],  # c2 stronger, c3 removed
        types=[
            ir.record("Thing", {"id": "int64", "weight": "int32"}),
            TypeDef(
                name="Color",
                kind="enum",
                pos=ir.pos(3),
                values=[EnumVariant(name="blue", pos=ir.pos(3))],
            ),
        ],
        operations=[ir.op("make", {"color": "Color", "n": "int32"}, "Thing?")],
        errors=[],
        constants=[ir.const("MAX", "int32", 11)],
    )
    d = diff_specs(base(ir), new)
    got = changes(d)
    assert ("breaking", "clause", "c2") in got and ("breaking", "clause", "c3") in got
    assert ("breaking", "type", "Thing.id") in got  # type changed
    assert ("breaking", "type", "Thing.size") in got  # removed
    assert ("breaking", "type", "Thing.weight") in got  # required field added
    assert ("breaking", "type", "Color.red") in got
    assert ("breaking", "operation", "make.n") in got  # required param added
    assert ("breaking", "operation", "make") in got  # returns changed
    assert ("minor", "operation", "make") in got  # no longer raises Bad
    assert ("breaking", "error", "Bad") in got and ("breaking", "constant", "MAX") in got
    removed = next(c for c in d.changes if c.subject == "c3")
    assert removed.side == "old" and removed.action == "removed"
    assert d.required is Bump.MAJOR and not d.ok
    assert d.problem is not None and "set the version to 2.0.0" in d.problem


def test_weakening_a_must_is_breaking_weakening_a_should_is_minor(ir: Any) -> None:
    should = base(
        ir,
        "2.0.0",
        clauses=[ir.stmt("c1", "A thing SHOULD be blue.", Level.SHOULD), *base(ir).clauses[1:]],
    )
    # a MUST withdrawn: clients relied on the guarantee
    assert changes(diff_specs(base(ir), should)) == [("breaking", "clause", "c1")]
    may = base(
        ir,
        "2.1.0",
        clauses=[ir.stmt("c1", "A thing MAY be blue.", Level.MAY), *base(ir).clauses[1:]],
    )
    assert changes(diff_specs(should, may)) == [("minor", "clause", "c1")]


def test_polarity_flip_is_breaking(ir: Any) -> None:
    flip = base(
        ir,
        "2.0.0",
        clauses=[ir.stmt("c1", "A thing MUST NOT be blue.", Level.MUST_NOT), *base(ir).clauses[1:]],
    )
    assert changes(diff_specs(base(ir), flip)) == [("breaking", "clause", "c1")]


def test_version_rules() -> None:
    v = parse_version
    assert v("v1.2.3-rc.1") == SemVer(1, 2, 3, ("rc", "1"))
    assert v("1.2") is None and v(None) is None and v("1.2.3-") is None
    assert v("1.2.3+build.7") == SemVer(1, 2, 3)

    def bump(a: str, b: str) -> Bump:
        old, new = v(a), v(b)
        assert old is not None and new is not None
        return version_bump(old, new)

    assert bump("1.2.3", "1.2.3") is Bump.NONE
    assert bump("1.2.3", "1.1.9") is Bump.NONE
    assert bump("1.2.3", "1.3.0") is Bump.MINOR
    assert bump("1.2.3", "2.0.0") is Bump.MAJOR
    assert required_bump([], SemVer(1, 0, 0)) is Bump.NONE


@pytest.mark.parametrize(
    ("old", "new", "bump"),
    [
        ("2.0.0-rc.1", "2.0.0", Bump.MAJOR),  # was "none": the tag was dropped
        ("2.0.0-rc.1", "2.0.0-rc.2", Bump.MAJOR),
        ("2.0.0-rc.2", "2.0.0-rc.1", Bump.NONE),
        ("2.0.0", "2.0.0-rc.9", Bump.NONE),  # a pre-release sorts below its release
        ("1.3.0-beta", "1.3.0", Bump.MINOR),
        ("1.2.4-alpha.1", "1.2.4-alpha.beta", Bump.PATCH),  # numeric < alphanumeric
        ("1.2.4-alpha.10", "1.2.4-alpha.9", Bump.NONE),  # numeric by value
        ("1.0.0-alpha", "1.0.0-alpha.1", Bump.MAJOR),  # more fields sort higher
        ("1.2.3", "2.0.0-rc.1", Bump.MAJOR),
    ],
)
def test_pre_release_precedence(old: str, new: str, bump: Bump) -> None:
    a, b = parse_version(old), parse_version(new)
    assert a is not None and b is not None
    assert version_bump(a, b) is bump


def test_releasing_a_pre_release_covers_a_breaking_change(ir: Any) -> None:
    d = diff_specs(base(ir, "2.0.0-rc.1"), base(ir, "2.0.0", constants=[]))
    assert d.required is Bump.MAJOR and d.actual is Bump.MAJOR and d.ok


def test_breaking_before_1_0_needs_minor(ir: Any) -> None:
    new = base(ir, "0.3.0", constants=[])
    d = diff_specs(base(ir, "0.2.5"), new)
    assert d.required is Bump.MINOR and d.ok


def test_missing_version_fails_when_a_bump_is_needed(ir: Any) -> None:
    d = diff_specs(base(ir, None), base(ir, None, constants=[]))
    assert not d.ok and d.problem is not None and "missing or not semver" in d.problem
    assert diff_specs(base(ir, None), base(ir, None)).ok


def test_insufficient_bump_message(ir: Any) -> None:
    d = diff_specs(base(ir), base(ir, "1.2.1", constants=[]))
    assert not d.ok and d.actual is Bump.PATCH
    assert d.problem == (
        "the changes need a major version bump, but 1.2.0 -> 1.2.1 is a "
        "patch bump: set the version to 2.0.0"
    )


def test_raised_errors_added_and_removed_are_minor(ir: Any) -> None:
    new = base(
        ir,
        version="1.3.0",
        operations=[ir.op("make", {"color": "Color"}, "Thing", errors=["Gone"])],
        errors=[ir.err("Bad"), ir.err("Gone")],
    )
    d = diff_specs(base(ir), new)
    details = sorted(c.detail for c in d.changes if c.kind == "operation")
    assert details == [
        "operation make: may now raise Gone",
        "operation make: no longer raises Bad",
    ]
    assert {c.impact for c in d.changes if c.kind == "operation"} == {"minor"}
    assert d.ok


def test_a_changed_error_status_is_breaking(ir: Any) -> None:
    """Clients match on the status: `Bad` answered 400 (its name says nothing) becomes 422."""
    gone = ir.err("Bad").model_copy(update={"status": "422"})
    d = diff_specs(base(ir), base(ir, version="1.3.0", errors=[gone]))
    assert [(c.impact, c.kind, c.detail) for c in d.changes] == [
        ("breaking", "error", "error Bad: HTTP status 400 -> 422")
    ]
    assert not d.ok
    same = ir.err("Bad").model_copy(update={"status": "400"})  # the name's status, written out
    assert diff_specs(base(ir), base(ir, errors=[same])).changes == []
