#!/usr/bin/env bash
# Writes what a scamatlas binary prints for a fixed set of commands and HTTP
# requests into one folder, so two builds can be compared with `diff -r`:
#   scripts/snapshot-outputs.sh target/release/scamatlas /tmp/after
#   diff -r /tmp/before /tmp/after
# Used to show that a refactor leaves outputs byte-identical. Needs curl; the
# server listens on 127.0.0.1 only and is stopped at the end.
set -euo pipefail
bin=$(realpath "$1")
out=$2
cd "$(dirname "$0")/.."
shared=../shared
mkdir -p "$out"
run() { # NAME ARGS...: stdout, stderr and the exit code of one command
  local name=$1; shift
  local rc=0
  "$bin" "$@" >"$out/$name.out" 2>"$out/$name.err" || rc=$?
  echo "$rc" >"$out/$name.rc"
  # Paths and timings differ between runs; keep only what the command says.
  sed -i -E 's/[0-9]+(\.[0-9]+)? ?(ms|s|µs)\b/<time>/g' "$out/$name.err"
}

run resolve resolve Laukkaing 老街 Myawadi "Shwe Koko" "the Thai border"
run resolve-json resolve --json Laukkaing 老街 Myawadi "Shwe Koko" "the Thai border" Boten
run resolve-geojson resolve --geojson Laukkaing "the Thai border"
run resolve-near resolve --near 99.9,20.4 --limit 1 "the Thai border"
run places places --json
run events-list events list
run hubs hubs --json
run drift drift --json
run flows flows --json
run query-near query near Myawaddy --radius-km 30 --json
run query-border query border thai --within-km 10 --geojson
run query-within query within Laos --csv
run query-all query all --datetime 2025-01-01/.. --type raid,release --json
for layer in events hubs drift flows places borders countries; do
  for format in geojson geojsonseq csv; do
    run "export-$layer-$format" export --layer "$layer" --format "$format" -o -
  done
done
run export-bbox export --layer events --format geojson --bbox 98.4,16.5,98.7,16.9 -o -
for dir in "$shared/corpus" tests/fixtures/geoparse tests/fixtures/geoparse-unseen; do
  name=$(basename "$dir")
  txts=$(ls "$dir"/*.txt)
  # shellcheck disable=SC2086
  run "geoparse-$name-json" geoparse --json $txts
  # shellcheck disable=SC2086
  run "geoparse-$name-csv" geoparse --events-csv $txts
  run "eval-$name" eval geoparse "$dir"
done

# The server: every read endpoint once.
log=$(mktemp)
"$bin" serve --events bundled --bind 127.0.0.1:0 >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$log"' EXIT
url=
for _ in $(seq 1 300); do
  url=$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$log" | head -1 || true)
  [ -n "$url" ] && curl -fsS "$url/health" >/dev/null 2>&1 && break
  sleep 0.1
done
[ -n "$url" ] || { echo "snapshot-outputs: the server did not start" >&2; cat "$log" >&2; exit 1; }
get() { # NAME PATH
  curl -sS -o "$out/http-$1.body" -D - "$url$2" | grep -viE '^(date|content-length):' | tr -d '\r' \
    | sed -E "s#$url#<url>#g" >"$out/http-$1.head"
  sed -i -E -e "s#$url#<url>#g" -e "s/\"timeStamp\":\"[^\"]*\"/\"timeStamp\":\"<now>\"/g" "$out/http-$1.body"
}
get health /health
get style /style.json
get tilejson /tiles/events.json
get layers /api/layers
for layer in events hubs drift flows places borders countries; do
  get "layer-$layer" "/api/layers/$layer.geojson"
  get "tile-$layer" "/tiles/$layer/6/49/28.mvt"
  get "tile-$layer-z4" "/tiles/$layer/4/12/7.mvt"
done
get resolve "/api/resolve?q=Laukkai"
get query "/api/query?near=Myawaddy&radius_km=30"
get ogc-landing /ogc
get ogc-collections /ogc/collections
for c in $(curl -fsS "$url/ogc/collections" | grep -oE '"id":"[a-z_]+"' | cut -d'"' -f4 | sort -u); do
  get "ogc-$c" "/ogc/collections/$c"
  get "ogc-$c-items" "/ogc/collections/$c/items?limit=1000"
done
get ogc-api /ogc/api
echo "snapshot-outputs: $(ls "$out" | wc -l) files in $out"
