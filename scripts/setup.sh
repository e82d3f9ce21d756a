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
# Python: .venv at the repository root with specloom installed editable with every extra
# (`.[all,dev]`: docs, podcast, prefect, llm, watch, ...) plus the dev tools.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/.venv"
PY=${PYTHON:-python3}
TS_VERSION=7.0.2
TYPES_NODE_VERSION=22

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
log "ready: $("$VENV/bin/python" --version), tsc $("$tools/node_modules/.bin/tsc" --version 2>/dev/null || echo missing), $(cargo --version 2>/dev/null || echo 'cargo missing')"
