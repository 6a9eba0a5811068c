# Helpers shared by the load scripts (bench-server.sh, bench-workspace.sh,
# bench-edits.sh, soak.sh): wrk, the
# release binary, and one server on 127.0.0.1 at a time. Source it from the
# repository root; it sets BIN, and PID while a server runs.

need_wrk() {
  command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
}

# SCAMATLAS_BIN runs another build (an older commit's, say) for comparison;
# otherwise the release build of this checkout, built first.
use_release_bin() {
  BIN=${SCAMATLAS_BIN:-target/release/scamatlas}
  [ -n "${SCAMATLAS_BIN:-}" ] || cargo build --release --quiet
}

# start_server PORT [serve options...]: starts `serve` on 127.0.0.1:PORT and
# waits for /health (at most 30 s). SERVER_NOFILE, if set, is the server's
# open-file limit.
start_server() {
  local port=$1; shift
  (if [ -n "${SERVER_NOFILE:-}" ]; then ulimit -n "$SERVER_NOFILE"; fi
   exec "$BIN" -q serve --bind "127.0.0.1:$port" "$@") &
  PID=$!
  for _ in $(seq 1 600); do
    curl -sf "http://127.0.0.1:$port/health" >/dev/null && return 0
    sleep 0.05
  done
  echo "server did not start" >&2; exit 1
}

stop_server() {
  [ -n "${PID:-}" ] || return 0
  kill "$PID" 2>/dev/null || true
  wait "$PID" 2>/dev/null || true
  PID=
}

# write_tile_lists DIR: the events tiles of the region (lon 92..110, lat
# 8..28) at zooms 4, 6, 8 and 10, one list per zoom (DIR/zZ.txt, at most 2,000
# paths each: z10 a fixed sample spread over the region) and all of them in
# DIR/mixed.txt.
write_tile_lists() {
  python3 - "$1" <<'PY'
import math, sys
work = sys.argv[1]
def tile(lon, lat, z):
    n = 2 ** z
    return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
mixed = []
for z in (4, 6, 8, 10):
    x0, y0 = tile(92, 28, z); x1, y1 = tile(110, 8, z)
    paths = [f"/tiles/events/{z}/{x}/{y}.mvt" for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
    if len(paths) > 2000:
        paths = paths[:: len(paths) // 2000][:2000]
    open(f"{work}/z{z}.txt", "w").write("\n".join(paths) + "\n")
    mixed += paths
open(f"{work}/mixed.txt", "w").write("\n".join(mixed) + "\n")
PY
}

# write_tile_lua FILE: a wrk script that asks the tile paths of the list file
# given after `--`, in turn from a random start. SUFFIX in wrk's environment
# adds to each path: `vary` a random start day (2023), `instant` a random
# instant (2010-2025), anything else as written.
write_tile_lua() {
  cat > "$1" <<'LUA'
local paths, i = {}, 0
init = function(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  i = math.random(#paths)
end
request = function()
  i = i % #paths + 1
  local suffix = os.getenv("SUFFIX") or ""
  if suffix == "vary" then
    -- A random start day on every request: almost every tile is made anew.
    suffix = string.format("?datetime=2023-%02d-%02d/..", math.random(12), math.random(28))
  elseif suffix == "instant" then
    suffix = string.format("?datetime=20%02d-%02d-%02dT%02d:%02d:%02dZ", math.random(10, 25),
      math.random(12), math.random(28), math.random(0, 23), math.random(0, 59), math.random(0, 59))
  end
  return wrk.format("GET", paths[i] .. suffix)
end
LUA
}
