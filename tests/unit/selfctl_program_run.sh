#!/usr/bin/env bash
# selfctl_program_run.sh SELFCTL — `selfctl program run FILE.tengo` as a
# user runs it: what fmt prints goes to stdout; compile and runtime errors
# go to stderr with FILE:LINE:COLUMN and exit 1; an endless loop is stopped
# by --timeout; misuse exits 2. Needs no database.
set -u
SELFCTL=$1
passed=0 failed=0
TMP=$(mktemp -d /tmp/selfhost-tengo-run.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

check() { # description, then a shell condition already evaluated as $?
  if [ "$2" -eq 0 ]; then passed=$((passed + 1)); echo "ok   $1"
  else failed=$((failed + 1)); echo "FAIL $1"; fi
}
run() { # run ARGS…: sets $out $err $rc
  "$SELFCTL" -c /dev/null "$@" >"$TMP/out" 2>"$TMP/err"; rc=$?
  out=$(cat "$TMP/out"); err=$(cat "$TMP/err")
}

cat >"$TMP/good.tengo" <<'TENGO'
fmt := import("fmt")
fib := func(n) {
	if n < 2 { return n }
	return fib(n-1) + fib(n-2)
}
counter := func() { n := 0; return func() { n++; return n } }()
counter(); counter()
m := {a: [1, 2, 3][1:], b: immutable({x: 1})}
for k, v in m {
	fmt.println(k, v)
}
fmt.println("fib", fib(15), counter(), 7 / 2, 7.0 / 2, "x" + 1)
fmt.print("no", "spaces", 1, "\n")
TENGO
run program run "$TMP/good.tengo"
[ "$rc" -eq 0 ] && [ -z "$err" ]; check "a good program exits 0" $?
[ "$out" = "$(printf 'a[2, 3]\nb{x: 1}\nfib610333.5x1\nnospaces1')" ]  # Tengo adds no spaces
check "fmt.println and fmt.print write to stdout" $?

printf 'fmt := import("fmt")\nfmt.println("before")\nf := func(x) {\n\treturn x / 0\n}\nf(1)\n' >"$TMP/div.tengo"
run program run "$TMP/div.tengo"
[ "$rc" -eq 1 ] && [ "$out" = "before" ]; check "a runtime error exits 1 after the output so far" $?
[ "$err" = "$(printf 'Runtime Error: division by zero\n\tat div.tengo:4:9\n\tat div.tengo:6:1')" ]
check "the runtime error has every call's position" $?

printf 'a := 1\nb := c\n' >"$TMP/unres.tengo"
run program run "$TMP/unres.tengo"
[ "$rc" -eq 1 ] && [ "$err" = "$(printf "Compile Error: unresolved reference 'c'\n\tat unres.tengo:2:6")" ]
check "a compile error exits 1 with its position" $?
run program compile "$TMP/unres.tengo"
[ "$rc" -eq 1 ] && printf '%s' "$err" | grep -q "unresolved reference 'c'"
check "compile reports compile errors too" $?

printf 'for {}\n' >"$TMP/loop.tengo"
run program run --timeout 1 "$TMP/loop.tengo"
[ "$rc" -eq 1 ] && printf '%s' "$err" | grep -q "deadline exceeded"; check "--timeout stops an endless loop" $?

run program run --timeout x "$TMP/loop.tengo"
[ "$rc" -ne 0 ]; check "a bad --timeout is refused" $?

printf 'log := import("log")
fmt := import("fmt")
log.info("n=%%d", 7)
log["error"]("bad %%s", "x")
fmt.println(fmt.sprintf("%%03d", 5))
' >"$TMP/worker.tengo"
run program run --selfhost "$TMP/worker.tengo"
[ "$rc" -eq 0 ] && [ "$out" = "005" ] && [ "$err" = "$(printf 'info: n=7\nerror: bad x')" ]
check "--selfhost: the worker's modules, log lines on stderr" $?
run program run "$TMP/worker.tengo"
[ "$rc" -eq 1 ] && printf '%s' "$err" | grep -q "module 'log' not found"
check "without --selfhost there is no log module" $?
printf 'os := import("os")
' >"$TMP/os.tengo"
run program run --selfhost "$TMP/os.tengo"
[ "$rc" -eq 1 ] && printf '%s' "$err" | grep -q "module 'os' not found"
check "no os module for programs" $?

run program run
[ "$rc" -eq 2 ]; check "no file is a usage error (2)" $?

run program run --help
[ "$rc" -eq 0 ] && printf '%s' "$out" | grep -q "program run FILE.tengo"; check "--help prints the usage" $?

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
