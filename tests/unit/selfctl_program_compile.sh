#!/usr/bin/env bash
# selfctl_program_compile.sh SELFCTL — `selfctl program compile FILE.tengo`
# as a user runs it: a good program exits 0 and prints nothing; a bad one
# exits 1 with Tengo's message and FILE:LINE:COLUMN on stderr; misuse
# exits 2. Needs no database (run by CTest with the unit tests).
set -u
SELFCTL=$1
passed=0 failed=0
TMP=$(mktemp -d /tmp/selfhost-tengo.XXXXXX)
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
m := {a: [1, 2, 3][1:], "b c": immutable({x: 1})}
for k, v in m {
	fmt.println(k, v)
}
x := len(m) > 1 ? "many" : "few"
export {fib: fib, x: x}
TENGO
run program compile "$TMP/good.tengo"
[ "$rc" -eq 0 ] && [ -z "$out" ] && [ -z "$err" ]; check "a good program exits 0 silently" $?

printf 'a := 1\nb := 2\nc := f(a,\n\tb))\n' >"$TMP/bad.tengo"
run program compile "$TMP/bad.tengo"
[ "$rc" -eq 1 ] && [ -z "$out" ]; check "a syntax error exits 1" $?
[ "$err" = "$(printf "Parse Error: expected statement, found ')'\n\tat bad.tengo:4:4")" ]
check "the error is Tengo's, at base name:line:column" $?

printf 'x := "abc\ny := (1 +\n' >"$TMP/two.tengo"
run program compile "$TMP/two.tengo"
[ "$rc" -eq 1 ] && [ "$(printf '%s' "$err" | tail -n 1)" = "$(printf '\tat two.tengo:1:6 (and 1 more errors)')" ]
check "several errors: the first one and how many more" $?

printf 'a := 1 }\nb := ((' >"$TMP/brace.tengo"
run program compile "$TMP/brace.tengo"
[ "$rc" -eq 0 ]; check "a stray closing brace ends the program, as in Go Tengo" $?

head -c 200000 /dev/zero | tr '\0' '(' >"$TMP/deep.tengo"
run program compile "$TMP/deep.tengo"
[ "$rc" -eq 1 ] && printf '%s' "$err" | grep -q "nesting too deep"; check "hostile nesting is an error, not a crash" $?

: >"$TMP/empty.tengo"
run program compile "$TMP/empty.tengo"
[ "$rc" -eq 0 ]; check "an empty program compiles" $?

run program compile "$TMP/missing.tengo"
[ "$rc" -eq 1 ] && printf '%s' "$err" | grep -q "cannot open"; check "a missing file exits 1 with a message" $?

run program compile
[ "$rc" -eq 2 ]; check "no file is a usage error (2)" $?

run program compile --help
[ "$rc" -eq 0 ] && printf '%s' "$out" | grep -q "program compile FILE.tengo"; check "--help prints the usage" $?

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
