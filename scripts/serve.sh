#!/usr/bin/env bash
# The main command: installs the map viewer's npm packages when needed
# (scripts/web-install.sh), then builds and runs `scamatlas serve` with the
# arguments given. Without npm the server still runs, and its page at / says
# what is missing. Usage: scripts/serve.sh [--bind ADDR] [--events PATH]...
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
  echo "scripts/serve.sh: cargo is missing; install Rust (https://rustup.rs) first" >&2
  exit 2
fi
scripts/web-install.sh || echo "scripts/serve.sh: the map viewer cannot be installed; serving the API only" >&2
exec cargo run --locked --release -- serve "$@"
