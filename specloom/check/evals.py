"""SL008 eval tags without an examples file and SL009 examples files no clause tags."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from specloom.check.context import LintContext
from specloom.check.rules import finding
from specloom.findings import Finding
from specloom.model import Spec


def file_name_safe(clause_id: str) -> bool:
    """True when `<id>.md` is a plain file name inside the examples folder."""
    return (
        bool(clause_id)
        and not any(ch in clause_id for ch in "/\\\0")
        and not clause_id.startswith(".")
        and ".." not in clause_id
    )


def example_file_ids(spec: Spec) -> dict[str, str]:
    """Examples files of the spec: {id: path}, from the IR and from the examples folder
    itself (a file the parser did not attach to a clause is exactly what SL009 is about)."""
    out = {ef.id: ef.path for ef in spec.example_files}
    if spec.examples_dir:
        folder = Path(spec.examples_dir)
        if folder.is_dir():
            base = spec.examples_dir.rstrip("/")
            for name in sorted(n for n in os.listdir(folder) if n.endswith(".md")):
                out.setdefault(name[:-3], f"{base}/{name}")
    return out


def missing_examples(spec: Spec, files: dict[str, str] | None = None) -> list[str]:
    """Eval ids (statement clauses) with no examples file, in document order."""
    files = example_file_ids(spec) if files is None else files
    return [c.id for c in spec.clauses if c.kind == "statement" and c.id not in files]


def orphan_example_files(spec: Spec, files: dict[str, str] | None = None) -> list[str]:
    """Examples file ids that no clause of the spec carries, sorted."""
    ids = {c.id for c in spec.clauses}
    return sorted(i for i in (example_file_ids(spec) if files is None else files) if i not in ids)


def check(spec: Spec, ctx: LintContext) -> Iterator[Finding]:
    """Both directions of the eval-tag / examples-file traceability."""
    where = spec.examples_dir or "examples"
    by_id = {c.id: c for c in spec.clauses}
    files = example_file_ids(spec)
    for cid in missing_examples(spec, files):
        c = by_id[cid]
        fix = (
            f"write {where}/{cid}.md with at least one example, or remove the tag"
            if file_name_safe(cid)
            else "its id cannot name a file inside the examples folder (it holds '/', '\\',"
            " '..' or starts with '.'): rename the tag to letters, digits, '-' and '_'"
        )
        yield finding("SL008", f"eval tag [^{cid}] has no examples file: {fix}", c.pos, cid)
    counts = {ef.id: len(ef.examples) for ef in spec.example_files}
    for ef in spec.example_files:
        if ef.id in by_id and counts[ef.id] == 0:
            yield finding(
                "SL008",
                f"examples file for [^{ef.id}] holds no `**Example**:` item: add one",
                ef.pos,
                ef.id,
            )
    for eid in orphan_example_files(spec, files):
        yield finding(
            "SL009",
            f"examples file {eid}.md belongs to no clause: tag the sentence it illustrates "
            f"with [^{eid}], or delete or rename the file",
            file=files[eid],
            line=1,
        )
