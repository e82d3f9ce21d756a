"""Gates on what the published pages show, item by item, against the IR.

DOC005: the search index lists every page, so search can find every clause's page.
DOC006: each API item shows every stub language's signature and links exactly its clauses.
DOC008: each transcript message is styled with the verdict the spec gives it.
DOC009: every clause with examples has its examples page with every example on it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from specloom.findings import Finding, Severity
from specloom.model import Example, Spec

from .api import GROUPS, item_anchor, signature_modules
from .plan import SitePlan, html_path
from .scan import Event, PageScan, SiteScan

EXAMPLE_HEADING = "sl-example-"
"""Each example of an examples page sits under a heading `sl-example-<n>`."""


def _err(rule: str, message: str, file: str, clause: str | None = None) -> Finding:
    return Finding(rule=rule, severity=Severity.ERROR, message=message, file=file, clause=clause)


# -- DOC008: transcript verdicts ----------------------------------------------------------------


def _shown(events: list[Event]) -> list[tuple[str, str]]:
    """(styled verdict, verdict label) of each transcript message, in order."""
    out: list[tuple[str, str]] = []
    for ev in events:
        if ev.kind == "msg":
            out.append((ev.value, ""))
        elif ev.kind == "verdict" and out and not out[-1][1]:
            out[-1] = (out[-1][0], ev.value)
    return out


def _expected(examples: list[Example]) -> list[str]:
    return [m.verdict or "" for ex in examples if ex.transcript for m in ex.transcript.messages]


def _compare(
    rule: str,
    where: str,
    file: str,
    want: list[str],
    shown: list[tuple[str, str]],
    clause: str | None,
) -> list[Finding]:
    if len(want) != len(shown):
        return [
            _err(
                rule,
                f"{where}: the spec's transcripts have {len(want)} messages, the page shows "
                f"{len(shown)} styled ones",
                file,
                clause,
            )
        ]
    for n, (verdict, (style, label)) in enumerate(zip(want, shown, strict=True), 1):
        if style != verdict or label != verdict:
            return [
                _err(
                    rule,
                    f"{where}: message {n} is {verdict or 'without a verdict'} in the spec, "
                    f"the page styles it {style or 'without a verdict'} with the label "
                    f"{label or 'none'!r}",
                    file,
                    clause,
                )
            ]
    return []


def inline_examples_by_page(spec: Spec, plan: SitePlan) -> dict[str, list[Example]]:
    """Inline examples (each its transcript) on the page of the section they are written in."""
    out: dict[str, list[Example]] = {}
    ordered = sorted(spec.sections, key=lambda s: s.pos.line)
    for ex in spec.examples:
        if ex.source != "inline" or ex.pos.file != spec.path:
            continue
        section = None
        for s in ordered:
            if s.pos.line <= ex.pos.line:
                section = s
        page = plan.page_of(section.id) if section is not None else None
        if page is not None:
            out.setdefault(html_path(page), []).append(ex)
    return out


def check_verdicts(spec: Spec, plan: SitePlan, scan: SiteScan, rule: str) -> list[Finding]:
    """GOOD/BAD styling and label of every message equal the verdict parsed from the spec."""
    out: list[Finding] = []
    for rel, examples in inline_examples_by_page(spec, plan).items():
        page = scan.pages.get(rel)
        if page is not None:  # a missing page is DOC009's or DOC003's business
            out += _compare(
                rule, rel, f"site/{rel}", _expected(examples), _shown(page.events), None
            )
    for cid, md in plan.example_pages.items():
        rel = html_path(md)
        page = scan.pages.get(rel)
        if page is None:
            continue
        by_example = _split_examples(page)
        for n, ex in enumerate(plan.examples[cid], 1):
            shown = _shown(by_example.get(n, []))
            out += _compare(rule, f"{rel} example {n}", f"site/{rel}", _expected([ex]), shown, cid)
    return out


def _split_examples(page: PageScan) -> dict[int, list[Event]]:
    """An examples page's events, by the number of the example heading they follow."""
    out: dict[int, list[Event]] = {}
    current = 0
    for ev in page.events:
        if ev.kind == "heading" and ev.value.startswith(EXAMPLE_HEADING):
            tail = ev.value[len(EXAMPLE_HEADING) :]
            current = int(tail) if tail.isdigit() else 0
        elif current:
            out.setdefault(current, []).append(ev)
    return out


# -- DOC009: examples pages ---------------------------------------------------------------------


def _steps_problem(ex: Example, events: list[Event], spec: Spec) -> str | None:
    """A structured example with `given` steps shows its calls as a numbered sequence: the
    inline code items that are calls of the spec's operations (`name(`) must name, in order,
    each step's operation and then the example's own (None: they do)."""
    st = ex.structured
    if st is None or not st.given:
        return None
    ops = {op.name for op in spec.operations}
    shown = [
        name
        for ev in events
        if ev.kind == "inline"
        for name in [ev.value.split("(", 1)[0].strip()]
        if name in ops and "(" in ev.value
    ]
    want = [s.call for s in st.given] + [st.call]
    if shown != want:
        return (
            f"shows the calls {', '.join(shown) or 'none'}; the example runs "
            f"{', '.join(want)} ({len(st.given)} given step(s), then its call)"
        )
    return None


def check_examples_pages(spec: Spec, plan: SitePlan, scan: SiteScan, rule: str) -> list[Finding]:
    """Every clause with examples has its page, listing each example once, linking the clause."""
    out: list[Finding] = []
    for cid, md in sorted(plan.example_pages.items()):
        rel = html_path(md)
        clause = plan.clause(cid)
        file = clause.pos.file if clause else spec.path
        page = scan.pages.get(rel)
        if page is None:
            out.append(_err(rule, f"the examples page {rel} of clause {cid} is missing", file, cid))
            continue
        heads = [
            ev.value
            for ev in page.events
            if ev.kind == "heading" and ev.value.startswith(EXAMPLE_HEADING)
        ]
        want = [f"{EXAMPLE_HEADING}{n}" for n in range(1, len(plan.examples[cid]) + 1)]
        if heads != want:
            out.append(
                _err(
                    rule,
                    f"{rel} shows {len(heads)} examples, the spec gives clause {cid} {len(want)}",
                    f"site/{rel}",
                    cid,
                )
            )
        by_number = _split_examples(page)
        for n, ex in enumerate(plan.examples[cid], 1):
            problem = _steps_problem(ex, by_number.get(n, []), spec)
            if problem:
                out.append(_err(rule, f"{rel} example {n}: {problem}", f"site/{rel}", cid))
        back = plan.page_of(cid)
        fragments = {
            unquote(urlsplit(ev.value).fragment) for ev in page.events if ev.kind == "link"
        }
        if back is not None and cid not in fragments:
            out.append(_err(rule, f"{rel} does not link back to clause {cid}", f"site/{rel}", cid))
    index = scan.pages.get("examples/index.html")
    if plan.example_pages and index is not None:
        listed = {urlsplit(ev.value).path for ev in index.events if ev.kind == "link"}
        for cid, md in sorted(plan.example_pages.items()):
            name = html_path(md)[len("examples/") :]
            if name not in listed:
                out.append(
                    _err(
                        rule,
                        f"examples/index.html does not list {name}",
                        "site/examples/index.html",
                        cid,
                    )
                )
    elif plan.example_pages:
        out.append(_err(rule, "examples/index.html is missing", "site/examples/index.html"))
    return out


# -- DOC006: API items --------------------------------------------------------------------------


def check_api(spec: Spec, scan: SiteScan, rule: str) -> tuple[list[Finding], list[str]]:
    """Each interface item on api.html: one tab per installed stub language whose code is that
    language's signature, and links to exactly the clauses the item names.

    Returns the findings and the stub languages that are not installed (their tabs cannot be
    checked: the caller reports that the check did not run for them).
    """
    items = [
        (prefix, func, item) for _, attr, prefix, func in GROUPS for item in getattr(spec, attr)
    ]
    mods = signature_modules()
    missing = [label for label, _, mod in mods if mod is None]
    if not items:
        return [], missing
    page = scan.pages.get("api.html")
    if page is None:
        return [
            _err(rule, "api.html is missing, the spec has interface items", "site/api.html")
        ], missing
    by_anchor = _split_headings(page)
    clause_ids = {c.id for c in spec.clauses}
    out: list[Finding] = []
    for prefix, func_name, item in items:
        anchor = item_anchor(prefix, item.name)
        # Two items of one name (a type check error) share an anchor: the k-th takes the k-th.
        entries = by_anchor.get(anchor, [])
        events = entries.pop(0) if entries else None
        where = f"API item {item.name}"
        if events is None:
            out.append(_err(rule, f"{where} has no entry #{anchor} on api.html", "site/api.html"))
            continue
        labels = [ev.value for ev in events if ev.kind == "label"]
        codes = [ev.value.strip() for ev in events if ev.kind == "code"]
        for label, _, mod in mods:
            func: Callable[[Spec, Any], str] | None = getattr(mod, func_name, None)
            if func is None:
                continue
            if label not in labels:
                out.append(_err(rule, f"{where} has no {label} tab on api.html", "site/api.html"))
                continue
            k = labels.index(label)
            want = func(spec, item).strip()
            if k >= len(codes) or codes[k] != want:
                out.append(
                    _err(
                        rule,
                        f"{where}: the {label} tab does not show the {label} stub's signature "
                        f"({want.splitlines()[0][:60]!r}...)",
                        "site/api.html",
                    )
                )
        linked = [
            unquote(urlsplit(ev.value).fragment)
            for ev in events
            if ev.kind == "link" and unquote(urlsplit(ev.value).fragment) in clause_ids
        ]
        named = {c for c in item.clauses if c in clause_ids}  # unknown ids: the lint's SL003
        if set(linked) != named:
            out.append(
                _err(
                    rule,
                    f"{where} links clauses {sorted(set(linked))}, the spec gives it "
                    f"{sorted(named)}",
                    "site/api.html",
                )
            )
    return out, missing


def _split_headings(page: PageScan) -> dict[str, list[list[Event]]]:
    """A page's events after each heading, by the heading's id (one list per occurrence)."""
    out: dict[str, list[list[Event]]] = {}
    current: list[Event] | None = None
    for ev in page.events:
        if ev.kind == "heading":
            current = []
            out.setdefault(ev.value, []).append(current)
        elif current is not None:
            current.append(ev)
    return out


# -- DOC005: search ---------------------------------------------------------------------------

SEARCH_INDEX = "search/search_index.json"


def check_search(site: Path, scan: SiteScan, rule: str) -> list[Finding]:
    """The built-in search's index is JSON and has an entry for every page of the site."""
    try:
        data = json.loads((site / SEARCH_INDEX).read_text(encoding="utf-8"))
        located = {str(d["location"]).split("#", 1)[0] for d in data["docs"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [
            _err(rule, f"the search index is missing or malformed: {exc}", f"site/{SEARCH_INDEX}")
        ]
    located = {"index.html" if loc == "" else loc for loc in located}
    missing = sorted(rel for rel in scan.pages if rel != "404.html" and rel not in located)
    if not missing:
        return []
    return [
        _err(
            rule,
            f"{len(missing)} pages are not in the search index ({', '.join(missing[:5])}): "
            "search cannot find them",
            f"site/{SEARCH_INDEX}",
        )
    ]
