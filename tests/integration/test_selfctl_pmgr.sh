#!/usr/bin/env bash
# test_selfctl_pmgr.sh — `selfctl pmgr status` when no program manager can
# be reached: exit 1 with one line naming the socket, both when there is no
# socket file and when the file is left over from a manager that is gone
# (connection refused). Uses its own configuration, so a manager another
# test runs on the world's socket does not matter. The status of a running
# manager is checked where one is started (test_programs_e2e.sh).
. "$(dirname "$0")/lib.sh"

run selfctl pmgr status --help
[ "$rc" = 0 ] && [[ $out == "selfctl pmgr status"* ]]; verdict "selfctl pmgr status --help prints its usage"
run selfctl pmgr status --frobnicate
[ "$rc" = 2 ]; verdict "an unknown option exits 2"
run selfctl --help
[[ $out == *"pmgr status"* ]]; verdict "selfctl --help lists pmgr status"

conf=$TMP/selfhost.conf
printf '[manager]\nsocket = %s/none.sock\n' "$TMP" > "$conf"
run selfctl -c "$conf" pmgr status
[ "$rc" = 1 ] && [ -z "$out" ] && [ "$err" = "selfctl: selfpmgr is not running (no socket at $TMP/none.sock)" ]
verdict "no socket file: exit 1, one line naming it"
run selfctl -c "$conf" pmgr status --json
[ "$rc" = 1 ] && [ -z "$out" ] && [ "$err" = "selfctl: selfpmgr is not running (no socket at $TMP/none.sock)" ]
verdict "the same with --json"

# a socket file nobody listens on: bound, then the process is gone
printf '[manager]\nsocket = %s/stale.sock\n' "$TMP" > "$conf"
# (perl-base is in every Debian system; python3 is not)
perl -MIO::Socket::UNIX -e 'IO::Socket::UNIX->new(Local => $ARGV[0], Listen => 1) or die "$!\n"' \
  "$TMP/stale.sock"
run selfctl -c "$conf" pmgr status
[ "$rc" = 1 ] && [ "$err" = "selfctl: selfpmgr is not running (connection refused at $TMP/stale.sock)" ]
verdict "a stale socket file: exit 1, connection refused"

finish
