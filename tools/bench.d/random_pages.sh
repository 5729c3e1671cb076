#!/usr/bin/env bash
# Pages at random, by page number and by cursor, against the bare server, for one orgd and its
# flags: what Benchmarks ("What the unmet rows would need") compares, e.g. the default block
# cache against one that holds the whole listing:
#
#   tools/bench.d/random_pages.sh [--orgd BIN] [--store DIR] [--warm S] [--rounds N] [-- ORGD_FLAGS...]
#   tools/bench.d/random_pages.sh -- --block-cache 3072
#
# orgd runs on a private checkpoint of the full bench run's cached store (run tools/bench
# once); S seconds of pages at random warm it up (default 40), then each of N rounds (default
# 3) runs wrk -t2 -c64 for 10 s on the bare server, on pages at random by number
# (random_page.lua) and by cursor (random_cursor.lua, over cursors gathered first). Prints one
# line per round with both ratios, and orgd's RSS at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tools/bench.d/bench_build.sh
source tools/bench.d/bench_build.sh
STORE=""
WARM=40
ROUNDS=3

usage() {
  echo "usage: tools/bench.d/random_pages.sh [--orgd BIN] [--store DIR] [--warm S]" \
    "[--rounds N] [-- ORGD_FLAGS...]" >&2
  exit 2
}
while (($#)); do
  case "$1" in
    --orgd) ORGD=$2; shift ;;
    --store) STORE=$2; shift ;;
    --warm) WARM=$2; shift ;;
    --rounds) ROUNDS=$2; shift ;;
    --) shift; break ;;
    *) usage ;;
  esac
  shift
done
[[ -n $STORE ]] || STORE=$(full_run_store)
[[ -d $STORE ]] || { echo "no store: run tools/bench once, or pass --store" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/orgd-random-pages.XXXXXX")
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || continue
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$TMP"
}
trap cleanup EXIT

# Starts NAME in the background; sets ADDR to the address of its "listening on" line.
ADDR=""
start() {
  local name=$1
  shift
  "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
  PIDS+=($!)
  for _ in $(seq 6000); do
    grep -q ' listening on ' "$TMP/$name.out" 2>/dev/null && break
    sleep 0.01
  done
  ADDR=$(sed -n 's/.* listening on \([^ ]*\)$/\1/p' "$TMP/$name.out" | head -1)
}
# wrk's requests/s, or a failure when any answer was not a 2xx (a bad token or flag would
# otherwise measure error answers).
rps() {
  local out
  out=$(cat)
  if grep -q 'Non-2xx' <<<"$out"; then
    echo "answers outside 2xx: $(grep 'Non-2xx' <<<"$out")" >&2
    exit 1
  fi
  awk '/Requests\/sec/ { print $2 }' <<<"$out"
}

"$ORGCTL" --data-dir "$STORE" backup "$TMP/data" >/dev/null
start orgd "$ORGD" --listen 127.0.0.1:0 --data-dir "$TMP/data" --log-level warn "$@"
orgd_addr=$ADDR orgd_pid=${PIDS[-1]}
start bare "$BARE" --port 0
bare_addr=$ADDR
[[ -n $orgd_addr && -n $bare_addr ]] || { echo "a server did not start: $(cat "$TMP"/*.err)" >&2; exit 1; }
for ((waited = 0; ; waited++)); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' "http://$orgd_addr/readyz") == 200 ]] && break
  kill -0 "$orgd_pid" 2>/dev/null || { echo "orgd exited: $(tail -5 "$TMP/orgd.err")" >&2; exit 1; }
  ((waited < 6000)) || { echo "orgd was not ready within 300 s" >&2; exit 1; }
  sleep 0.05
done
base=http://$orgd_addr/api/v1/organizations
token=$(curl -sS -X POST "http://$orgd_addr/api/v1/sessions" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}" | jq -r '.securityToken // empty')
[[ -n $token ]] || { echo "the bench's SuperAdmin could not log in" >&2; exit 1; }
pages=$(($(curl -sS "$base?page=1&pageSize=20" -H "Authorization: Bearer $token" \
  | jq -r .pageInfo.totalElements) / 20))
by_number=(-s tools/bench.d/random_page.lua "$base" -- "$token" "$pages" 20)
by_cursor=(-s tools/bench.d/random_cursor.lua "$base" -- "$token" 20 "$TMP/cursors")

wrk -t2 -c64 -d4s -s tools/bench.d/record_cursors.lua "$base" -- "$token" "$pages" 20 \
  "$TMP/cursors" >/dev/null
sort -u "$TMP"/cursors.* >"$TMP/cursors"
wrk -t2 -c64 -d"${WARM}s" "${by_number[@]}" | rps >/dev/null
for ((round = 1; round <= ROUNDS; round++)); do
  bare=$(wrk -t2 -c64 -d10s "http://$bare_addr/" | rps)
  number=$(wrk -t2 -c64 -d10s "${by_number[@]}" | rps)
  cursor=$(wrk -t2 -c64 -d10s "${by_cursor[@]}" | rps)
  awk -v r="$round" -v b="$bare" -v n="$number" -v c="$cursor" 'BEGIN {
    printf "round %d: bare %.0f req/s, by number %.0f (%.3f), by cursor %.0f (%.3f)\n",
      r, b, n, n / b, c, c / b }'
done
echo "orgd RSS: $(awk '/VmRSS/ { printf "%d MB", $2 / 1024 }' "/proc/$orgd_pid/status")"
