#!/usr/bin/env bash
# Soak test of `scamatlas serve` (issue 15): the load cases that once
# exhausted it, each against a fresh server on 127.0.0.1 with 100,000
# synthetic events (as bench-server.sh), each bounded in time. Prints per case the idle and peak RSS (VmRSS
# sampled every 0.1 s), the most threads, errors and latency percentiles.
# Usage: scripts/soak.sh [SECONDS]   (idle holds and the datetime run; 30)
#   SOAK_GEOJSON_SECONDS (60), SOAK_IDLE ("2000 20000"), SOAK_EVENTS
#   (100000; 0 for the bundled events), SOAK_SERVER_NOFILE (the server's
#   open-file limit, 8192, so that 20,000 connections outnumber its file
#   descriptors as in the issue), SOAK_CASES ("idle burst datetime geojson"),
#   SCAMATLAS_BIN as
#   in bench-server.sh. Installs wrk if missing; stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_CASE=${1:-30}
GEOJSON_SECONDS=${SOAK_GEOJSON_SECONDS:-60}
IDLE_COUNTS=${SOAK_IDLE:-2000 20000}
EVENTS=${SOAK_EVENTS:-100000}
CASES=${SOAK_CASES:-idle burst datetime geojson}
export SERVER_NOFILE=${SOAK_SERVER_NOFILE:-8192}
DATA=(--events bundled)
[ "$EVENTS" = 0 ] || DATA=(--synthetic "$EVENTS")
PORT=18788
URL=http://127.0.0.1:$PORT
. scripts/lib-server.sh
need_wrk
use_release_bin
# As many open files as allowed, for 20,000 connections (the client side
# spreads them over processes of 10,000 each).
ulimit -n "$(ulimit -Hn)"
WORK=$(mktemp -d)
trap 'kill "${SAMPLER:-}" 2>/dev/null || true; stop_server; rm -rf "$WORK"' EXIT

# sample PID: the most VmRSS (kB) and threads of PID, every 0.1 s, into
# $WORK/peak until stopped.
sample() {
  local rss=0 threads=0 r t
  while [ -r "/proc/$1/status" ]; do
    read -r r t < <(awk '/^VmRSS/ {r=$2} /^Threads/ {t=$2} END {print r+0, t+0}' "/proc/$1/status" 2>/dev/null || echo "0 0")
    [ "$r" -gt "$rss" ] && rss=$r
    [ "$t" -gt "$threads" ] && threads=$t
    echo "$rss $threads" > "$WORK/peak.tmp" && mv "$WORK/peak.tmp" "$WORK/peak"
    sleep 0.1
  done
}

begin_case() { # $1 = title; starts a fresh server and the sampler
  echo "== $1"
  start_server $PORT "${DATA[@]}"
  sleep 1
  IDLE_KB=$(awk '/^VmRSS/ {print $2}' "/proc/$PID/status")
  echo "0 0" > "$WORK/peak"
  sample "$PID" & SAMPLER=$!
}

end_case() {
  kill "$SAMPLER" 2>/dev/null || true; wait "$SAMPLER" 2>/dev/null || true
  local alive=yes
  curl -sf -m 10 "$URL/health" >/dev/null || alive=NO
  read -r rss threads < "$WORK/peak"
  printf '   server: idle RSS %d MB, peak RSS %d MB (%.1fx idle), most threads %d, /health after: %s\n' \
    $((IDLE_KB / 1024)) $((rss / 1024)) "$(echo "$rss / $IDLE_KB" | bc -l)" "$threads" "$alive"
  stop_server
}

# wrk's summary: requests/s, latency percentiles, errors.
wrk_summary() {
  awk '
    /Requests\/sec/ {rate=$2}
    $1=="50%" {p50=$2} $1=="90%" {p90=$2} $1=="99%" {p99=$2}
    /Latency/ && !lat {max=$4; lat=1}
    /Socket errors/ {sock=$0; sub(/^ *Socket errors: */, "", sock)}
    /Non-2xx/ {bad=$NF}
    /requests in/ {n=$1}
    END {
      printf "   wrk: %s requests, %s req/s, p50 %s, p90 %s, p99 %s, max %s; non-2xx %d; socket errors: %s\n",
        n, rate, p50, p90, p99, max, bad+0, (sock == "" ? "none" : sock)
    }'
}

cat > "$WORK/idle.py" <<'PY'
# idle.py PORT N HOLD: opens N connections (half idle, half with half a
# request header sent) from processes of at most 10,000 each, holds them
# HOLD seconds while asking /health every 0.1 s, then counts how many the
# server closed.
import http.client, multiprocessing as mp, socket, sys, threading, time
port, n, hold = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
def opener(count, start, hold_until, out):
    held, failed = [], 0
    for i in range(count):
        if time.time() > hold_until:  # a server that stopped accepting
            failed += count - i
            break
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=2)
            if (start + i) % 2:
                s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            held.append(s)
        except OSError:
            failed += 1
    time.sleep(max(0.0, hold_until - time.time()))
    closed = 0
    for s in held:
        s.setblocking(False)
        try:
            closed += s.recv(1) == b""
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
    out.put((len(held), failed, closed))
if __name__ == "__main__":
    hold_until = time.time() + hold
    out, procs, per = mp.Queue(), [], 10000
    for start in range(0, n, per):
        p = mp.Process(target=opener, args=(min(per, n - start), start, hold_until, out))
        p.start(); procs.append(p)
    lat, errors = [], 0
    while time.time() < hold_until:
        t = time.time()
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/health"); r = c.getresponse(); r.read(); c.close()
            if r.status == 200: lat.append(time.time() - t)
            else: errors += 1
        except OSError:
            errors += 1
        time.sleep(0.1)
    opened = failed = closed = 0
    for _ in procs:
        o, f, c = out.get(); opened += o; failed += f; closed += c
    for p in procs: p.join()
    lat.sort()
    pct = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000 if lat else float("nan")
    print(f"   clients: {opened} connections held ({failed} refused or timed out), "
          f"{closed} closed by the server after {hold:.0f} s")
    print(f"   /health during: {len(lat)} answered, {errors} failed; "
          f"p50 {pct(0.5):.1f} ms, p99 {pct(0.99):.1f} ms, max {pct(1.0):.1f} ms")
PY

cat > "$WORK/burst.py" <<'PY'
# burst.py URL N: N clients ask for URL at the same moment.
import sys, threading, time, urllib.request
url, n = sys.argv[1], int(sys.argv[2])
barrier, lat, errors, lock = threading.Barrier(n), [], [], threading.Lock()
def ask():
    barrier.wait()
    t = time.time()
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            r.read(); ok = r.status in (200, 204)
    except Exception as e:
        ok = False
    with lock:
        (lat.append(time.time() - t) if ok else errors.append(1))
threads = [threading.Thread(target=ask) for _ in range(n)]
for t in threads: t.start()
for t in threads: t.join()
lat.sort()
pct = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000 if lat else float("nan")
print(f"   clients: {len(lat)} answered, {len(errors)} failed; p50 {pct(0.5):.0f} ms, "
      f"p99 {pct(0.99):.0f} ms, slowest {pct(1.0):.0f} ms")
PY

# Countries tiles over the region, each with a new datetime: the layer has
# no time, so none of them should be made twice.
python3 - "$WORK" <<'PY'
import math, sys
def tile(lon, lat, z):
    n = 2 ** z
    return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
paths = []
for z in (3, 4, 5, 6):
    x0, y0 = tile(92, 28, z); x1, y1 = tile(110, 8, z)
    paths += [f"/tiles/countries/{z}/{x}/{y}.mvt" for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
open(f"{sys.argv[1]}/countries.txt", "w").write("\n".join(paths) + "\n")
PY
write_tile_lua "$WORK/datetime.lua"

echo "soak of $BIN on 127.0.0.1 (${DATA[*]}, default limits, ulimit -n $SERVER_NOFILE), $(nproc) cores"
has() { [[ " $CASES " == *" $1 "* ]]; }
if has idle; then for n in $IDLE_COUNTS; do
  begin_case "$n idle and half-sent connections, held ${SECONDS_PER_CASE} s"
  python3 "$WORK/idle.py" $PORT "$n" "$SECONDS_PER_CASE"
  end_case
done; fi

if has burst; then
begin_case "256 clients at once ask for one tile not made yet"
python3 "$WORK/burst.py" "$URL/tiles/countries/0/0/0.mvt" 256
end_case
fi

if has datetime; then
begin_case "wrk -c64 ${SECONDS_PER_CASE} s: countries tiles, a new datetime per request"
SUFFIX=instant wrk -t2 -c64 -d"${SECONDS_PER_CASE}s" --timeout 10s --latency -s "$WORK/datetime.lua" "$URL" -- "$WORK/countries.txt" | wrk_summary
end_case
fi

if has geojson; then
begin_case "wrk -c64 ${GEOJSON_SECONDS} s: /api/layers/events.geojson"
wrk -t2 -c64 -d"${GEOJSON_SECONDS}s" --timeout 30s --latency "$URL/api/layers/events.geojson" | wrk_summary
end_case
fi
