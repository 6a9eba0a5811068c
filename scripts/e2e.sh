#!/usr/bin/env bash
# The map viewer's tests: installs what is missing (Debian's chromium, Node.js
# and npm, web/node_modules), builds scamatlas, runs the unit tests of the pure
# modules (web/test/) and then web/e2e/viewer.test.mjs (the map) and
# desk.test.mjs (the review desk) in headless Chromium; each starts its own
# servers on free ports of 127.0.0.1 and stops them.
# Screenshots go to target/e2e/.
# Environment: SCAMATLAS_BIN to test that binary instead of building
# target/debug/scamatlas; CHROMIUM for another browser than /usr/bin/chromium.
# Usage: scripts/e2e.sh
set -euo pipefail
cd "$(dirname "$0")/.."

chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  if [ "$(id -u)" = 0 ]; then sudo=; elif command -v sudo >/dev/null 2>&1; then sudo=sudo; else
    echo "scripts/e2e.sh: $chromium is missing; install chromium as root (or set SCAMATLAS_SKIP_BROWSER=1)" >&2
    exit 2
  fi
  echo "scripts/e2e.sh: installing Debian's chromium" >&2
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi

scripts/web-install.sh
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
  echo "scripts/e2e.sh: Node.js $(node --version) is too old; playwright-core needs 18 or later" >&2
  exit 2
fi

if [ -z "${SCAMATLAS_BIN:-}" ]; then
  cargo build --locked --bin scamatlas
  export SCAMATLAS_BIN=target/debug/scamatlas
fi
# The servers the test starts open a workspace of their own, made afresh
# (with the bundled events) in a temporary folder, never the user's.
workspace_dir=$(mktemp -d)
trap 'rm -rf "$workspace_dir"' EXIT
export SCAMATLAS_WORKSPACE=$workspace_dir/workspace.db
node --test web/test/units.test.mjs
CHROMIUM=$chromium node web/e2e/viewer.test.mjs
CHROMIUM=$chromium node web/e2e/desk.test.mjs
