#!/usr/bin/env bash
# The README's Quickstart, run as a reader would run it: every `sh` block between
# "## Quickstart" and the next section (but `tools/run` itself), in order, in one shell,
# against a real orgd started as tools/run starts it (a new data directory, the README's
# SuperAdmin), then the Auditor's walk-through, which goes on with the Quickstart's variables
# (its orgctl commands read the same data directory beside the running orgd), then the
# Operator's walk-through: its first block while orgd runs, its second once orgd has been
# stopped with SIGTERM. Then what the README's comments promise is checked in what the blocks
# printed. A README edit that breaks a command, or a change of the API or of orgctl that
# breaks the README, fails.
#
#   readme_quickstart_test.sh ORGD_BINARY ORGCTL_BINARY README
set -euo pipefail
orgd=$1
orgctl=$(realpath "$2")
readme=$3
for tool in curl jq; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: run tools/setup" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/orgd-quickstart.XXXXXX")
pid=""
# On any failure orgd's log (its access lines, a sanitizer's report) is shown before it goes.
cleanup() {
  local status=$?
  [[ -z $pid ]] || { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
  if [[ $status -ne 0 && -f $work/stderr ]]; then
    echo "--- orgd's log (stderr), last 100 lines:" >&2
    tail -n 100 "$work/stderr" >&2
  fi
  rm -rf "$work"
}
trap cleanup EXIT
# A hung orgd fails one command after 30 s instead of the whole test at ctest's timeout.
printf 'max-time = 30\n' >"$work/.curlrc"
export CURL_HOME=$work

ORGD_ADMIN_EMAIL=admin@example.com ORGD_ADMIN_PASSWORD=change-me-now \
  "$orgd" --listen 127.0.0.1:0 --data-dir "$work/data" >"$work/stdout" 2>"$work/stderr" &
pid=$!
port=""
for _ in $(seq 300); do
  port=$(sed -n 's/^orgd listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/stdout")
  [[ -n $port ]] && break
  kill -0 "$pid" 2>/dev/null || { echo "orgd exited" >&2; exit 1; }
  sleep 0.1
done
[[ -n $port ]] || { echo "orgd did not say where it listens" >&2; exit 1; }
ready=""
for _ in $(seq 300); do
  curl -sf "127.0.0.1:$port/readyz" >/dev/null && { ready=yes; break; }
  sleep 0.1
done
[[ -n $ready ]] || { echo "orgd's /readyz did not answer 200 within 30 s" >&2; exit 1; }

# The `sh` blocks of the README's section HEADING (all, or only the Nth), with the README's
# address replaced by this server's, its orgctl and data directory by the ones under test, and
# its backups' directory by one in the test's.
blocks_of() {
  awk -v heading="$1" -v only="${2:-0}" '$0 == heading { on = 1; next }
     on && /^## / { exit }
     on && /^```sh$/ { block = ""; inside = 1; ++n; next }
     on && inside && /^```$/ {
       inside = 0
       if (block != "tools/run\n" && (only == 0 || only == n)) printf "%s", block
       next
     }
     on && inside { block = block $0 "\n" }' "$readme" |
    sed -e "s/localhost:8080/127.0.0.1:$port/g" \
      -e "s|^orgctl --data-dir ./data |\"\$ORGCTL\" --data-dir \"\$DATA\" |" \
      -e "s| /backups/| \"\$BACKUPS\"/|g"
}
{
  blocks_of "## Quickstart"
  blocks_of "## Auditor's walk-through"
  blocks_of "## Operator's walk-through" 1
  # The README's "Once orgd is stopped": SIGTERM, then wait for the process to end (a zombie
  # has let go of the data directory; the test's shell, its parent, reaps it afterwards).
  echo 'kill -TERM "$ORGD_PID"'
  echo 'for _ in $(seq 300); do'
  echo '  { grep -qs "^State:.*Z" "/proc/$ORGD_PID/status" || [[ ! -e /proc/$ORGD_PID ]]; } &&'
  echo '    break'
  echo '  sleep 0.1'
  echo 'done'
  blocks_of "## Operator's walk-through" 2
} >"$work/quickstart.sh"
[[ $(grep -c "127.0.0.1:$port/" "$work/quickstart.sh") -ge 50 &&
  $(grep -c '^"$ORGCTL" --data-dir "$DATA" ' "$work/quickstart.sh") -eq 8 ]] || {
  echo "found too few commands in the README's Quickstart and walk-throughs:" >&2
  cat "$work/quickstart.sh" >&2
  exit 1
}
# As a reader pastes them: a failing command (curl unable to connect, jq given no JSON)
# stops the run.
if ! (cd "$work" && ORGCTL=$orgctl DATA=$work/data BACKUPS=$work/backups ORGD_PID=$pid \
  bash -eo pipefail quickstart.sh) >"$work/out" 2>&1; then
  cat "$work/out" >&2
  echo "the Quickstart's commands failed (above)" >&2
  exit 1
fi
cat "$work/out"

# What the comments promise, in the order the blocks print it; each pattern must match a
# line after the previous one's.
expectations=(
  '"parentId": "[0-9a-f-]{36}"'                     # the child under Acme
  '"Acme"'                                          # the listing, by name
  '"totalElements": 3'                              # Default is the third
  '"updateVersion": 3'                              # the update with the version read
  'version-conflict'                                # the same stale version again
  '^204$'                                           # logged out
  '"status": "[A-Za-z]'                             # the signup
  '"organizationId": "[0-9a-f-]{36}"'
  '"role": "owner"'                                 # who am I
  '"email": "bob@globex.example"'                   # members by last name
  '^"admin"$'                                       # Bob made an admin
  '^204$'                                           # and removed
  '"role": "member"'                                # back from Default
  'last-owner'
  '"revision": 1'                                   # the contract assigned
  'contract-acceptance-required'                    # Globex held up
  '^200$'                                           # the gate open for the owner
  '"pendingMembers": \['                            # Bob still has to accept
  '"memberCount": 1'                                # Operations
  '^"pro"$'                                         # the plan
  '"status": "paid"'                                # the invoice
  '"apiKey": "[^"]+'                                # Ann's app-backend, its key once
  '^404$'                                           # Gil cannot see it
  '"permission": "read"'                            # the grant
  '"Shop API"'                                      # Gil lists it
  '"status": 403'                                   # but may not change it
  '"staging": true'                                 # the group's write grant
  '"principalType": "organization"'                 # the organization grant
  'cross-organization-grant'                        # never another organization
  '^204$'                                           # revoked
  '^"write"$'                                       # Gil keeps his group's
  '"updateVersion": 7'                              # the key rotated
  '"status": 403'                                   # a grantee may not transfer
  '"ownerId": "[0-9a-f-]{36}"'                      # Ann may
  # The Auditor's walk-through
  '"email": "audit@example.com"'                    # the auditor, created
  '"type": "OrganizationCreated"'                   # Acme's history, oldest first
  '"type": "OrganizationUpdated"'
  '^\[$'                                            # the second page's positions
  '"description": "Rockets",?$'                     # as of its first event
  '"asOf": \{'
  '"description": "Rockets and more"'               # as of now
  '"asOf": \{'
  '"events": \['                                    # the global log
  '^[0-9]+ +[-0-9T:.Z]+ +organization-[0-9a-f-]{36} v1 +OrganizationCreated' # orgctl history
  '^\{"id":"[0-9a-f-]{36}","name":"Acme","description":"Rockets and more"'  # orgctl as-of now
  '^exported [0-9]+ events to log.jsonl$'           # orgctl export
  '^the log is intact$'                             # orgctl verify
  # The Operator's walk-through
  '"name": "organizations"'                         # the projections' status
  '"lag": 0'
  '"state": "(running|done)"'                       # the online rebuild, asked for
  '"state": "(running|done)"'                       # and polled
  '^backed up [0-9]+ events \([0-9]+ bytes\) to /.*/backups/orgd-2026-11-23$'
  '^rebuild all: [0-9]+ events in '                 # offline, orgd stopped
  '^restored [0-9]+ events into /'
  '^the log is intact$'                             # the restored copy verified
)
line=0
for pattern in "${expectations[@]}"; do
  found=$(tail -n "+$((line + 1))" "$work/out" | grep -nE -m1 -- "$pattern" | cut -d: -f1 || true)
  if [[ -z $found ]]; then
    echo "the Quickstart's output lacks /$pattern/ after its line $line" >&2
    exit 1
  fi
  line=$((line + found))
done
# No answer was a server error (orgd's access log has every answer's status: the commands
# print some only through jq, or not at all), and orgd stopped cleanly when the walk-through
# stopped it (a sanitizer's report at exit is a failure).
if grep -E '"logger":"access"' "$work/stderr" | grep -E '"status":5[0-9]{2}'; then
  echo "a Quickstart command was answered with a server error" >&2
  exit 1
fi
[[ $(grep -c '"logger":"access"' "$work/stderr") -ge 60 ]] || {
  echo "orgd's access log holds too few answers" >&2
  exit 1
}
status=0
wait "$pid" || status=$?
pid=""
[[ $status -eq 0 ]] || { echo "orgd exited $status on SIGTERM" >&2; exit 1; }
echo "the README's Quickstart ran: ${#expectations[@]} promises kept"
