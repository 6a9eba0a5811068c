#!/usr/bin/env bash
# Load benchmark of the edit API (issue 17): committed event edits per second
# through HTTP (PATCH with If-Match and a Bearer token, each one transaction
# with its revision), while wrk asks tiles at full load at the same time.
# Everything on 127.0.0.1, in a temporary workspace. Prints both rates and
# the edits' latency percentiles.
# Usage: scripts/bench-edits.sh [SECONDS] [WRITERS]
# (SCAMATLAS_BIN=path/to/scamatlas benchmarks that binary instead of building)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-10}
WRITERS=${2:-8}
PORT=18788
. scripts/lib-server.sh
need_wrk
use_release_bin
WORK=$(mktemp -d)
trap 'stop_server; rm -rf "$WORK"' EXIT
export SCAMATLAS_WORKSPACE=$WORK/workspace.db HOME=$WORK XDG_DATA_HOME=$WORK

"$BIN" -q users add root --role admin >/dev/null
TOKEN=$("$BIN" -q users add ed --role editor | awk '/^token:/ {print $2}')
start_server $PORT

# The tiles of the region at zooms 4 to 10, as the viewer asks them.
write_tile_lists "$WORK"
write_tile_lua "$WORK/tiles.lua"

# The writers: each creates its own event, then PATCHes it again and again
# with the ETag of its last answer, until the time is up.
cat > "$WORK/writers.py" <<'PY'
import http.client, json, sys, threading, time
port, token, seconds, writers = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
done, latencies, failures = [0] * writers, [[] for _ in range(writers)], [0] * writers
def writer(n):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    feature = {"type": "Feature", "geometry": None, "properties": {
        "id": f"BENCH{n}", "date": "2025-10-20", "type": "raid", "place": "KK Park",
        "sources": [{"url": "https://example.org/bench"}]}}
    conn.request("POST", "/api/events", json.dumps(feature), headers)
    r = conn.getresponse(); r.read()
    assert r.status == 201, r.status
    tag = r.getheader("ETag")
    end = time.monotonic() + seconds
    i = 0
    while time.monotonic() < end:
        i += 1
        body = json.dumps({"properties": {"notes": f"edit {i}"}})
        t = time.monotonic()
        conn.request("PATCH", f"/api/events/BENCH{n}", body, dict(headers, **{"If-Match": tag}))
        r = conn.getresponse(); r.read()
        latencies[n].append(time.monotonic() - t)
        if r.status == 200:
            tag = r.getheader("ETag"); done[n] += 1
        else:
            failures[n] += 1
threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
start = time.monotonic()
for t in threads: t.start()
for t in threads: t.join()
elapsed = time.monotonic() - start
all_l = sorted(l for ls in latencies for l in ls)
pct = lambda p: all_l[min(len(all_l) - 1, int(p * len(all_l)))] * 1000 if all_l else float("nan")
print(f"edits: {sum(done)} committed in {elapsed:.1f} s = {sum(done) / elapsed:.0f}/s "
      f"({sum(failures)} refused), p50 {pct(0.5):.1f} ms, p99 {pct(0.99):.1f} ms")
PY

echo "== edit API: $WRITERS writers (PATCH + If-Match + Bearer) and wrk on tiles, ${SECONDS_PER_RUN}s, $(nproc) cores"
python3 "$WORK/writers.py" $PORT "$TOKEN" "$SECONDS_PER_RUN" "$WRITERS" > "$WORK/edits.txt" &
WRITERS_PID=$!
tiles=$(wrk -t1 -c16 -d${SECONDS_PER_RUN}s --latency -s "$WORK/tiles.lua" "http://127.0.0.1:$PORT" -- "$WORK/mixed.txt")
wait $WRITERS_PID
cat "$WORK/edits.txt"
printf 'tiles at the same time: %s req/s, p50 %s, p99 %s\n' \
  "$(echo "$tiles" | awk '/Requests\/sec/ {print $2}')" \
  "$(echo "$tiles" | awk '$1=="50%" {print $2}')" \
  "$(echo "$tiles" | awk '$1=="99%" {print $2}')"
revisions=$(curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/events/BENCH0/history" \
  | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["revisions"]))')
echo "history of one writer's event: $revisions revisions"
stop_server
