#!/bin/bash
# verdict_args.sh SRC — no shell test's verdict message runs a command
# (tests/unit/verdict_args.py says why), and the scanner itself can fail.
set -u
SRC=$1 HERE=$(dirname "$0") TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
scan() { python3 "$HERE/verdict_args.py" "$@"; }
rc=0
# the reason, as bash does it: the substitution's status is what verdict sees
f() { return $?; }
false; f "$(true)" || { echo "FAIL bash no longer gives a call its substitution's status"; rc=1; }
printf '%s\n' 'false; verdict "seen $(echo x)"' > "$TMP/bad1.sh"
printf '%s\n' '[ 1 = 2 ] && true; verdict "multi' 'line `date`"' > "$TMP/bad2.sh"
printf '%s\n' 'false; verdict_rc $? "seen $(echo x)"' 'x; verdict "plain $((1 + 2)) $HOME"' \
  'y; verdict "quoted \$(not run)"' > "$TMP/good.sh"
for b in bad1 bad2; do
  scan "$TMP/$b.sh" >/dev/null && { echo "FAIL the scanner passes $b.sh"; rc=1; }
done
scan "$TMP/good.sh" >/dev/null || { echo "FAIL the scanner refuses good.sh"; scan "$TMP/good.sh"; rc=1; }
scan "$SRC/tests/integration" "$SRC/deploy" || rc=1 # (not this file: its samples)
exit $rc
