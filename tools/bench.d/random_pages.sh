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
DURATION=10s CONNECTIONS=64 WRK_THREADS=2  # as tools/bench measures
log() { echo "random_pages.sh: $*" >&2; }
die() {
  log "$*"
  exit 1
}
# shellcheck source=tools/bench.d/wrk.sh
source tools/bench.d/wrk.sh
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do stop_server "$pid"; done
  rm -rf "$TMP"
}
trap cleanup EXIT

# wrk_once's requests/s, or a failure when an answer was not a 2xx or a socket failed (a bad
# token or flag would otherwise measure error answers).
rps() {
  local line rps non2xx errors
  line=$(wrk_once "$TMP/wrk.txt" "$@")
  read -r rps _ _ non2xx errors <<<"$line"
  ((non2xx == 0 && errors == 0)) || die "$non2xx answers outside 2xx, $errors socket errors"
  echo "$rps"
}

"$ORGCTL" --data-dir "$STORE" backup "$TMP/data" >/dev/null
start_server orgd "$ORGD" --listen 127.0.0.1:0 --data-dir "$TMP/data" --log-level warn "$@"
orgd_addr=$STARTED_ADDR orgd_pid=$STARTED_PID
start_server bare "$BARE" --port 0
bare_addr=$STARTED_ADDR
wait_ready "http://$orgd_addr/readyz" "$orgd_pid"
base=http://$orgd_addr/api/v1/organizations
token=$(curl -sS -X POST "http://$orgd_addr/api/v1/sessions" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}" | jq -r '.securityToken // empty')
[[ -n $token ]] || die "the bench's SuperAdmin could not log in"
pages=$(($(curl -sS "$base?page=1&pageSize=20" -H "Authorization: Bearer $token" \
  | jq -r .pageInfo.totalElements) / 20))
by_number=(-s tools/bench.d/random_page.lua -- "$token" "$pages" 20)
by_cursor=(-s tools/bench.d/random_cursor.lua -- "$token" 20 "$TMP/cursors")

wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d4s -s tools/bench.d/record_cursors.lua "$base" \
  -- "$token" "$pages" 20 "$TMP/cursors" >/dev/null
sort -u "$TMP"/cursors.* >"$TMP/cursors"
DURATION=${WARM}s rps "$base" "${by_number[@]}" >/dev/null
for ((round = 1; round <= ROUNDS; round++)); do
  bare=$(rps "http://$bare_addr/")
  number=$(rps "$base" "${by_number[@]}")
  cursor=$(rps "$base" "${by_cursor[@]}")
  awk -v r="$round" -v b="$bare" -v n="$number" -v c="$cursor" 'BEGIN {
    printf "round %d: bare %.0f req/s, by number %.0f (%.3f), by cursor %.0f (%.3f)\n",
      r, b, n, n / b, c, c / b }'
done
echo "orgd RSS: $(awk '/VmRSS/ { printf "%d MB", $2 / 1024 }' "/proc/$orgd_pid/status")"
