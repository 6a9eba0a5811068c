#!/usr/bin/env bash
# Installs the map viewer's npm packages (maplibre-gl, and playwright-core for
# the browser test) into web/node_modules from web/package-lock.json, when they
# are missing or older than the lock file. Installs Debian's nodejs and npm
# first when npm is missing (as root, or with sudo).
# Used by scripts/serve.sh and scripts/e2e.sh. Usage: scripts/web-install.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then sudo=; elif command -v sudo >/dev/null 2>&1; then sudo=sudo; else
    echo "scripts/web-install.sh: npm is missing; install Node.js 18 or later with npm (Debian: apt-get install nodejs npm)" >&2
    exit 2
  fi
  echo "scripts/web-install.sh: installing Debian's nodejs and npm" >&2
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
fi

# npm writes node_modules/.package-lock.json on every install: older than the
# lock file means the packages are stale.
installed=web/node_modules/.package-lock.json
if [ ! -f "$installed" ] || [ web/package-lock.json -nt "$installed" ]; then
  echo "scripts/web-install.sh: npm ci in web/" >&2
  npm ci --prefix web --no-audit --no-fund
fi
