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

# Tile lists: every tile of the region (lon 92..110, lat 8..28) at each zoom,
# and a mixed list of all of them.
python3 - "$WORK" <<'PY'
import math, sys
work = sys.argv[1]
def tile(lon, lat, z):
    n = 2 ** z
    return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
mixed = []
for z in (4, 6, 8, 10):
    x0, y0 = tile(92, 28, z); x1, y1 = tile(110, 8, z)
    paths = [f"/tiles/events/{z}/{x}/{y}.mvt" for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
    if len(paths) > 2000:  # z10: a fixed sample spread over the region
        paths = paths[:: len(paths) // 2000][:2000]
    open(f"{work}/z{z}.txt", "w").write("\n".join(paths) + "\n")
    mixed += paths
open(f"{work}/mixed.txt", "w").write("\n".join(mixed) + "\n")
PY
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
