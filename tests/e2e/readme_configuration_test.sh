#!/usr/bin/env bash
# The README's Configuration table against `orgd --help`, and its orgctl table against
# `orgctl --help`: every flag orgd takes has a row naming its environment variable and its
# default, every row names a flag orgd takes, and every orgctl subcommand has a row and the
# other way round. A flag added, renamed or given another default without the README fails.
#
#   readme_configuration_test.sh ORGD_BINARY ORGCTL_BINARY README
set -euo pipefail
orgd=$1
orgctl=$2
readme=$3
failures=0
fail() {
  echo "$*" >&2
  failures=$((failures + 1))
}

# The rows of a README table: the lines starting with "| `" between HEADING and the next
# section of the same level.
section_rows() {
  awk -v heading="$1" '$0 == heading { on = 1; next } on && /^## / { exit } on && /^\| `/' "$readme"
}
configuration=$(section_rows "## Configuration")
environment_only=$(awk '$0 == "## Configuration" { on = 1; next }
  on && /^## / { exit }
  on && /^\| — \|/' "$readme")
orgctl_rows=$(section_rows "## orgctl")

# orgd --help: "  --flag TYPE[=DEFAULT] (Env:VARIABLE)".
help=$("$orgd" --help)
flags=$(grep -oE '^  --[a-z-]+' <<<"$help" | sed 's/^  //' | grep -vx -- '--help')
[[ $(wc -l <<<"$flags") -ge 15 ]] || fail "orgd --help lists too few flags: $help"
defaults=0
for flag in $flags; do
  line=$(grep -E "^  $flag " <<<"$help")
  variable=$(sed -nE 's/.*\(Env:([A-Z_]+)\).*/\1/p' <<<"$line")
  default=$(sed -nE 's/^  --[a-z-]+ .*=([^ =]+) \(Env:.*/\1/p' <<<"$line")
  row=$(grep -F "| \`$flag " <<<"$configuration" || true)
  if [[ -z $row ]]; then
    fail "README's Configuration has no row for $flag"
    continue
  fi
  [[ -n $variable ]] || fail "orgd --help names no variable for $flag"
  [[ $row == *"| \`$variable\` |"* ]] || fail "README's row for $flag does not name $variable"
  if [[ -n $default ]]; then
    defaults=$((defaults + 1))
    [[ $(sed 's/\\|/or/g' <<<"$row" | cut -d'|' -f4) == " \`$default\` " ]] ||
      fail "README's row for $flag does not give its default \`$default\`"
  fi
done
[[ $defaults -ge 12 ]] || fail "found the defaults of only $defaults flags in orgd --help"
while read -r documented; do
  grep -qx -- "$documented" <<<"$flags" ||
    fail "README documents $documented, which orgd does not take"
done < <(grep -oE '^\| `--[a-z-]+' <<<"$configuration" | sed 's/^| `//')
for variable in ORGD_ADMIN_EMAIL ORGD_ADMIN_PASSWORD; do
  grep -q "$variable" <<<"$help" || fail "orgd --help does not name $variable"
  grep -q "\`$variable\`" <<<"$environment_only" ||
    fail "README's Configuration has no row naming $variable"
done

# orgctl --help: "  name   description" under "Subcommands:".
subcommands=$("$orgctl" --help |
  awk '/^Subcommands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }')
[[ $(wc -l <<<"$subcommands") -ge 8 ]] || fail "orgctl --help lists too few subcommands"
for subcommand in $subcommands; do
  grep -qE "^\| \`$subcommand( |\`)" <<<"$orgctl_rows" ||
    fail "README's orgctl table has no row for $subcommand"
done
while read -r documented; do
  grep -qx -- "$documented" <<<"$subcommands" ||
    fail "README's orgctl table documents $documented, which orgctl does not have"
done < <(sed -nE 's/^\| `([a-z-]+)[ `].*/\1/p' <<<"$orgctl_rows")

[[ $failures -eq 0 ]] || exit 1
echo "README documents all $(wc -l <<<"$flags") flags of orgd" \
  "and $(wc -l <<<"$subcommands") subcommands of orgctl"
