#!/usr/bin/env bash
# One-time (idempotent) set-up of a fresh machine for specloom. Called by `make build` and
# `make test`; safe to run again: each step is skipped when already done.
#
# System packages (Debian, via apt-get; needs root or sudo):
#   espeak-ng            offline text-to-speech for the podcast target (two voices)
#   ffmpeg               MP3 encoding/decoding for pydub and the podcast gates
#   chromium, chromium-driver   headless browser for the docs site browser test
#   librust-serde-dev, librust-serde-derive-dev, librust-serde-json-dev
#                        serde crates for the Rust target's optional `serde` feature:
#                        the crates registry is unreachable here, cargo reads these
#                        through a source replacement (see targets/rust)
#   cargo                only when no Rust toolchain is installed already
#   nodejs, npm          only when node is missing (TypeScript gate and conformance tests)
# Node packages (npm, into .venv/tools, never global):
#   typescript@7 (native tsc), @types/node (types for the generated node:test tests)
#   promptfoo@0.121.20 (the last release for Node 20; the evals gate runs `promptfoo
#   validate`), optional dependencies omitted, telemetry and update checks off; its one
#   native module it needs at start-up (@libsql/<platform>) is installed by name
# Python: .venv at the repository root with specloom installed editable with every extra
# (`.[all,dev]`: docs, podcast, prefect, llm, watch, ...) plus the dev tools.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"
PY=${PYTHON:-python3}
TS_VERSION=7.0.2
TYPES_NODE_VERSION=22
PROMPTFOO_VERSION=0.121.20

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# --- system packages -------------------------------------------------------------------
need=()
command -v espeak-ng >/dev/null || need+=(espeak-ng)
command -v ffmpeg >/dev/null || need+=(ffmpeg)
command -v chromium >/dev/null || need+=(chromium chromium-driver)
[ -d /usr/share/cargo/registry ] && ls /usr/share/cargo/registry | grep -q '^serde-1' \
  || need+=(librust-serde-dev librust-serde-derive-dev librust-serde-json-dev)
command -v cargo >/dev/null || need+=(cargo)
command -v node >/dev/null || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null; then
    log "installing system packages: ${need[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    log "missing system packages (${need[*]}) and no apt-get: install them by hand"
  fi
fi

# --- Python virtual environment ----------------------------------------------------------
if [ ! -x "$VENV/bin/python" ]; then
  log "creating $VENV"
  "$PY" -m venv "$VENV"
fi
stamp="$VENV/.specloom-installed"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  log "installing specloom and its dependencies into .venv"
  "$VENV/bin/python" -m pip install -q --upgrade pip setuptools wheel
  "$VENV/bin/python" -m pip install -q -e ".[all,dev]"
  touch "$stamp"
fi

# --- Node tools (TypeScript 7) ----------------------------------------------------------
tools="$VENV/tools"
if [ ! -x "$tools/node_modules/.bin/tsc" ] || ! grep -q "\"version\": \"$TS_VERSION\"" "$tools/node_modules/typescript/package.json" 2>/dev/null; then
  log "installing typescript@$TS_VERSION and @types/node into .venv/tools"
  mkdir -p "$tools"
  [ -f "$tools/package.json" ] || echo '{"name":"specloom-tools","private":true}' > "$tools/package.json"
  (cd "$tools" && npm install --silent --no-audit --no-fund "typescript@$TS_VERSION" "@types/node@$TYPES_NODE_VERSION" >/dev/null)
fi
# --- promptfoo (evals gate EVL007) -----------------------------------------------------
# A folder of its own: `--omit=optional` in .venv/tools would prune TypeScript 7's native
# compiler, which is an optional dependency of the typescript package.
pf="$tools/promptfoo"
if [ ! -x "$pf/node_modules/.bin/promptfoo" ] || ! grep -q "\"version\": \"$PROMPTFOO_VERSION\"" "$pf/node_modules/promptfoo/package.json" 2>/dev/null; then
  log "installing promptfoo@$PROMPTFOO_VERSION into .venv/tools/promptfoo (optional dependencies omitted)"
  export PROMPTFOO_DISABLE_TELEMETRY=1 PROMPTFOO_DISABLE_UPDATE=1
  mkdir -p "$pf"
  [ -f "$pf/package.json" ] || echo '{"name":"specloom-promptfoo","private":true}' > "$pf/package.json"
  (cd "$pf" && npm install --silent --no-audit --no-fund --omit=optional "promptfoo@$PROMPTFOO_VERSION" >/dev/null)
  # libsql loads its platform binding at start-up; it is an optional dependency, so name it
  libsql=$(cd "$pf" && node -p "require('./node_modules/libsql/package.json').version" 2>/dev/null || true)
  plat=$(node -p "process.platform + '-' + process.arch + (process.platform === 'linux' ? (require('fs').existsSync('/etc/alpine-release') ? '-musl' : '-gnu') : '')")
  if [ -n "$libsql" ]; then
    (cd "$pf" && npm install --silent --no-audit --no-fund --omit=optional "@libsql/$plat@$libsql" >/dev/null) \
      || log "no @libsql/$plat@$libsql: promptfoo may not start (the evals gate then reports EVL007 as not run)"
  fi
fi
# one PATH entry for every tool: link promptfoo next to tsc (idempotent)
[ -x "$pf/node_modules/.bin/promptfoo" ] && ln -sfn ../../promptfoo/node_modules/.bin/promptfoo "$tools/node_modules/.bin/promptfoo"
log "ready: $("$VENV/bin/python" --version), tsc $("$tools/node_modules/.bin/tsc" --version 2>/dev/null || echo missing), promptfoo $(PROMPTFOO_DISABLE_TELEMETRY=1 PROMPTFOO_DISABLE_UPDATE=1 NODE_NO_WARNINGS=1 "$pf/node_modules/.bin/promptfoo" --version 2>/dev/null || echo missing), $(cargo --version 2>/dev/null || echo 'cargo missing')"
