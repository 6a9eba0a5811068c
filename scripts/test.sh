#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what it needs, then runs
# formatting, lints, unit, integration and doc tests, checks that the
# benchmarks build, and tests the map viewer in a browser. Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
  echo "scripts/test.sh: cargo is missing; install Rust (https://rustup.rs) first" >&2
  exit 2
fi
# rustfmt and clippy come with the toolchain on most installs; add them if not.
if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
  rustup component add rustfmt clippy
fi

# GDAL's ogrinfo/ogr2ogr are the OGC API client of tests/integration/ogc.rs
# (set SCAMATLAS_SKIP_GDAL=1 to skip that test instead).
if ! command -v ogrinfo >/dev/null 2>&1 && [ "${SCAMATLAS_SKIP_GDAL:-}" != 1 ]; then
  if [ "$(id -u)" = 0 ]; then sudo=; elif command -v sudo >/dev/null 2>&1; then sudo=sudo; else
    echo "scripts/test.sh: ogrinfo is missing; install gdal-bin as root (or set SCAMATLAS_SKIP_GDAL=1)" >&2
    exit 2
  fi
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gdal-bin
fi

echo "== format"
cargo fmt --all -- --check
echo "== lints"
cargo clippy --locked --all-targets -- -D warnings
echo "== tests"
cargo test --locked --all-targets
cargo test --locked --doc

# The map viewer in headless Chromium (scripts/e2e.sh installs chromium,
# Node.js and the npm packages when missing; set SCAMATLAS_SKIP_BROWSER=1 to
# skip it).
if [ "${SCAMATLAS_SKIP_BROWSER:-}" = 1 ]; then
  echo "== browser: skipped (SCAMATLAS_SKIP_BROWSER=1)"
else
  echo "== browser"
  scripts/e2e.sh
fi
