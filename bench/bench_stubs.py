"""Benchmark: TS, Rust and Python stubs from N synthetic types; specloom vs quicktype, openapi-gen.

Usage:
    .venv/bin/python bench/bench_stubs.py [--sizes 50 200 1000] [--no-gates] [--no-peers]
                                          [--tools bench/.tools] [--json results.json]
                                          [--timeout 600]

The same type set (records with cross references, optional fields, enums and lists) is
written as a specloom spec, as JSON Schema (quicktype) and as OpenAPI 3 (openapi-generator).
Every tool runs in its own process under GNU time: wall time and peak resident memory.
specloom's time is parse + generate for both targets (no gates); the gates (strict tsc,
cargo check, and cargo test --no-run when the crate has a conformance suite: the synthetic
types have no operations, so none) are timed separately. The Python target (no peer tool
here) has its own row: generation in process, and its gates PY001-PY005 as one process,
with a cold and then a warm mypy cache. Peer tools are installed on first
use into a bench-only folder (`bench/.tools`, git-ignored): quicktype from npm,
openapi-generator-cli from PyPI (it ships the jar; Java 17 runs it). A tool that cannot be
installed or run is reported as unavailable, never as a number.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable
GNU_TIME = Path("/usr/bin/time")


# -- the synthetic type set -------------------------------------------------------------


def type_set(n: int) -> dict[str, dict[str, Any]]:
    """N types: every fifth an enum, the rest records with refs, optionals, lists, enums."""
    enums = [i for i in range(n) if i % 5 == 4]
    records = [i for i in range(n) if i % 5 != 4]
    out: dict[str, dict[str, Any]] = {}
    for i in range(n):
        if i % 5 == 4:
            out[f"E{i}"] = {"values": [f"v{i}_a", f"v{i}_b", f"v{i}_c"]}
            continue
        fields: dict[str, str] = {
            "id": "string",
            "count": "int64",
            "ratio": "float64?",
            "note": "string?",
            "tags": "list<string>",
        }
        later = [r for r in records if r > i]
        if later:
            fields["next"] = f"T{later[0]}?"
        fields["children"] = f"list<T{records[(records.index(i) // 2)]}>"
        if enums:
            fields["kind"] = f"E{enums[(i // 5) % len(enums)]}"
        out[f"T{i}"] = {"fields": fields}
    return out


def specloom_spec(types: dict[str, dict[str, Any]]) -> str:
    block = {"types": types}
    body = yaml.safe_dump(block, sort_keys=False, default_flow_style=False)
    return (
        "---\nspec: synth\ntitle: Synthetic types\nversion: 1.0.0\n---\n\n"
        "# Synthetic {#synth}\n\nEvery record MUST carry an id[^syn1].\n\n"
        f"```specloom\n{body}```\n"
    )


def _schema_type(t: str, ref: str) -> dict[str, Any]:
    t = t.removesuffix("?")
    prims: dict[str, dict[str, Any]] = {
        "string": {"type": "string"},
        "int64": {"type": "integer", "format": "int64"},
        "float64": {"type": "number", "format": "double"},
    }
    if t in prims:
        return dict(prims[t])
    if t.startswith("list<"):
        return {"type": "array", "items": _schema_type(t[5:-1], ref)}
    return {"$ref": f"{ref}{t}"}


def schemas(types: dict[str, dict[str, Any]], ref: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, td in types.items():
        if "values" in td:
            out[name] = {"type": "string", "enum": td["values"]}
            continue
        props = {f: _schema_type(t, ref) for f, t in td["fields"].items()}
        required = [f for f, t in td["fields"].items() if not t.endswith("?")]
        out[name] = {
            "type": "object",
            "properties": props,
            "required": required,
            "additionalProperties": False,
        }
    return out


def json_schema(types: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A root object with one property per type, so quicktype emits every type."""
    defs = schemas(types, "#/definitions/")
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {n.lower(): {"$ref": f"#/definitions/{n}"} for n in types},
        "required": [n.lower() for n in types],
        "additionalProperties": False,
        "definitions": defs,
    }


def openapi(types: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Synthetic types", "version": "1.0.0"},
        "paths": {},
        "components": {"schemas": schemas(types, "#/components/schemas/")},
    }


# -- running and measuring --------------------------------------------------------------


TIMEOUT_S = 600.0


def measure(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run `cmd`; wall seconds, CPU seconds (user + sys of the process and the children it
    waited for) and peak RSS (MiB), both via GNU time, and success (TIMEOUT_S max). The
    machine is shared: CPU seconds move less with other people's load than wall seconds."""
    stats = cwd / ".time"
    full = cmd
    if GNU_TIME.is_file():
        full = [str(GNU_TIME), "-f", "%U %S %M", "-o", str(stats), *cmd]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            full, cwd=cwd, capture_output=True, text=True, env=env, timeout=TIMEOUT_S
        )
    except subprocess.TimeoutExpired:
        return {"ok": False, "wall_s": TIMEOUT_S, "error": f"timed out after {TIMEOUT_S:.0f} s"}
    wall = time.perf_counter() - t0
    peak = cpu = None
    if stats.is_file():
        lines = [ln.split() for ln in stats.read_text().splitlines()]
        last = [ln for ln in lines if len(ln) == 3 and ln[2].isdigit()]
        if last:
            cpu = float(last[-1][0]) + float(last[-1][1])
            peak = int(last[-1][2]) / 1024
        stats.unlink()
    out: dict[str, Any] = {"ok": proc.returncode == 0, "wall_s": round(wall, 3)}
    out["cpu_s"] = round(cpu, 2) if cpu is not None else None
    out["peak_mib"] = round(peak, 1) if peak is not None else None
    if proc.returncode != 0:
        out["error"] = (proc.stderr or proc.stdout).strip()[-600:]
    else:
        out["stdout"] = proc.stdout.strip()[-2000:]
    return out


SPECLOOM_RUN = """
import json, sys, time
from pathlib import Path
t0 = time.perf_counter()
from specloom.parse import load_workspace
from specloom.target import BuildContext
from specloom.targets.python import PythonTarget
from specloom.targets.rust import RustTarget
from specloom.targets.typescript import TypeScriptTarget
t1 = time.perf_counter()
ws = load_workspace(Path(sys.argv[1]))
t2 = time.perf_counter()
out = Path(sys.argv[2])
ctx = BuildContext(workspace=ws, output_dir=out, cache_dir=out / ".cache")
times = {"import_s": t1 - t0, "parse_s": t2 - t1}
chosen = sys.argv[3].split(",")
for cls in (TypeScriptTarget, RustTarget, PythonTarget):
    if cls.name not in chosen:
        continue
    t = cls(ctx)
    s = time.perf_counter()
    files = t.generate(ws.spec("synth"))
    times[t.name + "_generate_s"] = time.perf_counter() - s
    for f in files:
        p = out / "synth" / t.name / f.path
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(f.data)
print(json.dumps({k: round(v, 4) for k, v in times.items()}))
"""


def run_specloom(work: Path, targets: list[str]) -> dict[str, Any]:
    cmd = [PY, "-c", SPECLOOM_RUN, str(work / "specs"), str(work / "out"), ",".join(targets)]
    res = measure(cmd, work)
    if res["ok"]:
        res["phases"] = json.loads(res.pop("stdout").splitlines()[-1])
        ph = res["phases"]
        res["generate_s"] = round(
            ph["parse_s"] + ph.get("typescript_generate_s", 0.0) + ph.get("rust_generate_s", 0.0),
            4,
        )
    return res


def run_gated_build(work: Path, targets: list[str]) -> dict[str, Any]:
    """The whole product as a user runs it, cold: `specloom build -t typescript -t rust --force`
    with every gate on, in a fresh cache folder (no cargo fingerprints, no reuse), one process
    under GNU time (peak = the largest single process of the tree: rustc and tsc included).
    `targets`: the ones of typescript and rust that were asked for (python is timed by
    run_gates, so the figure stays the TypeScript + Rust one)."""
    (work / "pyproject.toml").write_text(
        '[tool.specloom]\nspecs = "specs"\noutput = "built"\n', encoding="utf-8"
    )
    cache = Path(tempfile.mkdtemp(prefix="cold-cache-", dir=work))
    bin_dir = Path(PY).parent
    tools = REPO / ".venv" / "tools" / "node_modules" / ".bin"
    env = dict(os.environ, PATH=f"{bin_dir}:{tools}:{os.environ.get('PATH', '')}")
    cmd = [PY, "-m", "specloom", "build", "specs/synth"]
    for name in targets:
        cmd += ["-t", name]
    cmd += ["--force", "--cache-dir", str(cache), "--format", "json"]
    res = measure(cmd, work, env)
    if res["ok"]:
        res.pop("stdout")
        doc = json.loads((work / "built" / "synth" / "report.json").read_text(encoding="utf-8"))
        res["rows"] = {
            r["target"]: {"status": r["status"], "gates": [g["rule"] for g in r["gates"]]}
            for r in doc.get("targets", [])
        }
        res["ok"] = res["ok"] and all(r["status"] == "built" for r in res["rows"].values())
    shutil.rmtree(cache, ignore_errors=True)
    return res


def run_gates(work: Path, targets: list[str]) -> dict[str, Any]:
    sys.path.insert(0, str(REPO))
    from specloom.targets.rust import gates as rs_gates
    from specloom.targets.typescript import gates as ts_gates

    out: dict[str, Any] = {}
    if "python" in targets:
        out.update(run_python_gates(work))
    if "typescript" not in targets:
        return out
    tsc = ts_gates.find_tsc()
    pkg = work / "out" / "synth" / "typescript"
    if tsc is None:
        out["tsc"] = {"ok": False, "error": "unavailable: tsc not found (scripts/setup.sh)"}
    else:
        out["tsc"] = measure([str(tsc), "-p", str(pkg / "tsconfig.json"), "--noEmit"], pkg)
        out["tsc"].pop("stdout", None)
    cargo = rs_gates.find_cargo()
    crate = work / "out" / "synth" / "rust"
    if cargo is None:
        out["cargo"] = {"ok": False, "error": "unavailable: cargo not found"}
    else:
        toml = crate / "Cargo.toml"
        toml.write_text(
            "\n".join(
                "serde = []" if ln.startswith("serde = [") else ln
                for ln in toml.read_text().splitlines()
                if not ln.startswith("serde = {")
            )
            + "\n"
        )
        env = dict(os.environ, CARGO_TARGET_DIR=str(work / "cargo-target"))
        out["cargo check"] = measure([str(cargo), "check", "--offline", "--quiet"], crate, env)
        out["cargo check"].pop("stdout", None)
        if (crate / "tests").is_dir():  # the conformance suite: the rust target's RS003 gate
            out["cargo test --no-run"] = measure(
                [str(cargo), "test", "--no-run", "--offline", "--quiet"], crate, env
            )
            out["cargo test --no-run"].pop("stdout", None)
    return out


PYTHON_GATES = """
import json, sys, time
from pathlib import Path
from specloom.parse import load_workspace
from specloom.target import BuildContext
from specloom.targets.python import PythonTarget
ws = load_workspace(Path(sys.argv[1]))
out = Path(sys.argv[2])
t = PythonTarget(BuildContext(workspace=ws, output_dir=out, cache_dir=Path(sys.argv[3])))
s = time.perf_counter()
found = t.verify(ws.spec("synth"), out / "synth" / "python")
print(json.dumps({"verify_s": round(time.perf_counter() - s, 3),
                  "findings": [f.as_dict() for f in found]}))
"""


def run_python_gates(work: Path) -> dict[str, Any]:
    """The python target's gates (PY001 mypy --strict ... PY005 wheel) as one process, with a
    cold mypy cache and again with the cache the first run left (what a rebuild costs)."""
    out: dict[str, Any] = {}
    for label in ("python gates, cold mypy cache", "python gates, warm mypy cache"):
        cmd = [PY, "-c", PYTHON_GATES, str(work / "specs"), str(work / "out"), str(work / "py")]
        res = measure(cmd, work)
        if res["ok"]:
            data = json.loads(res.pop("stdout").splitlines()[-1])
            if data["findings"]:
                res = {"ok": False, "error": json.dumps(data["findings"])[:300]}
        out[label] = res
    return out


# -- peer tools -------------------------------------------------------------------------


def ensure_quicktype(tools: Path) -> tuple[Path | None, str]:
    entry = tools / "node" / "node_modules" / "quicktype" / "dist" / "index.js"
    if entry.is_file():
        return entry, ""
    npm = shutil.which("npm")
    if npm is None:
        return None, "unavailable: npm not found"
    (tools / "node").mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--prefix", str(tools / "node"), "quicktype"],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0 or not entry.is_file():
        return None, "unavailable: npm install quicktype failed: " + proc.stderr.strip()[-300:]
    return entry, ""


def ensure_openapi_generator(tools: Path) -> tuple[Path | None, str]:
    exe = tools / "venv" / "bin" / "openapi-generator-cli"
    if exe.is_file():
        return exe, ""
    if shutil.which("java") is None:
        return None, "unavailable: java not found (openapi-generator needs Java 17)"
    proc = subprocess.run([PY, "-m", "venv", str(tools / "venv")], capture_output=True, text=True)
    if proc.returncode == 0:
        proc = subprocess.run(
            [str(tools / "venv" / "bin" / "pip"), "install", "-q", "openapi-generator-cli"],
            capture_output=True,
            text=True,
        )
    if proc.returncode != 0 or not exe.is_file():
        return None, "unavailable: pip install openapi-generator-cli failed: " + (
            proc.stderr.strip()[-300:]
        )
    return exe, ""


def run_quicktype(entry: Path, work: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for lang, ext in (("typescript", "ts"), ("rust", "rs")):
        cmd = [
            "node",
            "--stack-size=65500",
            str(entry),
            "--src-lang",
            "schema",
            "--src",
            str(work / "schema.json"),
            "--lang",
            lang,
            "--top-level",
            "Root",
            "-o",
            str(work / "quicktype" / f"out.{ext}"),
        ]
        (work / "quicktype").mkdir(exist_ok=True)
        out[lang] = measure(cmd, work)
        out[lang].pop("stdout", None)
    return out


def run_openapi_generator(exe: Path, work: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    # `typescript-fetch`: the maintained TypeScript generator; the experimental `typescript`
    # generator did not finish in 60 s on 50 types with cyclic references here.
    for gen in ("typescript-fetch", "rust"):
        cmd = [
            str(exe),
            "generate",
            "-g",
            gen,
            "-i",
            str(work / "openapi.json"),
            "-o",
            str(work / "openapi" / gen),
            "--global-property",
            "models,modelDocs=false,modelTests=false",
        ]
        out[gen] = measure(cmd, work)
        out[gen].pop("stdout", None)
    return out


# -- report -----------------------------------------------------------------------------


def _total(res: dict[str, Any]) -> tuple[float | None, float | None]:
    if not all(r.get("ok") for r in res.values()):
        return None, None
    wall = sum(r["wall_s"] for r in res.values())
    peaks = [r["peak_mib"] for r in res.values() if r.get("peak_mib") is not None]
    return wall, max(peaks) if peaks else None


def bench(n: int, tools: Path, gates: bool, peers: bool, targets: list[str]) -> dict[str, Any]:
    types = type_set(n)
    with tempfile.TemporaryDirectory(prefix=f"specloom-bench-{n}-") as tmp:
        work = Path(tmp)
        (work / "specs" / "synth").mkdir(parents=True)
        (work / "specs" / "synth" / "spec.md").write_text(specloom_spec(types))
        (work / "schema.json").write_text(json.dumps(json_schema(types), indent=1))
        (work / "openapi.json").write_text(json.dumps(openapi(types), indent=1))
        result: dict[str, Any] = {"n": n, "specloom": run_specloom(work, targets)}
        if gates and result["specloom"]["ok"]:
            gated = [t for t in ("typescript", "rust") if t in targets]
            if gated:
                result["gated_build"] = run_gated_build(work, gated)
            result["gates"] = run_gates(work, targets)
        if peers:
            qt, why = ensure_quicktype(tools)
            result["quicktype"] = run_quicktype(qt, work) if qt else {"unavailable": why}
            og, why = ensure_openapi_generator(tools)
            result["openapi-generator"] = (
                run_openapi_generator(og, work) if og else {"unavailable": why}
            )
    return result


def report(results: list[dict[str, Any]]) -> str:
    lines = [
        "| N | tool | wall (s) [CPU s] | peak (MiB) | x specloom process | x specloom generate |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        sl = r["specloom"]
        if not sl["ok"]:
            lines.append(f"| {r['n']} | specloom | failed: {sl.get('error', '')[:80]} | | | |")
            continue
        base, gen = sl["wall_s"], sl["generate_s"]
        ph = sl["phases"]
        lines.append(
            f"| {r['n']} | specloom (process) | {base:.2f} [{sl.get('cpu_s')}] | "
            f"{sl['peak_mib']} | 1.0 | |"
        )
        if "typescript_generate_s" in ph:
            lines.append(
                f"| {r['n']} | specloom (parse {ph['parse_s']:.3f} + TS "
                f"{ph['typescript_generate_s']:.3f} + Rust {ph['rust_generate_s']:.3f}) | "
                f"{gen:.3f} | | | 1.0 |"
            )
        if "python_generate_s" in ph:
            lines.append(
                f"| {r['n']} | specloom Python generate (in process, after parse "
                f"{ph['parse_s']:.3f}) | {ph['python_generate_s']:.3f} | | | |"
            )
        for tool in ("quicktype", "openapi-generator"):
            res = r.get(tool)
            if res is None:
                continue
            if "unavailable" in res:
                lines.append(f"| {r['n']} | {tool} | {res['unavailable']} | | | |")
                continue
            for lang, one in res.items():
                if not one["ok"]:
                    lines.append(
                        f"| {r['n']} | {tool} {lang} | failed: "
                        f"{one.get('error', '')[:100]!r} | | | |"
                    )
            wall, peak = _total(res)
            if wall is not None:
                parts = " + ".join(f"{one['wall_s']:.2f}" for one in res.values())
                lines.append(
                    f"| {r['n']} | {tool} (TS + Rust: {parts}) | {wall:.2f} | {peak} | "
                    f"{wall / base:.1f} | {wall / gen:.0f} |"
                )
        gb = r.get("gated_build")
        if gb is not None:
            qt = r.get("quicktype") or {}
            qt_wall = _total(qt)[0] if qt and "unavailable" not in qt else None
            if gb.get("ok"):
                ratio = f"{gb['wall_s'] / qt_wall:.2f} (goal <= 1.0)" if qt_wall else "n/a"
                lines.append(
                    f"| {r['n']} | specloom build -t typescript -t rust --force, cold, all "
                    f"gates | {gb['wall_s']:.2f} [{gb.get('cpu_s')}] | {gb['peak_mib']} "
                    "(goal <= 600) | "
                    f"x quicktype: {ratio} | |"
                )
            else:
                lines.append(
                    f"| {r['n']} | specloom gated build | failed: "
                    f"{gb.get('error', '')[-100:]!r} | | | |"
                )
        for gate, g in r.get("gates", {}).items():
            text = (
                f"{g['wall_s']:.2f} [{g.get('cpu_s')}]"
                if g.get("ok")
                else f"failed/unavailable: {g.get('error', '')[:80]!r}"
            )
            lines.append(f"| {r['n']} | gate: {gate} | {text} | {g.get('peak_mib', '')} | | |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 1000])
    ap.add_argument("--no-gates", action="store_true", help="skip the tsc and cargo timings")
    ap.add_argument("--no-peers", action="store_true", help="skip quicktype and openapi-generator")
    ap.add_argument("--tools", type=Path, default=REPO / "bench" / ".tools")
    ap.add_argument("--json", type=Path, help="also write the raw results as JSON here")
    ap.add_argument("--timeout", type=float, default=TIMEOUT_S, help="seconds per tool run")
    ap.add_argument(
        "--targets",
        nargs="+",
        default=["typescript", "rust", "python"],
        help="specloom targets to generate and gate (peers compare with TS + Rust)",
    )
    args = ap.parse_args()
    globals()["TIMEOUT_S"] = args.timeout
    results = []
    for n in args.sizes:
        print(f"N = {n} ...", file=sys.stderr, flush=True)
        results.append(bench(n, args.tools, not args.no_gates, not args.no_peers, args.targets))
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
