#!/usr/bin/env bash
# selfctl_cli.sh SRC SELFCTL SELFSERV SELFPMGR SELFPWRK — the command lines
# of the four binaries: --help/-h and --version/-V on each (the version
# naming the commit), usage errors exit 2 with one clear line; selfctl's
# "did you mean", the group's one usage line, missing arguments named, -c
# anywhere. Needs no database.
set -u
SRC=$1 SELFCTL=$2
declare -A BIN=([selfctl]=$2 [selfserv]=$3 [selfpmgr]=$4 [selfpwrk]=$5)
passed=0 failed=0
check() { if [ "$2" -eq 0 ]; then passed=$((passed + 1)); echo "ok   $1"; else failed=$((failed + 1)); echo "FAIL $1"; printf '  out: %s\n  err: %s\n' "$out" "$err"; fi; }
TMP=$(mktemp -d /tmp/selfhost-cli.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
run() { "$@" >"$TMP/out" 2>"$TMP/err"; rc=$?; out=$(cat "$TMP/out"); err=$(cat "$TMP/err"); }
lines() { [ -z "$1" ] && echo 0 || printf '%s\n' "$1" | wc -l; }

commit=unknown
git -C "$SRC" rev-parse --short=7 HEAD >/dev/null 2>&1 && commit=$(git -C "$SRC" rev-parse --short=7 HEAD)
for b in selfctl selfserv selfpmgr selfpwrk; do
  for v in --version -V; do
    run "${BIN[$b]}" $v
    [ "$rc" = 0 ] && [[ $out =~ ^$b\ [0-9]+\.[0-9]+\.[0-9]+\ \(commit\ ([0-9a-f]{7,}|unknown)\)$ ]]
    check "$b $v: '$out'" $?
  done
  for h in --help -h; do
    run "${BIN[$b]}" $h
    [ "$rc" = 0 ] && [[ $out == "usage: $b "* ]] && [[ $out == *--config* ]] && [[ $out == *--version* ]]
    check "$b $h prints the usage with the long options" $?
  done
done
# the commit comes from the source tree (others may commit after the build:
# any commit of the repository will do), and cmake/version.cmake rewrites
# its header only when it changes, "unknown" without git
run "$SELFCTL" --version
c=${out##*commit }; c=${c%)}
[ "$commit" = unknown ] || git -C "$SRC" cat-file -e "$c^{commit}" 2>/dev/null; check "the version's commit ($c) is one of the source's" $?
vh=$TMP/v/selfhost_version.h
cmake -DSRC="$SRC" -DOUT="$vh" -DVERSION=9.9.9 -P "$SRC/cmake/version.cmake"
grep -q "SELFHOST_COMMIT \"$commit\"" "$vh" && grep -q 'SELFHOST_VERSION_STRING "9.9.9"' "$vh"; check "version.cmake writes the commit of HEAD" $?
touch -d '2000-01-01' "$vh"
cmake -DSRC="$SRC" -DOUT="$vh" -DVERSION=9.9.9 -P "$SRC/cmake/version.cmake"
[ "$(stat -c %Y "$vh")" = "$(date -d 2000-01-01 +%s)" ]; check "an unchanged commit leaves the header untouched (nothing recompiles)" $?
mkdir -p "$TMP/nogit"
cmake -DSRC="$TMP/nogit" -DOUT="$vh" -DVERSION=9.9.9 -P "$SRC/cmake/version.cmake"
grep -q 'SELFHOST_COMMIT "unknown"' "$vh"; check "outside git: unknown, header rewritten" $?
for b in selfserv selfpmgr selfpwrk; do
  run "${BIN[$b]}" --frobnicate
  [ "$rc" = 2 ] && [ "$err" = "$b: unknown option '--frobnicate' (see $b --help)" ]; check "$b: unknown option, one line, exit 2" $?
  run "${BIN[$b]}" --config
  [ "$rc" = 2 ] && [[ $err == "$b: option '--config' needs a value"* ]]; check "$b: --config without FILE" $?
done
run "${BIN[selfpmgr]}" -n x
[ "$rc" = 2 ]; check "selfpmgr takes no -n" $?
run "${BIN[selfpwrk]}" --config "$TMP/missing.conf" --name w1
[ "$rc" = 1 ] && [[ $err == *missing.conf* ]]; check "selfpwrk --config FILE --name NAME: reads FILE" $?
run "${BIN[selfpmgr]}" extra
[ "$rc" = 2 ] && [[ $err == *"unexpected argument 'extra'"* ]]; check "selfpmgr refuses a stray argument" $?

# selfctl: did you mean, one line of usage, not the whole help
run "$SELFCTL" domian list
[ "$rc" = 2 ] && [ "$(lines "$err")" = 2 ] && [[ $err == *"did you mean 'domain'?"* ]] &&
  [[ $err == *"usage: selfctl domain add|list|remove"* ]]; check "a mistyped group: did you mean, and the group's usage line" $?
run "$SELFCTL" domain lst
[ "$rc" = 2 ] && [ "$(lines "$err")" = 2 ] && [[ $err == *"unknown command 'domain lst'; did you mean 'domain list'?"* ]]
check "a mistyped command: did you mean" $?
run "$SELFCTL" program compil x.tengo
[[ $err == *"did you mean 'program compile'?"* ]]; check "program compil → program compile" $?
run "$SELFCTL" bakcup --domain x f
[ "$rc" = 2 ] && [[ $err == *"did you mean 'backup'?"* ]] && [[ $err == *"usage: selfctl backup --domain NAME FILE"* ]]
check "a mistyped one-word command: its synopsis" $?
run "$SELFCTL" qqqqqq
[ "$rc" = 2 ] && [ "$(lines "$err")" = 1 ] && [[ $err != *"did you mean"* ]] && [[ $err == *"groups: db domain"* ]]
check "nothing close: the groups, one line" $?
run "$SELFCTL" domain
[ "$rc" = 2 ] && [[ $err == "selfctl: missing COMMAND: selfctl domain add|list|remove"* ]]; check "a group without its command" $?

# missing arguments named, with the synopsis
expect_missing() { # WHAT ARGS…
  local what=$1; shift
  run "$SELFCTL" -c /dev/null "$@"
  [ "$rc" = 2 ] && [ "$(lines "$err")" = 1 ] && [[ $err == "selfctl: missing $what: selfctl "* ]]
  check "selfctl $* → missing $what" $?
}
expect_missing "NAME" domain add
expect_missing "--db URI" domain add d1
expect_missing "NAME" domain remove
expect_missing "ACTION (up, down, status or version)" db migrate
expect_missing "--user USER" token create --domain x
expect_missing "FILE.tengo" program run
expect_missing "--domain NAME" backup f.dump
expect_missing "FILE" backup --domain x
expect_missing "FILE" restore
expect_missing "--db URI" restore f.dump --domain x
run "$SELFCTL" domain add d1
[ "$err" = "selfctl: missing --db URI: selfctl domain add NAME --db URI" ]; check "the brief's example, word for word" $?

# -c/--config FILE before or after the group and command
printf '[server]\ndomainfile = d.conf\n' >"$TMP/a.conf"
printf '[domains]\nhere = postgresql:///h\n' >"$TMP/d.conf"
for form in "-c $TMP/a.conf domain list" "domain -c $TMP/a.conf list" "domain list -c $TMP/a.conf" \
            "domain list --config $TMP/a.conf" "domain list --config=$TMP/a.conf" "--config $TMP/a.conf domain list"; do
  run "$SELFCTL" $form
  [ "$rc" = 0 ] && [[ $out == "here	postgresql:///h" ]]; check "selfctl $form" $?
done
run "$SELFCTL" domain list -c
[ "$rc" = 2 ] && [[ $err == *"missing FILE"* ]]; check "-c without FILE" $?
run "$SELFCTL" help domain add
[ "$rc" = 0 ] && [[ $out == "selfctl domain add NAME --db URI"* ]]; check "selfctl help GROUP COMMAND" $?
run "$SELFCTL" --commands
[ "$rc" = 0 ] && [[ $out == *$'backup\t-\t'* ]] && [[ $out == *$'domain\tadd\t'* ]]; check "--commands prints the table" $?
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
