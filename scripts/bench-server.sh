#!/usr/bin/env bash
# Load benchmark of `scamatlas serve` with wrk (Debian package wrk), on
# synthetic events, talking only to 127.0.0.1. Prints requests/s and latency
# percentiles per tile list, the GeoJSON streaming rate, and start time and RSS
# with 10^6 events. Usage: scripts/bench-server.sh [EVENTS] [SECONDS]
# (SCAMATLAS_BIN=path/to/scamatlas benchmarks that binary instead of building)
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS=${1:-100000}
SECONDS_PER_RUN=${2:-10}
CONNECTIONS=32
PORT=18787
. scripts/lib-server.sh
need_wrk
use_release_bin
WORK=$(mktemp -d)
trap 'stop_server; rm -rf "$WORK"' EXIT

# Tile lists: every tile of the region at each zoom, and all of them mixed.
write_tile_lists "$WORK"
write_tile_lua "$WORK/list.lua"

run() { # $1 = label, $2 = list, $3 = query suffix, $4 = a request header (optional)
  local out
  out=$(SUFFIX="$3" wrk -t2 -c$CONNECTIONS -d${SECONDS_PER_RUN}s --latency -H "${4:-X-Bench: 1}" \
    -s "$WORK/list.lua" "http://127.0.0.1:$PORT" -- "$2")
  printf '%-28s %10s req/s   p50 %8s   p99 %8s\n' "$1" \
    "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
    "$(echo "$out" | awk '$1=="50%" {print $2}')" \
    "$(echo "$out" | awk '$1=="99%" {print $2}')"
}

echo "== $EVENTS synthetic events, $CONNECTIONS connections, ${SECONDS_PER_RUN}s per run"
t0=$(date +%s.%N); start_server $PORT --synthetic "$EVENTS"; t1=$(date +%s.%N)
echo "start to first answer: $(echo "$t1 - $t0" | bc) s"
for z in 4 6 8 10; do run "tiles z$z" "$WORK/z$z.txt" ""; done
run "tiles mixed" "$WORK/mixed.txt" ""
# As browsers ask (MapLibre's requests accept gzip): the cached gzip form,
# 41 % of the bytes over this list.
run "tiles mixed, gzip" "$WORK/mixed.txt" "" "Accept-Encoding: gzip"
run "tiles mixed, datetime" "$WORK/mixed.txt" "vary"
bytes=$(curl -s -o /dev/null -w '%{size_download} %{speed_download}' "http://127.0.0.1:$PORT/api/layers/events.geojson")
echo "events.geojson: $(echo "$bytes" | awk '{printf "%.0f MB at %.0f MB/s", $1/1e6, $2/1e6}')"
stop_server

echo "== 1,000,000 synthetic events"
t0=$(date +%s.%N); start_server $PORT --synthetic 1000000; t1=$(date +%s.%N)
echo "start to first answer: $(echo "$t1 - $t0" | bc) s; RSS $(awk '/VmRSS/ {printf "%.0f MB", $2/1024}' /proc/$PID/status)"
stop_server
