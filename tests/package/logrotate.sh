#!/usr/bin/env bash
# logrotate.sh SRC — deploy/logrotate/selfhost is a logrotate file that
# logrotate accepts (-d: reads it, rotates nothing) and that names
# /var/log/selfhost/*.log with copytruncate (the programs never reopen
# their stderr); and logrotate -d does reject a broken copy, so the first
# check can fail.
set -u
SRC=$1
F=$SRC/deploy/logrotate/selfhost
passed=0 failed=0
check() { if [ "$2" -eq 0 ]; then passed=$((passed + 1)); echo "ok   $1"; else failed=$((failed + 1)); echo "FAIL $1"; fi; }
TMP=$(mktemp -d /tmp/selfhost-logrotate.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

logrotate -d -s "$TMP/state" "$F" > "$TMP/out" 2>&1
rc=$?
[ $rc -eq 0 ] && ! grep -qi '^error' "$TMP/out"; check "logrotate -d accepts $F" $?
[ $rc -eq 0 ] || cat "$TMP/out"
grep -q 'rotating pattern: /var/log/selfhost/\*\.log' "$TMP/out"; check "it rotates /var/log/selfhost/*.log" $?
grep -v '^[[:space:]]*#' "$F" | grep -qw copytruncate; check "with copytruncate" $?
! grep -v '^[[:space:]]*#' "$F" | grep -qw postrotate; check "and no postrotate signal (none reopens a log)" $?

sed 's/copytruncate/copytruncate-typo/' "$F" > "$TMP/broken"
logrotate -d -s "$TMP/state" "$TMP/broken" > "$TMP/out2" 2>&1
[ $? -ne 0 ] || grep -qi error "$TMP/out2"; check "logrotate -d rejects a misspelt directive" $?
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
