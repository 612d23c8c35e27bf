#!/usr/bin/env bash
# man_pages.sh SRC SELFCTL SELFSERV SELFPMGR SELFPWRK — the man pages in
# man/ format without a warning (groff -ww, man -l), and cannot drift from
# the code: every selfctl command and option of its command table
# (selfctl --commands), every configuration key (selfctl config show) and
# every daemon option (--help) appears in its page.
set -u
SRC=$1 SELFCTL=$2
declare -A DAEMON=([selfserv]=$3 [selfpmgr]=$4 [selfpwrk]=$5)
passed=0 failed=0
check() { if [ "$2" -eq 0 ]; then passed=$((passed + 1)); echo "ok   $1"; else failed=$((failed + 1)); echo "FAIL $1"; fi; }
TMP=$(mktemp -d /tmp/selfhost-man.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
# the page as a reader sees it: plain text, hyphenation off, wide lines
render() { MANWIDTH=200 MAN_KEEP_FORMATTING= man --no-hyphenation --no-justification -l "$1" 2>"$TMP/man.err" | col -b; }

pages="selfctl.1 selfserv.8 selfpmgr.8 selfpwrk.8 selfhost.conf.5"
for p in $pages; do
  out=$(groff -man -ww -z "$SRC/man/$p" 2>&1)
  [ -z "$out" ]; check "$p: groff -man -ww reports nothing${out:+ ($out)}" $?
  render "$SRC/man/$p" >"$TMP/$p.txt"
  [ -s "$TMP/$p.txt" ] && [ ! -s "$TMP/man.err" ]; check "$p: man -l renders it without a warning" $?
done

# selfctl(1): every command and every option of the table
missing=""
while IFS=$'\t' read -r group name opts; do
  cmd=$group; [ "$name" != - ] && cmd="$group $name"
  grep -q "^ *$cmd\b" "$TMP/selfctl.1.txt" || missing="$missing [$cmd]"
  for o in $opts; do
    case $o in --*) o=${o%%=*}; grep -q -- "$o" "$TMP/selfctl.1.txt" || missing="$missing [$cmd $o]";; esac
  done
done < <("$SELFCTL" --commands)
[ -n "$("$SELFCTL" --commands)" ] && [ -z "$missing" ]; check "selfctl.1 names every command and option${missing:+, not:$missing}" $?

# selfhost.conf(5): every key under its section
missing=""
while read -r key _; do
  sec=${key%%.*} k=${key#*.}
  sed -n "/^   \[$sec\]/,/^   \[/p" "$TMP/selfhost.conf.5.txt" | grep -Eq "^ *$k( |\$)" || missing="$missing $key"
done < <("$SELFCTL" -c /dev/null config show | grep -v '^#' | grep '^[a-z_]*\.[a-z_]* =')
[ -z "$missing" ]; check "selfhost.conf.5 documents every key under its section${missing:+, not:$missing}" $?

# the daemons: every long option of --help in the page
for d in selfserv selfpmgr selfpwrk; do
  missing=""
  for o in $("${DAEMON[$d]}" --help | grep -o -- '--[a-z]*' | sort -u); do
    grep -q -- "$o" "$TMP/$d.8.txt" || missing="$missing $o"
  done
  [ -z "$missing" ]; check "$d.8 documents every option of $d --help${missing:+, not:$missing}" $?
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
