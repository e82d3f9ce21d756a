"""Write a synthetic workspace with N clauses and N types (lint-clean), for benchmarks.

Usage: python bench/synth.py N OUT_DIR

Layout: a `base` spec with shared types, then one spec per 1,000 clauses (`svc0`, `svc1`,
...) importing it. Each section holds 10 tagged MUST/SHOULD clauses with an examples file
each, and a `specloom` block with 10 record types and one operation naming them.
"""

from __future__ import annotations

import sys
from pathlib import Path

PER_SPEC = 1000
PER_SECTION = 10


def _base(root: Path) -> None:
    d = root / "base"
    (d / "examples").mkdir(parents=True, exist_ok=True)
    (d / "spec.md").write_text(
        "---\nspec: base\ntitle: Base\nversion: 1.0.0\nstrict: true\n---\n\n"
        "# Base {#base}\n\n## Amounts {#amounts}\n\n"
        "An amount MUST be a whole number of minor units[^base1].\n\n"
        "```specloom\ntypes:\n  Amount:\n    doc: Minor units.\n    clauses: [base1]\n"
        "    fields:\n      minor: int32\n      currency: string\n```\n",
        encoding="utf-8",
    )
    (d / "examples" / "base1.md").write_text(
        "**Example**: ten cents\n\nTen cents are 10 minor units.\n", encoding="utf-8"
    )


def _service(root: Path, k: int, first: int, count: int) -> None:
    sid = f"svc{k}"
    d = root / sid
    (d / "examples").mkdir(parents=True, exist_ok=True)
    out = [
        f"---\nspec: {sid}\ntitle: Service {k}\nversion: 1.0.0\nstrict: true\n"
        f"imports: [base]\n---\n\n# Service {k} {{#{sid}}}\n"
    ]
    for s0 in range(first, first + count, PER_SECTION):
        ids = range(s0, min(s0 + PER_SECTION, first + count))
        out.append(f"\n## Area {s0} {{#area{s0}}}\n\n")
        for i in ids:
            word = "MUST" if i % 3 else "SHOULD"
            out.append(
                f"A record of kind {i} {word} keep its counter {i} below {i + 7} units[^c{i}].\n"
            )
            (d / "examples" / f"c{i}.md").write_text(
                f"**Example**: counter {i}\n\nA counter of {i} stays below {i + 7}.\n",
                encoding="utf-8",
            )
        out.append("\n```specloom\ntypes:\n")
        for i in ids:
            prev = f"T{i - 1}?" if i > s0 else "base.Amount"
            out.append(
                f"  T{i}:\n    doc: Record {i}.\n    clauses: [c{i}]\n    fields:\n"
                f"      id: string\n      counter: int32\n      tags: list<string>\n"
                f"      amount: base.Amount\n      previous: {prev}\n"
            )
        out.append(
            f"operations:\n  run_{s0}:\n    clauses: [c{s0}]\n    params:\n"
            f"      input: T{s0}\n    returns: T{ids[-1]}\n```\n"
        )
    (d / "spec.md").write_text("".join(out), encoding="utf-8")


def write_workspace(root: Path, n: int) -> Path:
    """Write the workspace for N clauses and N types (plus one base clause and type)."""
    root.mkdir(parents=True, exist_ok=True)
    _base(root)
    for k, first in enumerate(range(0, n, PER_SPEC)):
        _service(root, k, first, min(PER_SPEC, n - first))
    return root


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not argv[0].isdigit():
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    write_workspace(Path(argv[1]), int(argv[0]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
