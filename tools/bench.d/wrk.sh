# shellcheck shell=bash
# Sourced by tools/bench (and random_pages.sh): servers started in the background, and wrk
# runs reduced to medians. Expects TMP, PIDS, RUNS, DURATION, CONNECTIONS, WRK_THREADS and
# log/die from the script that sources it (random_pages.sh needs no RUNS: no medians).

# Starts a server in the background and waits for its "... listening on ADDR:PORT" line
# (printed once it accepts connections). Sets STARTED_PID and STARTED_ADDR.
# usage: start_server NAME CMD...   (stdout/stderr go to $TMP/NAME.out / NAME.err)
STARTED_PID=""
STARTED_ADDR=""
start_server() {
  local name=$1
  shift
  "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
  STARTED_PID=$!
  PIDS+=("$STARTED_PID")
  local waited=0
  until grep -q ' listening on ' "$TMP/$name.out" 2>/dev/null; do
    kill -0 "$STARTED_PID" 2>/dev/null \
      || die "$name exited before listening: $(tail -5 "$TMP/$name.err")"
    ((waited++ < 6000)) || die "$name did not print its listening line within 60 s"
    sleep 0.01
  done
  # shellcheck disable=SC2034 # read by the caller
  STARTED_ADDR=$(sed -n 's/.* listening on \([^ ]*\)$/\1/p' "$TMP/$name.out" | head -1)
}

# Waits until GET URL answers 200 (orgd's /readyz: every projection caught up with the head
# it found at start). Gives up after 600 s.
wait_ready() {
  local url=$1 pid=$2 waited=0
  until [[ $(curl -s -o /dev/null -w '%{http_code}' "$url") == 200 ]]; do
    kill -0 "$pid" 2>/dev/null || die "the server exited before it was ready"
    ((waited++ < 60000)) || die "$url did not answer 200 within 600 s"
    sleep 0.01
  done
}

# Stops a server started by start_server and forgets its pid (so cleanup never signals a
# pid that the system may have reused since).
stop_server() {
  local pid=$1 kept=() p
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  for p in "${PIDS[@]}"; do [[ $p == "$pid" ]] || kept+=("$p"); done
  PIDS=(${kept[@]+"${kept[@]}"})
}

# Converts one wrk latency figure (e.g. 812.00us, 3.41ms, 1.02s) to milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.2f", n }'
}

# One wrk run; prints "req_per_s p50_ms p99_ms non2xx socket_errors" on one line.
# non2xx comes from the create script's own count when it prints one (bench_non2xx), else
# from wrk's "Non-2xx or 3xx responses" line (wrk counts statuses >= 400 there).
# usage: wrk_once OUTFILE URL [wrk args...] [-- script args]
wrk_once() {
  local out=$1 url=$2
  shift 2
  local script_args=() wrk_args=()
  while (($#)); do
    if [[ $1 == -- ]]; then
      shift
      script_args=("$@")
      break
    fi
    wrk_args+=("$1")
    shift
  done
  # --timeout 10s: a slow durable create must count as a (slow) answer, not a socket error.
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s --latency \
    "${wrk_args[@]}" "$url" ${script_args[@]+-- "${script_args[@]}"} >"$out" 2>&1 \
    || die "wrk failed: $(tail -5 "$out")"
  local rps p50 p99 non2xx errors
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
  p50=$(awk '/Latency Distribution/ { d = 1 } d && $1 == "50%" { print $2; exit }' "$out")
  p99=$(awk '/Latency Distribution/ { d = 1 } d && $1 == "99%" { print $2; exit }' "$out")
  [[ -n "$rps" && -n "$p50" && -n "$p99" ]] || die "cannot parse wrk output: $(cat "$out")"
  non2xx=$(awk '$1 == "bench_non2xx" { print $2 }' "$out")
  [[ -n "$non2xx" ]] || non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' "$out")
  # "Socket errors: connect 0, read 0, write 0, timeout 0" -> their sum.
  errors=$(awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' "$out")
  echo "$rps $(to_ms "$p50") $(to_ms "$p99") ${non2xx:-0} ${errors:-0}"
}

# One logged wrk run of NAME (number RUN); prints its wrk_once line.
# usage: wrk_logged NAME RUN [wrk_once args after OUTFILE...]
wrk_logged() {
  local name=$1 run=$2 out line
  shift 2
  log "$name: wrk run $run/$RUNS ($DURATION, $CONNECTIONS connections)"
  out="$TMP/wrk-$name-$run.txt"
  line=$(wrk_once "$out" "${@//\{run\}/$run}")
  log "$name: run $run: $line  (req/s p50_ms p99_ms non2xx socket_errors)"
  if grep -q '^bench_first_failure ' "$out"; then
    log "$name: first non-2xx response: $(sed -n 's/^bench_first_failure //p' "$out")"
  fi
  echo "$line"
}

# Sets RESULT_<NAME> from wrk_once lines: the median run by requests/s (its p50/p99 go with
# it), non-2xx and socket errors summed over all runs (any of them taints the figure).
set_result() {
  local name=$1 median non2xx errors rps p50 p99
  shift
  median=$(printf '%s\n' "$@" | sort -g -k1,1 | sed -n "$((($# + 1) / 2))p")
  non2xx=$(printf '%s\n' "$@" | awk '{ s += $4 } END { print s + 0 }')
  errors=$(printf '%s\n' "$@" | awk '{ s += $5 } END { print s + 0 }')
  read -r rps p50 p99 _ _ <<<"$median"
  printf -v "RESULT_$name" '%s %s %s %s %s' "$rps" "$p50" "$p99" "$non2xx" "$errors"
}

# Runs wrk RUNS times and keeps the median (set_result).
# An argument "{run}" is replaced by the run number (the create script needs a fresh tag
# per run so that names stay unique across runs against the same server).
# Sets RESULT_<NAME>="req_per_s p50_ms p99_ms non2xx socket_errors".
# usage: wrk_median NAME URL [wrk args...] [-- script args]
wrk_median() {
  local name=$1 run lines=()
  shift
  for ((run = 1; run <= RUNS; run++)); do lines+=("$(wrk_logged "$name" "$run" "$@")"); done
  set_result "$name" "${lines[@]}"
}

# wrk_median with each run right after a run against the anchor at ANCHOR_URL, so that the
# machine's drift (±30 % from one minute to the next here) reaches both alike. Sets
# RESULT_<NAME> and RESULT_<NAME>_anchor (set_result) and RATIO_<NAME>: the median of the
# runs' ratios, each run to the anchor run before it.
# usage: wrk_median_beside NAME ANCHOR_URL URL [wrk args...] [-- script args]
wrk_median_beside() {
  local name=$1 anchor_url=$2 run line anchor lines=() anchors=() ratios=()
  shift 2
  for ((run = 1; run <= RUNS; run++)); do
    anchor=$(wrk_logged "${name}_anchor" "$run" "$anchor_url")
    line=$(wrk_logged "$name" "$run" "$@")
    anchors+=("$anchor")
    lines+=("$line")
    ratios+=("$(awk -v a="${line%% *}" -v b="${anchor%% *}" \
      'BEGIN { printf "%.4f", (b > 0 ? a / b : 0) }')")
  done
  set_result "$name" "${lines[@]}"
  set_result "${name}_anchor" "${anchors[@]}"
  printf -v "RATIO_$name" '%s' "$(median_of "${ratios[@]}")"
}

# The median of numbers given as arguments (the lower middle one for an even count).
median_of() {
  printf '%s\n' "$@" | sort -g | sed -n "$((($# + 1) / 2))p"
}
