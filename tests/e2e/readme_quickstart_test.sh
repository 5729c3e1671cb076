#!/usr/bin/env bash
# The README's Quickstart, run as a reader would run it: every `sh` block between
# "## Quickstart" and the next section (but `tools/run` itself), in order, in one shell,
# against a real orgd started as tools/run starts it (a new data directory, the README's
# SuperAdmin), then the Auditor's walk-through, which goes on with the Quickstart's variables
# (its orgctl commands read the same data directory beside the running orgd); then what the
# README's comments promise is checked in what the blocks printed. A README edit that breaks a
# command, or a change of the API or of orgctl that breaks the README, fails.
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
cleanup() {
  [[ -z $pid ]] || { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT

ORGD_ADMIN_EMAIL=admin@example.com ORGD_ADMIN_PASSWORD=change-me-now \
  "$orgd" --listen 127.0.0.1:0 --data-dir "$work/data" >"$work/stdout" 2>"$work/stderr" &
pid=$!
port=""
for _ in $(seq 300); do
  port=$(sed -n 's/^orgd listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/stdout")
  [[ -n $port ]] && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/stderr" >&2; echo "orgd exited" >&2; exit 1; }
  sleep 0.1
done
[[ -n $port ]] || { echo "orgd did not say where it listens" >&2; exit 1; }
for _ in $(seq 300); do
  curl -sf "127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.1
done

# The `sh` blocks of the README's section HEADING, with the README's address replaced by this
# server's and its orgctl and data directory by the ones under test.
blocks_of() {
  awk -v heading="$1" '$0 == heading { on = 1; next }
     on && /^## / { exit }
     on && /^```sh$/ { block = ""; inside = 1; next }
     on && inside && /^```$/ { inside = 0; if (block != "tools/run\n") printf "%s", block; next }
     on && inside { block = block $0 "\n" }' "$readme" |
    sed -e "s/localhost:8080/127.0.0.1:$port/g" -e "s|^orgctl --data-dir ./data |\"\$ORGCTL\" --data-dir \"\$DATA\" |"
}
{
  blocks_of "## Quickstart"
  blocks_of "## Auditor's walk-through"
} >"$work/quickstart.sh"
[[ $(grep -c "127.0.0.1:$port/" "$work/quickstart.sh") -ge 50 &&
  $(grep -c '^"$ORGCTL" --data-dir "$DATA" ' "$work/quickstart.sh") -eq 4 ]] || {
  echo "found too few commands in the README's Quickstart and Auditor's walk-through:" >&2
  cat "$work/quickstart.sh" >&2
  exit 1
}
# As a reader pastes them: a failing command (curl unable to connect, jq given no JSON)
# stops the run.
if ! (cd "$work" && ORGCTL=$orgctl DATA=$work/data bash -eo pipefail quickstart.sh) >"$work/out" 2>&1; then
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
  '"description": "Rockets"'                        # as of its first event
  '"asOf": \{'
  '"description": "Rockets and more"'               # as of now
  '"asOf": \{'
  '"events": \['                                    # the global log
  '^[0-9]+ +[-0-9T:.Z]+ +organization-[0-9a-f-]{36} v1 +OrganizationCreated' # orgctl history
  '^\{"id":"[0-9a-f-]{36}","name":"Acme","description":"Rockets and more"'  # orgctl as-of now
  '^exported [0-9]+ events to log.jsonl$'           # orgctl export
  '^the log is intact$'                             # orgctl verify
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
# No answer was a server error, and orgd still runs.
if grep -nE '"status": 5[0-9]{2}' "$work/out"; then
  echo "a Quickstart command was answered with a server error" >&2
  exit 1
fi
kill -0 "$pid"
echo "the README's Quickstart ran: ${#expectations[@]} promises kept"
