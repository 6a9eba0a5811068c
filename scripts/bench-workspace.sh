#!/usr/bin/env bash
# Benchmark of `scamatlas serve` on a workspace (issue 16), talking only to
# 127.0.0.1, in a temporary folder (HOME and XDG_DATA_HOME too):
#  (a) start to first /health and RSS on a workspace of EVENTS synthetic
#      events, read from the store (no saved catalog) and from the catalog
#      saved beside it, against `serve --synthetic EVENTS` (the same events
#      in memory);
#  (b) commit to tile: a new published event, written by another process,
#      until the zoom-12 tile around it shows it (CHANGES times);
#  (c) edits/s from one writer process while wrk loads tiles (both rates).
# Usage: scripts/bench-workspace.sh [EVENTS] [CHANGES] [SECONDS]
# (BENCH_WORKSPACE=PATH keeps the seeded workspace there and reuses it when
# it exists; (b) and (c) add events and revisions to it.)
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS=${1:-1000000}
CHANGES=${2:-50}
SECONDS_PER_RUN=${3:-10}
PORT=18788
. scripts/lib-server.sh
need_wrk
use_release_bin
cargo build --release --quiet --example workspace_writer
WRITER=target/release/examples/workspace_writer
WORK=$(mktemp -d)
trap 'stop_server; rm -rf "$WORK"' EXIT
export HOME=$WORK XDG_DATA_HOME=$WORK/data
WS=${BENCH_WORKSPACE:-$WORK/workspace.db}
rss() { awk '/VmRSS/ {printf "%.0f MB", $2/1024}' "/proc/$PID/status"; }

if curl -sf "http://127.0.0.1:$PORT/health" >/dev/null; then
  echo "port $PORT is taken: another server (another run of this script?) answers there" >&2; exit 1
fi

echo "== (a) $EVENTS events: start to first answer, RSS"
if [ ! -e "$WS" ]; then
  t0=$(date +%s.%N)
  "$BIN" -q --workspace "$WS" serve --bind "127.0.0.1:$PORT" --seed-synthetic "$EVENTS" &
  PID=$!
  until curl -sf "http://127.0.0.1:$PORT/health" >/dev/null; do
    kill -0 "$PID" 2>/dev/null || { echo "seeding the workspace failed" >&2; exit 1; }
    sleep 0.2
  done
  echo "seeding the workspace (first start, import): $(echo "$(date +%s.%N) - $t0" | bc) s; $(du -m "$WS" | cut -f1) MB on disk"
  stop_server
fi
for i in 1 2 3; do
  rm -f "$WS-catalog"
  t0=$(date +%s.%N); start_server $PORT --workspace "$WS"; t1=$(date +%s.%N)
  echo "workspace, read from the store, run $i: start to first answer $(echo "$t1 - $t0" | bc) s; RSS $(rss)"
  until [ -e "$WS-catalog" ]; do sleep 0.2; done # saved for the next start
  stop_server
  t0=$(date +%s.%N); start_server $PORT --workspace "$WS"; t1=$(date +%s.%N)
  echo "workspace, from its saved catalog, run $i: start to first answer $(echo "$t1 - $t0" | bc) s; RSS $(rss)"
  stop_server
  t0=$(date +%s.%N); start_server $PORT --synthetic "$EVENTS"; t1=$(date +%s.%N)
  echo "in memory, run $i: start to first answer $(echo "$t1 - $t0" | bc) s; RSS $(rss)"
  stop_server
done

echo "== (b) commit to tile, $CHANGES changes, $EVENTS events"
start_server $PORT --workspace "$WS"
"$WRITER" latency "$WS" "127.0.0.1:$PORT" "$CHANGES"
echo "RSS after: $(rss)"

echo "== (c) edits/s from one writer while wrk loads tiles (${SECONDS_PER_RUN}s)"
write_tile_lists "$WORK"
write_tile_lua "$WORK/list.lua"
wrk_rate() { wrk -t1 -c32 -d"${SECONDS_PER_RUN}s" --latency -s "$WORK/list.lua" "http://127.0.0.1:$PORT" -- "$WORK/mixed.txt" |
  awk '/Requests\/sec/ {r=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} END {printf "%s tiles/s, p50 %s, p99 %s\n", r, p50, p99}'; }
wrk_rate > /dev/null # warm-up: the tiles (b) left uncached
echo "tiles alone:        $(wrk_rate)"
"$WRITER" edits "$WS" "$SECONDS_PER_RUN" > "$WORK/edits.txt" &
WPID=$!
echo "tiles during edits: $(wrk_rate)"
wait "$WPID"
echo "edits during tiles: $(cat "$WORK/edits.txt")"
"$WRITER" edits "$WS" "$SECONDS_PER_RUN" > "$WORK/edits.txt"
echo "edits alone (server following): $(cat "$WORK/edits.txt")"
echo "RSS after: $(rss)"
stop_server
