"""SL012: structured examples checked as the code targets read them (lint agrees with build)."""

from __future__ import annotations

from pathlib import Path

import pytest
from specloom.targets.values import ValueBuilder

from specloom.check.lint import lint_workspace
from specloom.check.values import call_problems
from specloom.config import LintConfig
from specloom.errors import SpecError
from specloom.parse import load_workspace

COMMON = """---
spec: common
title: Common
---

# Common {#common}

Amounts MUST be whole numbers[^c1].

```specloom
types:
  Money:
    clauses: [c1]
    fields:
      amount_minor: int64
      currency: string
```
"""

SVC = """---
spec: svc
title: Svc
imports: [common]
---

# Svc {#svc}

A campaign MUST count clicks[^s1].

```specloom
types:
  Channel:
    clauses: [s1]
    values: [web, mail]
  Campaign:
    clauses: [s1]
    fields:
      id: string
      channel: Channel
      total_clicks: int64
      budget: common.Money
      starts: date
      tags: list<string>
      limits: map<string,int32>
      note: string?
operations:
  record:
    clauses: [s1]
    params:
      campaign: Campaign
      at: datetime
      count: int32
    returns: Campaign
    errors: [Closed]
  ping:
    clauses: [s1]
    params:
      id: string
errors:
  Closed:
    clauses: [s1]
  Other:
    clauses: [s1]
```

**Example**: {title}

```specloom-example
{body}
```
"""

GOOD_CAMPAIGN = (
    '{id: "c", channel: web, total_clicks: 3, budget: {amount_minor: 5, currency: EUR},'
    " starts: 2026-01-31, tags: [a], limits: {x: 1}}"
)


def _body(campaign: str = GOOD_CAMPAIGN, extra: str = "", expect: str = "{total_clicks: 4}") -> str:
    return (
        f"call: record\nwith:\n  campaign: {campaign}\n  at: 2026-01-31T10:00:00Z\n"
        f"  count: 1\n{extra}expect: {expect}"
    )


BAD: dict[str, tuple[str, str]] = {
    "unknown operation": ("call: nope\nwith: {}", "is not an operation"),
    "unknown parameter": (_body(extra="  colour: red\n"), "no parameter `colour`"),
    "missing parameter": ("call: ping\nwith: {}", "required parameter `id`"),
    "int64 given a word": (
        _body(GOOD_CAMPAIGN.replace("total_clicks: 3", 'total_clicks: "zero"')),
        "with.campaign.total_clicks: 'zero' is not an int64",
    ),
    "int64 out of range": (
        _body(GOOD_CAMPAIGN.replace("total_clicks: 3", "total_clicks: 9223372036854775808")),
        "does not fit in int64",
    ),
    "int32 out of range": (
        _body().replace("count: 1", "count: 4294967296"),
        "does not fit in int32",
    ),
    "bool as int": (_body().replace("count: 1", "count: true"), "is not an int32"),
    "enum member": (
        _body(GOOD_CAMPAIGN.replace("channel: web", "channel: fax")),
        "is not a value of the enum `Channel`",
    ),
    "bad date": (
        _body(GOOD_CAMPAIGN.replace("starts: 2026-01-31", 'starts: "31/01/2026"')),
        "is not a date",
    ),
    "bad datetime": (_body().replace("2026-01-31T10:00:00Z", '"tomorrow"'), "not a datetime"),
    "list given a string": (
        _body(GOOD_CAMPAIGN.replace("tags: [a]", "tags: a")),
        "expected a list",
    ),
    "map value type": (
        _body(GOOD_CAMPAIGN.replace("limits: {x: 1}", "limits: {x: many}")),
        "with.campaign.limits['x']",
    ),
    "imported record field": (
        _body(GOOD_CAMPAIGN.replace("amount_minor: 5", "amount_minor: five")),
        "with.campaign.budget.amount_minor",
    ),
    "unknown record field": (
        _body(GOOD_CAMPAIGN.replace("tags: [a]", "tags: [a], colour: red")),
        "has no field `colour`",
    ),
    "missing record field": (
        _body(GOOD_CAMPAIGN.replace(", tags: [a]", "")),
        "needs the field `tags`",
    ),
    "expected value type": (_body(expect="{total_clicks: lots}"), "expect.total_clicks"),
    "undeclared error": (_body(expect="{error: Other}"), "does not declare the error `Other`"),
    "unknown error": (_body(expect="{error: Gone}"), "`Gone` is not defined"),
}


def _workspace(tmp_path: Path, body: str) -> Path:
    (tmp_path / "common").mkdir()
    (tmp_path / "common" / "spec.md").write_text(COMMON, encoding="utf-8")
    (tmp_path / "svc").mkdir()
    text = SVC.replace("{title}", "one call").replace("{body}", body)
    (tmp_path / "svc" / "spec.md").write_text(text, encoding="utf-8")
    return tmp_path


def _sl112(root: Path) -> list[str]:
    found = lint_workspace(load_workspace(root), LintConfig())
    return [f"{f.file}:{f.line}: {f.message}" for f in found if f.rule == "SL012"]


def test_a_good_example_lints_clean_and_builds(tmp_path: Path) -> None:
    root = _workspace(tmp_path, _body())
    assert _sl112(root) == []
    ws = load_workspace(root)
    assert len(ValueBuilder(ws.specs["svc"], ws).cases()) == 1


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_example_is_a_lint_error_at_its_line(tmp_path: Path, case: str) -> None:
    body, expected = BAD[case]
    root = _workspace(tmp_path, body)
    found = _sl112(root)
    assert found, case
    assert any(expected in f for f in found), found
    text = (root / "svc" / "spec.md").read_text(encoding="utf-8").splitlines()
    line = text.index("```specloom-example") + 1
    assert all(f.startswith(f"{(root / 'svc' / 'spec.md').as_posix()}:{line}") for f in found)
    ws = load_workspace(root)  # the build's value conversion refuses the same example
    with pytest.raises(SpecError, match=expected.split(":")[-1].strip()[:20]):
        ValueBuilder(ws.specs["svc"], ws).cases()


def test_every_problem_is_reported_not_only_the_first(tmp_path: Path) -> None:
    campaign = GOOD_CAMPAIGN.replace("channel: web", "channel: fax").replace(
        "total_clicks: 3", 'total_clicks: "zero"'
    )
    root = _workspace(tmp_path, _body(campaign, extra="  colour: red\n"))
    assert len(_sl112(root)) == 3


def test_call_problems_is_reusable_for_steps_with_references(tmp_path: Path) -> None:
    ws = load_workspace(_workspace(tmp_path, _body()))
    spec = ws.specs["svc"]
    args = {"campaign": "$c1", "at": "2026-01-31T10:00:00Z", "count": 1}
    assert call_problems(spec, ws, "record", args)  # a string is not a Campaign
    skip = lambda v: isinstance(v, str) and v.startswith("$")  # noqa: E731
    assert call_problems(spec, ws, "record", args, skip=skip) == []
    assert call_problems(spec, ws, "ping", {"id": "x"}, expect=None) == []
    assert call_problems(spec, ws, "ping", {"id": "x"}, expect=3) == [
        "expect: `ping` returns nothing, but a value is expected"
    ]
