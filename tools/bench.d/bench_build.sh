# shellcheck shell=bash
# Sourced by the scripts that measure orgd apart from tools/bench (instructions.sh,
# random_pages.sh), from the source tree's root: the bench's Release build, the store it
# cached and that store's SuperAdmin (store_cache.sh bootstrapped it).
# shellcheck disable=SC2034 # read by the scripts that source this

ORGD=build-bench-rel/api/orgd
ORGCTL=build-bench-rel/tools/orgctl
BARE=build-bench-rel/tools/bench_bare_server
readonly ADMIN_EMAIL=bench-admin@example.com ADMIN_PASSWORD=bench-password-1234

# The store a full tools/bench run cached (1,000,000 organizations), not the one --quick
# leaves beside it; prints nothing when there is none.
full_run_store() {
  find build-bench-rel/bench-cache -maxdepth 1 -name 'store-1000000o-*' ! -name '*.partial' \
    -print -quit 2>/dev/null || true
}
