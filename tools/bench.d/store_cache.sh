# shellcheck shell=bash
# Sourced by tools/bench: the large stores it measures on, seeded once and kept under
# $BUILD/bench-cache so that repeated runs skip the seeding (minutes for 1,000,000
# organizations and 3,000,000 customers).
#
# Each cache directory is named after what decides its bytes, so a change to the code that
# wrote it makes a new one (and the older one of the same size is deleted):
#   log-<size>-<key>      the seeded event log, no read models; key: seed format version, the
#                         seeder, the events and their codec (domain/) and eventstore/
#   store-<size>-<key>    that log plus every read model caught up and the bench's SuperAdmin,
#                         every column family compacted (orgctl compact);
#                         key: the log's key, projections/, the bootstrap and orgctl rebuild
#   rebuild-<n>-<key>     bench_rebuild's store of n events (it only clears and refills read
#                         models in it, so reusing it is safe)
# A directory only gets its final name once complete (built as NAME.partial, then renamed).
# A run never writes into store-*: it measures on a RocksDB checkpoint of it (hard links).
# Seeding 1,000,000 organizations and 3,000,000 customers and building their read models takes
# tens of minutes on a loaded 2-core machine; rm -rf $BUILD/bench-cache to start over.
#
# Expects ROOT, BUILD, TMP, ORGS, CUSTOMERS_PER_ORG, ADMIN_EMAIL, ADMIN_PASSWORD and
# start_server/stop_server/wait_ready/log/die from tools/bench and bench.d/wrk.sh.

# Bump when the seeded history changes in a way the hashed sources do not show.
readonly SEED_FORMAT=1
readonly CACHE=$BUILD/bench-cache

# A short hash of the contents (and names) of every C++ file under the given paths.
content_key() {
  (cd "$ROOT" && find "$@" -type f \( -name '*.cpp' -o -name '*.hpp' \) -print0 \
    | LC_ALL=C sort -z | xargs -0 sha1sum | sha1sum | cut -c1-12)
}

LOG_KEY=""
cache_keys() {
  [[ -n "$LOG_KEY" ]] && return
  LOG_KEY=$(printf 'seed-format-%s %s' "$SEED_FORMAT" \
    "$(content_key tools/orgctl/seeder.cpp tools/orgctl/seeder.hpp domain/event.hpp \
      domain/event_codec.cpp domain/event_codec.hpp domain/*/*_events.hpp eventstore)" \
    | sha1sum | cut -c1-12)
  MODELS_KEY=$(printf '%s %s' "$LOG_KEY" \
    "$(content_key projections api/bootstrap.cpp api/bootstrap.hpp \
      tools/orgctl/operator_commands.cpp)" | sha1sum | cut -c1-12)
}

# Removes every cache directory matching PATTERN except KEEP.
prune_cache() {
  local pattern=$1 keep=$2 dir
  for dir in "$CACHE"/$pattern; do
    [[ -e $dir && $dir != "$keep" ]] || continue
    log "removing the outdated cache $(basename "$dir")"
    rm -rf "$dir"
  done
}

# Starts orgd on DIR once with the bench's SuperAdmin in the environment (created on the
# first start), waits until every projection has caught up, and stops it.
bootstrap_admin() {
  local dir=$1
  start_server cache-orgd env ORGD_ADMIN_EMAIL="$ADMIN_EMAIL" ORGD_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
    "$BUILD/api/orgd" --listen 127.0.0.1:0 --data-dir "$dir" --log-level warn
  local pid=$STARTED_PID
  wait_ready "http://$STARTED_ADDR/readyz" "$pid"
  stop_server "$pid"
}

# Sets SEEDED_STORE to the cached store of ORGS organizations with CUSTOMERS_PER_ORG
# customers each, building what is missing.
SEEDED_STORE=""
prepare_seeded_store() {
  cache_keys
  local size="${ORGS}o-${CUSTOMERS_PER_ORG}c"
  local log_dir=$CACHE/log-$size-$LOG_KEY store_dir=$CACHE/store-$size-$MODELS_KEY
  mkdir -p "$CACHE"
  SEEDED_STORE=$store_dir
  if [[ -d $store_dir ]]; then
    log "seeded store: cached $(basename "$store_dir")"
    return
  fi
  if [[ ! -d $log_dir ]]; then
    prune_cache "log-$size-*" "$log_dir"
    log "seeding $ORGS organizations with $CUSTOMERS_PER_ORG customers each (once; cached as" \
      "$(basename "$log_dir"))"
    rm -rf "$log_dir.partial"
    "$BUILD/tools/orgctl" --data-dir "$log_dir.partial" seed --organizations "$ORGS" \
      --events-per-organization 1 --customers-per-organization "$CUSTOMERS_PER_ORG" >&2 \
      || die "orgctl seed failed"
    mv "$log_dir.partial" "$log_dir"
  fi
  prune_cache "store-$size-*" "$store_dir"
  log "building every read model of the seeded log (once; cached as $(basename "$store_dir"))"
  rm -rf "$store_dir.partial"
  "$BUILD/tools/orgctl" --data-dir "$log_dir" backup "$store_dir.partial" >&2 \
    || die "orgctl backup of the seeded log failed"
  "$BUILD/tools/orgctl" --data-dir "$store_dir.partial" rebuild all >&2 \
    || die "orgctl rebuild all failed"
  bootstrap_admin "$store_dir.partial"
  # Measured orgd must not spend its first minutes compacting what the seed and the rebuild
  # wrote (hundreds of MB of the log alone): leave every column family compacted, as an
  # operator would after a bulk load.
  "$BUILD/tools/orgctl" --data-dir "$store_dir.partial" compact >&2 || die "orgctl compact failed"
  mv "$store_dir.partial" "$store_dir"
}

# A private, writable copy of the seeded store for one run (RocksDB checkpoint: SST files are
# hard-linked, so this costs little). usage: clone_seeded_store TARGET
clone_seeded_store() {
  "$BUILD/tools/orgctl" --data-dir "$SEEDED_STORE" backup "$1" >/dev/null \
    || die "cannot clone $SEEDED_STORE"
}

# The directory bench_rebuild seeds once and reuses. usage: rebuild_store_dir EVENTS
rebuild_store_dir() {
  cache_keys
  local dir=$CACHE/rebuild-$1-$LOG_KEY
  mkdir -p "$CACHE"
  prune_cache "rebuild-$1-*" "$dir"
  echo "$dir"
}
