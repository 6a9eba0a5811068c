# Helpers shared by the load scripts (bench-server.sh, soak.sh): wrk, the
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
