# shellcheck shell=bash
# Sourced by tools/bench: PostgreSQL 15 (Debian's package) as the event store orgd is compared
# with, in a cluster of its own under $TMP, started and deleted by the bench.
#
# Settings: synchronous_commit=on and fsync=on (a commit returns once its WAL is flushed, as an
# orgd create returns once its batch is fsync'd), everything else initdb's defaults
# (shared_buffers 128 MB). Clients connect over TCP to 127.0.0.1, like wrk to orgd, with
# pgbench's prepared statements, 64 clients on 2 threads (wrk's -c64 -t2).
#
# As root, the cluster belongs to the postgres system user the package creates (nobody when
# it is missing): PostgreSQL refuses to run as root.
#
# Expects TMP, RUNS, DURATION, CONNECTIONS, WRK_THREADS, log/die and median_of from tools/bench.

readonly PG_BIN=/usr/lib/postgresql/15/bin
PG_DIR=""
PG_PORT=""
PG_AS=()
PG_RUNNING=0

# Runs a PostgreSQL server program as the cluster's owner, from a directory it may enter.
pg_as_owner() {
  (cd "$PG_DIR" && ${PG_AS[@]+"${PG_AS[@]}"} "$@")
}

pg_sql() {
  "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U bench -d postgres -X -q -v ON_ERROR_STOP=1 "$@"
}

# A TCP port on 127.0.0.1 that nothing answers on now (the start retries if it is taken
# before the server binds it).
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
}

pg_start() {
  [[ -x $PG_BIN/initdb && -x $PG_BIN/pgbench ]] \
    || die "PostgreSQL 15 is missing (tools/setup installs postgresql-15)"
  PG_DIR=$TMP/pg
  mkdir -p "$PG_DIR"
  if ((EUID == 0)); then
    local owner=postgres
    id -u "$owner" >/dev/null 2>&1 || owner=nobody
    # The owner must reach $PG_DIR; 711 lets it pass through $TMP without listing it.
    chmod 711 "$TMP"
    chown "$owner" "$PG_DIR"
    PG_AS=(runuser -u "$owner" --)
  fi
  log "PostgreSQL 15: initdb in $PG_DIR"
  pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U bench --auth=trust -E UTF8 \
    --locale=C.UTF-8 >"$TMP/initdb.log" 2>&1 || die "initdb failed: $(tail -5 "$TMP/initdb.log")"
  # One line: pg_ctl hands -o to a shell.
  local settings="-c listen_addresses=127.0.0.1 -c unix_socket_directories=$PG_DIR"
  settings+=" -c synchronous_commit=on -c fsync=on -c max_connections=100"
  local attempt
  for attempt in 1 2 3 4 5; do
    PG_PORT=$(free_port)
    if pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 120 \
      -o "$settings -c port=$PG_PORT" start >/dev/null; then
      PG_RUNNING=1
      log "PostgreSQL 15: listening on 127.0.0.1:$PG_PORT"
      return
    fi
    log "PostgreSQL did not start on port $PG_PORT (attempt $attempt)"
  done
  die "PostgreSQL did not start: $(tail -5 "$PG_DIR/server.log")"
}

# Called by tools/bench's cleanup as well, so a failed run leaves no server behind.
pg_stop() {
  ((PG_RUNNING)) || return 0
  pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 \
    || pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 \
    || true
  PG_RUNNING=0
}

# pgbench's -T counts from before it opens its connections (a backend forked for each: seconds
# for 64 of them on this loaded machine), while its tps leaves that time out; these seconds
# are added to -T so that the measured window is as long as wrk's.
readonly PG_CONNECT_SECONDS=5

# One pgbench run of SCRIPT; prints "tps p99_ms failed" on one line.
# usage: pgbench_once NAME RUN SCRIPT
pgbench_once() {
  local name=$1 run=$2 script=$3
  local out=$TMP/pgbench-$name-$run.txt prefix=$TMP/pglog-$name-$run
  "$PG_BIN/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U bench -n -M prepared -c "$CONNECTIONS" \
    -j "$WRK_THREADS" -T $((${DURATION%s} + PG_CONNECT_SECONDS)) -f "$script" -l \
    --log-prefix="$prefix" postgres >"$out" 2>&1 || die "pgbench failed: $(tail -5 "$out")"
  local tps failed p99
  # "tps = 4123.456789 (without initial connection time)"
  tps=$(awk '$1 == "tps" && $2 == "=" { print $3 }' "$out")
  failed=$(awk '/^number of failed transactions:/ { print $5 }' "$out")
  # Per-transaction log lines: client_id transaction_no latency_us script_no epoch epoch_us.
  p99=$(cat "$prefix".* | awk '{ print $3 }' | sort -n \
    | awk '{ v[NR] = $1 } END { i = int(NR * 0.99); if (i < 1) i = 1; printf "%.2f", v[i] / 1000 }')
  rm -f "$prefix".*
  [[ -n "$tps" ]] || die "cannot parse pgbench output: $(cat "$out")"
  echo "$tps $p99 ${failed:-0}"
}

# A warm-up run (not counted: a fresh cluster first creates its WAL segments and fills its
# buffers), then RUNS pgbench runs; sets RESULT_<NAME>="tps p99_ms failed" of the median run
# by tps (failed summed over all runs).
pgbench_median() {
  local name=$1 script=$2 run line lines=()
  log "postgres $name: warm-up run"
  line=$(pgbench_once "$name" warmup "$script")
  log "postgres $name: warm-up: $line  (tps p99_ms failed)"
  for ((run = 1; run <= RUNS; run++)); do
    log "postgres $name: pgbench run $run/$RUNS ($DURATION, $CONNECTIONS clients)"
    line=$(pgbench_once "$name" "$run" "$script")
    log "postgres $name: run $run: $line  (tps p99_ms failed)"
    lines+=("$line")
  done
  local median failed tps p99
  median=$(printf '%s\n' "${lines[@]}" | sort -g -k1,1 | sed -n "$(((RUNS + 1) / 2))p")
  failed=$(printf '%s\n' "${lines[@]}" | awk '{ s += $3 } END { print s + 0 }')
  read -r tps p99 _ <<<"$median"
  printf -v "RESULT_$name" '%s %s %s' "$tps" "$p99" "$failed"
}

# The append of POST /api/v1/organizations: one new stream, one event of PG_EVENT_BYTES
# bytes of data, in its own transaction. The table keeps the two orders orgd's log keeps:
# the global position (primary key) and (stream, version), unique.
bench_pg_appends() {
  pg_sql -c "CREATE TABLE events (
      position bigserial PRIMARY KEY,
      stream text NOT NULL,
      version bigint NOT NULL,
      type text NOT NULL,
      data bytea NOT NULL,
      UNIQUE (stream, version))"
  local hex
  hex=$(head -c "$PG_EVENT_BYTES" /dev/urandom | od -An -v -tx1 | tr -d ' \n')
  printf '%s\n' "INSERT INTO events (stream, version, type, data) VALUES ('organization-' || gen_random_uuid(), 1, 'OrganizationCreated', '\\x$hex');" \
    >"$TMP/pg-append.sql"
  pgbench_median appends "$TMP/pg-append.sql"
  local rows
  rows=$(pg_sql -At -c "SELECT count(*) FROM events")
  log "postgres appends: $rows event rows in the table at the end"
}

# A page of 20 by OFFSET over PG_ORGS organizations, the same page as orgd's deep page,
# ordered by a btree index on name.
bench_pg_offset_page() {
  log "postgres: loading $PG_ORGS organizations"
  pg_sql <<SQL
CREATE TABLE organizations (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  description text NOT NULL,
  parent_id uuid,
  status text NOT NULL,
  locale text NOT NULL,
  country text NOT NULL,
  thumbnail_url text NOT NULL,
  billing_plan text NOT NULL,
  created_at timestamptz NOT NULL,
  version bigint NOT NULL);
INSERT INTO organizations
  SELECT gen_random_uuid(), 'Seed ' || i, 'seeded', NULL, 'active', '', '', '', 'free', now(), 1
  FROM generate_series(1, $PG_ORGS) AS i;
CREATE INDEX organizations_by_name ON organizations (name);
VACUUM ANALYZE organizations;
SQL
  local query="SELECT id, name, description, parent_id, status, locale, country, thumbnail_url,
    billing_plan, created_at, version FROM organizations ORDER BY name
    OFFSET $(((DEEP_PAGE - 1) * PAGE_SIZE)) LIMIT $PAGE_SIZE;"
  printf '%s\n' "$query" | tr '\n' ' ' >"$TMP/pg-page.sql"
  echo >>"$TMP/pg-page.sql"
  local rows plan
  rows=$(pg_sql -At -f "$TMP/pg-page.sql" | wc -l)
  [[ $rows == "$PAGE_SIZE" ]] || die "the PostgreSQL page has $rows rows, not $PAGE_SIZE"
  plan=$(pg_sql -At -c "EXPLAIN $query" | head -3 | tr '\n' ' ')
  log "postgres page plan: $plan"
  pgbench_median page "$TMP/pg-page.sql"
}
