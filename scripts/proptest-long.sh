#!/usr/bin/env bash
# The long run of the property tests (tests/properties.rs): every parser of
# outside input, 100,000 generated cases each (or PROPTEST_CASES), in release,
# at low priority. The default suite runs 256 cases each.
# Usage: scripts/proptest-long.sh [CASES]
set -euo pipefail
cd "$(dirname "$0")/.."
cases="${1:-${PROPTEST_CASES:-100000}}"
echo "scripts/proptest-long.sh: $cases cases per property" >&2
start=$(date +%s)
PROPTEST_CASES="$cases" nice -n 10 cargo test --release --test properties -- --test-threads=2
echo "scripts/proptest-long.sh: $cases cases per property in $(( $(date +%s) - start )) s" >&2
