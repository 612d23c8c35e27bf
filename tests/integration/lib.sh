# lib.sh — helpers for the shell integration tests: the world's settings
# (from $ITEST_ENV), a fresh database per test, conditions recorded with
# verdict. Each test ends with `finish`, which prints "N passed, N failed"
# and exits non-zero on any failure.
set -u
. "$ITEST_ENV"
export ITEST_DIR ITEST_URL ITEST_DOMAIN ITEST_TOKEN ITEST_CONFIG ITEST_PGHOST ITEST_SELFCTL ITEST_SELFSERV ITEST_SELFPMGR ITEST_SELFPWRK ITEST_SELFSUP ITEST_WEBHOOK_POOL ITEST_SRC
export PGOPTIONS="-c client_min_messages=warning"
# the supervisor the pools run under (deploy/lib/common.sh sh_fcgi_start)
export SELFHOST_SELFSUP=$ITEST_SELFSUP
passed=0 failed=0
TMP=$(mktemp -d /tmp/selfhost-shtest.XXXXXX)
chmod 755 "$TMP"
trap 'rm -rf "$TMP"' EXIT

ok()   { passed=$((passed + 1)); echo "ok   $*"; }
bad()  { failed=$((failed + 1)); echo "FAIL $*"; }
# COND; verdict "description" — records whether COND (any shell condition,
# && chains included) succeeded. The description must not contain a command
# substitution $(…): it would run first and replace COND's status
# verdict MSG: ok or bad by the status of the command before it. A message
# that runs a command ($(…) or `…`) must use verdict_rc $? MSG instead:
# bash gives verdict the status of the message's last substitution, not of
# the check (tests/unit/verdict_args.py refuses such calls).
verdict() { if [ $? -eq 0 ]; then ok "$1"; else bad "$1"; fi; }
verdict_rc() { if [ "$1" -eq 0 ]; then ok "$2"; else bad "$2"; fi; }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; }

psql_q() { psql -X -q -tA -v ON_ERROR_STOP=1 -h "$ITEST_PGHOST" -U postgres "$@"; }
# fresh_db NAME: creates an empty database, prints its URI
fresh_db() {
  psql_q -c "DROP DATABASE IF EXISTS \"$1\"" postgres >/dev/null
  psql_q -c "CREATE DATABASE \"$1\"" postgres >/dev/null
  printf 'postgresql:///%s?host=%s&user=postgres\n' "$1" "$ITEST_PGHOST"
}
drop_db() { psql_q -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" postgres >/dev/null; }
selfctl() { "$ITEST_SELFCTL" "$@"; }
# run CMD…: captures stdout/stderr/exit status into $out, $err, $rc
run() { out=$("$@" 2>"$TMP/stderr") && rc=0 || rc=$?; err=$(cat "$TMP/stderr"); }
one_line() { [ "$(printf '%s\n' "$1" | wc -l)" -eq 1 ] && [ -n "$1" ]; }
http_code() { curl -s -o "$TMP/body" -w '%{http_code}' "$@"; }
# catalog DB: the schema of DB, one line per fact (catalog_fingerprint.sql);
# reference_v12: the same for the reference's version 12 (test data)
ITEST_TESTS=$(cd "$(dirname "$0")" && pwd)
catalog() { psql_q -f "$ITEST_TESTS/catalog_fingerprint.sql" "$1"; }
reference_v12() { grep -v '^#' "$ITEST_TESTS/data/reference_v12_catalog.txt"; }
