#!/usr/bin/env bash
# tengo.sh — CPU-bound Tengo programs (bench/tengo/*.tengo), in one command:
# builds selfctl if needed, runs every program N times with
# `selfctl program run`, checks each output against
# bench/tengo/expected/NAME.txt, and prints min / median wall time (bash's
# EPOCHREALTIME) and the peak resident set (/usr/bin/time -v) per program,
# also written to bench/results/tengo.md. With the Go Tengo CLI (TENGO_GO=/path/to/tengo)
# the same programs run with it too, run by run interleaved, and the table
# gets the ratio. bench/README.md explains every number.
#
#   bench/tengo.sh              every program, 5 runs each
#   bench/tengo.sh --quick      1 run each (to try the script)
#   bench/tengo.sh fib loop     only those programs
#
# Environment: BENCH_TENGO_RUNS (5), BENCH_TENGO_TIMEOUT (120 s a run: a
# program slower than that is reported as such and run only once),
# BENCH_BUILD (build: the build folder; selfctl is built there when it is
# missing or older than the sources), TENGO_GO (a Go Tengo CLI, optional),
# BENCH_SOURCE_REV (the revision to print when the tree is not a git clone).
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$(pwd) BENCH=$(pwd)/bench
export LC_ALL=C TZ=UTC

RUNS=${BENCH_TENGO_RUNS:-5} TIMEOUT=${BENCH_TENGO_TIMEOUT:-120}
BUILD=${BENCH_BUILD:-build} GO_TENGO=${TENGO_GO:-}
NAMES=()
for arg; do
  case $arg in
    --quick) RUNS=1 ;;
    -h|--help) sed -n '2,19p' "$BENCH/tengo.sh" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "error: unknown argument '$arg' (see --help)" >&2; exit 1 ;;
    *) [ -f "$BENCH/tengo/$arg.tengo" ] || { echo "error: no bench/tengo/$arg.tengo" >&2; exit 1; }
       NAMES+=("$arg") ;;
  esac
done
if [ ${#NAMES[@]} -eq 0 ]; then
  for f in "$BENCH"/tengo/*.tengo; do NAMES+=("$(basename "$f" .tengo)"); done
fi
[ -x /usr/bin/time ] || { echo "error: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
[ -z "$GO_TENGO" ] || [ -x "$GO_TENGO" ] || { echo "error: TENGO_GO=$GO_TENGO is not executable" >&2; exit 1; }

# ---- the build ----------------------------------------------------------------
SELFCTL=$SRC/$BUILD/selfctl/selfctl
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  echo "== configuring $BUILD (RelWithDebInfo, like the quickstart)" >&2
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
fi
cmake --build "$BUILD" -j"$(nproc)" --target selfctl > /dev/null ||
  { echo "error: building selfctl in $BUILD failed" >&2; exit 1; }
BUILD_TYPE=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD/CMakeCache.txt")

TMP=$(mktemp -d /tmp/selfhost-tengo-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
PROBLEMS=$TMP/problems; : > "$PROBLEMS"
problem() { printf -- '- %s\n' "$*" >> "$PROBLEMS"; echo "PROBLEM: $*" >&2; }

# run_once WHO NAME: one timed run; appends "seconds peak-kB" to
# $TMP/WHO.NAME and checks the output. Returns 1 on a timeout or a failure.
run_once() {
  local who=$1 name=$2 prog=$BENCH/tengo/$2.tengo rc=0 cmd
  if [ "$who" = ours ]; then cmd=("$SELFCTL" program run --timeout "$TIMEOUT" "$prog")
  else cmd=(timeout "$TIMEOUT" "$GO_TENGO" "$prog"); fi
  # wall time from bash's clock (microseconds): time -v's own has 10 ms
  # steps, most of a 70 ms run; its peak resident set is kept
  local t0=$EPOCHREALTIME t1
  /usr/bin/time -v -o "$TMP/time" "${cmd[@]}" > "$TMP/out" 2> "$TMP/err" || rc=$?
  t1=$EPOCHREALTIME
  local wall peak
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')
  peak=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$TMP/time")
  if [ "$rc" != 0 ]; then
    if grep -q 'deadline exceeded' "$TMP/err" || [ "$rc" = 124 ]; then
      echo "timeout $peak" >> "$TMP/$who.$name"
      problem "$name ($who): not done after the ${TIMEOUT} s bound (BENCH_TENGO_TIMEOUT)"
    else
      echo "failed $peak" >> "$TMP/$who.$name"
      problem "$name ($who): exit $rc: $(head -c 300 "$TMP/err" | tr '\n' ' ')"
    fi
    return 1
  fi
  if ! cmp -s "$TMP/out" "$BENCH/tengo/expected/$name.txt"; then
    problem "$name ($who): output differs from bench/tengo/expected/$name.txt: $(diff "$BENCH/tengo/expected/$name.txt" "$TMP/out" | head -n 6 | tr '\n' ' ')"
  fi
  echo "$wall $peak" >> "$TMP/$who.$name"
}

# stats FILE: "median min max-peak-kB" of the runs in FILE ("-" when none)
stats() {
  awk '$1 ~ /^[0-9.]+$/ { print }' "$1" | sort -g | awk '
    { t[NR] = $1; if ($2 > pk) pk = $2 }
    END { if (!NR) { print "- - -"; exit }
          m = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
          printf "%.3f %.3f %d\n", m, t[1], pk }'
}
# shown FILE median: the median, or why there is none
shown() {
  if [ "$2" != - ]; then echo "$2"
  elif grep -q '^timeout' "$1"; then echo "> $TIMEOUT (timeout)"
  else echo "failed"; fi
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "-" && b != "-" && b > 0) printf "%.2f", a / b; else print "-" }'; }

ROWS=$TMP/rows.md; : > "$ROWS"
for name in "${NAMES[@]}"; do
  echo "== $name ($RUNS runs$([ -n "$GO_TENGO" ] && echo ', ours and Go Tengo in turn'))" >&2
  : > "$TMP/ours.$name"; : > "$TMP/go.$name"
  ours_ok=1 go_ok=$([ -n "$GO_TENGO" ] && echo 1 || echo 0)
  for (( i = 0; i < RUNS; i++ )); do
    if [ "$ours_ok" = 1 ]; then run_once ours "$name" || ours_ok=0; fi
    if [ "$go_ok" = 1 ]; then run_once go "$name" || go_ok=0; fi
    [ "$ours_ok" = 1 ] || [ "$go_ok" = 1 ] || break
  done
  read -r om omin opk <<< "$(stats "$TMP/ours.$name")"
  [ "$opk" != - ] || opk=$(awk '{ print $2 }' "$TMP/ours.$name" | sort -n | tail -n 1)
  if [ -n "$GO_TENGO" ]; then
    read -r gm gmin gpk <<< "$(stats "$TMP/go.$name")"
    [ "$gpk" != - ] || gpk=$(awk '{ print $2 }' "$TMP/go.$name" | sort -n | tail -n 1)
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$(grep -c . "$TMP/ours.$name")" \
      "$(shown "$TMP/ours.$name" "$om")" "$omin" "$opk" "$(shown "$TMP/go.$name" "$gm")" "$gmin" "$gpk" \
      "$(ratio "$om" "$gm")" >> "$ROWS"
  else
    printf '| %s | %s | %s | %s | %s |\n' "$name" "$(grep -c . "$TMP/ours.$name")" \
      "$(shown "$TMP/ours.$name" "$om")" "$omin" "$opk" >> "$ROWS"
  fi
done

REPORT=$TMP/report.md
{
  echo "# selfhost Tengo CPU benchmark"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "- machine: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) cores," \
       "$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, kernel $(uname -r)"
  echo "- ours: \`$BUILD/selfctl/selfctl program run\` ($BUILD_TYPE build, $(${CC:-cc} --version | head -n 1)), source ${BENCH_SOURCE_REV:-$(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo '?')}$(git -C "$SRC" status --porcelain -- worker 2>/dev/null | grep -q . && echo ' + uncommitted changes in worker/')"
  [ -z "$GO_TENGO" ] || echo "- Go Tengo: \`$GO_TENGO\` ($("$GO_TENGO" -version 2>/dev/null || echo 'version not printed'))"
  echo
  echo "Whole process, wall seconds (start-up, compile and run; bash's EPOCHREALTIME around the run), $RUNS runs;" \
       "peak = largest maximum resident set (/usr/bin/time -v) over the runs. Every output is checked against bench/tengo/expected/."
  echo
  if [ -n "$GO_TENGO" ]; then
    echo "| program | runs | ours median s | ours min s | ours peak kB | Go median s | Go min s | Go peak kB | ours/Go |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  else
    echo "| program | runs | median s | min s | peak kB |"
    echo "|---|---:|---:|---:|---:|"
  fi
  cat "$ROWS"
  echo
  if [ -z "$GO_TENGO" ]; then
    echo "No Go Tengo CLI given (TENGO_GO), so no ratio: bench/README.md says how to get one and gives" \
         "the reference's own published figure for fib35."
    echo
  fi
  echo "## Problems seen"
  echo
  if [ -s "$PROBLEMS" ]; then cat "$PROBLEMS"; else echo "none: every run finished and printed the expected output"; fi
} > "$REPORT"
mkdir -p "$BENCH/results"
cp "$REPORT" "$BENCH/results/tengo.md"
echo
cat "$REPORT"
echo
echo "(written to bench/results/tengo.md)"
