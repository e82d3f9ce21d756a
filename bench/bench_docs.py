"""Docs build benchmark: specloom's own time (parse, generate, gates) apart from `mkdocs build`.

Run from the repository root: `.venv/bin/python bench/bench_docs.py [--repeat R] [--synth N]`.
For the example workspace (each spec of specs/), the Model Spec corpus (4,700 lines) and,
with `--synth N`, a synthetic spec of N clauses (bench/synth.py), it times, best of R
(default 3):
- parse: `load_workspace` (shared by every target; shown for context);
- generate: `DocsTarget.generate` (the pure part: pages, API tabs, tutorial section);
- write: writing the files into a temporary staging folder;
- mkdocs: `python -m mkdocs build --strict` in a subprocess (the site engine, not specloom);
- gates: `verify` on the built site (every page parsed whole; DOC002-DOC009).
Everything is written under a temporary folder.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from specloom.targets.docs import DocsTarget
from specloom.targets.docs.mkdocs_build import build_site

from specloom.parse import load_workspace
from specloom.target import BuildContext

REPO = Path(__file__).resolve().parent.parent
MODEL_SPEC = REPO.parent / "shared" / "corpus" / "model_spec"


def bench_spec(src: Path, spec_id: str | None, repeat: int, tmp: Path) -> dict[str, float]:
    best: dict[str, float] = {}
    for n in range(repeat):
        t0 = time.perf_counter()
        ws = load_workspace(src)
        t_parse = time.perf_counter() - t0
        sid = spec_id or ws.order[-1]
        spec = ws.specs[sid]
        out = tmp / f"run{n}" / "output"
        target = DocsTarget(BuildContext(workspace=ws, output_dir=out, cache_dir=tmp / "cache"))
        t0 = time.perf_counter()
        files = target.generate(spec)
        t_gen = time.perf_counter() - t0
        root = out / sid / ".staging-docs-1"
        t0 = time.perf_counter()
        for f in files:
            p = root / f.path
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(f.data)
        t_write = time.perf_counter() - t0
        result = build_site(root)
        if not result.ok:
            sys.exit(f"mkdocs build failed for {sid}:\n{result.log}")
        t0 = time.perf_counter()
        found = target.verify(spec, root)  # every gate, on the built site
        t_gates = time.perf_counter() - t0
        if found:
            sys.exit(f"{len(found)} gate findings for {sid}: the benchmark needs a clean site")
        lines = Path(spec.path).read_text(encoding="utf-8").count("\n")
        row = {
            "parse": t_parse,
            "generate": t_gen,
            "write": t_write,
            "mkdocs": result.seconds,
            "gates": t_gates,
            "files": float(len(files)),
            "pages": float(len(list((root / "site").rglob("*.html")))),
            "lines": float(lines),
        }
        best = row if not best else {k: min(best[k], row[k]) for k in row}
        shutil.rmtree(out.parent, ignore_errors=True)
    best["specloom"] = best["generate"] + best["write"] + best["gates"]
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--synth", type=int, default=0, help="also a synthetic N-clause spec")
    args = parser.parse_args()
    cases: list[tuple[str, Path, str | None]] = [
        ("common", REPO / "specs", "common"),
        ("billing", REPO / "specs", "billing"),
    ]
    if (MODEL_SPEC / "model_spec.md").is_file():
        cases.append(("model_spec", MODEL_SPEC, None))
    print(f"best of {args.repeat}; seconds")
    head = ("spec", "lines", "pages", "parse", "generate", "write", "gates", "specloom", "mkdocs")
    print("  ".join(f"{h:>10}" for h in head))
    with tempfile.TemporaryDirectory(prefix="specloom-bench-docs-") as tmp:
        if args.synth:
            sys.path.insert(0, str(REPO / "bench"))
            from synth import write_workspace

            write_workspace(Path(tmp) / "synth", min(args.synth, 1000))
            cases.append((f"synth{min(args.synth, 1000)}", Path(tmp) / "synth", "svc0"))
        for name, src, sid in cases:
            r = bench_spec(src, sid, args.repeat, Path(tmp))
            cells = [name, f"{r['lines']:.0f}", f"{r['pages']:.0f}"] + [
                f"{r[k]:.3f}" for k in ("parse", "generate", "write", "gates", "specloom", "mkdocs")
            ]
            print("  ".join(f"{c:>10}" for c in cells))
    print("specloom = generate + write + gates (parse is shared by every target)")


if __name__ == "__main__":
    main()
