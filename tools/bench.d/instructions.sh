#!/usr/bin/env bash
# Instructions per request (user space) of one orgd binary, counted by callgrind: unlike
# throughput on this shared, noisy machine, the count repeats to within ~1 % from run to run,
# so two builds can be compared one after the other.
#
#   tools/bench.d/instructions.sh [--orgd BIN] [--store DIR] [--seconds S] [--keep FILE]
#                                 get|list|deep|random|random-cursor|create|bare
#
# get:  GET /api/v1/organizations/{id}; list: GET /api/v1/organizations?page=1&pageSize=20;
# deep: page 2,500 of 20 (the count tree's walk); random: pages of 20 at random over the whole listing (random_page.lua: rows rarely repeat);
# random-cursor: the same reached by cursor (random_cursor.lua, over cursors gathered first: no walk);
# create: POST /api/v1/organizations with new names (create.lua), every thread's share counted:
# the writer's, the projections', the notifier's, RocksDB's background flushes if one falls in.
# bare: the bench's anchor (bench_bare_server, GET /), for orgd's counts to be read against.
# Defaults: build-bench-rel/api/orgd, the store a full tools/bench run cached (run it once), 8 s.
# orgd runs under valgrind on a private checkpoint of the store; only the measured wrk run
# (1 thread, 8 connections, after a 2 s warm-up) is counted; --keep FILE keeps callgrind's
# profile (callgrind_annotate FILE shows where the instructions went). Prints one line:
#   <kind>: <requests> requests, <k> k instructions/request
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=tools/bench.d/bench_build.sh
source tools/bench.d/bench_build.sh
STORE=""
SECONDS_MEASURED=8
KIND=""
KEEP=""

usage() {
  echo "usage: tools/bench.d/instructions.sh [--orgd BIN] [--store DIR] [--seconds S]" \
    "[--keep FILE] get|list|deep|random|random-cursor|create|bare" >&2
  exit 2
}
while (($#)); do
  case "$1" in
    --orgd) ORGD=$2; shift ;;
    --store) STORE=$2; shift ;;
    --seconds) SECONDS_MEASURED=$2; shift ;;
    --keep) KEEP=$2; shift ;;
    get | list | deep | random | random-cursor | create | bare) KIND=$1 ;;
    *) usage ;;
  esac
  shift
done
[[ -n $KIND ]] || usage
[[ -n $STORE ]] || STORE=$(full_run_store)
[[ $KIND == bare || -d $STORE ]] || {
  echo "no store: run tools/bench once, or pass --store" >&2
  exit 1
}
command -v valgrind >/dev/null || { echo "valgrind is missing: run tools/setup" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/orgd-instructions.XXXXXX")
PID=""
cleanup() {
  [[ -z $PID ]] || { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null || true; }
  rm -rf "$TMP"
}
trap cleanup EXIT

PORT=$((20000 + RANDOM % 20000))
BASE=http://127.0.0.1:$PORT
callgrind() {
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$TMP/callgrind.out" "$@" \
    >"$TMP/server.log" 2>&1 &
  PID=$!
}
# Polls PATH until the server answers it.
wait_for() {
  for _ in $(seq 600); do
    curl -sf "$BASE$1" >/dev/null 2>&1 && return
    sleep 0.2
  done
}

login() {
  curl -sS -X POST "$BASE/api/v1/sessions" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}" | jq -r .securityToken
}
# The cursors random-cursor follows, gathered as tools/bench gathers them (pages at random,
# 4 s at 64 connections, ~30,000 of them) by an orgd outside valgrind on the same data
# directory, stopped before the measured one starts: that one begins with a cold block cache,
# as for random, and the cursors are many more than the pages it reads.
gather_cursors() {
  "$ORGD" --listen "127.0.0.1:$PORT" --data-dir "$TMP/data" --log-level warn \
    >"$TMP/gather.log" 2>&1 &
  PID=$!
  wait_for /readyz
  local token pages
  token=$(login)
  pages=$(($(curl -sS "$BASE/api/v1/organizations?page=1&pageSize=20" \
    -H "Authorization: Bearer $token" | jq -r .pageInfo.totalElements) / 20))
  wrk -t2 -c64 -d4s -s tools/bench.d/record_cursors.lua "$BASE/api/v1/organizations" \
    -- "$token" "$pages" 20 "$TMP/cursors" >/dev/null
  sort -u "$TMP"/cursors.* >"$TMP/cursors"
  kill "$PID"
  wait "$PID" || true
  PID=""
  echo "random-cursor: $(wc -l <"$TMP/cursors") cursors gathered" >&2
}

if [[ $KIND == bare ]]; then
  callgrind "$BARE" --port "$PORT" --threads 2
  wait_for /
  WRK=("$BASE/")
else
  "$ORGCTL" --data-dir "$STORE" backup "$TMP/data" >/dev/null
  [[ $KIND != random-cursor ]] || gather_cursors
  callgrind "$ORGD" --listen "127.0.0.1:$PORT" --data-dir "$TMP/data" --log-level warn
  wait_for /readyz
  # The store's SuperAdmin is the bench's (store_cache.sh bootstrapped it).
  TOKEN=$(login)
  URL="$BASE/api/v1/organizations?page=1&pageSize=20"
  if [[ $KIND == get ]]; then
    ID=$(curl -sS "$URL" -H "Authorization: Bearer $TOKEN" | jq -r '.organizations[1].id')
    URL="$BASE/api/v1/organizations/$ID"
  fi
  [[ $KIND != deep ]] || URL="$BASE/api/v1/organizations?page=2500&pageSize=20"
  WRK=(-s tools/bench.d/get.lua "$URL" -- "$TOKEN")
  if [[ $KIND == random || $KIND == random-cursor ]]; then
    PAGES=$(($(curl -sS "$URL" -H "Authorization: Bearer $TOKEN" | jq -r .pageInfo.totalElements) / 20))
    WRK=(-s tools/bench.d/random_page.lua "$BASE/api/v1/organizations" -- "$TOKEN" "$PAGES" 20)
  fi
  if [[ $KIND == random-cursor ]]; then
    WRK=(-s tools/bench.d/random_cursor.lua "$BASE/api/v1/organizations" -- "$TOKEN" 20 "$TMP/cursors")
  fi
  if [[ $KIND == create ]]; then
    URL="$BASE/api/v1/organizations"
    WRK=(-s tools/bench.d/create.lua "$URL" -- "$TOKEN" "warm-up")
  fi
fi
wrk -t1 -c8 -d2s "${WRK[@]}" >/dev/null 2>&1
[[ $KIND != create ]] || WRK[-1]=measured  # a repeated name would be a quick 409
callgrind_control -i on "$PID" >/dev/null 2>&1
out=$(wrk -t1 -c8 -d"${SECONDS_MEASURED}s" "${WRK[@]}" 2>&1)
callgrind_control -i off "$PID" >/dev/null 2>&1
callgrind_control -d "$PID" >/dev/null 2>&1
sleep 1
requests=$(awk '/requests in/ { print $1 }' <<<"$out")
[[ -z $KEEP ]] || cat "$TMP"/callgrind.out* >"$KEEP"
failed=$(awk '/^bench_non2xx/ { print $2 }' <<<"$out")  # create.lua reports them
[[ ${failed:-0} -eq 0 ]] || { echo "measurement failed: $failed responses outside 2xx" >&2; exit 1; }
instructions=$(cat "$TMP"/callgrind.out* | awk '/^totals:/ { s += $2 } END { print s + 0 }')
[[ ${requests:-0} -gt 0 && $instructions -gt 0 ]] || { echo "measurement failed: $out" >&2; exit 1; }
awk -v k="$KIND" -v n="$requests" -v i="$instructions" \
  'BEGIN { printf "%s: %d requests, %.1f k instructions/request\n", k, n, i / n / 1000 }'
