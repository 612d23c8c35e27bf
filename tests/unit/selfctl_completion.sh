#!/usr/bin/env bash
# selfctl_completion.sh COMPLETION SELFCTL — sources the bash completion and
# completes command lines as bash would (COMP_WORDS/COMP_CWORD, then
# COMPREPLY): groups, commands, options, option values, domain names from
# `selfctl domain list` (of the -c file given on the line), files.
set -u
COMPLETION=$1 SELFCTL=$2
passed=0 failed=0
check() { if [ "$2" -eq 0 ]; then passed=$((passed + 1)); echo "ok   $1"; else failed=$((failed + 1)); echo "FAIL $1 (got: ${COMPREPLY[*]:-nothing})"; fi; }
TMP=$(mktemp -d /tmp/selfhost-compl.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/bin"
ln -s "$(readlink -f "$SELFCTL")" "$TMP/bin/selfctl"
PATH="$TMP/bin:$PATH"
. "$COMPLETION"
# complete WORD… : the last word is the one being completed
complete_line() {
  COMP_WORDS=("$@")
  COMP_CWORD=$(($# - 1))
  COMPREPLY=()
  _selfctl
}
has() { local w; for w in "${COMPREPLY[@]}"; do [ "$w" = "$1" ] && return 0; done; return 1; }
only() { [ "${#COMPREPLY[@]}" -eq 1 ] && [ "${COMPREPLY[0]}" = "$1" ]; }

printf '[server]\ndomainfile = domains.conf\n' >"$TMP/selfhost.conf"
printf '[domains]\nalpha = postgresql:///a\nbeta = postgresql:///b\n' >"$TMP/domains.conf"
touch "$TMP/backup-2024.dump"

complete_line selfctl ""
has domain && has db && has backup && has restore && has program; check "groups at the first word" $?
complete_line selfctl do
only domain; check "'do' completes to domain" $?
complete_line selfctl domain ""
has add && has list && has remove && [ "${#COMPREPLY[@]}" -eq 3 ]; check "the commands of a group" $?
complete_line selfctl db migrate ""
has up && has down && has status && has version; check "db migrate's actions" $?
complete_line selfctl token create --
has --user && has --domain && has --db && has --name; check "a command's options" $?
complete_line selfctl -c "$TMP/selfhost.conf" domain remove ""
has alpha && has beta && [ "${#COMPREPLY[@]}" -eq 2 ]; check "domain names from selfctl domain list (-c before)" $?
complete_line selfctl backup -c "$TMP/selfhost.conf" --domain a
only alpha; check "--domain's value: a domain name (-c after the group)" $?
complete_line selfctl backup --domain alpha "$TMP/backup-"
only "$TMP/backup-2024.dump"; check "backup's FILE: a file" $?
complete_line selfctl restore --
has --domain && has --db && has --force && ! has --json; check "restore's options, no other command's" $?
complete_line selfctl -c "$TMP/sel"
only "$TMP/selfhost.conf"; check "-c's value: a file" $?
complete_line selfctl --v
only --version; check "--version" $?
complete_line selfctl nosuch ""
[ "${#COMPREPLY[@]}" -eq 0 ]; check "nothing after an unknown group" $?
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
